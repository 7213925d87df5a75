"""What the factsheet shows from the published tables, hidden numbers included.

The factsheet (:mod:`peo.report.factsheet`) draws; this module picks its content from the
published tables: the three most chosen answers of a theme question, the outcomes per level
of experienced space, and every number they hide, with its reason. A hidden number is never
silently missing: a cell reads "–" (too few respondents) or "x" (hidden to protect another
cell), as in the book's tables, and a hidden key figure or answer is named with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from peo.report import format as fmt
from peo.survey.wording import phrase, wording

__all__ = ["hidden_headlines"]


def _t(key: str, **values: Any) -> str:
    """A phrase of the factsheet (``peo/data/wording.yml``, section ``factsheet``)."""
    return phrase("factsheet", key, **values)


#: The marks of a hidden cell, as in the book's tables: "–" too few respondents, "x" hidden
#: only to protect another cell (``present.text.secondary_mark`` in the wording).
_MARKS = {"primary": fmt.MISSING, "secondary": str(wording("present")["text"]["secondary_mark"])}


def _why(rows: pd.DataFrame) -> pd.Series:
    """Per row: ``"primary"``, ``"secondary"`` or ``""`` (shown); a hidden row without a reason is primary."""
    hidden = rows["suppressed"].astype("boolean").fillna(False).astype(bool) if "suppressed" in rows else False
    hidden = pd.Series(hidden, index=rows.index) | rows["share"].isna()
    why = rows["suppression"].astype("string").fillna("") if "suppression" in rows else pd.Series("", index=rows.index)
    return pd.Series(
        [("secondary" if w == "secondary" else "primary") if h else "" for h, w in zip(hidden, why)], index=rows.index
    )


def _reason(why: str, threshold: Any) -> str:
    """The Dutch reason a number is hidden: too few respondents, or hidden to protect another cell."""
    if why == "secondary":
        return phrase("suppression", "secondary")
    return phrase("suppression", "primary", threshold=fmt.integer(threshold) if not fmt.is_missing(threshold) else 10)


def _not_shown(hidden: Sequence[tuple[str, str]], threshold: Any) -> str:
    """Sentences naming what is hidden, one per reason ("" when nothing is)."""
    parts = []
    for why in ("primary", "secondary"):
        labels = [label for label, w in hidden if w == why]
        if labels:
            parts.append(_t("not_shown", reason=_reason(why, threshold), what="; ".join(labels)))
    return " ".join(parts)


def _top3(table: pd.DataFrame, total: str) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """The question of a multiple-choice table, its three most chosen answers (all respondents)
    and its hidden answers with their reason (a hidden answer is named, never silently left out)."""
    df = pd.DataFrame(table)
    if "group" in df.columns:
        df = df[df["group"].astype("string") == total]
    why = _why(df)
    hidden = [(str(r.answer_label), w) for r, w in zip(df.itertuples(index=False), why) if w]
    df = df[why == ""].sort_values(["share", "answer_code"], ascending=[False, True], kind="mergesort")
    label = str(df["item_label"].iloc[0]) if len(df) and "item_label" in df.columns else ""
    return label, [(fmt.pct(r.share), str(r.answer_label)) for r in df.head(3).itertuples(index=False)], hidden


def _space_rows(table: pd.DataFrame) -> tuple[list[str], list[tuple[str, list[str]]], set[str]]:
    """Column labels (space levels, in table order), one row per outcome (its label and shares)
    and the reasons of its hidden cells: "–" too few respondents, "x" hidden to protect another."""
    df = pd.DataFrame(table)
    levels = list(dict.fromkeys(df["space_level"].astype(str)))
    rows = []
    reasons: set[str] = set()
    for (_outcome, label, box), part in df.groupby(["outcome", "outcome_label", "box_label"], sort=False):
        cells = []
        for level in levels:
            r = part[part["space_level"].astype(str) == level]
            why = _why(r).iloc[0] if len(r) else "primary"
            reasons.add(why)
            cells.append(_MARKS[why] if why else fmt.pct(r["share"].iloc[0]))
        rows.append((f"{label}: {box}", cells))
    return levels, rows, reasons - {""}


def hidden_headlines(by_group_tables: Sequence[pd.DataFrame], total: str) -> list[tuple[str, str]]:
    """The headline cells for all respondents that a ``*_by_group`` table hides, with the reason:
    the key figures they would have been (the factsheet names them under the key figures)."""
    out = []
    for table in by_group_tables:
        df = pd.DataFrame(table)
        df = df[(df["group"].astype(str) == total) & (df["box"].astype(str) != "rest")]
        for r, why in zip(df.itertuples(index=False), _why(df)):
            if why:
                out.append((f"{r.item_label}: {r.box_label}", why))
    return out
