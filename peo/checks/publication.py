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
``identifier``
    In content (see below): a detail of an identifying shape that no list names, found by
    the residual-identifier detector of the open answers (:mod:`peo.tables.identifiers`):
    a named team or school, a neighbourhood or street name, a first name after a word such
    as "collega", a postcode.
``disclosure``
    A hidden cell that the published numbers give back (:mod:`peo.checks.attacks`): by
    the linear relations between the published counts of a wave (totals, margins, the
    same cell in different tables), or by enumerating the integer tables consistent with a
    published test statistic, its margins and shown cells.

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
  ``.mo``): third-party code, not our content; except the search index
  (``searchindex.js``), whose titles and terms are scanned. Under ``_static/`` only the
  demo list and the raw-export values are searched for: the theme ships its own licence
  texts, with e-mail addresses and version numbers.
* Images (PNG, SVG, ...): figures are pixels; their alt texts are in the HTML and are
  scanned. PDF files are scanned as text (poppler's ``pdftotext``): a factsheet as
  content; a wave's report PDF (``peo-<wave>-rapport.pdf``), which renders the book's own
  pages again, with the narrative rules (its quotes and tables are scanned as content in
  the HTML pages it is made from).
* Notebook metadata (kernel, papermill parameters and timings): written by tools.

A pattern search cannot prove that nothing identifies anyone; it proves that none of the
known kinds of detail is there. Disclosure control (:mod:`peo.tables.disclosure`) and the
de-identification of open answers (:mod:`peo.tables.text`) do the work; this is the check after.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from peo import paths as _paths
from peo.checks.readers import (
    read_text,
    scan_csv,
    scan_html,
    scan_json,
    scan_markdown,
    scan_notebook,
    scan_pdf,
    scan_searchindex,
)
from peo.checks.rules import (
    ASSET_SUFFIXES,
    DATA_SUFFIXES,
    DEMO_PII_PATH,
    FINDING_COLUMNS,
    FORBIDDEN_COLUMNS,
    HOME_FILES,
    IMAGE_SUFFIXES,
    KINDS,
    PRIVATE_FILES,
    Hit,
    PublicationScanError,
    Rules,
    add_raw_values,
    build_rules,
    load_pii,
    mask,
)
from peo.report.pdf import REPORT_PDF
from peo.survey.config import list_waves

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

_MAX_EXCERPTS = 3  # per file and finding, in the printed report
#: A wave's report PDF (peo.report.pdf.REPORT_PDF), rendered from the book's pages.
_REPORT_PDF_RX = re.compile(re.escape(REPORT_PDF).replace(re.escape("{slug}"), "[^/]+"))

# ============================================================================ which files


def _is_repo_root(p: Path) -> bool:
    return (p / "data" / "processed").is_dir() or (p / "book" / "_config.yml").is_file()


def _is_private_at_home(rel: Path) -> bool:
    """A private output of cleaning in its own place: ``processed/<wave>/<file>``."""
    parts = rel.parts
    return (
        len(parts) >= 3
        and parts[-3] == "processed"
        and parts[-2] != "trends"
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
    "pdf": "PDF file(s) (text by pdftotext)",
    "searchindex": "search index(es) (searchindex.js)",
    "image": "image(s) (not scanned: figures are pixels; their alt texts are in the HTML)",
    "asset": "theme asset(s) (JS/CSS/fonts: not scanned)",
    "binary": "other binary file(s) (not scanned)",
    "private": "respondent-level data file(s)",
    "not-published": "private file(s) of cleaning in data/processed/<wave>/ (not published, not read)",
}
_SCANNED = ("html", "notebook", "csv", "json", "text", "pdf", "searchindex")


def _scan_file(path: Path, rel: Path, rules: Rules) -> tuple[str, list[Hit]]:
    cat = _category(path)
    static = "_static" in rel.parts
    if cat == "private":
        return cat, [
            Hit(
                "",
                "private-file",
                "respondent-level data file among the published files: remove it from the publication",
                path.name,
            )
        ]
    if cat == "pdf":
        # The wave's report PDF is rendered from the book's scanned pages (see scan_pdf).
        return cat, scan_pdf(path, rules, content=not _REPORT_PDF_RX.fullmatch(path.name))
    if cat == "asset" and path.name == "searchindex.js":
        text = read_text(path)
        return "searchindex", scan_searchindex(text or "", rules)
    if cat in ("image", "asset"):
        return cat, []
    try:
        text = read_text(path)
    except OSError as exc:
        return cat, [Hit("", "unreadable", f"cannot be read: {exc}", "")]
    if text is None:
        return "binary", []
    threshold = rules.threshold_for(rel)
    if cat == "html":
        return cat, scan_html(text, rules, threshold, static=static)
    if cat == "notebook":
        return cat, scan_notebook(text, rules, threshold)
    if cat == "csv":
        if path.suffix.lower() == ".tsv":
            return cat, scan_markdown(text, rules, static)
        return cat, scan_csv(text, rules, threshold)
    if cat == "json":
        return cat, scan_json(text, rules, threshold)
    return cat, scan_markdown(text, rules, static)


# ============================================================================ the scan


def scan(
    paths: list[Path] | None = None,
    *,
    threshold: int | None = None,
    pii: str | Path | Mapping | None = None,
    raw: bool = True,
    attack: bool = True,
    detect: bool = True,
) -> pd.DataFrame:
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
    attack : bool, default True
        Attack the published numbers of each folder of tables (:mod:`peo.checks.attacks`):
        a hidden cell that the linear relations between all published counts, or a
        published chi-square statistic, give back is a finding of kind ``disclosure``.
    detect : bool, default True
        Run the residual-identifier detector of the open answers over all content.

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
                notes.append(
                    f"{target / 'book' / '_build' / 'html'} does not exist: the book is not built, "
                    "so it was not scanned"
                )
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
    rules = build_rules(waves, load_pii(pii), threshold)
    rules.detect = detect
    if raw and waves:
        add_raw_values(rules, waves)
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
            rows.append(
                {
                    "file": rel.as_posix(),
                    "location": h.location or "(file)",
                    "kind": h.kind,
                    "finding": h.finding,
                    "excerpt": h.excerpt,
                }
            )
    if attack:
        rows += _attack(jobs, rules)
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS).astype("string")
    out.attrs["files"] = dict(counts)
    out.attrs["notes"] = notes + rules.notes
    return out


def _attack(jobs: list[tuple[Path, Path]], rules: Rules) -> list[dict]:
    """Attack the tables of every folder of published CSV tables (one wave each)."""
    from peo.checks.attacks import attack_wave

    rel_of = {f.resolve(): rel for f, rel in jobs}
    rows = []
    for folder in sorted({f.parent.resolve() for f, _ in jobs if f.suffix.lower() == ".csv"}):
        kf = folder / "key_figures.json"
        kf = kf if kf.is_file() else folder.parent / "key_figures.json"
        found, notes = attack_wave(folder, kf if kf.is_file() else None)
        rules.notes += [f"{folder.name}: {n}" for n in notes]
        for f in found:
            rel = rel_of.get((folder / f.file).resolve(), Path(folder.name) / f.file)
            rows.append(
                {
                    "file": rel.as_posix(),
                    "location": f.location,
                    "kind": "disclosure",
                    "finding": f.finding,
                    "excerpt": "",
                }
            )
    return rows


def report(findings: pd.DataFrame) -> str:
    """The printed report of :func:`scan`: what was scanned, then the findings per file."""
    counts = findings.attrs.get("files", {})
    lines = ["Privacy scan of the published files"]
    scanned = [f"{counts[c]} {_CATEGORY_WORDS[c]}" for c in _SCANNED if counts.get(c)]
    lines.append("scanned: " + (", ".join(scanned) or "nothing"))
    others = [c for c in ("image", "asset", "binary", "not-published") if counts.get(c)]
    for c in others:
        lines.append(f"not scanned: {counts[c]} {_CATEGORY_WORDS[c]}")
    for note in findings.attrs.get("notes", []):
        lines.append(f"note: {note}")
    lines.append("")
    if findings.empty:
        lines.append(
            "No findings: no respondent-level data, raw ids, IP addresses, response times, counts "
            "below the disclosure threshold or identifying details were found."
        )
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
    lines.append(
        "Nothing may be published until every finding is resolved: fix its source (the notebook, the "
        "table or the de-identification list), rebuild, and run this check again."
    )
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
