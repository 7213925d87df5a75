"""Protected tables as readers see them: Dutch column names, whole percentages, "–" for a
hidden cell with its footnote (:class:`ReaderTable`)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from peo.errors import PeoError
from peo.report import format as fmt
from peo.report.format import ci as format_ci, decimal as format_decimal, pct as format_pct
from peo.report.present.common import (
    COLUMNS_NL,
    DECIMALS,
    HIDDEN_COLUMNS,
    INTEGER_COLUMNS,
    INTERVALS,
    P_COLUMNS,
    SHARE_COLUMNS,
    TEXT_NL,
    TRIM_COLUMNS,
    VALUES_NL,
    _footnotes,
    _mark,
    _reasons,
    _group_labels,
    _group_order,
    _missing,
    _need,
    _number,
    _suppressed,
    _threshold_of,
    _total,
    format_p,
)
from peo.survey.codebook import Codebook

__all__ = [
    "ReaderTable",
    "reader_table",
    "distribution_table",
    "group_table",
    "choice_table",
]


@dataclass(frozen=True)
class ReaderTable:
    """A table formatted for readers: every cell a string, Dutch column names, footnotes.

    Displayed in a notebook as an HTML table (escaped) with the footnotes under it.

    Attributes
    ----------
    frame : pandas.DataFrame
        The formatted cells (strings).
    footnotes : tuple of str
        Dutch notes shown under the table (e.g. what "–" means).
    """

    frame: pd.DataFrame
    footnotes: tuple[str, ...] = field(default_factory=tuple)

    def _repr_html_(self) -> str:
        table = self.frame.to_html(index=False, escape=True, border=0, na_rep=fmt.MISSING, classes="peo-tabel")
        notes = "".join(f'<p class="peo-voetnoot"><small>{html.escape(n)}</small></p>' for n in self.footnotes)
        return f'<div class="peo-tabel">{table}{notes}</div>'

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False) if len(self.frame.columns) else ""
        return "\n".join([text, *self.footnotes]).strip("\n")


def _format_value(col: str, value: Any, groups: Mapping[str, str]) -> str:
    if col in SHARE_COLUMNS:
        return format_pct(value)
    if col in P_COLUMNS:
        return format_p(value)
    if col in INTEGER_COLUMNS:
        return _number(value, integer=True)
    if col == "group":
        return groups.get(str(value), str(value))
    if col in VALUES_NL:
        return "" if _missing(value) else VALUES_NL[col].get(str(value), str(value))
    if pd.api.types.is_bool(value):
        return "ja" if value else "nee"
    if pd.api.types.is_number(value):
        return _number(value, DECIMALS.get(col, 2), trim=col in TRIM_COLUMNS)
    return "" if _missing(value) else str(value)


def _interval(row: pd.Series, low: str, high: str, as_share: bool, decimals: int = 2) -> str:
    if as_share:
        return format_ci(row[low], row[high])
    if _missing(row[low]) or _missing(row[high]):
        return fmt.MISSING
    return TEXT_NL["interval_to"].format(
        low=format_decimal(row[low], decimals), high=format_decimal(row[high], decimals)
    )


def _blank_column(s: pd.Series) -> bool:
    return bool(s.isna().all() or (s.astype("string").fillna("").str.strip() == "").all())


def reader_table(
    table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    codebook: Codebook | None = None,
    threshold: int | None = None,
) -> ReaderTable:
    """A published table in long form for readers.

    Parameters
    ----------
    table : pandas.DataFrame
        A table of :mod:`peo.tables.analysis` (usually a :class:`peo.tables.disclosure.ProtectedTable`).
    columns : sequence of str, optional
        The columns to show, in this order (``ci_low`` stands for the interval). Default:
        every column except the ids and flags of :data:`HIDDEN_COLUMNS`, and without the
        text columns that are empty in every row (``note``, ``warning``, ...).
    codebook : Codebook, optional
        Gives the employer types their full Dutch names.
    threshold : int, optional
        The disclosure threshold for the footnote; default: the table's own
        (``ProtectedTable.threshold``).

    Returns
    -------
    ReaderTable
        Shares as whole percentages, intervals as one column ("84–94%" for shares, "0,19
        tot 0,48" for other estimates), p-values as "< 0,001" or "0,049", decimals with a
        comma. Cells hidden by disclosure control are "–", with a footnote.

    Raises
    ------
    PeoError
        If ``columns`` names a column the table does not have.
    """
    threshold = _threshold_of(table, threshold)
    frame = pd.DataFrame(table).reset_index(drop=True)
    hidden = _suppressed(frame)
    why = _reasons(frame)
    if columns is None:
        columns = [c for c in frame.columns if c not in HIDDEN_COLUMNS]
        if "group" in columns and (frame["group"].astype(str) == _total()).all():
            columns.remove("group")  # all respondents: the column says nothing
        if "p_holm" in columns and "p_value" in columns:  # the two p-values side by side
            columns.remove("p_holm")
            columns.insert(columns.index("p_value") + 1, "p_holm")
        columns = [c for c in columns if c not in ("note", "warning")] + [
            c for c in ("note", "warning") if c in columns
        ]
        columns = [
            c
            for c in columns
            if not (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])) or not _blank_column(frame[c])
        ]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PeoError(
            f"reader_table: the table has no column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}."
        )
    as_share = "share" in frame.columns
    groups = _group_labels(codebook)
    out: dict[str, list[str]] = {}
    interval_low = {
        lo: (lo, hi, name) for (lo, hi), name in INTERVALS.items() if lo in frame.columns and hi in frame.columns
    }
    skip = {hi for (_lo, hi), _ in INTERVALS.items()}
    for col in columns:
        if col in skip:
            continue
        if col in interval_low:
            lo, hi, name = interval_low[col]
            header = COLUMNS_NL[name]
            out[header] = [
                _mark(w) if h else _interval(r, lo, hi, as_share and lo == "ci_low")
                for (_, r), h, w in zip(frame.iterrows(), hidden, why)
            ]
            continue
        header = COLUMNS_NL.get(col, col)
        while header in out:
            header += " "
        cells = []
        for (_, r), h, w in zip(frame.iterrows(), hidden, why):
            v = r[col]
            if _missing(v) and h:
                cells.append(_mark(w))
            elif _missing(v) and (col in SHARE_COLUMNS or col in INTEGER_COLUMNS):
                cells.append(fmt.MISSING)
            else:
                cells.append(_format_value(col, v, groups))
        out[header] = cells
    result = pd.DataFrame(out, dtype=object) if out else pd.DataFrame()
    return ReaderTable(result, _footnotes(why, threshold))


def _cell(r: pd.Series, style: str) -> str:
    """One share cell of a wide table, or "–" / "geen geldige antwoorden"."""
    if bool(r.get("suppressed", False)) or _missing(r.get("share")):
        if not bool(r.get("suppressed", False)) and not _missing(r.get("n")) and int(r["n"]) == 0:
            return TEXT_NL["no_valid"]
        return _mark(str(r.get("suppression", ""))) if bool(r.get("suppressed", False)) else fmt.MISSING
    ci = format_ci(r.get("ci_low"), r.get("ci_high"))
    if style == "count":
        return TEXT_NL["count_cell"].format(pct=format_pct(r["share"]), count=_number(r["count"], integer=True))
    if style == "share_n":
        return TEXT_NL["share_cell_n"].format(pct=format_pct(r["share"]), ci=ci, n=_number(r["n"], integer=True))
    return TEXT_NL["share_cell"].format(pct=format_pct(r["share"]), ci=ci)


def _wide(
    table: pd.DataFrame,
    row_cols: Sequence[str],
    style: str,
    codebook: Codebook | None,
    threshold: int | None,
    extra_notes: Iterable[str] = (),
) -> ReaderTable:
    threshold = _threshold_of(table, threshold)
    frame = pd.DataFrame(table).reset_index(drop=True)
    frame["group"] = frame["group"].astype(str)
    groups = _group_order(frame["group"], codebook)
    labels = _group_labels(codebook)
    keys = list(dict.fromkeys(tuple(str(v) for v in r) for r in frame[list(row_cols)].itertuples(index=False)))
    rows = []
    for key in keys:
        mask = pd.Series(True, index=frame.index)
        for c, v in zip(row_cols, key):
            mask &= frame[c].astype(str) == v
        part = frame[mask]
        row = {COLUMNS_NL.get(c, c): v for c, v in zip(row_cols, key)}
        for g in groups:
            r = part[part["group"] == g]
            row[labels.get(g, g)] = _cell(r.iloc[0], style) if len(r) else ""
        rows.append(row)
    result = pd.DataFrame(rows, dtype=object)
    return ReaderTable(result, _footnotes(_reasons(frame), threshold, extra_notes))


def distribution_table(dist: pd.DataFrame, *, threshold: int | None = None) -> ReaderTable:
    """The collapsed answers of Likert items, one row per item and one column per answer.

    Parameters
    ----------
    dist : pandas.DataFrame
        A ``*_distribution`` table of :mod:`peo.tables.analysis` (columns ``item_label``,
        ``answer_label``, ``n``, ``count``, ``share``, ``suppressed``; one group).
    threshold : int, optional
        For the footnote; default: the table's own.

    Returns
    -------
    ReaderTable
        Columns "Vraag", "n" and one per answer ("48% (71)"); hidden cells "–".

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(dist, ["item", "item_label", "answer_label", "n", "count", "share"], "distribution_table")
    threshold = _threshold_of(dist, threshold)
    frame = pd.DataFrame(dist).reset_index(drop=True)
    answers = list(dict.fromkeys(frame["answer_label"].astype(str)))
    rows = []
    for item in dict.fromkeys(frame["item"].astype(str)):
        part = frame[frame["item"].astype(str) == item]
        row = {
            COLUMNS_NL["item_label"]: str(part["item_label"].iloc[0]),
            TEXT_NL["n_col"]: _number(part["n"].iloc[0], integer=True),
        }
        for a in answers:
            r = part[part["answer_label"].astype(str) == a]
            row[a] = _cell(r.iloc[0], "count") if len(r) else ""
        rows.append(row)
    return ReaderTable(pd.DataFrame(rows, dtype=object), _footnotes(_reasons(frame), threshold))


def group_table(
    by_group: pd.DataFrame, *, codebook: Codebook | None = None, threshold: int | None = None
) -> ReaderTable:
    """Headline shares per employer type: one row per item, one column per group.

    Parameters
    ----------
    by_group : pandas.DataFrame
        A ``*_by_group`` table of :mod:`peo.tables.analysis`; the ``rest`` rows are left out.
    codebook : Codebook, optional
        Orders the employer types and gives their Dutch names.
    threshold : int, optional
        For the footnote; default: the table's own.

    Returns
    -------
    ReaderTable
        Columns "Vraag", "Antwoord" and per group "48% (40–56%; n = 148)".

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(by_group, ["item", "item_label", "box", "box_label", "group", "n", "count", "share"], "group_table")
    threshold = _threshold_of(by_group, threshold)
    heads = pd.DataFrame(by_group)
    heads = heads[heads["box"].astype(str) != "rest"]
    return _wide(heads, ["item_label", "box_label"], "share_n", codebook, threshold)


def choice_table(table: pd.DataFrame, *, codebook: Codebook | None = None, threshold: int | None = None) -> ReaderTable:
    """Shares per answer (or theme) and employer type: one row per answer, one column per group.

    For multiple-choice and categorical items (column ``answer_label``) and for the themes
    of open answers (column ``theme_label``).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``answer_label`` or ``theme_label``, ``group``, ``n``, ``count``, ``share``
        and ``suppressed``.
    codebook : Codebook, optional
        Orders the employer types and gives their Dutch names.
    threshold : int, optional
        For the footnote; default: the table's own.

    Returns
    -------
    ReaderTable
        Cells "70% (102)"; hidden cells "–"; the n per group in a last row "n".

    Raises
    ------
    PeoError
        If a column is missing.
    """
    label = "theme_label" if "theme_label" in table.columns else "answer_label"
    _need(table, [label, "group", "n", "count", "share"], "choice_table")
    threshold = _threshold_of(table, threshold)
    # The zero rule's exception: an answer nobody chose at all is published as 0 in the data
    # package, but not shown as a row of "0% (0)"; the note under the table names it.
    plain = pd.DataFrame(table)
    total = plain[plain["group"].astype(str) == _total()]
    nobody = [str(x) for x in total.loc[pd.to_numeric(total["count"]) == 0, label]]
    extra = [TEXT_NL["nobody_chose"].format(labels=", ".join(nobody))] if nobody else []
    kept = plain[~plain[label].astype(str).isin(nobody)] if nobody and len(nobody) < len(total) else plain
    if kept is not plain:
        table = kept
    rt = _wide(table, [label], "count", codebook, threshold, extra)
    frame = pd.DataFrame(table)
    frame = frame.assign(group=frame["group"].astype(str))
    labels = _group_labels(codebook)
    n_row = {COLUMNS_NL[label]: TEXT_NL["n_col"]}
    for g in _group_order(frame["group"], codebook):
        n_row[labels.get(g, g)] = _number(frame.loc[frame["group"] == g, "n"].iloc[0], integer=True)
    out = pd.concat([rt.frame, pd.DataFrame([n_row], dtype=object)], ignore_index=True)
    return ReaderTable(out, rt.footnotes)
