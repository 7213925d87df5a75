"""What the publication check searches for, and the search of one piece of text.

Part of ``python -m peo check-publication`` (:mod:`peo.checks.publication`, which documents
the kinds of finding): the constants, the patterns, the list of planted details, the
values taken from the raw exports, and :func:`scan_text`, which also runs the
residual-identifier detector of the open answers (:mod:`peo.tables.identifiers`) over
content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from peo import paths as _paths
from peo.errors import PeoError
from peo.survey.config import DEFAULT_THRESHOLD, Wave
from peo.tables.disclosure import check_published
from peo.yamltext import load_yaml

__all__ = [
    "FINDING_COLUMNS",
    "KINDS",
    "FORBIDDEN_COLUMNS",
    "PRIVATE_FILES",
    "HOME_FILES",
    "DATA_SUFFIXES",
    "ASSET_SUFFIXES",
    "IMAGE_SUFFIXES",
    "DEMO_PII_PATH",
    "PublicationScanError",
    "Hit",
    "Rules",
    "mask",
    "load_pii",
    "build_rules",
    "add_raw_values",
    "scan_text",
    "check_columns",
    "check_counts",
    "location",
]

#: Columns of the DataFrame returned by :func:`scan`.
FINDING_COLUMNS = ["file", "location", "kind", "finding", "excerpt"]

#: Every kind of finding, with what it means.
KINDS = {
    "respondent-level": "data about single respondents (a pid or a per-respondent column)",
    "raw-id": "a respondent id or identifying value from a raw export",
    "ip-address": "an IPv4 address",
    "timestamp": "the time of a single response",
    "small-count": "a count below the disclosure threshold",
    "person": "a person's name",
    "email": "an e-mail address",
    "phone": "a phone number",
    "place": "a place name in content (a quote, table or output)",
    "organisation": "an organisation's name in content (a quote, table or output)",
    "identifier": "a detail of an identifying shape in content (team, school, street, name after a cue, ...)",
    "disclosure": "a hidden cell that published numbers give back",
    "private-file": "a file that must not be published",
    "unreadable": "a published file that could not be read, so not checked",
}

#: Column names that hold one value per respondent (compared case-insensitively). Each
#: wave's ``wave.yml`` adds its own administrative columns (``columns:`` id, start, end,
#: duration and the dropped ones).
FORBIDDEN_COLUMNS = (
    "pid",
    "raw_row",
    "ResponseId",
    "resp_id",
    "respondent",
    "respondent_id",
    "IPAddress",
    "ip",
    "ip_address",
    "email",
    "RecipientEmail",
    "RecipientFirstName",
    "RecipientLastName",
    "naam",
    "StartDate",
    "EndDate",
    "RecordedDate",
    "begonnen",
    "beeindigd",
    "start_time",
    "end_time",
)

#: The outputs of cleaning that stay private (``data/processed/<wave>/``).
PRIVATE_FILES = ("respondents.parquet", "exclusions.csv", "recodes.csv", "validation.csv", "missing_codes.csv")
#: Aggregate outputs of cleaning that stay in ``data/processed/<wave>/`` (the book shows them).
HOME_FILES = ("flow.csv",)
#: Respondent-level data formats: never published.
DATA_SUFFIXES = (
    ".parquet",
    ".sav",
    ".zsav",
    ".por",
    ".dta",
    ".sas7bdat",
    ".xlsx",
    ".xls",
    ".feather",
    ".pkl",
    ".pickle",
    ".rds",
    ".rdata",
)
#: Third-party assets of the book's theme: not scanned.
ASSET_SUFFIXES = (".js", ".css", ".map", ".woff", ".woff2", ".ttf", ".eot", ".otf", ".mo", ".inv")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp", ".tif", ".tiff")

#: The identifying details planted in the demo open answers.
DEMO_PII_PATH = _paths.package_data("demo_pii.yml")
PII_KINDS = {
    "persons": "person",
    "emails": "email",
    "phones": "phone",
    "places": "place",
    "organisations": "organisation",
}

#: Shortest raw-export value searched for: shorter ids ("17", "40211") are everyday numbers.
MIN_RAW_VALUE_CHARS = 6


class PublicationScanError(PeoError):
    """The privacy scan cannot run: nothing to scan, or the list of identifying details is bad."""


# ============================================================================ patterns

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IP_RX = re.compile(rf"(?<![\w.]){_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}(?![\w]|\.\d)")
_VERSION_BEFORE_RX = re.compile(r"(?:\bv|\bversie|\bversion)\s*$", re.I)
_TIMESTAMP_RX = re.compile(r"(?<!\d)\d{4}-[01]\d-[0-3]\d [0-2]\d:[0-5]\d:[0-5]\d(?!\d)")
_EMAIL_RX = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
# A Dutch phone number: 0 and nine digits, or +31/0031 and nine digits, in groups of two or
# more digits separated by at most one space or hyphen ("06-12345678", "070 123 4567",
# "+31 6 98765432", "(070) 123 4567"). Checked on its digits afterwards.
_PHONE_RX = re.compile(
    r"(?<![\w+.,])(?:(?:\+|00)31[ -]?(?:\(0\)[ -]?)?\d|\(?0\d{1,3}\)?)(?:[ -]?\d{2,}){1,4}(?![\w]|[.,]\d)"
)
_RESPONSE_ID_RX = re.compile(r"(?<![\w])R_[A-Za-z0-9]{15}(?![\w])")
_GENERIC_PID_RX = re.compile(r"(?<![\w-])\d{4}-(\d{4,})(?![\w-])")
_TOKEN_RX = re.compile(r"[^\s<>\"'(),;:|\[\]{}=]+")


def _phone_digits(text: str) -> str | None:
    """The national form (0 and nine digits) of a phone number, or None if it is not one."""
    digits = re.sub(r"\D", "", text)
    stripped = text.lstrip("( ")
    if stripped.startswith("+") or stripped.startswith("00"):
        digits = digits[2:] if stripped.startswith("+") else digits[4:]
        if not text.lstrip("( +0").startswith("31"):
            return None
        digits = "0" + digits.removeprefix("0")
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return digits
    return None


def _words_pattern(entry: str) -> str:
    """A regex for a name: its words with any white space or a hyphen between them."""
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", entry.strip()) if p]
    return r"[\s\-]+".join(parts)


def mask(value: str) -> str:
    """Hide a value that may identify someone, keeping only its shape.

    Every run of letters or digits is reduced to its first character and three stars
    (a single character becomes one star); punctuation and spaces stay. "Jan de Vries"
    becomes "J*** d*** V***", "06-12345678" becomes "0***-1***".

    Parameters
    ----------
    value : str

    Returns
    -------
    str
    """
    return re.sub(r"[^\W_]+", lambda m: "*" if len(m.group()) == 1 else m.group()[0] + "***", str(value))


# ============================================================================ the rules


def load_pii(pii: str | Path | Mapping | None = None) -> dict[str, list[str]]:
    """Read the list of identifying details planted in the demo open answers.

    Parameters
    ----------
    pii : path or mapping, optional
        A YAML file or a mapping with any of the keys ``persons``, ``emails``, ``phones``,
        ``places``, ``organisations`` (lists of strings). Default
        ``peo/data/demo_pii.yml``.

    Returns
    -------
    dict
        Each of the five keys with its list (possibly empty).

    Raises
    ------
    PublicationScanError
        If the file is missing or is not such a mapping.
    """
    if pii is None:
        pii = DEMO_PII_PATH
    if isinstance(pii, Mapping):
        data, where = dict(pii), "the pii mapping"
    else:
        path = Path(pii)
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise PublicationScanError(
                f"Cannot read the list of identifying details {path}: {exc}. "
                "Restore peo/data/demo_pii.yml from git, or pass a valid YAML file."
            ) from None
        where = str(path)
    if not isinstance(data, Mapping):
        raise PublicationScanError(f"{where} must be a mapping with lists under {', '.join(PII_KINDS)}.")
    out: dict[str, list[str]] = {}
    for key in PII_KINDS:
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, (str, int)) for v in values):
            raise PublicationScanError(f"{where}: {key!r} must be a list of strings.")
        out[key] = [str(v).strip() for v in values if str(v).strip()]
    return out


def _person_variants(name: str) -> list[str]:
    """The full name, and for a name with a particle ("Jan de Vries") the surname with it."""
    words = name.split()
    variants = [name]
    if len(words) >= 3:
        variants.append(" ".join(words[1:]))
    return variants


def _alternation(entries: Iterable[str]) -> re.Pattern | None:
    pats = sorted({_words_pattern(e) for e in entries if e.strip()}, key=len, reverse=True)
    if not pats:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(pats) + r")(?![\w])", re.I)


@dataclass
class Rules:
    """Everything the scan searches for, built once per scan."""

    names: dict[str, re.Pattern] = field(default_factory=dict)  # kind -> pattern (person/place/organisation)
    planted_emails: set[str] = field(default_factory=set)
    planted_phones: set[str] = field(default_factory=set)
    pid_rx: list[re.Pattern] = field(default_factory=list)
    forbidden: dict[str, str] = field(default_factory=dict)  # lower-case column -> why
    raw_values: dict[tuple[str, ...], str] = field(default_factory=dict)  # tokens -> source
    raw_max_words: int = 0
    thresholds: dict[str, int] = field(default_factory=dict)
    detect: bool = True  # run the residual-identifier detector over content
    vocab: tuple | None = None  # deduce's (first names, ordinary words), loaded on first use
    threshold: int | None = None  # given by the caller: used everywhere
    notes: list[str] = field(default_factory=list)

    def threshold_for(self, rel: Path) -> int:
        if self.threshold is not None:
            return self.threshold
        for part in reversed(rel.parts):
            if part in self.thresholds:
                return self.thresholds[part]
        return max(self.thresholds.values()) if self.thresholds else DEFAULT_THRESHOLD


def build_rules(waves: list[Wave], pii: Mapping[str, list[str]], threshold: int | None) -> Rules:
    r = Rules(threshold=threshold)
    persons = [v for name in pii["persons"] for v in _person_variants(name)]
    for kind, entries in (("person", persons), ("place", pii["places"]), ("organisation", pii["organisations"])):
        rx = _alternation(entries)
        if rx is not None:
            r.names[kind] = rx
    r.planted_emails = {e.lower() for e in pii["emails"]}
    for p in pii["phones"]:
        d = _phone_digits(p)
        r.planted_phones.add(d if d else re.sub(r"\D", "", p))
    r.forbidden = {c.lower(): "a respondent-level column" for c in FORBIDDEN_COLUMNS}
    for w in waves:
        cols = w.columns
        for c in (cols.respondent_id, cols.started, cols.ended, cols.duration, *cols.drop):
            if c:
                r.forbidden.setdefault(str(c).lower(), f"an administrative column of wave {w.id}")
        r.pid_rx.append(re.compile(rf"(?<![\w-]){re.escape(w.id)}-(\d{{4,}})(?![\w-])"))
        r.thresholds[w.id] = w.threshold
    r.pid_rx.append(_GENERIC_PID_RX)
    return r


_PARTICLES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "op", "in", "el", "al", "la", "le", "du"}
_NAME_RX = re.compile(r"[^\W\d_]+(?:[\s'\-][^\W\d_]+)*")


def _raw_row_values(values: list[str]) -> list[str]:
    """The values of one raw row worth searching for.

    Ids and addresses (anything with a digit, ``@``, ``.`` or ``_``) of at least
    :data:`MIN_RAW_VALUE_CHARS` characters. Names only as a person's full name: a value
    of two or more words that is not just a surname with its particle, or a first name and
    a surname from two columns of the same row, in either order. A surname or first name
    alone is too common to search for (it is also the name of cited authors).
    """
    out: list[str] = []
    names: list[str] = []
    for v in values:
        v = " ".join(v.split())
        if not v:
            continue
        if _NAME_RX.fullmatch(v):
            names.append(v)
            words = v.lower().split()
            if len(words) >= 2 and any(w not in _PARTICLES for w in words[:-1]):
                out.append(v)
        elif len(v) >= MIN_RAW_VALUE_CHARS and not _covered_by_pattern(v):
            out.append(v)
    for i, first in enumerate(names):
        for j, last in enumerate(names):
            if i != j:
                out.append(f"{first} {last}")
    return [v for v in out if len(v) >= MIN_RAW_VALUE_CHARS]


def add_raw_values(rules: Rules, waves: list[Wave]) -> None:
    """Collect identifying values from the raw exports (ids, names and addresses)."""
    from peo.ingest.load import read_wave

    for w in waves:
        cols = [c for c in (w.columns.respondent_id, *w.columns.drop) if c]
        if not cols:
            continue
        try:
            raw = read_wave(w)
        except PeoError as exc:
            rules.notes.append(f"raw export of wave {w.id} not read ({exc}); its ids were not searched for")
            continue
        present = [c for c in cols if c in raw.columns]
        before = len(rules.raw_values)
        frame = pd.DataFrame({c: _as_text(raw[c]) for c in present})
        short = by_pattern = 0
        for record in frame.itertuples(index=False):
            values = [str(v) for v in record if not pd.isna(v)]
            short += sum(1 for v in values if len(v.strip()) < MIN_RAW_VALUE_CHARS)
            by_pattern += sum(1 for v in values if _covered_by_pattern(" ".join(v.split())))
            for v in _raw_row_values(values):
                words = tuple(v.lower().split())
                rules.raw_values.setdefault(words, f"the {w.id} raw export ({', '.join(present)})")
                rules.raw_max_words = max(rules.raw_max_words, len(words))
        extra = []
        if by_pattern:
            extra.append(f"{by_pattern} e-mail or IP address(es) or response id(s) found by pattern")
        if short:
            extra.append(
                f"{short} value(s) shorter than {MIN_RAW_VALUE_CHARS} characters (e.g. SPSS sequence numbers) "
                "not searched as free text"
            )
        rules.notes.append(
            f"wave {w.id}: {len(rules.raw_values) - before} id(s) and name(s) from the raw export searched for"
            + (f" ({'; '.join(extra)})" if extra else "")
        )


def _as_text(col: pd.Series) -> pd.Series:
    """A raw column as text, whole numbers without ".0" (SPSS stores ids as floats: 123456.0)."""
    if pd.api.types.is_float_dtype(col):
        whole = col.notna() & (col == col.round())
        text = col.astype("string")
        text[whole] = col[whole].astype("int64").astype("string")
        return text
    return col.astype("string")


def _covered_by_pattern(v: str) -> bool:
    return any(rx.fullmatch(v) for rx in (_EMAIL_RX, _IP_RX, _TIMESTAMP_RX, _RESPONSE_ID_RX))


# ============================================================================ scanning text


@dataclass
class Hit:
    location: str
    kind: str
    finding: str
    excerpt: str


def _line_at(text: str, pos: int, base: int | None) -> int | None:
    return None if base is None else base + text.count("\n", 0, pos)


def location(prefix: str, line: int | None) -> str:
    if line is None:
        return prefix
    return f"{prefix}, line {line}" if prefix else f"line {line}"


def scan_text(
    text: str, rules: Rules, *, content: bool, static: bool = False, where: str = "", line: int | None = None
) -> list[Hit]:
    """Search one piece of text.

    ``content``: quotes, tables, outputs, data files (places and organisations count);
    ``static``: a theme asset folder (only the planted list and raw values are searched).
    ``where`` and ``line`` say where the text starts.
    """
    hits: list[Hit] = []
    if not text or not text.strip():
        return hits

    def add(m_start: int, kind: str, finding: str, value: str) -> None:
        hits.append(Hit(location(where, _line_at(text, m_start, line)), kind, finding, mask(value)))

    taken: list[tuple[int, int]] = []  # spans already reported from the list
    for kind, rx in rules.names.items():
        if kind in ("place", "organisation") and not content:
            continue
        for m in rx.finditer(text):
            add(m.start(), kind, f"{kind} from the list of identifying details (demo_pii.yml)", m.group())
            taken.append(m.span())
    for m in _EMAIL_RX.finditer(text):
        if m.group().lower() in rules.planted_emails:
            add(m.start(), "email", "e-mail address from the list of identifying details (demo_pii.yml)", m.group())
        elif not static:
            add(m.start(), "email", "e-mail address", m.group())
    for m in _PHONE_RX.finditer(text):
        digits = _phone_digits(m.group())
        if digits is None:
            continue
        if digits in rules.planted_phones:
            add(m.start(), "phone", "phone number from the list of identifying details (demo_pii.yml)", m.group())
        elif not static:
            add(m.start(), "phone", "Dutch phone number", m.group())
    if rules.raw_values:
        tokens = [(m.start(), m.group().strip(".!?").lower()) for m in _TOKEN_RX.finditer(text)]
        words = [t for _, t in tokens]
        for i in range(len(tokens)):
            for k in range(1, rules.raw_max_words + 1):
                if i + k > len(tokens):
                    break
                key = tuple(words[i : i + k])
                if key in rules.raw_values:
                    add(tokens[i][0], "raw-id", f"value from {rules.raw_values[key]}", " ".join(key))
    if static:
        return hits
    if content and rules.detect:
        _residual(text, rules, add, taken)
    for m in _RESPONSE_ID_RX.finditer(text):
        add(m.start(), "raw-id", "response id of a survey-tool export (R_...)", m.group())
    for m in _IP_RX.finditer(text):
        if _VERSION_BEFORE_RX.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        add(m.start(), "ip-address", "IPv4 address", m.group())
    for m in _TIMESTAMP_RX.finditer(text):
        add(m.start(), "timestamp", "date and time of a single response (YYYY-MM-DD HH:MM:SS)", m.group())
    seen: set[int] = set()
    for rx in rules.pid_rx:
        for m in rx.finditer(text):
            number = m.group(1)
            if m.start() in seen or (len(number) == 4 and 1900 <= int(number) <= 2099):
                continue  # a range of years, not a respondent
            seen.add(m.start())
            add(m.start(), "respondent-level", "pseudonymous respondent id (pid)", m.group())
    return hits


# Kinds of the detector that the scan's own patterns already report (email, phone) or that
# are not identifying in a report's content (a date such as "1-3-2022" is a fieldwork date;
# a number after "nr" is a table number).
_DETECTOR_SKIP = {"email", "telefoon", "url", "datum", "nummer"}


def _residual(text: str, rules: Rules, add, taken: list[tuple[int, int]]) -> None:
    """The residual-identifier detector of the open answers, over a piece of content."""
    from peo.tables.identifiers import find  # noqa: PLC0415 (only needed when content is scanned)

    if rules.vocab is None:
        from peo.tables.deid import vocabulary  # noqa: PLC0415 (loads deduce: once per scan)

        rules.vocab = vocabulary()
    first, ordinary = rules.vocab
    for sp in find(text, first_names=first, ordinary=ordinary):
        if sp.kind in _DETECTOR_SKIP or any(s < sp.end and sp.start < e for s, e in taken):
            continue
        add(
            sp.start,
            "identifier",
            f"{sp.kind} of an identifying shape (peo/data/identifier_rules.yml)",
            text[sp.start : sp.end],
        )


def check_columns(columns: Iterable, rules: Rules, where: str) -> list[Hit]:
    hits = []
    for c in columns:
        name = " ".join(str(c).split())
        why = rules.forbidden.get(name.lower())
        if why:
            hits.append(Hit(where, "respondent-level", f"table with column {name!r}: {why}", name))
    return hits


def check_counts(frame: pd.DataFrame, threshold: int, where: str, first_line: int | None = None) -> list[Hit]:
    """Disclosure check of a table (peo.tables.disclosure.check_published)."""
    frame = frame.loc[:, ~pd.Index([str(c) for c in frame.columns]).duplicated()]
    frame.columns = [str(c) for c in frame.columns]
    hits = []
    for f in check_published(frame, threshold):
        loc = f"row {f.row + 1}" if first_line is None else f"line {first_line + f.row}"
        loc = f"{where}, {loc}" if where else loc
        if "is shown while" in f.message:
            text = f"{f.column} shown while the count or n it gives back is hidden"
        else:
            text = f"{f.column} = {f.value:g} is below the disclosure threshold {threshold}"
        hits.append(Hit(loc, "small-count", text, f"{f.column}={f.value:g}"))
    return hits
