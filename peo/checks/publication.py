"""Privacy scan of everything published: ``python -m peo check-publication``.

The last step before a wave's book is published. It reads every file a reader can get (the
built HTML book with its downloads, the published tables and key figures of every wave and
of the trends, the executed notebooks) and reports anything that could identify a
respondent. It exits 1 when it finds something, naming the file, the place in the file and
what it found; a value that could identify someone is never printed in full (see
:func:`mask`).

What is published
-----------------
By default, under the repository root (:func:`peo.paths.root`, or a root passed to
:func:`scan`): ``book/_build/html/**``, ``data/processed/<wave>/tables/**``,
``data/processed/trends/**`` and ``book/waves/**`` (the executed notebooks). The private
outputs of cleaning (``data/processed/<wave>/respondents.parquet``, ``exclusions.csv``,
``recodes.csv``, ``validation.csv``, ``missing_codes.csv``, ``flow.csv``) are not published
and are not read; the book shows the respondent flow as counts, which are scanned there. A
private file (any of them but the aggregate ``flow.csv``), or any respondent-level data file
(``.parquet``, ``.sav``, ``.xlsx``, ...), found among the published files is itself a
finding. Given a folder that is not a repository root, every file under it counts as
published, except the private files in their own place (``processed/<wave>/``).

What is a finding (``kind``)
----------------------------
``respondent-level``
    A table (CSV, HTML ``<table>``, a DataFrame shown by a notebook, a Frictionless schema)
    with a column that holds one value per respondent: ``pid``, ``raw_row``, a raw id,
    IP address, e-mail, name or start/end time column (:data:`FORBIDDEN_COLUMNS` plus the
    administrative columns each ``wave.yml`` names); or a pseudonymous respondent id
    (``<wave>-<nnnn>``, the ``pid`` of :mod:`peo.ingest.clean`) anywhere in the text. A range of
    years such as ``2021-2023`` is not taken for a pid: the four digits after the hyphen
    must not read as a year from 1900 to 2099.
``raw-id``
    A response id of the shape that survey tools export (``R_`` and 15 letters or digits),
    or a value from a raw export's respondent-id column or from one of the columns that
    ``wave.yml`` drops because they identify people: ids and addresses of 6 or more
    characters (shorter ids such as ``1`` or ``40211`` are everyday numbers), and names
    only as a person's full name (a name column's value of two or more words, or first
    name and surname from two columns of one row, in either order: a surname alone is
    also the name of cited authors). This part reads the raw exports (via
    :func:`peo.ingest.load.read_wave`) when they are present; e-mail and IP addresses are found
    by their own patterns anyway.
``ip-address``
    An IPv4 address: four numbers of at most 255, not part of a longer dotted number, not
    preceded by ``v``/``versie``/``version``.
``timestamp``
    The time of a single response, ``YYYY-MM-DD HH:MM:SS`` (the export format, and how
    pandas shows it). ISO timestamps with a ``T`` are what tools write (notebook and build
    metadata) and are not searched for.
``small-count``
    A count below the disclosure threshold in a published table, by
    :func:`peo.tables.disclosure.check_published` on every published CSV (the wave's
    ``disclosure.threshold``; for the trends and for downloads whose wave cannot be told
    from the path, the highest threshold of all waves), on every HTML table with the
    contract's column names (``n``, ``n_*``, ``count``, ``count_*``), on the records and
    the ``by_group`` numbers of a published JSON file (``key_figures.json``).
``person``, ``email``, ``phone``, ``place``, ``organisation``
    An entry of the list of identifying details planted in the demo open answers
    (``peo/data/demo_pii.yml``), case-insensitive, whole words, a hyphen or any white space
    between the words: full names, and the surname of a name with a particle ("de Vries");
    e-mail addresses; phone numbers compared by their digits ("0612345678" is
    "06-12345678", "+31 6 ..." is "06 ..."). Besides the list, any e-mail address and any
    Dutch phone number is a finding.

Places and organisations: where they are a finding
--------------------------------------------------
The report itself may say where the survey was held ("regio Haaglanden (Den Haag en
omliggende gemeenten)"); an open answer may not name a place or an organisation. A place
or organisation of the list is therefore a finding in *content*: CSV and JSON files, the
outputs of notebook cells, and in an HTML page or a Markdown source anything inside a cell
output (``div.cell_output``), a ``<blockquote>`` or a ``<table>`` (or a Markdown quote
``>`` or table ``|`` line). In narrative written by us (headings, paragraphs, Markdown
cells, code) they are allowed. Names of people, e-mail addresses and phone numbers are
findings everywhere.

Not scanned
-----------
* The theme's assets (``.js``, ``.css``, source maps, fonts, translation catalogues
  ``.mo``): third-party code, not our content. The text of every page is in its HTML,
  which is scanned, so the search index (``searchindex.js``) is not needed. Under
  ``_static/`` only the demo list and the raw-export values are searched for: the theme
  ships its own licence texts, with e-mail addresses and version numbers.
* Images (PNG, SVG, ...): figures are pixels; their alt texts are in the HTML and are
  scanned.
* PDF files (the factsheets): extracting their text needs a PDF library that is not in
  ``requirements.lock``. A factsheet is drawn from ``key_figures.json`` and the wave's
  tables, which are scanned.
* Notebook metadata (kernel, papermill parameters and timings): written by tools.

A pattern search cannot prove that nothing identifies anyone; it proves that none of the
known kinds of detail is there. Disclosure control (:mod:`peo.tables.disclosure`) and the
de-identification of open answers (:mod:`peo.tables.text`) do the work; this is the check after.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from peo import paths as _paths
from peo.survey.config import DEFAULT_THRESHOLD, Wave, list_waves
from peo.tables.disclosure import check_published
from peo.errors import PeoError

__all__ = [
    "FINDING_COLUMNS",
    "KINDS",
    "FORBIDDEN_COLUMNS",
    "PRIVATE_FILES",
    "DEMO_PII_PATH",
    "PublicationScanError",
    "load_pii",
    "published_files",
    "mask",
    "scan",
    "report",
    "main",
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
    "private-file": "a file that must not be published",
    "unreadable": "a published file that could not be read, so not checked",
}

#: Column names that hold one value per respondent (compared case-insensitively). Each
#: wave's ``wave.yml`` adds its own administrative columns (``columns:`` id, start, end,
#: duration and the dropped ones).
FORBIDDEN_COLUMNS = (
    "pid", "raw_row", "ResponseId", "resp_id", "respondent", "respondent_id", "IPAddress", "ip",
    "ip_address", "email", "RecipientEmail", "RecipientFirstName", "RecipientLastName", "naam",
    "StartDate", "EndDate", "RecordedDate", "begonnen", "beeindigd", "start_time", "end_time",
)

#: The outputs of cleaning that stay private (``data/processed/<wave>/``).
PRIVATE_FILES = ("respondents.parquet", "exclusions.csv", "recodes.csv", "validation.csv", "missing_codes.csv")
#: Aggregate outputs of cleaning that stay in ``data/processed/<wave>/`` (the book shows them).
HOME_FILES = ("flow.csv",)
#: Respondent-level data formats: never published.
DATA_SUFFIXES = (".parquet", ".sav", ".zsav", ".por", ".dta", ".sas7bdat", ".xlsx", ".xls", ".feather",
                 ".pkl", ".pickle", ".rds", ".rdata")
#: Third-party assets of the book's theme: not scanned.
ASSET_SUFFIXES = (".js", ".css", ".map", ".woff", ".woff2", ".ttf", ".eot", ".otf", ".mo", ".inv")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp", ".tif", ".tiff")

#: The identifying details planted in the demo open answers.
DEMO_PII_PATH = _paths.package_data("demo_pii.yml")
PII_KINDS = {"persons": "person", "emails": "email", "phones": "phone", "places": "place",
             "organisations": "organisation"}

#: Shortest raw-export value searched for: shorter ids ("17", "40211") are everyday numbers.
MIN_RAW_VALUE_CHARS = 6
_MAX_EXCERPTS = 3  # per file and finding, in the printed report


class PublicationScanError(PeoError):
    """The privacy scan cannot run: nothing to scan, or the list of identifying details is bad."""


# ============================================================================ patterns

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IP_RX = re.compile(rf"(?<![\w.]){_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}(?![\w]|\.\d)")
_VERSION_BEFORE_RX = re.compile(r"(?:\bv|\bversie|\bversion)\s*$", re.I)
_TIMESTAMP_RX = re.compile(r"(?<!\d)\d{4}-[01]\d-[0-3]\d [0-2]\d:[0-5]\d:[0-5]\d(?!\d)")
_EMAIL_RX = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
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
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
class _Rules:
    """Everything the scan searches for, built once per scan."""

    names: dict[str, re.Pattern] = field(default_factory=dict)  # kind -> pattern (person/place/organisation)
    planted_emails: set[str] = field(default_factory=set)
    planted_phones: set[str] = field(default_factory=set)
    pid_rx: list[re.Pattern] = field(default_factory=list)
    forbidden: dict[str, str] = field(default_factory=dict)  # lower-case column -> why
    raw_values: dict[tuple[str, ...], str] = field(default_factory=dict)  # tokens -> source
    raw_max_words: int = 0
    thresholds: dict[str, int] = field(default_factory=dict)
    threshold: int | None = None  # given by the caller: used everywhere
    notes: list[str] = field(default_factory=list)

    def threshold_for(self, rel: Path) -> int:
        if self.threshold is not None:
            return self.threshold
        for part in reversed(rel.parts):
            if part in self.thresholds:
                return self.thresholds[part]
        return max(self.thresholds.values()) if self.thresholds else DEFAULT_THRESHOLD


def _build_rules(waves: list[Wave], pii: Mapping[str, list[str]], threshold: int | None) -> _Rules:
    r = _Rules(threshold=threshold)
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


def _add_raw_values(rules: _Rules, waves: list[Wave]) -> None:
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
        frame = raw[present].astype("string")
        for record in frame.itertuples(index=False):
            values = [str(v) for v in record if not pd.isna(v)]
            for v in _raw_row_values(values):
                words = tuple(v.lower().split())
                rules.raw_values.setdefault(words, f"the {w.id} raw export ({', '.join(present)})")
                rules.raw_max_words = max(rules.raw_max_words, len(words))
        rules.notes.append(
            f"wave {w.id}: {len(rules.raw_values) - before} id(s) and name(s) from the raw export searched for"
        )


def _covered_by_pattern(v: str) -> bool:
    return any(rx.fullmatch(v) for rx in (_EMAIL_RX, _IP_RX, _TIMESTAMP_RX, _RESPONSE_ID_RX))


# ============================================================================ scanning text


@dataclass
class _Hit:
    location: str
    kind: str
    finding: str
    excerpt: str


def _line_at(text: str, pos: int, base: int | None) -> int | None:
    return None if base is None else base + text.count("\n", 0, pos)


def _loc(prefix: str, line: int | None) -> str:
    if line is None:
        return prefix
    return f"{prefix}, line {line}" if prefix else f"line {line}"


def _scan_text(text: str, rules: _Rules, *, content: bool, static: bool = False,
               where: str = "", line: int | None = None) -> list[_Hit]:
    """Search one piece of text.

    ``content``: quotes, tables, outputs, data files (places and organisations count);
    ``static``: a theme asset folder (only the planted list and raw values are searched).
    ``where`` and ``line`` say where the text starts.
    """
    hits: list[_Hit] = []
    if not text or not text.strip():
        return hits

    def add(m_start: int, kind: str, finding: str, value: str) -> None:
        hits.append(_Hit(_loc(where, _line_at(text, m_start, line)), kind, finding, mask(value)))

    for kind, rx in rules.names.items():
        if kind in ("place", "organisation") and not content:
            continue
        for m in rx.finditer(text):
            add(m.start(), kind, f"{kind} from the list of identifying details (demo_pii.yml)", m.group())
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
                key = tuple(words[i:i + k])
                if key in rules.raw_values:
                    add(tokens[i][0], "raw-id", f"value from {rules.raw_values[key]}", " ".join(key))
    if static:
        return hits
    for m in _RESPONSE_ID_RX.finditer(text):
        add(m.start(), "raw-id", "response id of a survey-tool export (R_...)", m.group())
    for m in _IP_RX.finditer(text):
        if _VERSION_BEFORE_RX.search(text[max(0, m.start() - 12):m.start()]):
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


def _check_columns(columns: Iterable, rules: _Rules, where: str) -> list[_Hit]:
    hits = []
    for c in columns:
        name = " ".join(str(c).split())
        why = rules.forbidden.get(name.lower())
        if why:
            hits.append(_Hit(where, "respondent-level", f"table with column {name!r}: {why}", name))
    return hits


def _check_counts(frame: pd.DataFrame, threshold: int, where: str, first_line: int | None = None) -> list[_Hit]:
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
        hits.append(_Hit(loc, "small-count", text, f"{f.column}={f.value:g}"))
    return hits


# ============================================================================ file types


def _read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _scan_csv(text: str, rules: _Rules, threshold: int) -> list[_Hit]:
    hits: list[_Hit] = []
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for record in reader:
        line = reader.line_num
        if header is None:
            header = record
            hits += _check_columns(record, rules, f"line {line} (header)")
        for cell in record:
            hits += _scan_text(cell, rules, content=True, line=line)
    if header is not None:
        try:
            frame = pd.read_csv(io.StringIO(text))
        except (ValueError, pd.errors.ParserError) as exc:
            hits.append(_Hit("", "unreadable", f"not a readable CSV table, counts not checked: {exc}", ""))
        else:
            hits += _check_counts(frame, threshold, "", first_line=2)
    return hits


def _json_records(obj, path: str = "") -> Iterator[tuple[str, object]]:
    """Every (json path, value) in a JSON document."""
    yield path, obj
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _json_records(v, f"{path}.{k}" if path else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _json_records(v, f"{path}[{i}]")


def _scan_json_obj(obj, rules: _Rules, threshold: int, prefix: str = "") -> list[_Hit]:
    hits: list[_Hit] = []
    for where, value in _json_records(obj):
        where = f"{prefix}{where}" if where else prefix.rstrip(" ,")
        if isinstance(value, str):
            hits += _scan_text(value, rules, content=True, where=where)
        elif isinstance(value, Mapping):
            for k in value:
                hits += _scan_text(str(k), rules, content=True, where=where)
            fields = value.get("fields")
            if isinstance(fields, list):
                names = [f.get("name") for f in fields if isinstance(f, Mapping) and f.get("name") is not None]
                hits += _check_columns(names, rules, f"{where}.fields")
            by_group = value.get("by_group")
            if isinstance(by_group, Mapping):
                for g, n in by_group.items():
                    if isinstance(n, (int, float)) and not isinstance(n, bool) and n < threshold:
                        hits.append(_Hit(f"{where}.by_group.{g}", "small-count",
                                         f"group {g} has {n:g} respondents, below the disclosure threshold {threshold}",
                                         f"{g}={n:g}"))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            keys = {str(k) for v in value for k in v}
            if keys & {"n", "count"} or any(k.startswith(("n_", "count_")) for k in keys):
                frame = pd.DataFrame([{k: v for k, v in rec.items() if not isinstance(v, (Mapping, list))}
                                      for rec in value])
                hits += _check_counts(frame, threshold, where)
    return hits


def _scan_json(text: str, rules: _Rules, threshold: int) -> list[_Hit]:
    try:
        obj = json.loads(text)
    except ValueError:
        return _scan_text(text, rules, content=True, line=1)
    return _scan_json_obj(obj, rules, threshold)


def _scan_markdown(text: str, rules: _Rules, static: bool) -> list[_Hit]:
    hits: list[_Hit] = []
    for i, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip()
        content = stripped.startswith((">", "|"))
        hits += _scan_text(line, rules, content=content, static=static, line=i)
    return hits


_SKIP_TAGS = {"script", "style", "template"}
_CONTENT_TAGS = {"blockquote", "table"}
_TEXT_ATTRS = ("alt", "title", "aria-label")


def _is_content(tag) -> bool:
    for t in [tag, *tag.parents]:
        name = getattr(t, "name", None)
        if name in _CONTENT_TAGS:
            return True
        classes = (t.get("class") or []) if hasattr(t, "get") else []
        if any(c in ("cell_output", "output") for c in classes):
            return True
    return False


def _html_tables(soup) -> Iterator[tuple[object, list[str], list[str], list[list[str]]]]:
    """(table tag, header, index names, body rows) of every HTML table; rows aligned to the header."""
    for table in soup.find_all("table"):
        head = table.find("thead")
        header_rows = head.find_all("tr") if head else []
        body_rows = [tr for tr in table.find_all("tr") if tr.find_parent("thead") is None]
        if not header_rows and body_rows and body_rows[0].find("td") is None:
            header_rows, body_rows = body_rows[:1], body_rows[1:]
        if not header_rows:
            continue
        header = [" ".join(c.get_text(" ").split()) for c in header_rows[0].find_all(["th", "td"])]
        # Index names of a pandas DataFrame are in a second header row.
        extra = [" ".join(c.get_text(" ").split()) for tr in header_rows[1:] for c in tr.find_all(["th", "td"])]
        rows = []
        for tr in body_rows:
            cells = [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
            if len(cells) > len(header):
                cells = cells[len(cells) - len(header):]
            elif len(cells) < len(header):
                cells = [""] * (len(header) - len(cells)) + cells
            rows.append(cells)
        yield table, header, [e for e in extra if e], rows


def _scan_html(text: str, rules: _Rules, threshold: int, *, static: bool = False, fragment: bool = False,
               where: str = "", force_content: bool = False) -> list[_Hit]:
    """Scan an HTML page (or a fragment: a notebook's text/html output)."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    soup = BeautifulSoup(text, "html.parser")
    hits: list[_Hit] = []
    prefix = where

    def line_of(tag) -> int | None:
        return None if fragment else getattr(tag, "sourceline", None)

    for node in soup.find_all(string=True):
        if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        parent = node.parent
        if parent is None or parent.name in _SKIP_TAGS or any(p.name in _SKIP_TAGS for p in parent.parents):
            continue
        s = str(node)
        if not s.strip():
            continue
        hits += _scan_text(s, rules, content=force_content or _is_content(parent), static=static,
                           where=prefix, line=line_of(parent))
    for tag in soup.find_all(True):
        if tag.name in _SKIP_TAGS:
            continue
        for attr in _TEXT_ATTRS:
            value = tag.get(attr)
            if isinstance(value, str) and value.strip():
                hits += _scan_text(value, rules, content=force_content or _is_content(tag), static=static,
                                   where=prefix, line=line_of(tag))
    if not static:
        for table, header, index_names, rows in _html_tables(soup):
            loc = _loc(prefix, line_of(table))
            hits += _check_columns([*header, *index_names], rules, f"{loc} (table header)")
            if rows and any(c == "n" or c == "count" or c.startswith(("n_", "count_")) for c in header):
                frame = pd.DataFrame(rows, columns=header)
                hits += _check_counts(frame, threshold, f"{loc} (table)")
    return hits


def _scan_notebook(text: str, rules: _Rules, threshold: int) -> list[_Hit]:
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception:  # noqa: BLE001 - nbformat raises many types for a broken file; scan it as JSON then
        return _scan_json(text, rules, threshold)
    hits: list[_Hit] = []
    for i, cell in enumerate(nb.cells, start=1):
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(src)
        hits += _scan_text(src, rules, content=False, where=f"cell {i} ({cell.get('cell_type', '?')})", line=1)
        for j, out in enumerate(cell.get("outputs", []) or [], start=1):
            where = f"cell {i} output {j}"
            otype = out.get("output_type")
            if otype == "stream":
                t = out.get("text", "")
                hits += _scan_text("".join(t) if isinstance(t, list) else t, rules, content=True, where=where)
            elif otype == "error":
                hits += _scan_text("\n".join(out.get("traceback", [])), rules, content=True, where=where)
            else:
                for mime, data in (out.get("data") or {}).items():
                    value = "".join(data) if isinstance(data, list) else data
                    if mime == "text/html":
                        hits += _scan_html(value, rules, threshold, fragment=True, where=where, force_content=True)
                    elif mime.startswith("text/") or mime in ("application/javascript",):
                        hits += _scan_text(str(value), rules, content=True, where=where)
                    elif mime.endswith("json"):
                        hits += _scan_json_obj(value, rules, threshold, prefix=f"{where}, ")
    return hits


# ============================================================================ which files


def _is_repo_root(p: Path) -> bool:
    return (p / "data" / "processed").is_dir() or (p / "book" / "_config.yml").is_file()


def _is_private_at_home(rel: Path) -> bool:
    """A private output of cleaning in its own place: ``processed/<wave>/<file>``."""
    parts = rel.parts
    return (
        len(parts) >= 3 and parts[-3] == "processed" and parts[-2] != "trends"
        and (parts[-1] in PRIVATE_FILES + HOME_FILES or rel.suffix.lower() in DATA_SUFFIXES)
    )


def published_files(root: str | Path | None = None) -> list[Path]:
    """The files published from a repository (or a copy of one).

    Parameters
    ----------
    root : path-like, optional
        The repository root; default :func:`peo.paths.root`.

    Returns
    -------
    list of pathlib.Path
        Sorted: every file under ``book/_build/html``, ``data/processed/<wave>/tables``,
        ``data/processed/trends`` and ``book/waves``.
    """
    root = Path(root) if root is not None else _paths.root()
    folders = [root / "book" / "_build" / "html", root / "book" / "waves"]
    processed = root / "data" / "processed"
    if processed.is_dir():
        for d in sorted(processed.iterdir()):
            if d.is_dir():
                folders.append(d if d.name == "trends" else d / "tables")
    files: set[Path] = set()
    for f in folders:
        if f.is_dir():
            files.update(p for p in f.rglob("*") if p.is_file())
    return sorted(files)


def _category(path: Path) -> str:
    suffix = path.suffix.lower()
    name = path.name.lower()
    if name in PRIVATE_FILES or suffix in DATA_SUFFIXES:
        return "private"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix == ".ipynb":
        return "notebook"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix == ".pdf":
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in ASSET_SUFFIXES:
        return "asset"
    return "text"


_CATEGORY_WORDS = {
    "html": "HTML page(s)",
    "notebook": "notebook(s)",
    "csv": "CSV table(s)",
    "json": "JSON file(s)",
    "text": "text/Markdown file(s)",
    "pdf": "PDF file(s) (text not extracted: the factsheets are drawn from key_figures.json and the tables, "
           "which were scanned)",
    "image": "image(s) (not scanned: figures are pixels; their alt texts are in the HTML)",
    "asset": "theme asset(s) (JS/CSS/fonts: not scanned)",
    "binary": "other binary file(s) (not scanned)",
    "private": "respondent-level data file(s)",
    "not-published": "private file(s) of cleaning in data/processed/<wave>/ (not published, not read)",
}
_SCANNED = ("html", "notebook", "csv", "json", "text")


def _scan_file(path: Path, rel: Path, rules: _Rules) -> tuple[str, list[_Hit]]:
    cat = _category(path)
    static = "_static" in rel.parts
    if cat == "private":
        return cat, [_Hit("", "private-file",
                          "respondent-level data file among the published files: remove it from the publication",
                          path.name)]
    if cat in ("pdf", "image", "asset"):
        return cat, []
    try:
        text = _read_text(path)
    except OSError as exc:
        return cat, [_Hit("", "unreadable", f"cannot be read: {exc}", "")]
    if text is None:
        return "binary", []
    threshold = rules.threshold_for(rel)
    if cat == "html":
        return cat, _scan_html(text, rules, threshold, static=static)
    if cat == "notebook":
        return cat, _scan_notebook(text, rules, threshold)
    if cat == "csv":
        if path.suffix.lower() == ".tsv":
            return cat, _scan_markdown(text, rules, static)
        return cat, _scan_csv(text, rules, threshold)
    if cat == "json":
        return cat, _scan_json(text, rules, threshold)
    return cat, _scan_markdown(text, rules, static)


# ============================================================================ the scan


def scan(paths: list[Path] | None = None, *, threshold: int | None = None,
         pii: str | Path | Mapping | None = None, raw: bool = True) -> pd.DataFrame:
    """Scan everything published for details that could identify a respondent.

    Parameters
    ----------
    paths : list of pathlib.Path, optional
        Folders (or files) to scan. A repository root (a folder with ``data/processed`` or
        ``book/_config.yml``) is scanned for its published files
        (:func:`published_files`); any other folder is scanned whole, except the private
        outputs of cleaning in their own place. Default: the published files of
        :func:`peo.paths.root`.
    threshold : int, optional
        The disclosure threshold for every table; default each wave's
        ``disclosure.threshold`` (the highest of all waves where the wave is unknown), or
        10 when no wave configuration is found.
    pii : path or mapping, optional
        The list of identifying details (:func:`load_pii`); default
        ``peo/data/demo_pii.yml``.
    raw : bool, default True
        Also search for the ids and identifying values of the raw exports (the waves of the
        scanned repository root, else of :func:`peo.paths.raw_dir`).

    Returns
    -------
    pandas.DataFrame
        One row per finding, columns ``file`` (path relative to the folder scanned),
        ``location`` (line, cell or row), ``kind`` (a key of :data:`KINDS`), ``finding``
        (what, in English) and ``excerpt`` (masked with :func:`mask`). Empty when nothing
        is found. ``attrs["files"]`` counts the files per type (see the report of
        :func:`main`), ``attrs["notes"]`` lists what was and was not searched for.

    Raises
    ------
    PublicationScanError
        If a path does not exist, there is nothing published to scan, or the list of
        identifying details cannot be read.
    ConfigError
        If a wave's ``wave.yml`` is malformed.
    """
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1):
        raise PublicationScanError(f"The disclosure threshold must be a whole number of at least 1, not {threshold!r}.")
    targets = [Path(p) for p in paths] if paths else [_paths.root()]
    default = not paths
    jobs: list[tuple[Path, Path]] = []  # (file, relative name)
    counts: Counter = Counter()
    raw_dirs: list[Path] = []
    notes: list[str] = []
    for target in targets:
        if not target.exists():
            raise PublicationScanError(
                f"{target} does not exist. Give the folder of the built book or of the published tables, "
                "or nothing to scan the repository's published files."
            )
        if target.is_file():
            jobs.append((target, Path(target.name)))
            continue
        if default or _is_repo_root(target):
            raw_dirs.append(target / "data" / "raw")
            if not (target / "book" / "_build" / "html").is_dir():
                notes.append(f"{target / 'book' / '_build' / 'html'} does not exist: the book is not built, "
                             "so it was not scanned")
            files = published_files(target)
        else:
            files = sorted(p for p in target.rglob("*") if p.is_file())
        for f in files:
            rel = f.relative_to(target)
            if _is_private_at_home(rel):
                counts["not-published"] += 1
                continue
            jobs.append((f, rel if len(targets) == 1 else Path(target.name) / rel))
    if not jobs:
        raise PublicationScanError(
            f"There is nothing published to scan in {', '.join(map(str, targets))}: build the book and the "
            "tables first (python -m peo build), or give the folder to scan."
        )

    raw_dir = raw_dirs[0] if raw_dirs else _paths.raw_dir()
    waves = list_waves(raw_dir) if raw_dir.is_dir() else []
    rules = _build_rules(waves, load_pii(pii), threshold)
    if raw and waves:
        _add_raw_values(rules, waves)
    elif raw:
        rules.notes.append(f"no raw exports under {raw_dir}: their ids were not searched for")

    rows = []
    for f, rel in jobs:
        cat, hits = _scan_file(f, rel, rules)
        counts[cat] += 1
        seen = set()
        for h in hits:
            key = (h.location, h.kind, h.finding, h.excerpt)
            if key in seen:
                continue
            seen.add(key)
            rows.append({"file": rel.as_posix(), "location": h.location or "(file)", "kind": h.kind,
                         "finding": h.finding, "excerpt": h.excerpt})
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS).astype("string")
    out.attrs["files"] = dict(counts)
    out.attrs["notes"] = notes + rules.notes
    return out


def report(findings: pd.DataFrame) -> str:
    """The printed report of :func:`scan`: what was scanned, then the findings per file."""
    counts = findings.attrs.get("files", {})
    lines = ["Privacy scan of the published files"]
    scanned = [f"{counts[c]} {_CATEGORY_WORDS[c]}" for c in _SCANNED if counts.get(c)]
    lines.append("scanned: " + (", ".join(scanned) or "nothing"))
    others = [c for c in ("pdf", "image", "asset", "binary", "not-published") if counts.get(c)]
    for c in others:
        lines.append(f"not scanned: {counts[c]} {_CATEGORY_WORDS[c]}")
    for note in findings.attrs.get("notes", []):
        lines.append(f"note: {note}")
    lines.append("")
    if findings.empty:
        lines.append("No findings: no respondent-level data, raw ids, IP addresses, response times, counts "
                     "below the disclosure threshold or identifying details were found.")
        return "\n".join(lines)
    n_files = findings["file"].nunique()
    lines.append(f"{len(findings)} finding(s) in {n_files} file(s):")
    for file, group in findings.groupby("file", sort=True):
        lines.append("")
        lines.append(str(file))
        for (kind, finding), sub in group.groupby(["kind", "finding"], sort=False):
            shown = sub.head(_MAX_EXCERPTS)
            for r in shown.itertuples():
                excerpt = f": {r.excerpt}" if r.excerpt else ""
                lines.append(f"  {r.location}: [{kind}] {finding}{excerpt}")
            if len(sub) > _MAX_EXCERPTS:
                lines.append(f"  ... and {len(sub) - _MAX_EXCERPTS} more of this kind in this file")
    lines.append("")
    lines.append("Nothing may be published until every finding is resolved: fix its source (the notebook, the "
                 "table or the de-identification list), rebuild, and run this check again.")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """``python -m peo check-publication [PATH]``: print the findings; 1 if any, else 0.

    Raises
    ------
    PublicationScanError
        If there is nothing to scan (the CLI prints the message and exits 2).
    """
    path = getattr(args, "path", None)
    findings = scan([Path(path)] if path else None)
    print(report(findings))
    return 1 if len(findings) else 0
