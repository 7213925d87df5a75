"""Open answers: de-identification, safe display and theme coding.

Three steps turn the open answers of a wave into something that can be published:

1. :func:`deidentify` replaces names, places, organisations, e-mail addresses, phone
   numbers and URLs by bracketed Dutch tags (``[PERSOON-1]``, ``[ORGANISATIE-2]``,
   ``[LOCATIE-1]``, ``[EMAIL-1]``, ``[TELEFOON-1]``, ``[URL-1]``, ...). It uses ``deduce``,
   the Dutch de-identification library, extended with a lookup list of the region's
   municipalities, districts, teams and youth-care organisations
   (``peo/data/region_lookup.yml``). The same string gets the same tag in every answer
   passed in one call, so pass all open answers of a wave together.
2. :func:`html_safe` and :func:`csv_safe` make an answer safe to show: HTML is escaped,
   spreadsheet formulas are neutralised. Answers are always shown as text.
3. :func:`code_themes` codes answers into themes with the reviewable rules of
   ``codebooks/open_themes.yml``; :func:`theme_counts` counts them per employer type for
   disclosure control (``peo.tables.disclosure``), and :func:`example_quotes` picks a few short,
   de-identified, HTML-safe quotes per theme.

Privacy
-------
The ``mapping`` returned by :func:`deidentify` (tag to original text) is **personal data**:
it must never be published, printed in a notebook, or written under
``data/processed/<wave>/tables/``. It is hidden from the ``repr`` of
:class:`Deidentified` for that reason. De-identification is rule-based and never perfect;
:func:`residual_identifiers` is a second check for what must never slip through.
"""

from __future__ import annotations

import atexit
import functools
import html
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from peo import paths
from peo.errors import CodebookError, ConfigError

__all__ = [
    "Deidentified",
    "deidentify",
    "warm_up",
    "RegionLookup",
    "load_region_lookup",
    "residual_identifiers",
    "html_safe",
    "csv_safe",
    "safe_text",
    "Theme",
    "Coding",
    "load_themes",
    "code_themes",
    "theme_counts",
    "example_quotes",
]

REGION_LOOKUP_PATH = paths.package_data("region_lookup.yml")

# deduce's tags (and the ones added here) -> the kind used in our bracketed tags. The tag
# in a published answer is ``[<KIND>-<n>]``; the mapping's ``kind`` column is the
# lower-case kind. A deduce tag not listed here keeps its own name in upper case.
TAG_KINDS: dict[str, str] = {
    "persoon": "PERSOON",
    "patient": "PERSOON",
    "regio_organisatie": "ORGANISATIE",
    "zorginstelling": "ORGANISATIE",
    "ziekenhuis": "ORGANISATIE",
    "locatie": "LOCATIE",
    "regio_locatie": "LOCATIE",
    "emailadres": "EMAIL",
    "telefoonnummer": "TELEFOON",
    "telefoonnummer_nl": "TELEFOON",
    "url": "URL",
    "datum": "DATUM",
    "leeftijd": "LEEFTIJD",
    "bsn": "BSN",
    "id": "NUMMER",
}

# Priority of the annotations added here. deduce's own annotators use 0 (streets 1, BSN
# 100); a region name or phone number found here wins over deduce's guess for the same
# span ("Jeugdbescherming Gelderland" is an organisation, not a person).
_REGION_PRIORITY = 10

# E-mail addresses and URLs are redacted whole, even where a region name or a person's
# name inside them ("www.youz.nl", "j.devries@...") is found too.
_STRUCTURED_TAGS = {"emailadres", "url"}
_STRUCTURED_PRIORITY = 20

# Dutch phone numbers: 0 or +31/0031, then nine digits with optional separators. deduce's
# own phone annotator misses "070 123 4567" and tags the "98765432" of "+31 6 98765432" as
# an identifier, leaving "+31 6" behind; this pattern catches the whole number.
_PHONE_PATTERN = (
    r"(?<![\w+])(?:(?:\+|00)\s?31[\s.\-]?(?:\(0\)[\s.\-]?)?|\(?0)"
    r"(?:\d[\s.\-/)]{0,3}){8}\d(?!\d)"
)

# Belt and braces after deduce: patterns that must never appear in a published answer.
_RESIDUAL_PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"),
    "url": re.compile(
        r"(?i)\b(?:https?://|www\.)\S+|(?<![@\w.\-])[\w\-]+(?:\.[\w\-]+)*\.(?:nl|com|org|net|eu|info|be|de|nu|io)\b"
    ),
    # Eight or more digits with separators, or a Dutch country code: a phone number.
    "telefoon": re.compile(r"(?:\+|\b00)31|\d(?:[\s.\-/()]{0,2}\d){7,}"),
}

# Words stripped from the edges of a name fragment that is left over when a region name
# is cut out of a longer deduce annotation ("Fatima van" + "Youz" -> "Fatima").
_EDGE_WORDS = {
    "van", "de", "der", "den", "het", "bij", "in", "op", "te", "ten", "ter", "voor",
    "naar", "met", "en", "of", "uit", "aan", "'t",
}

# ============================================================================ region lookup


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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        keep=frozenset(_norm(k) for k in keep),
        path=path.resolve(),
    )


# ============================================================================ deduce pipeline


def _norm(s: str) -> str:
    """Key under which two spellings count as the same string: case-folded, single spaces."""
    return " ".join(str(s).split()).casefold()


def _import_deduce():
    """Import deduce without letting it reconfigure logging.

    ``deduce/deduce.py`` calls ``logging.basicConfig(stream=sys.stdout, level=DEBUG)`` on
    import, which would flood notebooks and the command line with other libraries' debug
    messages. Restore the root logger as it was.
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import deduce  # noqa: PLC0415 (lazy: importing it is slow and only needed here)

    for h in root.handlers[:]:
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    return deduce


def _annotation_processors():
    """The docdeid components added to deduce's pipeline (defined lazily: docdeid is only
    imported when de-identification is used)."""
    import docdeid as dd  # noqa: PLC0415

    class KeepAnnotations(dd.process.AnnotationProcessor):
        """Drop annotations whose whole text is a name that must never be redacted."""

        def __init__(self, keep: frozenset[str]) -> None:
            self.keep = keep

        def process_annotations(self, annotations, text):
            return dd.AnnotationSet(a for a in annotations if _norm(a.text) not in self.keep)

    class CoveragePreservingOverlapResolver(dd.process.AnnotationProcessor):
        """Resolve overlapping annotations without un-redacting any text.

        deduce's own ``OverlapResolver`` drops the losing annotation of an overlap
        altogether: when a region name (higher priority) overlaps a longer person
        annotation ("Fatima van Youz"), "Fatima" would be published. Here annotations are
        accepted by priority, then length; what is left of a losing annotation outside the
        accepted ones is kept as a new annotation with its own tag. deduce's resolver then
        has no overlap left to resolve.
        """

        def process_annotations(self, annotations, text):
            ordered = sorted(annotations, key=lambda a: (-_rank(a), -a.length, a.start_char, a.tag))
            taken: list[tuple[int, int]] = []
            out = []
            for a in ordered:
                pieces = [(a.start_char, a.end_char)]
                for s, e in taken:
                    pieces = [q for p in pieces for q in ((p[0], min(p[1], s)), (max(p[0], e), p[1])) if q[0] < q[1]]
                whole = pieces == [(a.start_char, a.end_char)]
                for s, e in pieces:
                    if not whole:
                        s, e = _trim_fragment(text, s, e)
                        if s >= e:
                            continue
                    taken.append((s, e))
                    out.append(dd.Annotation(text=text[s:e], start_char=s, end_char=e, tag=a.tag, priority=a.priority))
            return dd.AnnotationSet(out)

    class LowercaseFullNameAnnotator(dd.process.Annotator):
        """Find full names typed without capitals ("jan de vries"), which deduce misses.

        deduce recognises names by their capitals. An answer typed in lower case
        would keep its names, so a first name from deduce's own lookup list followed by a
        surname (optionally after an interfix such as "de" or "van der") is tagged as a
        person when the words are written in lower case and none of them is on deduce's
        whitelist of ordinary words. Requiring both parts keeps ordinary words such as
        "mark" or "roos" alone untouched.
        """

        _word = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")

        def __init__(self, lookup_structs, tag: str = "persoon") -> None:
            ds = lookup_structs
            self.whitelist = set(ds["whitelist"].items())
            self.first = {k.lower() for k, c in ds["first_name"].children.items() if c.is_terminal} - self.whitelist
            self.surname = {k.lower() for k, c in ds["surname"].children.items() if c.is_terminal} - self.whitelist
            self.after_interfix = ({x.lower() for x in ds["interfix_surname"].items()} | self.surname) - self.whitelist
            self.interfix = {x.lower() for x in ds["interfix"].items()}
            super().__init__(tag=tag, priority=0)

        def annotate(self, doc):
            text = doc.text
            words = [(m.start(), m.end(), m.group()) for m in self._word.finditer(text)]
            out = []
            for i, (start, _, w) in enumerate(words):
                if w != w.lower() or w not in self.first:
                    continue
                end = None
                if i + 1 < len(words) and words[i + 1][2] in self.surname:
                    end = words[i + 1][1]
                for k in (2, 1):  # interfix of two words ("van der") or one ("de")
                    j = i + 1 + k
                    if end is None and j < len(words):
                        inter = " ".join(x[2] for x in words[i + 1 : j])
                        if inter in self.interfix and words[j][2] in self.after_interfix:
                            end = words[j][1]
                if end is not None and text[start:end] == text[start:end].lower():
                    out.append(dd.Annotation(text=text[start:end], start_char=start, end_char=end,
                                             tag=self.tag, priority=self.priority))
            return out

    class StripPersonPrefix(dd.process.AnnotationProcessor):
        """Leave a title or "collega" before a name visible: "collega [PERSOON-1]".

        deduce includes prefixes from its lookup list ("collega", "mevrouw", "dhr.") in a
        person annotation. They identify nobody, and "collega" matters for theme coding,
        so they are moved out of the annotation when a name remains.
        """

        def __init__(self, prefixes) -> None:
            alternation = "|".join(re.escape(p) for p in sorted(set(prefixes), key=len, reverse=True))
            self.prefix = re.compile(rf"(?:(?:{alternation})(?:\s+|(?<=\.)))+") if alternation else None

        def process_annotations(self, annotations, text):
            out = []
            for a in annotations:
                m = self.prefix.match(a.text) if self.prefix is not None and a.tag in ("persoon", "patient") else None
                if m and re.search(r"\w", a.text[m.end() :]):
                    s = a.start_char + m.end()
                    a = dd.Annotation(text=text[s : a.end_char], start_char=s, end_char=a.end_char,
                                      tag=a.tag, priority=a.priority)
                out.append(a)
            return dd.AnnotationSet(out)

    return KeepAnnotations, CoveragePreservingOverlapResolver, LowercaseFullNameAnnotator, StripPersonPrefix


def _rank(annotation) -> int:
    """Priority in overlap resolution: e-mail addresses and URLs contain names and win."""
    return _STRUCTURED_PRIORITY if annotation.tag in _STRUCTURED_TAGS else annotation.priority


def _trim_fragment(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces, punctuation and edge function words from a left-over name fragment."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\w+(?:['\-]\w+)*", text[start:end])]
    while words and text[words[0][0] : words[0][1]].lower() in _EDGE_WORDS:
        words.pop(0)
    while words and text[words[-1][0] : words[-1][1]].lower() in _EDGE_WORDS:
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


@functools.lru_cache(maxsize=1)
def _deidentifier(lookup_path: str):
    """One deduce instance per process and lookup file, extended with the region lookup."""
    deduce = _import_deduce()
    import docdeid as dd  # noqa: PLC0415

    lookup = load_region_lookup(lookup_path)
    # deduce's lookup structures are millions of small objects (unpickled from its cache).
    # With the garbage collector on, the allocations trigger full collections that walk
    # all of them again and again while they load (about 6 s instead of 1.4 s), and every
    # full collection afterwards would walk them too. So: collect what is garbage now
    # (cheap: the heap is still small), load with the collector off, then freeze, which
    # moves every object that exists out of the collector's reach; they live for the
    # process anyway.
    import gc  # noqa: PLC0415

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = deduce.Deduce()
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    KeepAnnotations, Resolver, LowercaseFullName, StripPersonPrefix = _annotation_processors()

    # The region's names are matched with docdeid's RegexpAnnotator rather than its
    # token-based MultiTokenLookupAnnotator: deduce's tokenizer merges interfixes with
    # the word before ("in den haag" -> "in den", "haag"), so a token lookup of "den
    # haag" misses, and docdeid 1.0.1's LookupTrie lower-cases only the first word of a
    # value when it is added, so case-insensitive multi-word values never match.
    region = dd.process.DocProcessorGroup()
    for i, (kind, rx) in enumerate(lookup.patterns()):
        region.add_processor(
            f"region_{kind}_{i}",
            dd.process.RegexpAnnotator(regexp_pattern=rx, tag=f"regio_{kind}", priority=_REGION_PRIORITY),
        )
    region.add_processor("lowercase_full_name", LowercaseFullName(model.lookup_structs))
    region.add_processor(
        "phone_nl",
        dd.process.RegexpAnnotator(regexp_pattern=_PHONE_PATTERN, tag="telefoonnummer_nl", priority=_REGION_PRIORITY),
    )
    region.add_processor("keep", KeepAnnotations(lookup.keep))
    region.add_processor("coverage_preserving_overlap", Resolver())
    region.add_processor("strip_person_prefix", StripPersonPrefix(model.lookup_structs["prefix"].items()))

    # deduce's documented way to extend it: add processors to ``Deduce.processors`` at a
    # position before its post-processing (overlap resolution, merging, redaction).
    names = model.processors.get_names(recursive=False)
    model.processors.add_processor("region", region, position=names.index("post_processing"))
    return model


# Free the pipeline explicitly at exit: left to interpreter shutdown, tearing down deduce's
# lookup tries (millions of small objects) takes about 8 seconds instead of 0.3.
atexit.register(_deidentifier.cache_clear)


def warm_up() -> None:
    """Build (or load from deduce's cache) the de-identification pipeline once.

    Raises
    ------
    ConfigError
        If the region lookup list is malformed.
    """
    _deidentifier(str(REGION_LOOKUP_PATH))


@dataclass(frozen=True)
class Deidentified:
    """Result of :func:`deidentify`.

    Attributes
    ----------
    text : pandas.Series
        The de-identified answers (dtype ``string``), same index and order as the input;
        missing answers stay missing.
    mapping : pandas.DataFrame
        **PRIVATE, never publish.** One row per distinct original string: ``tag`` (e.g.
        ``[PERSOON-1]``), ``original`` (the text it replaced, as written the first time),
        ``kind`` (``persoon``, ``organisatie``, ``locatie``, ``email``, ``telefoon``,
        ``url``, ``datum``, ``leeftijd``, ...). Left out of ``repr`` so that printing the
        result in a notebook does not publish it.
    """

    text: pd.Series
    mapping: pd.DataFrame = field(repr=False)


def deidentify(texts: pd.Series, *, lookup_path: str | Path | None = None) -> Deidentified:
    """Replace identifying details in open answers by consistent bracketed tags.

    ``deduce`` finds names, places, institutions, dates, ages, phone numbers, e-mail
    addresses and URLs; the region lookup (``peo/data/region_lookup.yml``) adds the
    region's municipalities, districts, teams and youth-care organisations and takes
    precedence where both tag the same words. Every distinct string (case and spacing
    ignored) of one kind gets one tag, numbered in order of first appearance: the same
    person is ``[PERSOON-1]`` in every answer of the call. Pass all open answers of a wave
    in one call, e.g. ``deidentify(df[open_cols].stack())`` and ``.unstack()`` the result.

    Parameters
    ----------
    texts : pandas.Series
        Answers (any index: ``pid``, or ``(pid, item)`` for stacked items). Missing values
        stay missing; other non-text values are converted to text.
    lookup_path : str or Path, optional
        Another region lookup list (default: the package's).

    Returns
    -------
    Deidentified
        ``text`` (publishable after :func:`html_safe`) and ``mapping`` (PRIVATE).

    Raises
    ------
    ConfigError
        If the region lookup list is malformed.
    TypeError
        If ``texts`` is not a pandas Series.
    """
    if not isinstance(texts, pd.Series):
        raise TypeError(f"deidentify() expects a pandas Series of answers, not {type(texts).__name__}.")
    model = _deidentifier(str(Path(lookup_path).resolve() if lookup_path else REGION_LOOKUP_PATH))
    tags: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    rows: list[dict] = []
    seen_rows: set[tuple[str, str]] = set()
    out: list = []
    # deduce's result depends on the text alone, and a repeated text finds its tags already
    # given, so each distinct text is de-identified once (answers such as "Meer personeel."
    # recur often in a large wave); the output is the same as without this cache.
    done: dict[str, str] = {}
    for value in texts.tolist():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(pd.NA)
            continue
        text = str(value)
        if not text.strip():
            out.append(text)
            continue
        if text in done:
            out.append(done[text])
            continue
        doc = model.deidentify(text, disabled={"redactor"})
        parts, pos = [], 0
        for ann in sorted(doc.annotations, key=lambda a: a.start_char):
            kind = TAG_KINDS.get(ann.tag, ann.tag.upper())
            key = (kind, _norm(ann.text))
            if key not in tags:
                counters[kind] = counters.get(kind, 0) + 1
                tags[key] = f"[{kind}-{counters[kind]}]"
            tag = tags[key]
            if (tag, ann.text) not in seen_rows:
                seen_rows.add((tag, ann.text))
                rows.append({"tag": tag, "original": ann.text, "kind": kind.lower()})
            parts += [text[pos : ann.start_char], tag]
            pos = ann.end_char
        parts.append(text[pos:])
        done[text] = "".join(parts)
        out.append(done[text])
    result = pd.Series(out, index=texts.index, name=texts.name, dtype="string")
    mapping = pd.DataFrame(rows, columns=["tag", "original", "kind"]).astype("string")
    return Deidentified(text=result, mapping=mapping)


@functools.lru_cache(maxsize=4)
def _region_patterns(lookup_path: str) -> tuple[re.Pattern, ...]:
    return tuple(rx for _, rx in load_region_lookup(lookup_path).patterns())


def residual_identifiers(text: str, *, lookup_path: str | Path | None = None) -> list[str]:
    """Kinds of identifying detail still present in a (de-identified) text.

    A check after :func:`deidentify`, independent of deduce: e-mail addresses, URLs,
    phone numbers (eight or more digits, or a +31/0031 country code) and any name of the
    region lookup list.

    Parameters
    ----------
    text : str
        The text to check.
    lookup_path : str or Path, optional
        Another region lookup list (default: the package's).

    Returns
    -------
    list of str
        Subset of ``["email", "url", "telefoon", "regio"]``; empty when nothing is found.

    Raises
    ------
    ConfigError
        If the region lookup list is malformed.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    text = str(text)
    found = [kind for kind, rx in _RESIDUAL_PATTERNS.items() if rx.search(text)]
    region = _region_patterns(str(Path(lookup_path).resolve() if lookup_path else REGION_LOOKUP_PATH))
    if any(rx.search(text) for rx in region):
        found.append("regio")
    return found


# ============================================================================ safe display

# Characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection"):
# = + - @ tab and carriage return, plus their full-width forms.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def html_safe(s) -> str:
    """Escape an answer for an HTML or Markdown page, so that it is shown as text.

    ``<``, ``>``, ``&`` and quotes become entities (:func:`html.escape` with
    ``quote=True``). Insert the result verbatim; escaping it again would show the entities.
    Missing values become ``""``.

    Parameters
    ----------
    s : str or None

    Returns
    -------
    str
    """
    if s is None or (not isinstance(s, str) and pd.isna(s)):
        return ""
    return html.escape(str(s), quote=True)


def csv_safe(s) -> str:
    """Neutralise a spreadsheet formula at the start of an answer written to CSV.

    Following the OWASP advice on CSV injection, a value whose first non-blank character
    is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
    so that spreadsheets show it as text. The CSV writer still does the quoting. Missing
    values become ``""``.

    Parameters
    ----------
    s : str or None

    Returns
    -------
    str
    """
    if s is None or (not isinstance(s, str) and pd.isna(s)):
        return ""
    s = str(s)
    if s.lstrip(" ").startswith(_FORMULA_START):
        return "'" + s
    return s


def safe_text(s, mode: str = "html") -> str:
    """Make an answer safe to show: ``mode="html"`` (:func:`html_safe`) or ``"csv"`` (:func:`csv_safe`).

    Raises
    ------
    ValueError
        If ``mode`` is neither ``"html"`` nor ``"csv"``.
    """
    if mode == "html":
        return html_safe(s)
    if mode == "csv":
        return csv_safe(s)
    raise ValueError(f"safe_text(): mode must be 'html' or 'csv', not {mode!r}.")


# ============================================================================ themes


@dataclass(frozen=True)
class Theme:
    """One theme of a coding: id, labels, description and its matching rules."""

    id: str
    nl: str
    en: str
    description_nl: str
    patterns: tuple[str, ...]
    regex: re.Pattern | None = field(default=None, repr=False, compare=False)

    def matches(self, normalised_text: str) -> bool:
        """Whether the (accent-free) text matches one of the theme's patterns."""
        return self.regex is not None and self.regex.search(normalised_text) is not None


@dataclass(frozen=True)
class Coding:
    """A theme codebook for one kind of open question (``barriers``, ``solutions``, ...).

    ``themes`` ends with the automatic "other" theme, which has no patterns and is given
    to every answer that matches no other theme.
    """

    name: str
    nl: str
    en: str
    themes: tuple[Theme, ...]
    non_answers: tuple[re.Pattern, ...] = field(default=(), repr=False)

    @property
    def other(self) -> Theme:
        return self.themes[-1]

    def labels(self) -> dict[str, str]:
        """Theme id to Dutch label, in codebook order."""
        return {t.id: t.nl for t in self.themes}


def _fold(s: str) -> str:
    """Remove accents ("cliënt" -> "client") so that patterns need not spell them."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _theme_regex(patterns: list[str], where: str) -> re.Pattern:
    compiled = []
    for p in patterns:
        if not isinstance(p, str) or not p.strip():
            raise CodebookError(f"{where}: every pattern must be a non-empty text; found {p!r}.")
        try:
            re.compile(_fold(p))
        except re.error as exc:
            raise CodebookError(
                f"{where}: pattern {p!r} is not a valid regular expression ({exc}). "
                "Fix it in the theme codebook; a literal dot or bracket needs a backslash."
            ) from None
        compiled.append(f"(?<!\\w)(?:{_fold(p)})")
    return re.compile("|".join(compiled), re.IGNORECASE)


def _theme_fields(d, where: str, need_patterns: bool) -> dict:
    if not isinstance(d, dict):
        raise CodebookError(f"{where}: a theme must be a mapping with id, nl, en, description_nl and patterns.")
    for key in ("id", "nl", "en", "description_nl") + (("patterns",) if need_patterns else ()):
        if d.get(key) in (None, "", []):
            raise CodebookError(f"{where}: the field {key!r} is missing. Add it to the theme codebook.")
    return d


def load_themes(path: str | Path | None = None) -> dict[str, Coding]:
    """Read and check the theme codebook of the open answers.

    The file (default ``codebooks/open_themes.yml``) holds the codings named in the
    ``coding:`` field of the open items of each wave's ``theme.yml``. Each theme has an
    ``id``, Dutch and English labels, a Dutch description and ``patterns``: regular
    expressions matched case-insensitively, without accents, at the start of a word (so
    ``regel`` matches "regels" and "regelgeving" but not "onregelmatig"; write ``\\w*regel``
    to match inside a compound, end with ``\\b`` for a whole word). The file's ``other``
    theme is added to every coding for answers that match no theme; ``non_answers`` are
    answers that are not answers at all ("nvt", "geen") and are not coded.

    Parameters
    ----------
    path : str or Path, optional
        The theme codebook; default ``codebooks/open_themes.yml`` under the repository root.

    Returns
    -------
    dict of str to Coding
        Coding name to :class:`Coding`, in file order.

    Raises
    ------
    CodebookError
        If the file is missing or not valid YAML, a field is missing, a theme id or label
        is used twice within a coding or clashes with the ``other`` theme, or a pattern is
        not a valid regular expression. The message names the file, coding and theme.
    """
    path = Path(path) if path is not None else paths.codebook_dir() / "open_themes.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"The theme codebook {path} does not exist.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CodebookError(f"The theme codebook {path} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("codings"), dict) or not data["codings"]:
        raise CodebookError(f"{path}: expected a mapping with 'other', 'non_answers' and a non-empty 'codings' mapping.")
    other_d = _theme_fields(data.get("other"), f"{path}, theme 'other'", need_patterns=False)
    other = Theme(str(other_d["id"]), str(other_d["nl"]), str(other_d["en"]), str(other_d["description_nl"]), ())
    non_answers = []
    for p in data.get("non_answers") or []:
        try:
            non_answers.append(re.compile(_fold(str(p)), re.IGNORECASE))
        except re.error as exc:
            raise CodebookError(f"{path}, non_answers: {p!r} is not a valid regular expression ({exc}).") from None

    codings: dict[str, Coding] = {}
    for name, cdef in data["codings"].items():
        cw = f"{path}, coding {name!r}"
        if not isinstance(cdef, dict) or not isinstance(cdef.get("themes"), list) or not cdef["themes"]:
            raise CodebookError(f"{cw}: expected a mapping with nl, en and a non-empty list of 'themes'.")
        themes: list[Theme] = []
        ids: set[str] = {other.id}
        labels: set[str] = {other.nl}
        for n, tdef in enumerate(cdef["themes"], start=1):
            tid = tdef.get("id") if isinstance(tdef, dict) else None
            tw = f"{cw}, theme {tid or n!r}"
            _theme_fields(tdef, tw, need_patterns=True)
            tid = str(tid)
            if tid in ids:
                raise CodebookError(
                    f"{cw}: theme id {tid!r} is used twice (or clashes with the 'other' theme). "
                    "Every theme id in a coding must be unique."
                )
            if str(tdef["nl"]) in labels:
                raise CodebookError(f"{tw}: the Dutch label {tdef['nl']!r} is used twice in this coding. Make it unique.")
            ids.add(tid)
            labels.add(str(tdef["nl"]))
            pats = tdef["patterns"]
            if not isinstance(pats, list):
                raise CodebookError(f"{tw}: 'patterns' must be a list of regular expressions.")
            themes.append(
                Theme(tid, str(tdef["nl"]), str(tdef["en"]), str(tdef["description_nl"]), tuple(map(str, pats)),
                      _theme_regex(pats, tw))
            )
        codings[str(name)] = Coding(
            str(name), str(cdef.get("nl", name)), str(cdef.get("en", name)), tuple(themes) + (other,), tuple(non_answers)
        )
    return codings


def _get_coding(coding: str, themes: dict[str, Coding] | None) -> Coding:
    themes = load_themes() if themes is None else themes
    if coding not in themes:
        raise CodebookError(
            f"The theme codebook has no coding {coding!r} (named in an open item's 'coding:' field). "
            f"Known codings: {', '.join(themes) or 'none'}."
        )
    return themes[coding]


def code_themes(texts: pd.Series, coding: str, themes: dict[str, Coding] | None = None) -> pd.DataFrame:
    """Code open answers into themes.

    An answer gets every theme one of whose patterns it matches, or the "other" theme
    (``overig``) when it matches none. Missing, empty and non-answers ("nvt", "geen",
    see ``non_answers`` in the codebook) are not coded.

    Parameters
    ----------
    texts : pandas.Series
        Answers indexed by respondent (``pid``). De-identified or not: tags do not match
        any pattern.
    coding : str
        Name of the coding (``barriers``, ``solutions``, ``expectations``).
    themes : dict, optional
        Result of :func:`load_themes`; default: the repository's theme codebook.

    Returns
    -------
    pandas.DataFrame
        Long, one row per answer and theme, in answer order then codebook order, with
        columns ``pid`` (the Series' index label), ``theme`` (categorical: every theme id
        of the coding, ``overig`` last) and ``theme_label`` (categorical Dutch labels, in
        the same order).

    Raises
    ------
    CodebookError
        If the coding does not exist or the theme codebook is malformed.
    """
    c = _get_coding(coding, themes)
    rows = []
    coded: dict[str, list[Theme]] = {}  # each distinct answer is matched once (large waves repeat answers)
    for pid, value in texts.items():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        text = str(value)
        hits = coded.get(text)
        if hits is None:
            norm = _fold(" ".join(text.split())).casefold()
            if not norm or any(rx.fullmatch(norm.strip(" .!?")) for rx in c.non_answers) or not re.search(r"\w", norm):
                hits = []
            else:
                hits = [t for t in c.themes[:-1] if t.matches(norm)] or [c.other]
            coded[text] = hits
        rows += [(pid, t.id, t.nl) for t in hits]
    out = pd.DataFrame(rows, columns=["pid", "theme", "theme_label"])
    out["theme"] = pd.Categorical(out["theme"], categories=[t.id for t in c.themes])
    out["theme_label"] = pd.Categorical(out["theme_label"], categories=[t.nl for t in c.themes])
    return out


def _check_coded(coded: pd.DataFrame, fn: str) -> None:
    missing = {"pid", "theme", "theme_label"} - set(getattr(coded, "columns", []))
    if missing:
        raise ValueError(f"{fn}(): 'coded' must be the result of code_themes(); columns {sorted(missing)} are missing.")


def _theme_order(coded: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Theme ids in codebook order (from the categorical of code_themes) and their labels."""
    theme, label = coded["theme"], coded["theme_label"]
    labels = dict(zip(theme.astype(str), label.astype(str)))
    if isinstance(theme.dtype, pd.CategoricalDtype):
        ids = [str(t) for t in theme.cat.categories]
        if isinstance(label.dtype, pd.CategoricalDtype) and len(label.cat.categories) == len(ids):
            for t, lab in zip(ids, label.cat.categories):
                labels.setdefault(t, str(lab))
    else:
        ids = list(dict.fromkeys(theme.astype(str)))
    return ids, labels


def theme_counts(coded: pd.DataFrame, groups: pd.Series, *, total_label: str = "totaal") -> pd.DataFrame:
    """Count the respondents who mention each theme, per employer type and in total.

    The counts are raw: small cells are suppressed by ``peo.tables.disclosure``, not here.

    Parameters
    ----------
    coded : pandas.DataFrame
        Result of :func:`code_themes` (several items of one coding may be concatenated).
    groups : pandas.Series
        Employer type per respondent, indexed by ``pid`` (categorical ``GI``/``JZ``/``LT``
        keeps its category order; otherwise sorted). Respondents without a group count in
        the total only.
    total_label : str, default "totaal"
        Group label of the all-respondents rows.

    Returns
    -------
    pandas.DataFrame
        One row per theme (codebook order, including themes nobody mentioned) and group
        (groups, then the total), with columns ``theme``, ``theme_label``, ``group``,
        ``n_answers`` (respondents in the group with a coded answer), ``count``
        (respondents mentioning the theme) and ``share`` (``count / n_answers``, not
        rounded; missing when ``n_answers`` is 0).

    Raises
    ------
    ValueError
        If ``coded`` lacks the columns of :func:`code_themes`.
    """
    _check_coded(coded, "theme_counts")
    theme_ids, labels = _theme_order(coded)
    if isinstance(groups.dtype, pd.CategoricalDtype):
        group_order = [str(g) for g in groups.cat.categories]
    else:
        group_order = sorted(str(g) for g in groups.dropna().unique())
    group_of = {pid: (None if pd.isna(g) else str(g)) for pid, g in groups.items()}
    df = pd.DataFrame({"pid": coded["pid"].to_numpy(), "theme": coded["theme"].astype(str).to_numpy()})
    df["group"] = [group_of.get(p) for p in df["pid"]]
    df = df.drop_duplicates(["pid", "theme"])
    rows = []
    for g in group_order + [total_label]:
        sub = df if g == total_label else df[df["group"] == g]
        n = sub["pid"].nunique()
        counts = sub.groupby("theme")["pid"].nunique()
        for t in theme_ids:
            k = int(counts.get(t, 0))
            rows.append({"theme": t, "theme_label": labels.get(t, t), "group": g, "n_answers": n, "count": k,
                         "share": k / n if n else np.nan})
    out = pd.DataFrame(rows)
    order = {t: i for i, t in enumerate(theme_ids)}
    gorder = {g: i for i, g in enumerate(group_order + [total_label])}
    out = out.sort_values(["theme", "group"], key=lambda s: s.map(order if s.name == "theme" else gorder), kind="stable")
    out = out.reset_index(drop=True).astype({"n_answers": "int64", "count": "int64", "share": "float64"})
    return out


def _shorten(text: str, max_chars: int) -> str:
    """Collapse white space and cut at a word boundary (never inside a tag) with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    elif "[" in cut and "]" not in cut[cut.rfind("[") :]:
        cut = cut[: cut.rfind("[")]
    return cut.rstrip(" ,;:.-") + "…"


def example_quotes(
    deid_text: pd.Series,
    coded: pd.DataFrame,
    per_theme: int = 3,
    max_chars: int = 200,
    seed: int = 2022,
    *,
    min_chars: int = 15,
) -> pd.DataFrame:
    """Pick a few short de-identified example quotes per theme, ready for a page.

    Quotes are drawn at random (reproducibly, from ``seed``) among the answers coded with
    the theme that are at least ``min_chars`` long and in which
    :func:`residual_identifiers` finds no e-mail address, phone number, URL or region name
    (a check after de-identification, not instead of it). An answer is used for one theme
    only. Quotes longer than ``max_chars`` are cut at a word with "…"; all are HTML-escaped
    (:func:`html_safe`). Tags such as ``[PERSOON-1]`` may remain in a quote.

    Parameters
    ----------
    deid_text : pandas.Series
        De-identified answers (``deidentify(...).text``), indexed by ``pid``.
    coded : pandas.DataFrame
        Result of :func:`code_themes` on the same answers.
    per_theme : int, default 3
        Maximum number of quotes per theme.
    max_chars : int, default 200
        Maximum length of a quote before escaping.
    seed : int, default 2022
        Seed of the random choice; the same inputs and seed give the same quotes.
    min_chars : int, default 15
        Shorter answers are not quoted.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme``, ``theme_label``, ``quote`` (HTML-safe), in codebook order;
        themes without a usable answer have no rows.

    Raises
    ------
    ValueError
        If ``coded`` lacks the columns of :func:`code_themes`, or ``per_theme`` or
        ``max_chars`` is not positive.
    """
    _check_coded(coded, "example_quotes")
    if per_theme < 1 or max_chars < 10:
        raise ValueError("example_quotes(): per_theme must be at least 1 and max_chars at least 10.")
    texts = {pid: t for pid, t in deid_text.items() if isinstance(t, str)}
    theme_ids, labels = _theme_order(coded)
    used: set = set()
    rows = []
    quotable: dict[str, bool] = {}  # per distinct text: long enough and nothing identifying left

    def usable(text: str) -> bool:
        if text not in quotable:
            quotable[text] = len(" ".join(text.split())) >= min_chars and not residual_identifiers(text)
        return quotable[text]

    for i, t in enumerate(theme_ids):
        pids = list(dict.fromkeys(coded.loc[coded["theme"].astype(str) == t, "pid"].tolist()))
        cands = [p for p in pids if p not in used and p in texts and usable(texts[p])]
        if not cands:
            continue
        rng = np.random.default_rng([seed, i])
        pick = sorted(rng.choice(len(cands), size=min(per_theme, len(cands)), replace=False))
        for j in pick:
            p = cands[j]
            used.add(p)
            rows.append({"theme": t, "theme_label": labels[t], "quote": html_safe(_shorten(texts[p], max_chars))})
    return pd.DataFrame(rows, columns=["theme", "theme_label", "quote"]).astype("string")
