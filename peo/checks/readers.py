"""Readers of the published file types for the publication check.

CSV, JSON, Markdown/text, HTML (with its tables), notebooks (cells and outputs), PDF (text
by poppler's ``pdftotext``) and the book's search index (``searchindex.js``). Each returns
the findings of :func:`peo.checks.rules.scan_text` and of the disclosure check of the tables
it holds.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from peo.checks.rules import Hit, Rules, check_columns, check_counts, location, scan_text

__all__ = [
    "read_text",
    "scan_csv",
    "scan_json",
    "scan_markdown",
    "scan_html",
    "scan_notebook",
    "scan_pdf",
    "scan_searchindex",
    "html_tables",
]


def read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def scan_csv(text: str, rules: Rules, threshold: int) -> list[Hit]:
    hits: list[Hit] = []
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for record in reader:
        line = reader.line_num
        if header is None:
            header = record
            hits += check_columns(record, rules, f"line {line} (header)")
        for cell in record:
            hits += scan_text(cell, rules, content=True, line=line)
    if header is not None:
        try:
            frame = pd.read_csv(io.StringIO(text))
        except (ValueError, pd.errors.ParserError) as exc:
            hits.append(Hit("", "unreadable", f"not a readable CSV table, counts not checked: {exc}", ""))
        else:
            hits += check_counts(frame, threshold, "", first_line=2)
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


def _scan_json_obj(obj, rules: Rules, threshold: int, prefix: str = "") -> list[Hit]:
    hits: list[Hit] = []
    for where, value in _json_records(obj):
        where = f"{prefix}{where}" if where else prefix.rstrip(" ,")
        if isinstance(value, str):
            hits += scan_text(value, rules, content=True, where=where)
        elif isinstance(value, Mapping):
            for k in value:
                hits += scan_text(str(k), rules, content=True, where=where)
            fields = value.get("fields")
            if isinstance(fields, list):
                names = [f.get("name") for f in fields if isinstance(f, Mapping) and f.get("name") is not None]
                hits += check_columns(names, rules, f"{where}.fields")
            by_group = value.get("by_group")
            if isinstance(by_group, Mapping):
                for g, n in by_group.items():
                    if isinstance(n, (int, float)) and not isinstance(n, bool) and n < threshold:
                        hits.append(
                            Hit(
                                f"{where}.by_group.{g}",
                                "small-count",
                                f"group {g} has {n:g} respondents, below the disclosure threshold {threshold}",
                                f"{g}={n:g}",
                            )
                        )
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            keys = {str(k) for v in value for k in v}
            if keys & {"n", "count"} or any(k.startswith(("n_", "count_")) for k in keys):
                frame = pd.DataFrame(
                    [{k: v for k, v in rec.items() if not isinstance(v, (Mapping, list))} for rec in value]
                )
                hits += check_counts(frame, threshold, where)
    return hits


def scan_json(text: str, rules: Rules, threshold: int) -> list[Hit]:
    try:
        obj = json.loads(text)
    except ValueError:
        return scan_text(text, rules, content=True, line=1)
    return _scan_json_obj(obj, rules, threshold)


def scan_markdown(text: str, rules: Rules, static: bool) -> list[Hit]:
    hits: list[Hit] = []
    for i, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip()
        content = stripped.startswith((">", "|"))
        hits += scan_text(line, rules, content=content, static=static, line=i)
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


def html_tables(soup) -> Iterator[tuple[object, list[str], list[str], list[list[str]]]]:
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
                cells = cells[len(cells) - len(header) :]
            elif len(cells) < len(header):
                cells = [""] * (len(header) - len(cells)) + cells
            rows.append(cells)
        yield table, header, [e for e in extra if e], rows


def scan_html(
    text: str,
    rules: Rules,
    threshold: int,
    *,
    static: bool = False,
    fragment: bool = False,
    where: str = "",
    force_content: bool = False,
) -> list[Hit]:
    """Scan an HTML page (or a fragment: a notebook's text/html output)."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    soup = BeautifulSoup(text, "html.parser")
    hits: list[Hit] = []
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
        hits += scan_text(
            s, rules, content=force_content or _is_content(parent), static=static, where=prefix, line=line_of(parent)
        )
    for tag in soup.find_all(True):
        if tag.name in _SKIP_TAGS:
            continue
        for attr in _TEXT_ATTRS:
            value = tag.get(attr)
            if isinstance(value, str) and value.strip():
                hits += scan_text(
                    value,
                    rules,
                    content=force_content or _is_content(tag),
                    static=static,
                    where=prefix,
                    line=line_of(tag),
                )
    if not static:
        for table, header, index_names, rows in html_tables(soup):
            loc = location(prefix, line_of(table))
            hits += check_columns([*header, *index_names], rules, f"{loc} (table header)")
            if rows and any(c == "n" or c == "count" or c.startswith(("n_", "count_")) for c in header):
                frame = pd.DataFrame(rows, columns=header)
                hits += check_counts(frame, threshold, f"{loc} (table)")
    return hits


def scan_notebook(text: str, rules: Rules, threshold: int) -> list[Hit]:
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception:  # noqa: BLE001 - nbformat raises many types for a broken file; scan it as JSON then
        return scan_json(text, rules, threshold)
    hits: list[Hit] = []
    for i, cell in enumerate(nb.cells, start=1):
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(src)
        hits += scan_text(src, rules, content=False, where=f"cell {i} ({cell.get('cell_type', '?')})", line=1)
        for j, out in enumerate(cell.get("outputs", []) or [], start=1):
            where = f"cell {i} output {j}"
            otype = out.get("output_type")
            if otype == "stream":
                t = out.get("text", "")
                hits += scan_text("".join(t) if isinstance(t, list) else t, rules, content=True, where=where)
            elif otype == "error":
                hits += scan_text("\n".join(out.get("traceback", [])), rules, content=True, where=where)
            else:
                for mime, data in (out.get("data") or {}).items():
                    value = "".join(data) if isinstance(data, list) else data
                    if mime == "text/html":
                        hits += scan_html(value, rules, threshold, fragment=True, where=where, force_content=True)
                    elif mime.startswith("text/") or mime in ("application/javascript",):
                        hits += scan_text(str(value), rules, content=True, where=where)
                    elif mime.endswith("json"):
                        hits += _scan_json_obj(value, rules, threshold, prefix=f"{where}, ")
    return hits


def scan_pdf(path: Path, rules: Rules, content: bool = True) -> list[Hit]:
    """The text of a PDF, by poppler's ``pdftotext -layout``, searched page by page.

    A factsheet is all content (``content=True``). The report PDF of a wave is the book's
    own pages (narrative, tables and quotes) rendered again: its quotes and tables are those
    of the HTML pages, which are scanned with the content rules where they can be told
    apart from narrative, so it is searched with ``content=False`` (lists, names, e-mail
    addresses, phone numbers and raw ids; not the shape detector, which would read the
    narrative's own words, and table columns run together by the layout, as identifiers).
    """
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if exe is None:
        return [
            Hit("", "unreadable", "PDF not read: poppler's pdftotext is missing (apt-get install poppler-utils)", "")
        ]
    try:
        done = subprocess.run(
            [exe, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Hit("", "unreadable", f"PDF not read: {exc}", "")]
    if done.returncode != 0:
        return [Hit("", "unreadable", f"PDF not read: {done.stderr.decode(errors='replace').strip()}", "")]
    hits: list[Hit] = []
    for page, text in enumerate(done.stdout.decode("utf-8", errors="replace").split("\f"), start=1):
        hits += scan_text(text, rules, content=content, where=f"page {page}", line=1)
    return hits


_SEARCHINDEX_RX = re.compile(r"^\s*Search\.setIndex\((.*)\)\s*;?\s*$", re.S)


def scan_searchindex(text: str, rules: Rules) -> list[Hit]:
    """Sphinx's search index: every document title, section title and indexed term.

    The index holds the words of every page (stemmed), their titles and the names of the
    pages; a quote that was removed from a page but not from the index would be found here.
    """
    m = _SEARCHINDEX_RX.match(text)
    if not m:
        return scan_text(text, rules, content=True)
    try:
        index = json.loads(m.group(1))
    except json.JSONDecodeError:
        return scan_text(m.group(1), rules, content=True)
    hits: list[Hit] = []
    for key in ("titles", "docnames", "filenames"):
        for i, value in enumerate(index.get(key) or []):
            hits += scan_text(str(value), rules, content=False, where=f"{key}[{i}]")
    for key in ("terms", "titleterms"):
        words = " ".join(str(w) for w in (index.get(key) or {}))
        hits += scan_text(words, rules, content=False, where=key)
    alltitles = index.get("alltitles") or {}
    for title in alltitles:
        hits += scan_text(str(title), rules, content=False, where="alltitles")
    return hits
