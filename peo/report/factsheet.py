"""The one-page factsheet of a wave: A4 portrait, in Dutch, drawn with matplotlib only.

The PEO reports always come with a one-page factsheet. :func:`factsheet` builds it from a
wave's key figures (``data/processed/<wave>/key_figures.json``, format in
``docs/processed-data.md``) and, optionally, two published tables: a distribution table
for the Likert figure and a box-share table per employer type for the differences. No LaTeX
and no browser: the PDF and the PNG preview come from matplotlib's own backends, with the
bundled DejaVu fonts.

:func:`factsheet` returns a :class:`matplotlib.figure.Figure` and never saves or shows it.
:func:`render_factsheet` turns it into PDF and PNG bytes with :data:`FACTSHEET_SAVE_KWARGS`,
which drop the timestamps and software versions from the files so that the same key
figures give byte-identical files on every build. The caller (the book writer) stores them.

Layout, top to bottom: title band; synthetic-data notice (demo waves only); fieldwork, theme
and response; the headline figures (large percentage, statement, interval and n); the Likert
figure; the differences between employer types; the footer with the source.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from peo.report import format as fmt
from peo.report.format import ci as format_ci
from peo.report.format import fieldwork as format_fieldwork
from peo.report.format import pct as format_pct
from peo.errors import CodebookError
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import phrase
from peo.report.summary import MAX_HEADLINES, SYNTHETIC_NOTICE, factsheet_alt_text, headlines, response_text

__all__ = [
    "A4_INCHES",
    "FACTSHEET_SAVE_KWARGS",
    "MAX_HEADLINES",
    "factsheet",
    "factsheet_alt_text",
    "render_factsheet",
]

#: A4 portrait in inches (210 x 297 mm).
A4_INCHES = (8.27, 11.69)
#: ``savefig`` keyword arguments per format. No creation date, producer or software version
#: is written, so that the same figure gives the same bytes on every run; the PNG preview is
#: rendered at 100 dpi (827 x 1169 pixels).
FACTSHEET_SAVE_KWARGS: dict[str, dict] = {
    "pdf": {
        "format": "pdf",
        "metadata": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    },
    "png": {"format": "png", "dpi": 100, "metadata": {"Software": None}},
}
#: At most this many headline figures (the first ones of the key figures, all respondents).

# A fixed style for drawing and saving, so a user's matplotlibrc cannot change the bytes.
_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "pdf.fonttype": 42,  # TrueType: the PDF's text stays selectable and searchable
    "pdf.compression": 6,
    "svg.hashsalt": "peo",
    "path.simplify": True,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.bbox": None,
    "savefig.pad_inches": 0.0,
    "figure.dpi": 100,
}
_INK = "#1f3b57"
_ACCENT = "#1f6f9f"
_MUTED = "#555555"
_NEUTRAL = "#d0d0d0"
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.


class _rc:
    """Context: matplotlib's defaults plus the factsheet style, restored afterwards."""

    def __enter__(self):
        self._ctx = mpl.rc_context()
        self._ctx.__enter__()
        mpl.rcdefaults()
        mpl.rcParams.update(_RC)
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


# ================================================================================ helpers


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


_int = fmt.integer


def _wrap(text: Any, width: int, max_lines: int | None = None) -> str:
    lines = textwrap.wrap(" ".join(str(text or "").split()), width=width, break_long_words=True)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:") + " …"
    return "\n".join(lines)


def _headlines(key_figures: Mapping) -> list[Mapping]:
    """Headline figures for all respondents that are not suppressed, in file order (at most
    :data:`MAX_HEADLINES`)."""
    return headlines(key_figures, MAX_HEADLINES)


def _group_labels(codebook: Any) -> dict[str, str]:
    """Short value (``GI``) -> Dutch label of the grouping item, from the codebook."""
    if codebook is None:
        return {}
    try:
        return dict(cb_groups(codebook).labels["nl"])
    except CodebookError:  # no (single) group item: the plot shows the short values
        return {}


def _t(key: str, **values: Any) -> str:
    """A phrase of the factsheet (``peo/data/wording.yml``, section ``factsheet``)."""
    return phrase("factsheet", key, **values)


# ================================================================================ panels


def _likert_frame(table: pd.DataFrame, codebook: Any) -> tuple[list[tuple[str, str, list]], dict, dict]:
    """Rows ``(item, label, [(code, label, share)...])``, the neutral code and n per item."""
    df = table.copy()
    if "group" in df.columns:
        df = df[df["group"].astype("string") == cb_groups(codebook).total]
    need = {"item", "answer_code", "answer_label"}
    missing = need - set(df.columns)
    if missing:
        raise ValueError(
            f"The Likert table lacks the column(s) {sorted(missing)}; pass a distribution table "
            "(item, item_label, answer_code, answer_label, share or count and n)."
        )
    if "share" not in df.columns:
        df["share"] = df["count"] / df["n"]
    rows, neutral, ns = [], {}, {}
    for item, part in df.groupby("item", sort=False):
        part = part.sort_values("answer_code")
        codes = [int(c) for c in part["answer_code"]]
        valid = codes
        neutral_code = None
        if codebook is not None and item in codebook:
            scale = codebook.item(item).response_scale
            if scale is not None and scale.codes:
                valid = [c for c in codes if c in scale.valid_codes]
                neutral_code = scale.neutral
        elif len(codes) % 2 == 1:
            # Without a codebook the middle answer of an odd-length scale is taken as neutral.
            neutral_code = codes[len(codes) // 2]
        part = part[part["answer_code"].astype(int).isin(valid)]
        cats = []
        for r in part.itertuples(index=False):
            sup = getattr(r, "suppressed", False)
            sup = False if _missing(sup) else bool(sup)
            share = 0.0 if (sup or _missing(r.share)) else float(r.share)
            cats.append((int(r.answer_code), str(r.answer_label), share))
        label = str(part["item_label"].iloc[0]) if "item_label" in part.columns and len(part) else str(item)
        rows.append((str(item), label, cats))
        neutral[str(item)] = neutral_code
        if "n" in part.columns and part["n"].notna().any():
            ns[str(item)] = part["n"].dropna().iloc[0]
    return rows, neutral, ns


def _draw_likert(ax, table: pd.DataFrame, codebook: Any) -> None:
    """A diverging stacked bar chart (Heiberger & Robbins 2014): disagree left, agree right.

    The neutral answer is split in two around zero; answers below it run to the left,
    answers above it to the right. Suppressed cells are drawn as empty.
    """
    rows, neutral, ns = _likert_frame(table, codebook)
    if not rows:
        _empty(ax, _t("no_distribution"))
        return
    _, _, first = rows[0]
    k = len(first)
    from peo.report.colours import likert_colours  # the book's checked colour-blind-safe palette (PuOr)

    colours = likert_colours(k)
    bar = {"height": 0.62, "edgecolor": "white", "linewidth": 0.4}
    n_items = len(rows)
    extent = 0.0
    for y, (item, _label, cats) in enumerate(rows):
        yy = n_items - 1 - y
        nc = neutral.get(item)
        half_k = len(cats) / 2
        neg = [(i, s) for i, (c, _, s) in enumerate(cats) if (c < nc if nc is not None else i < half_k)]
        pos = [(i, s) for i, (c, _, s) in enumerate(cats) if (c > nc if nc is not None else i >= half_k)]
        half = sum(s for c, _, s in cats if nc is not None and c == nc) / 2
        if half:
            ax.barh(yy, 2 * half, left=-half, color=_NEUTRAL, **bar)
        left = -half
        for i, s in reversed(neg):
            ax.barh(yy, s, left=left - s, color=colours[i % k], **bar)
            left -= s
        right = half
        for i, s in pos:
            ax.barh(yy, s, left=right, color=colours[i % k], **bar)
            right += s
        extent = max(extent, -left, right)
    ax.axvline(0, color="#333333", linewidth=0.6)
    lim = min(1.0, math.ceil((extent + 0.02) * 10) / 10)
    ax.set_xlim(-lim, lim)
    step = 0.25 if lim > 0.6 else 0.2
    half_ticks = [float(t) for t in np.round(np.arange(0, lim + 1e-9, step), 2)]
    ticks = [-t for t in reversed(half_ticks[1:])] + half_ticks
    ax.set_xticks(ticks)
    ax.set_xticklabels([format_pct(abs(t)) for t in ticks])
    ax.set_yticks(range(n_items))
    ax.set_yticklabels([_wrap(lab, 34, 2) for _, lab, _ in reversed(rows)])
    ax.set_ylim(-0.6, n_items - 0.4)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    for y, (item, _label, _cats) in enumerate(rows):
        if ns.get(item) is not None:
            ax.text(
                1.01,
                n_items - 1 - y,
                _t("n", n=_int(ns[item])),
                transform=ax.get_yaxis_transform(),
                fontsize=6.5,
                color=_MUTED,
                va="center",
                ha="left",
            )
    nc0 = neutral.get(rows[0][0])
    handles = [
        Rectangle((0, 0), 1, 1, color=_NEUTRAL if nc0 is not None and code == nc0 else colours[i % k])
        for i, (code, _lab, _s) in enumerate(first)
    ]
    ax.legend(
        handles,
        [lab for _c, lab, _s in first],
        loc="upper center",
        bbox_to_anchor=(0.42, -0.16),
        ncol=min(k, 5),
        handlelength=1.0,
        columnspacing=0.9,
        fontsize=7,
    )


def _draw_headline_bars(ax, key_figures: Mapping) -> None:
    """Fallback when no distribution table is given: the headline shares with their intervals."""
    figs = _headlines(key_figures)
    if not figs:
        _empty(ax, _t("no_headlines"))
        return
    n = len(figs)
    for y, f in enumerate(figs):
        yy = n - 1 - y
        ax.barh(yy, float(f["share"]), color=_ACCENT, height=0.55)
        if not _missing(f.get("ci_low")) and not _missing(f.get("ci_high")):
            ax.plot([float(f["ci_low"]), float(f["ci_high"])], [yy, yy], color="#222222", linewidth=1.0)
    ax.set_xlim(0, 1)
    ticks = [0, 0.25, 0.5, 0.75, 1.0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([format_pct(t) for t in ticks])
    ax.set_yticks(range(n))
    ax.set_yticklabels(
        [_wrap(f"{f.get('item_label', f.get('item'))}: {f.get('box_label', '')}", 34, 2) for f in reversed(figs)]
    )
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _draw_groups(ax, table: pd.DataFrame, codebook: Any) -> None:
    """Dot plot: share per employer type with its 95% Wilson interval, per item and box."""
    df = table.copy()
    if "group" not in df.columns or "share" not in df.columns:
        raise ValueError(
            "The group table needs the columns item, group, share (and item_label, box_label, "
            "ci_low, ci_high): a box-share table per employer type."
        )
    df = df[df["group"].astype("string") != cb_groups(codebook).total]
    if "suppressed" in df.columns:
        df = df[~df["suppressed"].fillna(False).astype(bool)]
    df = df[df["share"].notna()]
    if df.empty:
        _empty(ax, _t("no_group_differences"))
        return
    keys = ["item"] + (["box"] if "box" in df.columns else [])
    rows = list(dict.fromkeys(tuple(k) for k in df[keys].astype(str).itertuples(index=False, name=None)))
    groups = list(dict.fromkeys(df["group"].astype(str)))
    labels_by_group = _group_labels(codebook)
    n_rows = len(rows)
    step = 0.6 / max(len(groups), 1)
    from peo.report.colours import group_colours  # the book's checked group palette (Okabe-Ito)

    palette = group_colours(groups)
    for j, g in enumerate(groups):
        colour = palette[g]
        sub = df[df["group"].astype(str) == g]
        for r in sub.itertuples(index=False):
            key = tuple(str(getattr(r, k)) for k in keys)
            y = n_rows - 1 - rows.index(key) + (len(groups) - 1) / 2 * step - j * step
            lo, hi = getattr(r, "ci_low", None), getattr(r, "ci_high", None)
            if not _missing(lo) and not _missing(hi):
                ax.plot([float(lo), float(hi)], [y, y], color=colour, linewidth=1.0)
            ax.plot(float(r.share), y, "o", color=colour, markersize=4.5)
        ax.plot([], [], "o", color=colour, label=labels_by_group.get(g, g), markersize=4.5)
    row_labels = []
    for key in rows:
        part = df[(df[keys].astype(str) == pd.Series(key, index=keys)).all(axis=1)].iloc[0]
        text = str(part.get("item_label", key[0]))
        if "box_label" in df.columns and not _missing(part.get("box_label")):
            text += f": {part['box_label']}"
        row_labels.append(_wrap(text, 34, 2))
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels(list(reversed(row_labels)))
    ax.set_ylim(-0.6, n_rows - 0.4)
    ax.set_xlim(0, 1)
    ticks = [0, 0.25, 0.5, 0.75, 1.0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([format_pct(t) for t in ticks])
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.42, -0.14),
        ncol=min(len(groups), 3),
        fontsize=7,
        handletextpad=0.3,
        columnspacing=1.0,
    )


def _empty(ax, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.0, 0.5, text, transform=ax.transAxes, fontsize=8.5, color=_MUTED, va="center")


# ============================================================================== factsheet


def factsheet(
    key_figures: Mapping,
    likert_fig_table: pd.DataFrame | None = None,
    group_table: pd.DataFrame | None = None,
    *,
    codebook: Any = None,
) -> Figure:
    """The factsheet of one wave as one A4 portrait page (8.27 x 11.69 in), in Dutch.

    Parameters
    ----------
    key_figures : mapping
        The wave's ``key_figures.json``: ``wave``, ``title``, ``theme_nl``, ``synthetic``,
        ``threshold``, ``fieldwork``, ``response``, ``figures``, ``differences``. Every number
        on the page comes from here or from the two tables.
    likert_fig_table : pandas.DataFrame, optional
        A published distribution table (columns ``item``, ``item_label``, ``answer_code``,
        ``answer_label``, ``share``; ``group`` is filtered to ``totaal`` when present) for
        the Likert figure, a diverging stacked bar chart. Without it, the figure shows the
        headline shares with their 95% intervals.
    group_table : pandas.DataFrame, optional
        A published box-share table per employer type (columns ``item``, ``item_label``,
        ``group``, ``box_label``, ``share``, ``ci_low``, ``ci_high``, ``suppressed``), drawn
        as a dot plot. Without it, the ``differences`` statements of the key figures are
        listed.
    codebook : peo.survey.codebook.Codebook, optional
        Gives the neutral answer of each scale and the names of the employer types. Without
        it, the middle answer of an odd-length scale counts as neutral.

    Returns
    -------
    matplotlib.figure.Figure
        Not saved, not shown; see :func:`render_factsheet`.

    Raises
    ------
    ValueError
        If a table lacks the columns it needs (a programming error of the caller).
    """
    kf = key_figures
    with _rc():
        fig = Figure(figsize=A4_INCHES, dpi=100)
        fig.patch.set_facecolor("white")
        wave = str(kf.get("wave", ""))
        # --- title band
        fig.add_artist(Rectangle((0, 0.915), 1, 0.085, transform=fig.transFigure, color=_INK, zorder=0))
        fig.text(0.06, 0.977, _t("banner"), color="#cfe0f0", fontsize=8.5, fontweight="bold", va="center")
        fig.text(
            0.06,
            0.945,
            _wrap(kf.get("title") or _t("title_default", wave=wave), 62, 2),
            color="white",
            fontsize=14.5,
            fontweight="bold",
            va="center",
            linespacing=1.15,
        )
        y = 0.897
        # --- synthetic notice
        if kf.get("synthetic"):
            fig.text(
                0.5,
                y,
                _wrap(SYNTHETIC_NOTICE, 120),
                ha="center",
                va="center",
                fontsize=8,
                color="#7a1212",
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.45", "facecolor": "#fde8e8", "edgecolor": "#c0392b", "linewidth": 0.8},
            )
            y -= 0.032
        # --- fieldwork, theme, response
        meta = [_t("meta", wave=wave, fieldwork=format_fieldwork(kf.get("fieldwork")))]
        if kf.get("theme_nl"):
            meta[0] += _t("meta_theme", theme=kf["theme_nl"])
        meta.append(_t("response", response=response_text(kf)))
        fig.text(0.06, y, "\n".join(meta), fontsize=9, color="#222222", va="top", linespacing=1.45)
        y -= 0.055
        # --- headline figures
        fig.text(0.06, y, _t("key_figures"), fontsize=12, fontweight="bold", color=_INK, va="top")
        y -= 0.028
        heads = _headlines(kf)
        cell_h = 0.078
        for i, f in enumerate(heads):
            col, row = i % 2, i // 2
            x0 = 0.06 + col * 0.46
            y0 = y - row * cell_h
            fig.text(x0, y0, format_pct(f.get("share")), fontsize=25, fontweight="bold", color=_ACCENT, va="top")
            statement = f.get("statement_nl") or f"{f.get('item_label', '')}: {f.get('box_label', '')}"
            fig.text(x0 + 0.125, y0, _wrap(statement, 40, 4), fontsize=8, color="#222222", va="top", linespacing=1.25)
            fig.text(
                x0,
                y0 - 0.045,
                _t(
                    "key_figure_detail",
                    box_label=f.get("box_label", ""),
                    ci=format_ci(f.get("ci_low"), f.get("ci_high")),
                    n=_int(f.get("n")),
                ),
                fontsize=6.8,
                color=_MUTED,
                va="top",
            )
        if not heads:
            fig.text(0.06, y, _t("no_key_figures"), fontsize=9, color=_MUTED, va="top")
        rows_used = max(1, math.ceil(len(heads) / 2))
        y -= rows_used * cell_h + 0.012
        # --- Likert figure
        if likert_fig_table is not None:
            fig.text(0.06, y, _t("likert_heading"), fontsize=12, fontweight="bold", color=_INK, va="top")
        else:
            fig.text(0.06, y, _t("headline_bars_heading"), fontsize=12, fontweight="bold", color=_INK, va="top")
        top = y - 0.03
        bottom = max(0.35, top - 0.2)
        ax1 = fig.add_axes((0.34, bottom, 0.6, top - bottom))
        if likert_fig_table is not None:
            _draw_likert(ax1, likert_fig_table, codebook)
        else:
            _draw_headline_bars(ax1, kf)
        y = bottom - 0.06
        # --- differences between employer types
        fig.text(0.06, y, _t("differences_heading"), fontsize=12, fontweight="bold", color=_INK, va="top")
        if group_table is not None:
            # What the tests support (peo.tables.claims), so that the dots are not read as claims.
            from peo.tables.claims import differences_line

            line = differences_line(kf.get("differences") or [])
            if line:
                fig.text(0.06, y - 0.028, _wrap(line, 150, 2), fontsize=7.5, color="#222222", va="top", linespacing=1.3)
            top = y - 0.06
            ax2 = fig.add_axes((0.34, 0.115, 0.6, top - 0.115))
            _draw_groups(ax2, group_table, codebook)
        else:
            diffs = [d.get("statement_nl") for d in kf.get("differences") or [] if d.get("statement_nl")]
            text = "\n".join("•  " + _wrap(d, 100, 3).replace("\n", "\n    ") for d in diffs[:6])
            fig.text(
                0.06, y - 0.03, text or _t("no_differences"), fontsize=8.5, color="#222222", va="top", linespacing=1.35
            )
        # --- footer
        threshold = kf.get("threshold")
        footer = _t("footer", wave=wave)
        if not _missing(threshold):
            footer += " " + _t("footer_threshold", threshold=_int(threshold))
        fig.add_artist(Rectangle((0.06, 0.072), 0.88, 0.0008, transform=fig.transFigure, color="#999999"))
        fig.text(0.06, 0.062, _wrap(footer, 150), fontsize=6.5, color=_MUTED, va="top", linespacing=1.35)
    return fig


def render_factsheet(fig: Figure) -> tuple[bytes, bytes]:
    """The factsheet as PDF and PNG bytes, identical for identical figures.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        As returned by :func:`factsheet`.

    Returns
    -------
    (bytes, bytes)
        The PDF and the PNG preview, saved with :data:`FACTSHEET_SAVE_KWARGS`.
    """
    out = []
    with _rc():
        for fmt in ("pdf", "png"):
            buf = io.BytesIO()
            fig.savefig(buf, **FACTSHEET_SAVE_KWARGS[fmt])
            out.append(buf.getvalue())
    return out[0], out[1]
