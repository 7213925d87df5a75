"""References to published numbers in the researchers' text, filled in at build time.

The researchers write their summary, conclusions and recommendations in Markdown
(:mod:`peo.report.researchers`); a number in that text is never typed but referenced, and the
build fills it in from the wave's key figures or published tables through
:mod:`peo.report.format` (one rounding rule). The syntax (also in ``docs/researchers-text.md``)::

    {{ kf:ps_needed.share }}                    a key figure (key_figures.json): 44%
    {{ kf:ps_needed.share | words }}            the same in words: bijna de helft (44%)
    {{ kf:ps_needed.disagree.n }}               with the box, where an item has several
    {{ kf:response.analysed }}                  respondents analysed (also: received, GI, JZ, LT)
    {{ table:space_by_group[item=ps_needed,group=GI,box=disagree].share }}
                                                one cell of a published table: exactly one row
                                                must match the filters
    {{ claim:ps_needed }}                       a test-gated sentence about a difference

Fields of a key figure: ``share``, ``ci``, ``n``, ``count``, ``statement``. A table cell is
formatted by its column: shares and interval bounds (``share``, ``ci_low``, ``ci_high``,
``*_share``) as percentages, whole numbers as counts, other numbers with two decimals. A
filter after ``|`` overrides that: ``pct``, ``words``, ``int``, ``decimal``, ``points``.

Fails (:class:`peo.errors.ResearchersTextError`, naming the file and line): an unknown kind,
key figure, table, column, filter or claim; a filter that matches no row or several; a cell
that is hidden (``suppressed``) or empty; and a percentage typed as a number in the text.

Standard library only at import time (pandas comes in with the tables).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peo.errors import PackageError, ResearchersTextError
from peo.report import format as fmt
from peo.report.markdown import md

__all__ = ["REFERENCE", "KINDS", "FILTERS", "Sources", "fill", "typed_numbers"]

#: One reference: ``{{ kind:spec }}`` or ``{{ kind:spec | filter }}``.
REFERENCE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
#: The kinds of reference.
KINDS = ("kf", "table", "claim")
#: Filters after ``|``.
FILTERS = ("pct", "words", "int", "decimal", "points")

_KF_FIELDS = ("share", "ci", "n", "count", "statement")
_RESPONSE_FIELDS = ("analysed", "received")
_SHARE_COLUMNS = ("share", "ci_low", "ci_high")
_TABLE_SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_]+)(?:\[(?P<filters>[^\]]*)\])?\.(?P<column>[A-Za-z0-9_]+)$")
#: A percentage typed as a number (the text must reference it instead).
_TYPED = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*(?:%|procent\b|percent\b)", re.IGNORECASE)


@dataclass
class Sources:
    """Where references are looked up.

    Attributes
    ----------
    key_figures : mapping
        The wave's ``key_figures.json``.
    table : callable, optional
        ``table(name)`` gives a published table (a DataFrame with ``suppressed``); raises
        :class:`PackageError` for an unknown table. None: table references are errors.
    claims : mapping of str to str, optional
        Test-gated sentences by id.
    threshold : int, optional
        The disclosure threshold, for the message about a hidden cell.
    """

    key_figures: Mapping
    table: Callable[[str], Any] | None = None
    claims: Mapping[str, str] | None = None
    threshold: int | None = None
    _tables: dict = field(default_factory=dict, repr=False)

    def get_table(self, name: str) -> Any:
        if name not in self._tables:
            if self.table is None:
                raise KeyError(name)
            self._tables[name] = self.table(name)
        return self._tables[name]


class _Problem(Exception):
    """A reference that cannot be filled in (the caller adds file and line)."""


def _words(share: float) -> str:
    from peo.tables.wavedata import wording as analysis_wording

    for rule in analysis_wording()["fraction_words"]:
        if rule["min"] <= share < rule["max"]:
            return rule["nl"].format(pct=fmt.pct(share), tenths=fmt.tenths(share))
    return fmt.pct(share)


def _apply(value: Any, how: str) -> str:
    if how == "pct":
        return fmt.pct(value)
    if how == "words":
        return _words(float(value))
    if how == "int":
        return fmt.integer(value)
    if how == "decimal":
        return fmt.decimal(value, 2)
    if how == "points":
        return fmt.points(value)
    raise _Problem(f"unknown filter {how!r}; use one of {', '.join(FILTERS)}")


def _hidden(sources: Sources) -> str:
    rule = f"a count below the threshold of {sources.threshold}" if sources.threshold else "too few answers"
    return f"it refers to a hidden cell ({rule}); such a number may not be published: leave it out of the text"


def _key_figure(spec: str, how: str | None, sources: Sources) -> str:
    kf = sources.key_figures
    parts = spec.split(".")
    if parts[0] == "response":
        resp = kf.get("response") or {}
        if len(parts) != 2:
            raise _Problem("write kf:response.analysed, kf:response.received or kf:response.<employer type>")
        name = parts[1]
        if name in _RESPONSE_FIELDS:
            value = resp.get(name)
        elif name in (resp.get("by_group") or {}):
            value = resp["by_group"][name]
        else:
            known = [*_RESPONSE_FIELDS, *(resp.get("by_group") or {})]
            raise _Problem(f"kf:response has no {name!r} (known: {', '.join(known)})")
        if fmt.is_missing(value):
            raise _Problem(_hidden(sources))
        return _apply(value, how or "int")
    if len(parts) not in (2, 3):
        raise _Problem("write kf:<item>.<field> or kf:<item>.<box>.<field>")
    item, field_ = parts[0], parts[-1]
    box = parts[1] if len(parts) == 3 else None
    figures = [f for f in kf.get("figures") or [] if f.get("item") == item and (box is None or f.get("box") == box)]
    if not figures:
        known = sorted({str(f.get("item")) for f in kf.get("figures") or []})
        raise _Problem(
            f"there is no key figure {item + ('.' + box if box else '')!r} in key_figures.json "
            f"(key figures: {', '.join(known) or 'none'}); a key figure that is hidden is not there either"
        )
    if len(figures) > 1:
        boxes = ", ".join(str(f.get("box")) for f in figures)
        raise _Problem(f"item {item!r} has key figures for several boxes ({boxes}): write kf:{item}.<box>.{field_}")
    fig = figures[0]
    if fig.get("suppressed"):
        raise _Problem(_hidden(sources))
    if field_ not in _KF_FIELDS:
        raise _Problem(f"a key figure has no field {field_!r}; use one of {', '.join(_KF_FIELDS)}")
    if field_ == "statement":
        return str(fig.get("statement_nl") or "")
    if field_ == "ci":
        if fmt.is_missing(fig.get("ci_low")) or fmt.is_missing(fig.get("ci_high")):
            raise _Problem(_hidden(sources))
        return fmt.ci(fig["ci_low"], fig["ci_high"])
    value = fig.get(field_)
    if fmt.is_missing(value):
        raise _Problem(_hidden(sources))
    return _apply(value, how or ("pct" if field_ == "share" else "int"))


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


_CONDITION = re.compile(r"""\s*([A-Za-z0-9_]+)\s*=\s*("[^"]*"|'[^']*'|[^,]*?)\s*(?:,|$)""")


def _conditions(text: str) -> list[tuple[str, str]]:
    """``item=ps_needed, label="a, b"`` -> pairs; a value with a comma is quoted."""
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _CONDITION.match(text, pos)
        if not m or m.end() == pos:
            raise _Problem(f"the filters {text!r} are not <column>=<value>, ... (quote a value with a comma)")
        out.append((m.group(1), _unquote(m.group(2))))
        pos = m.end()
    return out


def _table_cell(spec: str, how: str | None, sources: Sources) -> str:
    m = _TABLE_SPEC.match(spec)
    if not m:
        raise _Problem("write table:<table>[<column>=<value>,...].<column>")
    name, column = m["name"], m["column"]
    try:
        frame = sources.get_table(name)
    except KeyError:
        raise _Problem("table references need the wave's data package, which is not available here") from None
    except PackageError as err:
        raise _Problem(f"there is no published table {name!r} ({err})") from None
    if column not in frame.columns:
        raise _Problem(f"table {name!r} has no column {column!r} (columns: {', '.join(map(str, frame.columns))})")
    rows = frame
    for key, value in _conditions(m["filters"] or ""):
        if key not in frame.columns:
            raise _Problem(f"table {name!r} has no column {key!r} to filter on")
        rows = rows[rows[key].astype(str) == _unquote(value)]
    if len(rows) != 1:
        what = "no row" if len(rows) == 0 else f"{len(rows)} rows"
        keys = [c for c in ("item", "group", "box", "answer", "level", "theme", "y", "wave") if c in frame.columns]
        raise _Problem(
            f"{what} of table {name!r} match{'es' if len(rows) <= 1 else ''} the filters; give filters that pick "
            f"exactly one row (columns to filter on: {', '.join(keys) or ', '.join(map(str, frame.columns))})"
        )
    row = rows.iloc[0]
    if "suppressed" in frame.columns and bool(row["suppressed"]):
        raise _Problem(_hidden(sources))
    value = row[column]
    if fmt.is_missing(value):
        raise _Problem(_hidden(sources))
    if how is None:
        if column in _SHARE_COLUMNS or column.endswith("_share"):
            how = "pct"
        elif isinstance(value, str):
            return value
        elif float(value) == int(float(value)) and "int" in str(frame[column].dtype).lower():
            how = "int"
        else:
            how = "decimal"
    return _apply(value, how)


def _claim(spec: str, how: str | None, sources: Sources) -> str:
    if how:
        raise _Problem("a claim takes no filter")
    claims = sources.claims
    if claims is None:
        raise _Problem("claim sentences are not available for this wave (no claims in its key figures)")
    if spec not in claims:
        raise _Problem(f"there is no claim {spec!r} (claims: {', '.join(sorted(claims)) or 'none'})")
    return str(claims[spec])


_RESOLVERS = {"kf": _key_figure, "table": _table_cell, "claim": _claim}


def _one(inner: str, sources: Sources) -> str:
    """The text of one reference."""
    inner = " ".join(inner.split())
    ref, _, how = inner.partition("|")
    ref, how = ref.strip(), how.strip() or None
    kind, sep, spec = ref.partition(":")
    kind = kind.strip()
    if not sep or kind not in _RESOLVERS:
        raise _Problem(
            f"{{{{ {inner} }}}} is not a reference; write {{{{ kf:... }}}}, {{{{ table:... }}}} or {{{{ claim:... }}}}"
        )
    if how is not None and how not in FILTERS:
        raise _Problem(f"unknown filter {how!r}; use one of {', '.join(FILTERS)}")
    return _RESOLVERS[kind](spec.strip(), how, sources)


def typed_numbers(text: str) -> list[tuple[int, str]]:
    """Percentages typed as numbers outside references: ``(offset, text)``."""
    out = []
    blanked = REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
    for m in _TYPED.finditer(blanked):
        out.append((m.start(), m.group(0)))
    return out


def fill(text: str, sources: Sources, *, path: str | Path, first_line: int = 1, markdown: bool = True) -> str:
    """Fill in every reference of a text.

    Parameters
    ----------
    text : str
        Markdown with references.
    sources : Sources
    path : path-like
        The file the text comes from (for messages).
    first_line : int
        The line number of the text's first line in that file.
    markdown : bool, default True
        Escape what is filled in for MyST Markdown (False: plain text, as on the factsheet).

    Returns
    -------
    str

    Raises
    ------
    ResearchersTextError
        For the first reference that cannot be filled in, or a typed percentage, with file
        and line.
    """

    def where(offset: int) -> str:
        return f"{path}:{first_line + text.count(chr(10), 0, offset)}"

    typed = typed_numbers(text)
    if typed:
        offset, found = typed[0]
        raise ResearchersTextError(
            f"{where(offset)}: the number {found!r} is typed in the text. Numbers in the researchers' text "
            "are references that the build fills in, such as {{ kf:ps_needed.share }} "
            "(docs/researchers-text.md)."
        )

    def repl(m: re.Match) -> str:
        try:
            value = _one(m.group(1), sources)
        except _Problem as problem:
            raise ResearchersTextError(
                f"{where(m.start())}: {m.group(0).strip()}: {problem}. See docs/researchers-text.md."
            ) from None
        return md(value) if markdown else value

    return REFERENCE.sub(repl, text)
