"""The region lookup list of the de-identification of open answers.

``peo/data/region_lookup.yml`` names the region's municipalities, districts, teams and
youth-care organisations, which deduce does not know. :func:`load_region_lookup` reads and
checks it; :meth:`RegionLookup.patterns` compiles the names into regular expressions that
:mod:`peo.tables.deid` adds to deduce's pipeline and :mod:`peo.tables.identifiers` uses as a
check afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from peo import paths
from peo.errors import ConfigError
from peo.yamltext import load_yaml

__all__ = ["REGION_LOOKUP_PATH", "RegionLookup", "load_region_lookup", "norm"]

REGION_LOOKUP_PATH = paths.package_data("region_lookup.yml")


def norm(s: str) -> str:
    """Key under which two spellings count as the same string: case-folded, single spaces."""
    return " ".join(str(s).split()).casefold()


@dataclass(frozen=True)
class RegionLookup:
    """The region's names, read from ``peo/data/region_lookup.yml``.

    Attributes
    ----------
    locations : tuple of str
        Municipalities, adjectives, towns and districts (tag ``[LOCATIE-n]``).
    organisations : tuple of str
        Certified institutions and providers (tag ``[ORGANISATIE-n]``).
    team_prefixes : tuple of str
        Kinds of local team ("Sociaal Wijkteam", "CJG"); a prefix followed by a location
        or an extra area is a named team (tag ``[ORGANISATIE-n]``).
    team_areas : tuple of str
        The areas a team can be named after: the locations and ``teams.extra_areas``.
    organisation_patterns : tuple of str
        Case-sensitive regular expressions that find further organisation names.
    exact_case : frozenset of str
        Names that only match when written exactly so (they are also ordinary words).
    keep : frozenset of str
        Case-folded texts that are never redacted (the region's own name).
    path : Path
        The file read.
    """

    locations: tuple[str, ...]
    organisations: tuple[str, ...]
    team_prefixes: tuple[str, ...]
    team_areas: tuple[str, ...]
    organisation_patterns: tuple[str, ...]
    exact_case: frozenset[str]
    keep: frozenset[str]
    path: Path

    def patterns(self) -> list[tuple[str, re.Pattern]]:
        """Compiled ``(kind, regex)`` pairs that find the names in a text.

        ``kind`` is ``locatie`` or ``organisatie``. Names match as whole words; case is
        ignored except for ``exact_case`` names and ``organisation_patterns``; a space or
        hyphen in a name matches a space or hyphen in the text ("Leidschendam Voorburg"),
        an apostrophe any apostrophe.
        """
        out: list[tuple[str, re.Pattern]] = []
        for kind, names in (("locatie", self.locations), ("organisatie", self.organisations)):
            for exact in (False, True):
                chosen = [n for n in names if (n in self.exact_case) == exact]
                if chosen:
                    flags = 0 if exact else re.IGNORECASE
                    out.append((kind, re.compile(rf"(?<!\w)(?:{_alternation(chosen)})(?!\w)", flags)))
        if self.team_prefixes and self.team_areas:
            team = rf"(?<!\w)(?:{_alternation(self.team_prefixes)}){_SEP}(?:{_alternation(self.team_areas)})(?!\w)"
            out.append(("organisatie", re.compile(team, re.IGNORECASE)))
        out += [("organisatie", re.compile(p)) for p in self.organisation_patterns]
        return out


# A space or hyphen inside a name matches any run of spaces and hyphens in the text.
_SEP = r"(?:\s*[-\u2010-\u2013]\s*|\s+)"


def _name_regex(name: str) -> str:
    """Regex for one name: separators and apostrophes are matched loosely."""
    parts = re.split(r"(\s*-\s*|\s+|['\u2018\u2019`])", name.strip())
    out = []
    for part in parts:
        if not part:
            continue
        if part.strip() in ("", "-"):
            out.append(_SEP)
        elif part in ("'", "\u2018", "\u2019", "`"):
            out.append("['\u2018\u2019`]?")
        else:
            out.append(re.escape(part))
    return "".join(out)


def _alternation(names) -> str:
    """Alternation of names, longest first (a regex alternation takes the first that fits)."""
    return "|".join(_name_regex(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


def _string_list(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty names (text), one per line starting with '-'.")
    return [v.strip() for v in value]


def _nested_lists(section, where: str) -> list[str]:
    """A section is either a list of names or a mapping of sub-lists of names."""
    if section is None:
        return []
    if isinstance(section, list):
        return _string_list(section, where)
    if isinstance(section, dict):
        out: list[str] = []
        for key, value in section.items():
            out += _string_list(value, f"{where}.{key}")
        return out
    raise ConfigError(f"{where}: expected a list of names or named lists of names.")


def load_region_lookup(path: str | Path | None = None) -> RegionLookup:
    """Read and check the region lookup list.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; default ``peo/data/region_lookup.yml``.

    Returns
    -------
    RegionLookup

    Raises
    ------
    ConfigError
        If the file is missing or is not valid YAML, a list holds something other than
        names, an organisation pattern is not a valid regular expression, or an
        ``exact_case`` name appears in none of the lists.
    """
    path = Path(path) if path is not None else REGION_LOOKUP_PATH
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"The region lookup list {path} does not exist.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The region lookup list {path} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'locations', 'organisations' and 'teams'.")

    locations = _nested_lists(data.get("locations"), f"{path}: locations")
    orgs_section = data.get("organisations") or {}
    patterns: list[str] = []
    if isinstance(orgs_section, dict):
        patterns = _string_list(orgs_section.get("patterns"), f"{path}: organisations.patterns")
        orgs_section = {k: v for k, v in orgs_section.items() if k != "patterns"}
    organisations = _nested_lists(orgs_section, f"{path}: organisations")
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ConfigError(
                f"{path}: organisations.patterns: {p!r} is not a valid regular expression ({exc}). Fix or remove it."
            ) from None

    teams = data.get("teams") or {}
    if not isinstance(teams, dict):
        raise ConfigError(f"{path}: 'teams' must be a mapping with 'prefixes' and 'extra_areas'.")
    prefixes = _string_list(teams.get("prefixes"), f"{path}: teams.prefixes")
    areas = locations + _string_list(teams.get("extra_areas"), f"{path}: teams.extra_areas")

    exact = _string_list(data.get("exact_case"), f"{path}: exact_case")
    known = set(locations) | set(organisations)
    unknown = [e for e in exact if e not in known]
    if unknown:
        raise ConfigError(
            f"{path}: exact_case lists {unknown}, which appear in none of the lists of names. "
            "Add them to a list or remove them from exact_case."
        )
    keep = _string_list(data.get("keep"), f"{path}: keep")
    return RegionLookup(
        locations=tuple(dict.fromkeys(locations)),
        organisations=tuple(dict.fromkeys(organisations)),
        team_prefixes=tuple(dict.fromkeys(prefixes)),
        team_areas=tuple(dict.fromkeys(areas)),
        organisation_patterns=tuple(patterns),
        exact_case=frozenset(exact),
        keep=frozenset(norm(k) for k in keep),
        path=path.resolve(),
    )
