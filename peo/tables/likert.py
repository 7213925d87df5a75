"""Likert items as published tables: answers collapsed to their boxes, headline box per group.

A five-point answer split by employer type (about 50 respondents a group) almost always has
a cell below the threshold. Every set of Likert items is therefore published as two tables,
protected together by :func:`likert_tables`: the answers of all respondents collapsed to the
boxes of the answer scale (e.g. "(helemaal) oneens", "neutraal", "(helemaal) eens"), and per
employer type only the headline box against the rest. The cell the two share is hidden in
both when either hides it, so that one table never gives back what the other hides. The
headline shares, their Wilson intervals, the key figures and the figures are all drawn from
these protected tables.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from peo.errors import PeoError
from peo.stats.shares import distribution, wilson_interval
from peo.survey.codebook import Code, Codebook, ResponseScale
from peo.tables import disclosure
from peo.tables.wavedata import GROUP, TOTAL, WaveData, wording

__all__ = ["collapse_scale", "collapsed_codebook", "headlines", "likert_tables", "with_shares"]

def _box_order(scale: ResponseScale) -> list[tuple[str, tuple[int, ...], str, str]]:
    """The categories of a collapsed scale, in scale order: (name, codes, nl, en)."""
    cats = [(b.name, tuple(b.codes), b.nl, b.en) for b in scale.boxes.values()]
    if scale.neutral is not None:
        neutral = next(c for c in scale.codes if c.code == scale.neutral)
        cats.append(("neutral", (scale.neutral,), neutral.nl.lower(), neutral.en.lower()))
    covered = {c for cat in cats for c in cat[1]}
    rest = [c.code for c in scale.codes if c.code not in covered]
    if rest:
        cats.append(("other", tuple(rest), "overig", "other"))
    return sorted(cats, key=lambda cat: min(cat[1]))


def collapse_scale(scale: ResponseScale) -> ResponseScale:
    """A Likert scale collapsed to its boxes (plus the neutral answer), as a new scale.

    The collapsed codes are 1, 2, ... in scale order; the boxes keep their names, so the
    headline box of an item is still found by name.
    """
    if not scale.boxes:
        return scale
    cats = _box_order(scale)
    codes = tuple(Code(i, nl, en) for i, (_, _, nl, en) in enumerate(cats, start=1))
    boxes = {
        name: dataclasses.replace(scale.boxes[name], codes=(i,))
        for i, (name, _, _, _) in enumerate(cats, start=1)
        if name in scale.boxes
    }
    neutral = next((i for i, (name, *_rest) in enumerate(cats, start=1) if name == "neutral"), None)
    return dataclasses.replace(scale, codes=codes, missing=(), neutral=neutral, boxes=boxes)


def collapsed_codebook(codebook: Codebook) -> Codebook:
    """The codebook with every Likert scale collapsed (see :func:`collapse_scale`)."""
    scales = {name: collapse_scale(s) if s.type == "likert" else s for name, s in codebook.scales.items()}
    items = tuple(
        dataclasses.replace(i, response_scale=scales[i.response_scale.name]) if i.response_scale is not None else i
        for i in codebook.items
    )
    return dataclasses.replace(codebook, items=items, scales=scales)


def with_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Add share and 95% Wilson interval columns from count and n (NaN when n is 0)."""
    n = table["n"].to_numpy(dtype=float)
    count = table["count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, count / np.where(n > 0, n, 1), np.nan)
    low, high = wilson_interval(count, n) if len(table) else (np.array([]), np.array([]))
    out = table.copy()
    out["share"] = share
    out["ci_low"] = np.where(n > 0, low, np.nan)
    out["ci_high"] = np.where(n > 0, high, np.nan)
    note = out.pop("note") if "note" in out else pd.Series("", index=out.index)
    out["note"] = np.where(n > 0, note.fillna(""), wording()["no_valid_answers"])
    return out


def _distribution_rows(data: WaveData, items: list[str], dist: pd.DataFrame) -> pd.DataFrame:
    """Counts of the collapsed answers (see :func:`collapse_scale`) per item and group of ``dist``."""
    rows = []
    for item_id in items:
        item = data.codebook.item(item_id)
        part = dist[dist["item"] == item_id]
        for group, g in part.groupby("group", sort=False):
            n = int(g["n"].iloc[0])
            for code, (name, codes, nl, _en) in enumerate(_box_order(item.response_scale), start=1):
                rows.append(
                    {
                        "item": item_id,
                        "item_label": item.short_nl,
                        "group": group,
                        "answer_code": code,
                        "answer_label": nl,
                        "box": name,
                        "n": n,
                        "count": int(g.loc[g["answer_code"].isin(codes), "count"].sum()),
                        "note": str(g["note"].iloc[0]) if "note" in g else "",
                    }
                )
    cols = ["item", "item_label", "group", "answer_code", "answer_label", "box", "n", "count", "note"]
    return pd.DataFrame(rows, columns=cols)


def _headline_rows(data: WaveData, items: list[str], dist: pd.DataFrame) -> pd.DataFrame:
    """Per item and group of ``dist`` (``totaal`` and each employer type): the headline box and the rest."""
    rest_label = wording()["rest_label"]
    rows = []
    for item_id in items:
        item = data.codebook.item(item_id)
        if not item.headline:
            continue
        box = item.response_scale.boxes[item.headline]
        part = dist[dist["item"] == item_id]
        for group, g in part.groupby("group", sort=False):
            n = int(g["n"].iloc[0])
            count = int(g.loc[g["answer_code"].isin(box.codes), "count"].sum())
            note = str(g["note"].iloc[0]) if "note" in g else ""
            for name, label, c in ((box.name, box.nl, count), ("rest", rest_label, n - count)):
                rows.append({"item": item_id, "item_label": item.short_nl, "box": name, "box_label": label,
                             "group": group, "n": n, "count": c, "note": note})
    cols = ["item", "item_label", "box", "box_label", "group", "n", "count", "note"]
    return pd.DataFrame(rows, columns=cols)


def _hide(table: pd.DataFrame, keys: set, key_cols: tuple[str, ...]) -> pd.DataFrame:
    """Mark cells as hidden before :func:`peo.tables.disclosure.protect` (it keeps them hidden)."""
    out = table.copy()
    out["suppressed"] = False
    if keys:
        mask = pd.Series([tuple(r) in keys for r in out[list(key_cols)].itertuples(index=False)], index=out.index)
        out["count"] = out["count"].astype("Float64").mask(mask)
        for c in ("share", "ci_low", "ci_high"):
            if c in out:
                out[c] = out[c].astype("Float64").mask(mask)
        out.loc[mask, "suppressed"] = True
    return out


def likert_tables(data: WaveData, items: list[str]) -> tuple[disclosure.ProtectedTable, disclosure.ProtectedTable]:
    """The two published tables of a set of Likert items, protected together.

    1. ``distribution``: all respondents, the answers collapsed to the boxes of the scale
       (e.g. "(helemaal) oneens", "neutraal", "(helemaal) eens"), for the diverging bars.
    2. ``by_group``: per employer type and in total, the headline box against the rest
       of the answers, with 95% Wilson intervals, for the differences between employer
       types and the headline figures.

    A five-point answer split by employer type (about 50 respondents a group) almost
    always has a cell below the threshold, so the answers per group are published only as
    "headline box or not". The total's headline cell appears in both tables: when either
    table hides it, the other hides it too (and protects itself again), so that one table
    never gives back what the other hides.

    Returns
    -------
    (ProtectedTable, ProtectedTable)
        ``distribution`` columns: ``item``, ``item_label``, ``group`` (``totaal``),
        ``answer_code`` (collapsed code), ``answer_label``, ``box``, ``n``, ``count``,
        ``share``, ``ci_low``, ``ci_high``, ``note``, ``suppressed``. ``by_group`` columns:
        ``item``, ``item_label``, ``box`` (the headline box or ``rest``), ``box_label``,
        ``group``, ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``, ``note``,
        ``suppressed``.
    """
    if not items:
        raise PeoError("likert_tables: no items given (a bug in the caller).")
    # One count per item, answer and group serves both tables: the total is its "totaal" rows.
    counts = distribution(data.respondents, data.codebook, items, by=GROUP)
    dist_raw = with_shares(_distribution_rows(data, items, counts[counts["group"] == TOTAL]))
    grp_raw = with_shares(_headline_rows(data, items, counts))
    hide_dist: set = set()
    hide_grp: set = set()
    heads = {i: data.codebook.item(i).headline for i in items}
    for _ in range(10):
        dist = disclosure.protect(_hide(dist_raw, hide_dist, ("item", "box")), threshold=data.threshold,
                                  cells=("item", "answer_code"), keep=("box",))
        grp = disclosure.protect(_hide(grp_raw, hide_grp, ("item", "group", "box")), threshold=data.threshold,
                                 cells=("item", "box"), keep=("box_label",))
        changed = False
        for item_id, head in heads.items():
            if not head:
                continue
            d = dist[(dist["item"] == item_id) & (dist["box"] == head)]
            g = grp[(grp["item"] == item_id) & (grp["group"] == TOTAL) & (grp["box"] == head)]
            d_hidden = bool(d["suppressed"].any())
            g_hidden = bool(g["suppressed"].any())
            if d_hidden and not g_hidden:
                hide_grp.add((item_id, TOTAL, head))
                changed = True
            elif g_hidden and not d_hidden:
                hide_dist.add((item_id, head))
                changed = True
        if not changed:
            return dist, grp
    raise RuntimeError("likert_tables: the two tables did not agree after 10 rounds (a bug in peo).")


def headlines(by_group: pd.DataFrame) -> pd.DataFrame:
    """The headline-box rows of a ``by_group`` table (for figures and key figures)."""
    return by_group[by_group["box"] != "rest"].reset_index(drop=True)
