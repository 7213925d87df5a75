"""Ranked horizontal bars, one panel per group: the options of a multiple-choice question
and the themes of the open answers."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import seaborn as sns
import pandas as pd
from matplotlib.figure import Figure

from peo.errors import ValidationError
from peo.report.colours import group_colours
from peo.report.plots.common import (
    _intervals,
    TEXT_NL,
    _add_note,
    _finish,
    _group_label,
    _group_order,
    _is_secondary,
    _n_range,
    _new_figure,
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
    "multi_choice",
    "theme_bars",
]


def _ranked_panels(
    df: pd.DataFrame,
    label_col: str,
    value_fmt,
    codebook: Codebook | None,
    title: str | None,
    notes: Sequence[str] | None,
) -> tuple[Figure, list[str], str | None]:
    """Horizontal bars sorted by share, one panel per group; returns fig, alt body, note."""
    df = df.copy()
    df["group"] = df["group"].astype(str)
    df[label_col] = df[label_col].astype(str)
    groups = _group_order(df["group"], codebook)
    options = list(dict.fromkeys(df[label_col]))
    hidden: dict[str, list[str]] = {}
    secondary: dict[str, list[str]] = {}  # hidden only to protect another cell
    shown: list[str] = []
    for g in groups:
        sub = df[df["group"] == g]
        bad = sub[sub["suppressed"] | sub["share"].isna()]
        glabel = _group_label(g, codebook, short=True)
        if len(bad):
            hidden[glabel] = list(bad[label_col])
            secondary[glabel] = [r[label_col] for _, r in bad.iterrows() if _is_secondary(r)]
        if not len(bad) or len(bad) < len(sub):
            shown.append(g)
    all_members = {_group_label(g, codebook, short=True): list(df.loc[df["group"] == g, label_col]) for g in groups}
    note = _not_shown_note(hidden, all_members, secondary)
    # order: by share in the first shown group (highest on top), ties in table order
    if shown:
        first = df[(df["group"] == shown[0]) & ~df["suppressed"]].groupby(label_col, sort=False)["share"].first()
        first = first.reindex(options).fillna(-1.0)  # options hidden in the first panel go last
        options = sorted(options, key=lambda o: (-float(first[o]), options.index(o)))
    colours = group_colours(groups)
    has_ci = "ci_low" in df.columns and "ci_high" in df.columns
    hi_val = df.loc[~df["suppressed"], "ci_high" if has_ci else "share"].max()
    if pd.isna(hi_val):
        hi_val = df.loc[~df["suppressed"], "share"].max()
    top = 100.0 if pd.isna(hi_val) else min(100.0, math.ceil(float(hi_val) * 10 + 0.5) * 10)
    step = 25 if top > 60 else 10
    if len(groups) > 2 and top > 60:
        step = 50  # narrow panels side by side: "0% 25% 50% 75%100%" collided (issue 12)
    title_width = 30 if len(groups) <= 2 else 18  # characters per line of a panel title
    body = []
    with figure_style():
        fig = _new_figure(
            0.32 * len(options) + 1.5 + (0.3 if title else 0),
            TEXT_NL["interval_note"] if has_ci else None,
            note,
            *(notes or ()),
        )
        axes = fig.subplots(1, max(len(shown), 1), sharey=True, squeeze=False)[0]
        for ax, g in zip(axes, shown or [None]):
            _tick_fonts(ax)
            ax.set_yticks(range(len(options)), labels=[_wrap(o, 36) for o in options])
            ax.set_ylim(len(options) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            _pct_axis(ax, "x", 0, top, step)
            if g is None:
                continue
            sub = df[(df["group"] == g) & ~df["suppressed"] & df["share"].notna()].set_index(label_col)
            ys = [options.index(o) for o in sub.index]
            shares = sub["share"].to_numpy(float) * 100
            # seaborn draws the bars (the ranked bars are what its barplot is for); the values are
            # the published shares, so it estimates nothing (errorbar=None) and the published
            # Wilson intervals are drawn below. native_scale keeps the rows at their positions.
            sns.barplot(
                x=shares,
                y=np.asarray(ys, dtype=float),
                orient="h",
                native_scale=True,
                width=0.66,
                color=colours[g],
                errorbar=None,
                ax=ax,
                zorder=2,
            )
            ax.set_xlabel("")
            ax.set_ylabel("")
            ends = shares.copy()
            if has_ci:
                lo = (sub["share"] - sub["ci_low"]).fillna(0).to_numpy(float) * 100
                hi = (sub["ci_high"] - sub["share"]).fillna(0).to_numpy(float) * 100
                _intervals(ax, ys, shares, lo, hi, horizontal=True, capsize=2.0)
                ends = shares + hi
            for y, e, (_, r) in zip(ys, ends, sub.iterrows()):
                ax.annotate(
                    value_fmt(r),
                    xy=(min(e, top), y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontsize=7.5,
                    annotation_clip=False,
                )
            ntext = _n_range(sub["n"]) if "n" in sub.columns else ""
            glabel = _group_label(g, codebook)
            ax.set_title(_wrap(f"{glabel} ({ntext})" if ntext else glabel, title_width))
            items = sorted(sub.index, key=options.index)
            body.append(
                f"{glabel}{f' ({ntext})' if ntext else ''}: " + ", ".join(f"{o} {value_fmt(sub.loc[o])}" for o in items)
            )
        for ax in axes:
            ax.set_xlabel(TEXT_NL["axis_share_plain"])
        if title:
            fig.suptitle(title)
        _add_note(fig, TEXT_NL["interval_note"] if has_ci else None, note, *(notes or ()))
    return fig, body, note


def _ranked_figure(
    df: pd.DataFrame,
    label_col: str,
    value_fmt,
    alt_key: str,
    codebook: Codebook | None,
    title: str | None,
    notes: Sequence[str] | None,
    **alt_values: str,
) -> Figure:
    """The ranked panels of :func:`_ranked_panels` with their alt text (``TEXT_NL[alt_key]``) and notes."""
    fig, body, note = _ranked_panels(df, label_col, value_fmt, codebook, title, notes)
    text = TEXT_NL[alt_key].format(body="; ".join(body), **alt_values)
    _finish(fig, _with_notes(text, note, notes))
    return fig


def multi_choice(
    table: pd.DataFrame,
    title: str | None = None,
    item: str | None = None,
    codebook: Codebook | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Horizontal bars of a multiple-choice question, options sorted by share.

    One panel per group (``totaal`` first), sharing the option axis; the options are
    sorted by their share in the first panel, the most chosen on top. The panel title
    carries the group's n.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``item``, ``item_label``, ``answer_label``, ``group``, ``n``, ``count``,
        ``share`` (share of the respondents to the question who chose the option), and
        optionally ``answer_code``, ``ci_low``, ``ci_high`` (drawn as error bars) and
        ``suppressed``.
    title : str, optional
        Figure title (Dutch).
    item : str, optional
        The item to draw when the table holds several.
    codebook : Codebook, optional
        Orders the groups and gives their labels.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set.

    Raises
    ------
    ValidationError
        If a column is missing, the table (or the item) has no rows, or the table holds
        several items and ``item`` is not given.
    """
    what = "multi_choice"
    df = _require(table, ["item", "item_label", "answer_label", "group", "n", "count", "share"], what)
    df["item"] = df["item"].astype(str)
    items = list(dict.fromkeys(df["item"]))
    if item is None:
        if len(items) > 1:
            raise ValidationError(f"The table given to {what} holds several items ({', '.join(items)}); pass item=.")
        item = items[0] if items else None
    df = df[df["item"] == str(item)]
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows for item {item!r}; there is nothing to draw.")
    item_label = str(df["item_label"].iloc[0])
    return _ranked_figure(
        df, "answer_label", lambda r: _pct(r["share"]), "alt_multi", codebook, title, notes, item=item_label
    )


def theme_bars(
    table: pd.DataFrame,
    title: str | None = None,
    codebook: Codebook | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Horizontal bars of the themes coded in the open answers, sorted by share.

    One panel per group (``totaal`` first); each bar is the share of respondents whose
    answer mentions the theme, labelled with the percentage and the count ("24% (12)").

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``theme_label``, ``group``, ``count``, ``share`` and optionally ``theme``,
        ``n`` (respondents who answered the open question, shown in the panel title),
        ``ci_low``, ``ci_high`` and ``suppressed``.
    title : str, optional
        Figure title (Dutch).
    codebook : Codebook, optional
        Orders the groups and gives their labels.
    notes : sequence of str, optional
        Further Dutch notes to print under the plot and add to the alt text, e.g. the
        notes of :func:`peo.tables.disclosure.for_figure` when its filtered frame is drawn.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set.

    Raises
    ------
    ValidationError
        If a column is missing or the table has no rows.
    """
    what = "theme_bars"
    df = _require(table, ["theme_label", "group", "count", "share"], what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    return _ranked_figure(
        df, "theme_label", lambda r: f"{_pct(r['share'])} ({int(r['count'])})", "alt_themes", codebook, title, notes
    )
