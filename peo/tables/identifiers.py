"""Identifying details that no list of names covers, found by their shape.

deduce finds listed names and the patterns it knows, the region lookup adds the region's
municipalities and organisations, Frog (:mod:`peo.tables.ner`) recognises unseen names
written with capitals. The rules here, read from ``peo/data/identifier_rules.yml``, find
what has a recognisable shape but is on no list:

``organisatie``
    a named team or unit ("Team Zeester", "Gezinsteam De Vlinder"), a school or other named
    place after a word such as "basisschool" ("basisschool De Regenboog"), a name before a
    word such as "Lyceum" ("Picasso Lyceum");
``locatie``
    a capitalised word ending like a neighbourhood or street ("Houtwijk", "Vruchtenbuurt",
    "Laakhaven"), with its house number if one follows; a postcode ("2543 AB");
``persoon``
    a first name in any case after a word that announces a person ("collega ilse");
``datum``
    a full date ("12-03-2009", "3 maart 2009");
``nummer``
    a number after a word that announces one ("dossiernummer 2023-4471");
``email``, ``url``, ``telefoon``
    e-mail addresses, web addresses and Dutch phone numbers.

The rules are used twice: as an annotator inside de-identification, and as the check
afterwards (:func:`peo.tables.deid.residual_identifiers`) that decides whether an answer may
be quoted, and that ``check-publication`` runs over every published text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from peo import paths
from peo.errors import ConfigError
from peo.yamltext import load_yaml

__all__ = ["RULES_PATH", "Span", "Rules", "load_rules", "find", "PHONE_PATTERN", "STRUCTURED_PATTERNS"]

RULES_PATH = paths.package_data("identifier_rules.yml")

# Dutch phone numbers: 0 or +31/0031, then nine digits with optional separators. deduce's
# own phone annotator misses "070 123 4567" and tags the "98765432" of "+31 6 98765432" as
# an identifier, leaving "+31 6" behind; this pattern catches the whole number.
PHONE_PATTERN = (
    r"(?<![\w+])(?:(?:\+|00)\s?31[\s.\-]?(?:\(0\)[\s.\-]?)?|\(?0)"
    r"(?:\d[\s.\-/)]{0,3}){8}\d(?!\d)"
)

#: Patterns that must never appear in a published answer, whatever the lists say.
STRUCTURED_PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"),
    "url": re.compile(
        r"(?i:\b(?:https?://|www\.)\S+)|(?<![@\w.\-])[\w\-]+(?:\.[\w\-]+)*\.(?:nl|com|org|net|eu|info|be|de|nu|io)\b"
    ),
    # Eight or more digits with separators, or a Dutch country code: a phone number.
    "telefoon": re.compile(r"(?:\+|\b00)31|\d(?:[\s.\-/()]{0,2}\d){7,}"),
    "postcode": re.compile(r"(?<![\w-])[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}(?![\w-])"),
}

_MONTHS = (
    r"jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?|aug(?:ustus)?|"
    r"sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    rf"(?<![\w/.-])(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)?\d{{2}}|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+(?:19|20)\d{{2}})(?![\w/-])",
    re.IGNORECASE,
)
# A capitalised name: one or more capitalised words, optionally after an article.
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'\u2019]*(?:-[\w'\u2019]+)*"
_NAME = rf"(?:(?:[Dd]e|[Hh]et|'t)\s+)?{_CAP}(?:\s+{_CAP})*"


@dataclass(frozen=True)
class Span:
    """A detail found in a text: character offsets and the kind of detail."""

    start: int
    end: int
    kind: str


def _words(values, where: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: expected a list of words (text), one per line starting with '-'.")
    return [v.strip() for v in values]


def _alt(words) -> str:
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Rules:
    """The compiled rules of ``identifier_rules.yml``."""

    team: re.Pattern
    before_name: re.Pattern
    name_before: re.Pattern
    place: re.Pattern
    cue: re.Pattern
    number: re.Pattern
    common_words: frozenset[str]
    path: Path


@functools.lru_cache(maxsize=4)
def load_rules(path: str | Path | None = None) -> Rules:
    """Read and compile ``peo/data/identifier_rules.yml`` (or another file of that format).

    Raises
    ------
    ConfigError
        If the file is missing, not YAML, or a section is not a list of words.
    """
    path = Path(path) if path is not None else RULES_PATH
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"The identifier rules {path} do not exist. Restore them from git.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The identifier rules {path} are not valid UTF-8 YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of lists of words.")
    need = (
        "team_words",
        "school_before",
        "name_before",
        "place_suffixes",
        "common_words",
        "person_cues",
        "number_cues",
    )
    w = {k: _words(data.get(k), f"{path}: {k}") for k in need}
    return Rules(
        team=re.compile(rf"(?<![\w-])(?i:{_alt(w['team_words'])})\s+{_NAME}"),
        before_name=re.compile(rf"(?<![\w-])(?i:{_alt(w['school_before'])})\s+{_NAME}"),
        name_before=re.compile(rf"(?<![\w-]){_NAME}\s+(?:{_alt(w['name_before'])})(?![\w-])"),
        place=re.compile(
            rf"(?<![\w-])[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:{_alt(w['place_suffixes'])})(?:\s+\d+[a-z]?)?(?![\w-])"
        ),
        cue=re.compile(rf"(?<![\w-])(?:{_alt(w['person_cues'])})\.?\s+(?:van\s+)?([^\W\d_]+)", re.IGNORECASE),
        number=re.compile(
            rf"(?<![\w-])(?:{_alt(w['number_cues'])})\.?\s*:?\s*(?:is\s+)?([\w./-]*\d[\w./-]*)", re.IGNORECASE
        ),
        common_words=frozenset(x.casefold() for x in w["common_words"]),
        path=path.resolve(),
    )


_ARTICLES = {"de", "het", "'t", "een"}


def find(
    text: str,
    *,
    first_names: frozenset[str] = frozenset(),
    ordinary: frozenset[str] = frozenset(),
    rules: Rules | None = None,
) -> list[Span]:
    """Every identifying detail the rules find in a text.

    Parameters
    ----------
    text : str
    first_names : frozenset of str
        Lower-case first names (deduce's list): a word after a person cue is a name only
        when it is one of these.
    ordinary : frozenset of str
        Lower-case ordinary words (deduce's whitelist): never a place or a name.
    rules : Rules, optional
        Default :func:`load_rules`.

    Returns
    -------
    list of Span
        Possibly overlapping; in order of the rules, not of the text.
    """
    r = rules or load_rules()
    skip = r.common_words | ordinary
    out: list[Span] = []
    for kind, rx in STRUCTURED_PATTERNS.items():
        out += [Span(m.start(), m.end(), kind) for m in rx.finditer(text)]
    out += [Span(m.start(), m.end(), "telefoon") for m in re.finditer(PHONE_PATTERN, text)]
    out += [Span(m.start(), m.end(), "datum") for m in _DATE.finditer(text)]
    for rx in (r.team, r.before_name):
        out += [Span(m.start(), m.end(), "organisatie") for m in rx.finditer(text)]
    for m in r.name_before.finditer(text):
        first = m.group().split()[0].casefold()
        s = m.start()
        if first in _ARTICLES or first in skip:  # "Het College", "Ons Huis": keep the article out
            nxt = re.search(r"\s+", m.group())
            if nxt is None:
                continue
            s = m.start() + nxt.end()
            if len(m.group()[nxt.end() :].split()) < 2:
                continue
        out.append(Span(s, m.end(), "organisatie"))
    for m in r.place.finditer(text):
        word = m.group().split()[0].casefold()
        if word not in skip:
            out.append(Span(m.start(), m.end(), "locatie"))
    for m in r.cue.finditer(text):
        word = m.group(1).casefold()
        if word in first_names and word not in skip:
            out.append(Span(m.start(1), m.end(1), "persoon"))
    out += [Span(m.start(1), m.end(1), "nummer") for m in r.number.finditer(text)]
    return out
