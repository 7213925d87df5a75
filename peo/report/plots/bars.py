"""Bar charts of shares with their intervals: per employer type, and outcomes against
experienced professional space."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peo.errors import ValidationError
from peo.report.colours import GROUP_PALETTE, group_colours
from peo.report.plots.common import (
    _intervals,
    TEXT_NL,
    _add_note,
    _finish,
    _group_label,
    _group_order,
    _join_nl,
    _n,
    _new_figure,
    _is_secondary,
    _not_shown_note,
    _pct,
    _pct_axis,
    _require,
    _tick_fonts,
    _with_notes,
    _wrap,
    figure_style,
)
from peo.survey.codebook import Codebook

__all__ = [
    "shares_by_group",
    "outcomes_by_space",
]


# Plain matplotlib, not seaborn: the bars carry the published Wilson intervals (asymmetric, from
# the table), which seaborn's barplot cannot take; it would estimate its own from raw data.
def shares_by_group(
    box_table: pd.DataFrame,
    title: str | None = None,
    codebook: Codebook | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Headline shares per employer type with their 95% Wilson intervals.

    One panel per item × box (in table order), stacked vertically with a shared x axis
    from 0 to 100%; in each panel one horizontal bar per group (``totaal`` first, then
    the employer types), coloured per group (Okabe-Ito), with the interval as a black
    error bar, the percentage beside it, and the group and its n in the tick label
    ("GI (n = 50)"), so the colour is never the only carrier of the group.

    Parameters
    ----------
    box_table : pandas.DataFrame
        A box-share table (:func:`peo.stats.shares.box_shares`) with columns ``item``,
        ``item_label``, ``box``, ``box_label``, ``group``, ``n``, ``count``, ``share``,
        ``ci_low``, ``ci_high`` and optionally ``suppressed``.
    title : str, optional
        Figure title (Dutch).
    codebook : Codebook, optional
        Orders the employer types as in the codebook; default: table order after ``totaal``.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set. Suppressed groups are left out and named in a note.

    Raises
    ------
    ValidationError
        If a column is missing or the table has no rows.
    """
    what = "shares_by_group"
    cols = ["item", "item_label", "box", "box_label", "group", "n", "count", "share", "ci_low", "ci_high"]
    df = _require(box_table, cols, what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    df["group"] = df["group"].astype(str)
    panels = list(dict.fromkeys(zip(df["item"].astype(str), df["box"].astype(str))))
    groups = _group_order(df["group"], codebook)
    colours = group_colours(groups)

    hidden: dict[str, list[str]] = {g: [] for g in groups}
    secondary: dict[str, list[str]] = {}
    panel_rows = []
    for item, box in panels:
        sub = df[(df["item"].astype(str) == item) & (df["box"].astype(str) == box)]
        label = f"{sub['item_label'].iloc[0]}: {sub['box_label'].iloc[0]}"
        rows = []
        for g in groups:
            r = sub[sub["group"] == g]
            if r.empty:
                continue
            r = r.iloc[0]
            if r["suppressed"] or pd.isna(r["share"]):
                hidden[g].append(str(sub["item_label"].iloc[0]))
                if _is_secondary(r):
                    secondary.setdefault(g, []).append(str(sub["item_label"].iloc[0]))
                continue
            rows.append(r)
        panel_rows.append((label, str(sub["item_label"].iloc[0]), rows))
    note = _not_shown_note(hidden, {g: [p[1] for p in panel_rows] for g in groups}, secondary)

    heights = [0.3 * max(len(rows), 1) + 0.55 for _, _, rows in panel_rows]
    with figure_style():
        fig = _new_figure(sum(heights) + 0.9 + (0.3 if title else 0), note, *(notes or ()))
        axes = fig.subplots(len(panel_rows), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights})[
            :, 0
        ]
        body = []
        for ax, (label, _, rows) in zip(axes, panel_rows):
            _tick_fonts(ax)
            ys = list(range(len(rows)))
            shares = np.array([r["share"] for r in rows]) * 100
            lo = np.array([r["share"] - r["ci_low"] if pd.notna(r["ci_low"]) else 0.0 for r in rows]) * 100
            hi = np.array([r["ci_high"] - r["share"] if pd.notna(r["ci_high"]) else 0.0 for r in rows]) * 100
            ax.barh(ys, shares, height=0.66, color=[colours[r["group"]] for r in rows], zorder=2)
            _intervals(ax, ys, shares, lo, hi, horizontal=True)
            for y, s, h, r in zip(ys, shares, hi, rows):
                ax.annotate(
                    _pct(r["share"]),
                    xy=(min(s + h, 100), y),
                    xytext=(4, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontsize=7.5,
                    color="#000000",
                    annotation_clip=False,
                )
            ax.set_yticks(ys, labels=[f"{_group_label(r['group'], codebook, short=True)} ({_n(r['n'])})" for r in rows])
            ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.set_title(_wrap(label, 90))
            _pct_axis(ax, "x", 0, 100, 25)
            body.append(
                f"{label}: "
                + ", ".join(
                    f"{_group_label(r['group'], codebook, short=True)} {_pct(r['share'])}"
                    + (f" ({_pct(r['ci_low'])}–{_pct(r['ci_high'])})" if pd.notna(r["ci_low"]) else "")
                    for r in rows
                )
            )
        axes[-1].set_xlabel(TEXT_NL["axis_share"])
        if title:
            fig.suptitle(title)
        _add_note(fig, note, *(notes or ()))
    text = TEXT_NL["alt_shares"].format(body="; ".join(body))
    _finish(fig, _with_notes(text, note, notes))
    return fig


def outcomes_by_space(
    table: pd.DataFrame,
    title: str | None = None,
    levels: Sequence[str] | None = None,
    xlabel: str | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """The outcomes (work pleasure, workload, intention to stay) against professional space.

    One panel per outcome, side by side with a shared y axis from 0 to 100%: a bar per
    level of experienced professional space with its 95% interval, the percentage above
    it and n under the level's name.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy table with columns

        ``space_level``
            level of experienced professional space, in Dutch (e.g. "weinig ruimte",
            "gemiddeld", "veel ruimte": tertiles of the scale score or the scale's
            categories); the order is ``levels``, else the categorical order, else the
            order of first appearance;
        ``outcome``, ``outcome_label``
            outcome item id and its Dutch label (e.g. "Werkplezier");
        ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``
            respondents at that level with a valid outcome, of whom ``count`` are in the
            outcome's headline box ("(heel) veel"), ``share = count / n`` and its 95%
            Wilson interval;
        ``box_label`` (optional)
            the box, shown after the outcome label ("Werkplezier: (heel) veel");
        ``suppressed`` (optional)
            from :mod:`peo.tables.disclosure`.
    title : str, optional
        Figure title (Dutch).
    levels : sequence of str, optional
        Order of the space levels.
    xlabel : str, optional
        Label of the x axis; default ``TEXT_NL["axis_space"]``.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set. Suppressed cells are left out and named in a note.

    Raises
    ------
    ValidationError
        If a column is missing, the table has no rows, or ``levels`` misses a level of
        the table.
    """
    what = "outcomes_by_space"
    cols = ["space_level", "outcome", "outcome_label", "n", "count", "share", "ci_low", "ci_high"]
    df = _require(table, cols, what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    if levels is None:
        sl = table["space_level"]
        if isinstance(sl.dtype, pd.CategoricalDtype):
            levels = [str(c) for c in sl.cat.categories if c in set(sl.dropna())]
        else:
            levels = list(dict.fromkeys(df["space_level"].astype(str)))
    levels = [str(lv) for lv in levels]
    df["space_level"] = df["space_level"].astype(str)
    extra = sorted(set(df["space_level"]) - set(levels))
    if extra:
        raise ValidationError(f"{what}: the table has space level(s) {extra} that are not in 'levels' {levels}.")
    outcomes = list(dict.fromkeys(df["outcome"].astype(str)))

    hidden: dict[str, list[str]] = {}
    secondary: dict[str, list[str]] = {}
    panels = []
    for oc in outcomes:
        sub = df[df["outcome"].astype(str) == oc]
        olabel = str(sub["outcome_label"].iloc[0])
        if "box_label" in sub.columns and pd.notna(sub["box_label"].iloc[0]):
            olabel = f"{olabel}: {sub['box_label'].iloc[0]}"
        bars = {}
        for lv in levels:
            r = sub[sub["space_level"] == lv]
            if r.empty:
                continue
            r = r.iloc[0]
            if r["suppressed"] or pd.isna(r["share"]):
                hidden.setdefault(lv, []).append(str(sub["outcome_label"].iloc[0]))
                if _is_secondary(r):
                    secondary.setdefault(lv, []).append(str(sub["outcome_label"].iloc[0]))
                continue
            bars[lv] = r
        panels.append((olabel, bars))
    note = _not_shown_note(hidden, {lv: [str(p) for p in outcomes] for lv in levels}, secondary)
    colour = GROUP_PALETTE["single"]

    with figure_style():
        fig = _new_figure(3.2 + (0.3 if title else 0), TEXT_NL["interval_note"], note, *(notes or ()))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        body = []
        for j, (ax, (olabel, bars)) in enumerate(zip(axes, panels)):
            _tick_fonts(ax)
            xs = [levels.index(lv) for lv in bars]
            shares = np.array([r["share"] for r in bars.values()]) * 100
            lo = np.array([r["share"] - r["ci_low"] if pd.notna(r["ci_low"]) else 0 for r in bars.values()]) * 100
            hi = np.array([r["ci_high"] - r["share"] if pd.notna(r["ci_high"]) else 0 for r in bars.values()]) * 100
            ax.bar(xs, shares, width=0.62, color=colour, zorder=2)
            _intervals(ax, xs, shares, lo, hi, horizontal=False)
            for x, s, h, r in zip(xs, shares, hi, bars.values()):
                ax.annotate(
                    _pct(r["share"]),
                    xy=(x, min(s + h, 100)),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    annotation_clip=False,
                )
            ticklabels = []
            for lv in levels:
                r = bars.get(lv)
                ticklabels.append(_wrap(lv, 10) + (f"\n({_n(r['n'])})" if r is not None else ""))
            ax.set_xticks(range(len(levels)), labels=ticklabels)
            ax.set_xlim(-0.6, len(levels) - 0.4)
            ax.tick_params(axis="x", length=0)
            ax.set_title(_wrap(olabel, 28))
            _pct_axis(ax, "y", 0, 100, 25)
            if j == 0:
                ax.set_ylabel(TEXT_NL["axis_share_plain"])
            body.append(f"{olabel}: " + ", ".join(f"{lv} {_pct(r['share'])} ({_n(r['n'])})" for lv, r in bars.items()))
        # Figure-level supxlabel is not used: constrained layout only reserves room for an
        # auto-positioned one, which then ignores the note strip. The middle panel carries it.
        axes[(len(axes) - 1) // 2].set_xlabel(xlabel or TEXT_NL["axis_space"])
        if title:
            fig.suptitle(title)
        _add_note(fig, TEXT_NL["interval_note"], note, *(notes or ()))
    text = TEXT_NL["alt_space"].format(
        outcomes=_join_nl([p[0] for p in panels]), levels=", ".join(levels), body="; ".join(body)
    )
    _finish(fig, _with_notes(text, note, notes))
    return fig
