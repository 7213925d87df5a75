"""Likert items as published tables: answers collapsed to their boxes, headline box per group.

A five-point answer split by employer type (about 50 respondents a group) almost always has
a cell below the threshold. Every set of Likert items is therefore published as two tables,
protected together by :func:`likert_tables`: the answers of all respondents collapsed to the
boxes of the answer scale (e.g. "(helemaal) oneens", "neutraal", "(helemaal) eens"), and per
employer type only the headline box against the rest. The cell the two share is hidden in
both when either hides it, so that one table never gives back what the other hides. The
headline shares, their Wilson intervals, the key figures and the figures are all drawn from
these protected tables.

Merging goes before hiding: when the answers of an item, collapsed to the boxes, have a
hidden cell, the item is published in ``distribution`` as its headline box against the other
answers together (``merged = True``), if both reach the threshold; only when they do not is
the item's distribution hidden. An item is published either by box or merged, never both, so
that no difference of the two gives a hidden cell back.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from peo.errors import PeoError
from peo.stats.shares import box_shares, wilson_interval
from peo.survey.codebook import Box, Code, Codebook, ResponseScale
from peo.survey.wording import phrase
from peo.survey.wording import wording as report_wording
from peo.tables import disclosure
from peo.tables.wavedata import GROUP, TOTAL, WaveData, wording

__all__ = [
    "REST",
    "collapse_scale",
    "collapsed_codebook",
    "headlines",
    "likert_tables",
    "merged_label",
    "with_shares",
]


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


#: Name of the box "every other valid answer" beside an item's headline box.
REST = "rest"


def _categories_codebook(codebook: Codebook, item_id: str) -> Codebook:
    """A one-item codebook whose answer scale has a box for every published category.

    The boxes are the collapsed categories of :func:`collapse_scale` (the scale's boxes,
    the neutral answer, any other answer) and, for an item with a headline box, ``rest``:
    every valid answer outside the headline box. :func:`peo.stats.shares.box_shares` (the
    function tested against Newcombe's reference intervals) then counts each of them.
    """
    item = codebook.item(item_id)
    scale = item.response_scale
    boxes = {name: Box(name, codes, nl, en) for name, codes, nl, en in _box_order(scale)}
    if item.headline:
        head = scale.boxes[item.headline]
        rest = tuple(c for c in scale.valid_codes if c not in head.codes)
        boxes[REST] = Box(REST, rest, wording()["rest_label"], REST)
    wide = dataclasses.replace(scale, boxes=boxes)
    return dataclasses.replace(
        codebook, items=(dataclasses.replace(item, response_scale=wide),), scales={scale.name: wide}
    )


#: The columns of a distribution table before protection (``merged`` is added by :func:`likert_tables`).
_DIST_COLUMNS = [
    "item",
    "item_label",
    "group",
    "answer_code",
    "answer_label",
    "box",
    "n",
    "count",
    "share",
    "ci_low",
    "ci_high",
    "note",
]


def _distribution_rows(data: WaveData, items: list[str]) -> pd.DataFrame:
    """All respondents' answers collapsed to the categories of :func:`collapse_scale`, with shares."""
    parts = []
    for item_id in items:
        cb = _categories_codebook(data.codebook, item_id)
        for code, (name, *_labels) in enumerate(_box_order(data.codebook.item(item_id).response_scale), start=1):
            part = box_shares(data.respondents, cb, item_id, box=name).rename(columns={"box_label": "answer_label"})
            part.insert(3, "answer_code", code)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)[_DIST_COLUMNS]


def _headline_rows(data: WaveData, items: list[str]) -> pd.DataFrame:
    """Per item, in total and per employer type: the headline box and the rest, with shares."""
    parts = []
    for item_id in items:
        if not data.codebook.item(item_id).headline:
            continue
        cb = _categories_codebook(data.codebook, item_id)
        head = box_shares(data.respondents, cb, item_id, by=GROUP)
        rest = box_shares(data.respondents, cb, item_id, box=REST, by=GROUP)
        both = pd.concat([head, rest], keys=[0, 1], names=["_part", "_row"]).reset_index()
        parts.append(both.sort_values(["_row", "_part"], kind="stable").drop(columns=["_part", "_row"]))
    cols = ["item", "item_label", "box", "box_label", "group", "n", "count", "share", "ci_low", "ci_high", "note"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def merged_label(labels: list[str], lang: str = "nl") -> str:
    """The label of answers published together, e.g. "(helemaal) oneens en neutraal (samengevoegd)"."""
    join = report_wording("plots")["text"]["and"] if lang == "nl" else "and"
    text = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {join} {labels[-1]}"
    return phrase("suppression", "merged_label", lang, labels=text)


def _merged_rows(data: WaveData, items: list[str], grp_raw: pd.DataFrame) -> pd.DataFrame:
    """Per item with a headline box: all respondents' answers merged along the boxes to the
    headline box and the rest, as distribution rows (``merged`` True).

    The counts, shares and intervals are those of the ``by_group`` table's total (the same
    :func:`peo.stats.shares.box_shares`); ``answer_code`` is the first collapsed code a row
    covers, so the rows keep the scale's order.
    """
    rows = []
    for item_id in items:
        item = data.codebook.item(item_id)
        if not item.headline:
            continue
        cats = _box_order(item.response_scale)
        rest = [(code, nl) for code, (name, _codes, nl, _en) in enumerate(cats, start=1) if name != item.headline]
        head_code = next(code for code, cat in enumerate(cats, start=1) if cat[0] == item.headline)
        total = grp_raw[(grp_raw["item"] == item_id) & (grp_raw["group"] == TOTAL)]
        for r in total.itertuples(index=False):
            is_rest = r.box == REST
            rows.append(
                {
                    "item": item_id,
                    "item_label": r.item_label,
                    "group": TOTAL,
                    "answer_code": min(code for code, _ in rest) if is_rest else head_code,
                    "answer_label": merged_label([nl for _, nl in rest]) if is_rest else r.box_label,
                    "box": r.box,
                    "n": r.n,
                    "count": r.count,
                    "share": r.share,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                    "note": r.note,
                    "merged": True,
                }
            )
    cols = [*_DIST_COLUMNS, "merged"]
    return pd.DataFrame(rows, columns=cols).sort_values(["item", "answer_code"], kind="stable")


def _with_merged(
    boxed: disclosure.ProtectedTable, merged_raw: pd.DataFrame, merge: set, items: list[str], threshold: int
) -> disclosure.ProtectedTable:
    """The distribution table: every item by box, except the items in ``merge``, which are
    published as their merged rows instead (never both)."""
    parts = []
    for item_id in items:
        if item_id in merge:
            parts.append(merged_raw[merged_raw["item"] == item_id])
        else:
            parts.append(pd.DataFrame(boxed[boxed["item"] == item_id]))
    frame = pd.concat(parts, ignore_index=True)
    frame["merged"] = frame["merged"].astype("boolean").fillna(False).astype(bool)
    return disclosure.protect(frame, threshold=threshold, cells=("item", "answer_code"), keep=("box", "merged"))


def _can_merge(boxed: pd.DataFrame, merged_raw: pd.DataFrame, item_id: str, threshold: int) -> bool:
    """An item is merged when its boxes have a hidden cell (its n shown) and its headline box
    and the rest each reach the threshold."""
    rows = boxed[boxed["item"] == item_id]
    if not bool(rows["suppressed"].any()) or rows["n"].isna().any():
        return False
    merged = merged_raw[merged_raw["item"] == item_id]
    return len(merged) == 2 and bool((merged["count"] >= threshold).all())


def _hide(table: pd.DataFrame, keys: dict, key_cols: tuple[str, ...]) -> pd.DataFrame:
    """Mark cells as hidden before :func:`peo.tables.disclosure.protect` (it keeps them hidden).

    ``keys`` maps a cell's key to the reason it is hidden in the other table (kept here).
    """
    out = table.copy()
    out["suppressed"] = False
    out["suppression"] = ""
    if keys:
        found = [keys.get(tuple(r)) for r in out[list(key_cols)].itertuples(index=False)]
        mask = pd.Series([f is not None for f in found], index=out.index)
        out["suppression"] = [f or "" for f in found]
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
        ``share``, ``ci_low``, ``ci_high``, ``note``, ``merged``, ``suppressed``,
        ``suppression``. ``merged`` is True for the two rows of an item whose boxes had a
        hidden cell and that is published instead as its headline box (``box`` the headline)
        against the other answers together (``box`` ``rest``, ``answer_code`` the first
        collapsed code it covers, ``answer_label`` e.g. "(helemaal) oneens en neutraal
        (samengevoegd)"); its box rows are then not published. ``by_group`` columns:
        ``item``, ``item_label``, ``box`` (the headline box or ``rest``), ``box_label``,
        ``group``, ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``, ``note``,
        ``suppressed``.
    """
    if not items:
        raise PeoError("likert_tables: no items given (a bug in the caller).")
    dist_raw = _distribution_rows(data, items)
    dist_raw["merged"] = False
    grp_raw = _headline_rows(data, items)
    merged_raw = _merged_rows(data, items, grp_raw)
    hide_dist: dict = {}
    hide_grp: dict = {}
    no_merge: set = set()  # items whose merged row would show a cell the by_group table hides
    heads = {i: data.codebook.item(i).headline for i in items}
    for _ in range(10):
        boxed = disclosure.protect(
            _hide(dist_raw, hide_dist, ("item", "box")),
            threshold=data.threshold,
            hidden_groups=data.hidden_groups,
            cells=("item", "answer_code"),
            keep=("box", "merged"),
        )
        merge = {
            i
            for i, head in heads.items()
            if head and i not in no_merge and _can_merge(boxed, merged_raw, i, data.threshold)
        }
        dist = _with_merged(boxed, merged_raw, merge, items, data.threshold)
        grp = disclosure.protect(
            _hide(grp_raw, hide_grp, ("item", "group", "box")),
            threshold=data.threshold,
            hidden_groups=data.hidden_groups,
            cells=("item", "box"),
            keep=("box_label",),
        )
        changed = False
        for item_id, head in heads.items():
            if not head:
                continue
            g_total = grp[(grp["item"] == item_id) & (grp["group"] == TOTAL)]
            if item_id in merge and bool(g_total["suppressed"].any()):
                # The merged row is the by_group table's total: shown in both or in neither.
                no_merge.add(item_id)
                changed = True
                continue
            d = dist[(dist["item"] == item_id) & (dist["box"] == head)]
            g = g_total[g_total["box"] == head]
            d_hidden = bool(d["suppressed"].any())
            g_hidden = bool(g["suppressed"].any())
            if d_hidden and not g_hidden:
                hide_grp[(item_id, TOTAL, head)] = str(d["suppression"].iloc[0])
                changed = True
            elif g_hidden and not d_hidden:
                hide_dist[(item_id, head)] = str(g["suppression"].iloc[0])
                changed = True
        if not changed:
            return dist, grp
    raise RuntimeError("likert_tables: the two tables did not agree after 10 rounds (a bug in peo).")


def headlines(by_group: pd.DataFrame) -> pd.DataFrame:
    """The headline-box rows of a ``by_group`` table (for figures and key figures)."""
    return by_group[by_group["box"] != REST].reset_index(drop=True)
