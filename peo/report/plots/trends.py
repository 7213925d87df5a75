"""Lines of a share across waves, per employer type and in total, with intervals."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peo.errors import ValidationError
from peo.report.colours import group_colours
from peo.report.plots.common import (
    TEXT_NL,
    _add_note,
    _finish,
    _group_label,
    _group_order,
    _is_secondary,
    _new_figure,
    _not_shown_note,
    _pct,
    _require,
    _tick_fonts,
    _with_notes,
    _wrap,
    figure_style,
)
from peo.survey.codebook import Codebook
from peo.survey.codebook import groups as cb_groups

__all__ = [
    "trend_lines",
]


# Plain matplotlib, not seaborn: seaborn's lineplot estimates its own intervals from
# respondent-level data, while these lines draw the published shares with their published Wilson
# intervals (an aggregated table); errorbar() draws exactly those.
def trend_lines(trend: pd.DataFrame, title: str | None = None, codebook: Codebook | None = None) -> Figure:
    """Headline shares per wave, one panel per item, one line per group, with Wilson intervals.

    Parameters
    ----------
    trend : pandas.DataFrame
        :func:`peo.tables.trends.headline_trend`: columns ``wave``, ``item``, ``item_label``,
        ``box``, ``box_label``, ``group``, ``n``, ``share``, ``ci_low``, ``ci_high``,
        ``suppressed`` and optionally ``suppression``. Suppressed points are left out (a gap
        in the line) and named in a note that tells points with too few respondents from
        points hidden only to protect another cell (``suppression = "secondary"``).
    title : str, optional
        Figure title (Dutch).
    codebook : Codebook, optional
        Orders the employer types as in the codebook.

    Returns
    -------
    matplotlib.figure.Figure
        With ``peo_alt_text`` set.

    Raises
    ------
    ValidationError
        If a column is missing or the table has no rows.
    """
    what = "trend_lines"
    cols = ["wave", "item", "item_label", "box", "box_label", "group", "n", "share", "ci_low", "ci_high"]
    df = _require(trend, cols, what)
    if df.empty:
        raise ValidationError(f"The table given to {what} has no rows; there is nothing to draw.")
    df["group"] = df["group"].astype(str)
    df["wave"] = df["wave"].astype(str)
    if "suppressed" not in df:
        df["suppressed"] = False
    waves = sorted(df["wave"].unique())
    groups = _group_order(df["group"], codebook)
    colours = group_colours(groups)
    panels = list(dict.fromkeys(zip(df["item"].astype(str), df["box"].astype(str))))
    ncols = 2 if len(panels) > 1 else 1
    nrows = int(math.ceil(len(panels) / ncols))
    hidden: dict[str, list[str]] = {g: [] for g in groups}
    secondary: dict[str, list[str]] = {g: [] for g in groups}  # hidden only to protect another cell
    points: dict[str, list[str]] = {g: [] for g in groups}  # every point of a group, shown or not
    body = []
    markers = ["o", "s", "^", "D", "v", "P"]
    with figure_style():
        fig = _new_figure(2.3 * nrows + 0.8 + (0.3 if title else 0))
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
        for k, (item, box) in enumerate(panels):
            ax = axes[k // ncols][k % ncols]
            _tick_fonts(ax)
            sub = df[(df["item"].astype(str) == item) & (df["box"].astype(str) == box)]
            label = f"{sub['item_label'].iloc[0]}: {sub['box_label'].iloc[0]}"
            parts = []
            for gi, g in enumerate(groups):
                rows = sub[sub["group"] == g].set_index("wave").reindex(waves)
                ok = ~rows["suppressed"].fillna(True).astype(bool) & rows["share"].notna()
                points[g] += [f"{sub['item_label'].iloc[0]} ({w})" for w in rows.index[rows["group"].notna()]]
                for w in rows.index[~ok & (rows["n"].notna() | rows["suppressed"].fillna(False).astype(bool))]:
                    point = f"{sub['item_label'].iloc[0]} ({w})"
                    hidden[g].append(point)
                    if _is_secondary(rows.loc[w]):
                        secondary[g].append(point)
                x = np.arange(len(waves), dtype=float) + (gi - (len(groups) - 1) / 2) * 0.06
                y = np.where(ok, rows["share"].astype(float) * 100, np.nan)
                lo = np.where(ok, (rows["share"] - rows["ci_low"]).astype(float) * 100, 0)
                hi = np.where(ok, (rows["ci_high"] - rows["share"]).astype(float) * 100, 0)
                ax.errorbar(
                    x,
                    y,
                    yerr=np.vstack([lo, hi]),
                    color=colours[g],
                    marker=markers[gi % len(markers)],
                    markersize=4,
                    linewidth=1.4 if g == cb_groups(codebook).total else 1.0,
                    capsize=2,
                    label=_group_label(g, codebook, short=True),
                )
                shown = [f"{w} {_pct(s)}" for w, s, o in zip(waves, rows["share"], ok) if o]
                if shown:
                    parts.append(f"{_group_label(g, codebook, short=True)}: " + ", ".join(shown))
            body.append(f"{label}: " + "; ".join(parts))
            ax.set_title(_wrap(label, 40))
            ax.set_xticks(range(len(waves)), labels=waves)
            ax.set_ylim(0, 100)
            ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for k in range(len(panels), nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        handles, labels = axes[0][0].get_legend_handles_labels()
        # Right of the panels, one column: above them ("outside upper center") it was drawn over
        # the figure title, and below them over the notes (issue 12; tests/test_plots.py checks it).
        fig.legend(handles, labels, loc="outside right upper", ncols=1, frameon=False)
        labels_of = {g: _group_label(g, codebook, short=True) for g in groups}
        note = _not_shown_note(
            {labels_of[g]: hidden[g] for g in groups},
            {labels_of[g]: points[g] for g in groups},  # every point hidden: the group is named
            {labels_of[g]: secondary[g] for g in groups},
        )
        if title:
            fig.suptitle(title)
        _add_note(fig, note, TEXT_NL["interval_note"])
    text = TEXT_NL["alt_trend"].format(body=". ".join(body))
    _finish(fig, _with_notes(text, note, None))
    return fig
