"""Shared pieces of the presentation: the Dutch words of the tables and sentences
(``peo/data/wording.yml``, section ``present``), number and p-value formatting (through
:mod:`peo.report.format`), Markdown escaping, suppression footnotes, group order and labels."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from peo.errors import PeoError
from peo.report import format as fmt
from peo.report.format import decimal as format_decimal
from peo.survey.codebook import Codebook
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import wording
from peo.tables.claims import level as claim_level
from peo.tables.disclosure.groups import PRIMARY, SECONDARY

__all__ = [
    "ALPHA",
    "COLUMNS_NL",
    "VALUES_NL",
    "ITEM_TYPES_NL",
    "TEXT_NL",
    "format_p",
    "md_escape",
]


#: Significance level for the summary sentences of the tests (after Holm's correction):
#: ``tests.level`` of ``peo/data/analysis.yml``, the level of every claim (peo.tables.claims).
ALPHA = claim_level()


#: Dutch column names of the published tables, in the order the tables have them
#: (``peo/data/wording.yml``, section ``present``). A column that is not here and not in
#: :data:`HIDDEN_COLUMNS` is shown under its own name.
COLUMNS_NL: dict[str, str] = wording("present")["columns"]


#: Columns that identify rows for software (ids, codes, flags) and are not shown to readers.
HIDDEN_COLUMNS = frozenset(
    {
        "item",
        "box",
        "answer_code",
        "theme",
        "construct",
        "x",
        "y",
        "outcome",
        "term",
        "kind",
        "suppressed",
        "suppression",
        "family",
        "method",
        "primary",
    }
)


#: Interval columns shown as one column: (low, high) -> name in :data:`COLUMNS_NL`.
INTERVALS: dict[tuple[str, str], str] = {("ci_low", "ci_high"): "ci", ("alpha_ci_low", "alpha_ci_high"): "alpha_ci"}


#: Dutch wording of coded values, per column.
VALUES_NL: dict[str, dict[str, str]] = wording("present")["values"]


#: Decimals per column (numbers that are not counts, shares or p-values).
DECIMALS: dict[str, int] = {"mean": 1, "sd": 1, "median": 1, "q1": 1, "q3": 1}


#: Columns whose whole values are shown without decimals (quantiles of whole numbers).
TRIM_COLUMNS = frozenset({"median", "q1", "q3"})


#: Columns holding whole numbers.
INTEGER_COLUMNS = frozenset({"n", "count", "events", "k", "df", "lr_df", "po_df", "population"})


#: Columns holding p-values.
P_COLUMNS = frozenset({"p_value", "p_holm", "lr_p_value", "lr_p_holm", "po_p_value", "po_p_holm"})


#: Columns holding shares (0 to 1), shown as whole percentages.
SHARE_COLUMNS = frozenset({"share", "response_rate", "population_share", "sample_share"})


#: Dutch names of the item types of a codebook (thematic module).
ITEM_TYPES_NL: dict[str, str] = wording("present")["item_types"]


#: Fixed Dutch phrases of the tables and sentences.
TEXT_NL: dict[str, str] = wording("present")["text"]

#: None, NaN or pandas.NA (the one definition, in peo.report.format).
_missing = fmt.is_missing


def format_p(p: float | None) -> str:
    """A p-value for readers: ``"< 0,001"`` below 0.001, else three decimals (``"0,049"``).

    Missing values give ``"–"``.
    """
    if _missing(p):
        return fmt.MISSING
    if float(p) < 0.001:
        return "< 0,001"
    return format_decimal(float(p), 3)


def _p_relation(p: float | None) -> str:
    """``"= 0,049"`` or ``"< 0,001"``, to follow "p" in a sentence."""
    text = format_p(p)
    return text if text.startswith("<") else f"= {text}"


def _number(x: Any, decimals: int = 2, integer: bool = False, trim: bool = False) -> str:
    """A number with a decimal comma; ``integer`` rounds to a whole number, ``trim`` drops
    the decimals of a whole value (a median of 16 is "16", not "16,0")."""
    if _missing(x):
        return fmt.MISSING
    value = float(x)
    if integer or (trim and value.is_integer()):
        return str(fmt.whole(value))
    return format_decimal(value, decimals)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~$&])")


_MD_LINE_START = re.compile(r"^(\s*)([-+=:#]|\d+[.)])")


def md_escape(text: Any) -> str:
    """Text for a Markdown page, shown as it is: no markup, no HTML, no line breaks.

    HTML entities (as :func:`peo.tables.text.html_safe` writes them) are first turned back into
    characters; then every character that Markdown, MyST or HTML could read as markup
    (``* _ [ ] < > & $ { }`` and others) is escaped with a backslash, and so is a list or
    heading marker at the start. White space is collapsed to single spaces.

    Parameters
    ----------
    text : str or None

    Returns
    -------
    str
    """
    if _missing(text):
        return ""
    s = " ".join(html.unescape(str(text)).split())
    s = _MD_INLINE.sub(r"\\\1", s)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c for c in m.group(2)), s)


def _threshold_of(table: pd.DataFrame, threshold: int | None) -> int | None:
    if threshold is not None:
        return int(threshold)
    value = getattr(table, "threshold", None)
    return int(value) if isinstance(value, int) else None


def _suppressed(table: pd.DataFrame) -> pd.Series:
    if "suppressed" not in table.columns:
        return pd.Series(False, index=table.index)
    return table["suppressed"].fillna(False).astype(bool)


def _reasons(table: pd.DataFrame) -> pd.Series:
    """Why each row is hidden: ``"primary"``, ``"secondary"`` or ``""`` (shown).

    From the ``suppression`` column of :mod:`peo.tables.disclosure`; a hidden row of a table
    without it counts as primary (too few respondents).
    """
    hidden = _suppressed(table)
    if "suppression" in table.columns:
        why = table["suppression"].astype("string").fillna("")
        why = why.where(~hidden | (why == SECONDARY), PRIMARY)
    else:
        why = pd.Series(PRIMARY, index=table.index)
    return why.where(hidden, "").astype(str)


def _mark(reason: str) -> str:
    """The mark of a hidden cell: "–" for too few respondents, "x" for a cell hidden to protect another."""
    return TEXT_NL["secondary_mark"] if reason == SECONDARY else fmt.MISSING


def _footnotes(hidden, threshold: int | None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The notes under a table: one per kind of suppression it has, then ``extra``.

    ``hidden`` is the :func:`_reasons` of the table (or a bool: any hidden cell, all primary).
    """
    reasons = set(hidden) if isinstance(hidden, pd.Series) else ({PRIMARY} if hidden else set())
    notes = []
    if PRIMARY in reasons:
        notes.append(
            TEXT_NL["suppressed_note"].format(threshold=threshold)
            if threshold is not None
            else TEXT_NL["suppressed_note_plain"]
        )
    if SECONDARY in reasons:
        notes.append(TEXT_NL["secondary_note"])
    return tuple(notes) + tuple(extra)


def _total() -> str:
    """The value of the row of all respondents (``totaal``), from the codebook."""
    return cb_groups().total


def _group_labels(codebook: Codebook | None) -> dict[str, str]:
    """Group value -> Dutch label (the codebook's); without a codebook only the total's."""
    g = cb_groups(codebook)
    return dict(g.labels["nl"]) if codebook is not None else {g.total: g.label(g.total)}


def _group_order(groups: Iterable[str], codebook: Codebook | None) -> list[str]:
    """The groups in report order (the total first, then the codebook's order)."""
    return cb_groups(codebook).order(groups)


def _need(table: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise PeoError(f"{what}: the table has no column(s) {', '.join(missing)}; pass a table of peo.tables.analysis.")


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)
