"""The shared machinery of the figures: style and deterministic saving, alt text, notes
under a figure, group order and labels, the fixed Dutch phrases (``peo/data/wording.yml``,
section ``plots``) and number labels (:mod:`peo.report.format`)."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator

from peo.errors import ValidationError
from peo.report import format as fmt
from peo.survey.codebook import Codebook
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import wording

__all__ = [
    "TEXT_NL",
    "LABEL_MIN_SHARE",
    "STYLE_RC",
    "SAVEFIG_KWARGS",
    "figure_style",
    "alt_text",
]


#: Fixed Dutch phrases of the figures (``peo/data/wording.yml``, section ``plots``).
#: Everything else comes from the codebook or the table.
TEXT_NL: dict[str, str] = wording("plots")["text"]


#: Segments narrower than this share get no percentage label (the legend still names them).
LABEL_MIN_SHARE = 0.07


#: rcParams of every PEO figure; :func:`figure_style` applies them.
STYLE_RC: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.0,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.0,
    "figure.titlesize": 11.0,
    "figure.titleweight": "bold",
    "figure.dpi": 100.0,
    "svg.hashsalt": "peo",
    "svg.fonttype": "path",
    "path.simplify": True,
    "hatch.color": "#555555",
}


#: savefig arguments per format, for byte-identical files (use inside :func:`figure_style`).
SAVEFIG_KWARGS: dict[str, dict[str, object]] = {
    "png": {"format": "png", "dpi": 200, "bbox_inches": "tight", "facecolor": "white", "metadata": {"Software": None}},
    "svg": {"format": "svg", "bbox_inches": "tight", "facecolor": "white", "metadata": {"Date": None, "Creator": None}},
}


_WIDTH = 7.5  # inches: the text width of the book and of an A4 factsheet column pair


_MUTED = "#444444"


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Apply the PEO figure style (:data:`STYLE_RC`) for the duration of a ``with`` block.

    Every plot function draws inside it; the pipeline must also *save* inside it, because
    ``svg.hashsalt`` and ``svg.fonttype`` are read when the file is written.

    Yields
    ------
    None
    """
    with mpl.rc_context(STYLE_RC):
        yield


def alt_text(fig: Figure) -> str:
    """Return the Dutch alt text of a figure made by this module.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        What the figure shows, with its key numbers.

    Raises
    ------
    ValueError
        If the figure was not made by :mod:`peo.report.plots` (it has no ``peo_alt_text``).
    """
    text = getattr(fig, "peo_alt_text", None)
    if not text:
        raise ValueError("This figure has no alt text: it was not made by a peo.report.plots function.")
    return str(text)


def _with_notes(text: str, note: str | None, notes: Sequence[str] | None) -> str:
    for extra in [note, *(notes or ())]:
        if extra:
            text += f" {extra.rstrip('.')}."
    return text


def _finish(fig: Figure, text: str) -> None:
    """Set the alt text and fix the layout.

    The constrained layout is computed once, here, and then switched off. Left on, it is
    recomputed at every save with that save's dpi, and the positions come out different
    in the last digits after a PNG (dpi 200) than after an SVG (dpi 72): the same figure
    would then give different SVG bytes depending on what was saved before. A caller who
    adds artists afterwards can call ``fig.set_layout_engine("constrained")`` again.
    """
    fig.peo_alt_text = " ".join(text.split())
    with figure_style():
        fig.draw_without_rendering()
    fig.set_layout_engine("none")


_pct = fmt.pct


def _box_share(rec: dict, idx: Sequence[int]) -> float:
    """The share of a box (several answers together), as the box tables compute it: the
    summed counts over n (summing rounded-off float shares could tip a half over or under)."""
    if rec.get("counts") is not None and rec["n"] > 0:
        return sum(rec["counts"][i] for i in idx) / rec["n"]
    return sum(rec["shares"][i] for i in idx)


def _n(n) -> str:
    return TEXT_NL["n"].format(n=int(n))


def _n_range(values) -> str:
    vals = sorted({int(v) for v in values if pd.notna(v)})
    if not vals:
        return ""
    return _n(vals[0]) if len(vals) == 1 else TEXT_NL["n"].format(n=f"{vals[0]}–{vals[-1]}")


def _join_nl(parts: Sequence[str]) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {TEXT_NL['and']} {parts[-1]}"


def _wrap(text: str, width: int = 34) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False)


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(f"{what} needs a pandas DataFrame, not {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValidationError(
            f"The table given to {what} lacks the column(s) {', '.join(map(repr, missing))}. It needs "
            f"{', '.join(columns)} (see docs/processed-data.md, section tables/)."
        )
    out = pd.DataFrame(table).copy()  # a plain frame, also for a peo.tables.disclosure ProtectedTable
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("object").where(out["suppressed"].notna(), False).astype(bool)
    else:
        out["suppressed"] = False
    for col in ("n", "count", "share", "ci_low", "ci_high", "answer_code"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out


def _group_order(groups: Sequence[str], codebook: Codebook | None) -> list[str]:
    """The groups in report order (the total first, then the codebook's order)."""
    return cb_groups(codebook).order(groups)


def _group_label(group: str, codebook: Codebook | None, short: bool = False) -> str:
    """The codebook's label of a group; the short value (``GI``) when ``short`` or without a
    codebook (the total always has its label)."""
    return cb_groups(codebook).label(group, short=short or codebook is None)


def _not_shown_note(
    hidden: dict[str, list[str]], all_members: dict[str, list[str]], secondary: dict[str, list[str]] | None = None
) -> str | None:
    """Note for hidden cells: ``hidden`` maps a group to the members hidden for it.

    ``secondary`` names, per group, the hidden members that had enough respondents and are
    hidden only to protect another cell (``suppression = "secondary"`` in the table): they get
    their own sentence, so that the note does not say "te weinig respondenten" of them.
    """
    secondary = secondary or {}

    def parts_of(which: dict[str, list[str]]) -> list[str]:
        parts = []
        for group, members in which.items():
            if not members:
                continue
            if not group:  # one series: list the members themselves
                parts.append(_join_nl(members))
            elif len(members) == len(all_members.get(group, members)):
                parts.append(group)
            else:
                parts.append(TEXT_NL["not_shown_in"].format(group=group, items=_join_nl(members)))
        return parts

    first = {g: [m for m in ms if m not in secondary.get(g, [])] for g, ms in hidden.items()}
    second = {g: [m for m in ms if m in secondary.get(g, [])] for g, ms in hidden.items()}
    notes = []
    if parts_of(first):
        notes.append(TEXT_NL["not_shown"].format(what="; ".join(parts_of(first))))
    if parts_of(second):
        notes.append(TEXT_NL["not_shown_secondary"].format(what="; ".join(parts_of(second))))
    return " ".join(notes) or None


def _is_secondary(rows) -> bool:
    """Whether hidden rows (a row or a frame) are hidden only to protect another cell."""
    if isinstance(rows, pd.Series):
        return str(rows.get("suppression", "")) == "secondary"
    if "suppression" not in rows.columns:
        return False
    why = set(rows.loc[rows["suppressed"].astype(bool), "suppression"].astype(str))
    return why == {"secondary"}


_NOTE_SIZE = 8.0  # points


def _note_text(notes: Sequence[str | None]) -> str:
    return "\n".join(_wrap(n, 110) for n in notes if n)


def _note_height(notes: Sequence[str | None]) -> float:
    """Height in inches of the note strip under a plot."""
    text = _note_text(notes)
    if not text:
        return 0.0
    return ((text.count("\n") + 1) * _NOTE_SIZE * 1.35 + 8) / 72


def _new_figure(plot_height: float, *notes: str | None) -> Figure:
    """A figure of the book's width: the plot area plus a strip for the notes under it."""
    return Figure(figsize=(_WIDTH, max(plot_height, 1.8) + _note_height(notes)), layout="constrained")


def _add_note(fig: Figure, *notes: str | None) -> None:
    """Put notes (one per line) in a strip under the plot that the constrained layout leaves free."""
    text = _note_text(notes)
    if not text:
        return
    strip = _note_height(notes) / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    fig.text(
        0.01,
        3 / 72 / fig.get_figheight(),
        text,
        ha="left",
        va="bottom",
        fontsize=_NOTE_SIZE,
        color=_MUTED,
        style="italic",
    )


def _pct_axis(ax, axis: str = "x", lo: float = 0, hi: float = 100, step: float = 25) -> None:
    ticks = list(np.arange(lo, hi + step / 2, step))
    locator = FixedLocator(ticks)
    fmt = mpl.ticker.FuncFormatter(lambda v, _pos: f"{abs(v):g}%")
    if axis == "x":
        ax.set_xlim(lo, hi)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(fmt)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    else:
        ax.set_ylim(lo, hi)
        ax.yaxis.set_major_locator(locator)
        ax.yaxis.set_major_formatter(fmt)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _halo(errorbar) -> None:
    """A white edge around the (black) lines of an errorbar container: an interval then shows
    both on a dark bar and on the white page (WCAG 1.4.11; the group colours include black)."""
    from matplotlib import patheffects

    from peo.report.colours import INTERVAL_HALO

    stroke = [patheffects.withStroke(linewidth=2.6, foreground=INTERVAL_HALO)]
    for artist in [*errorbar.lines[1], *errorbar.lines[2]]:
        artist.set_path_effects(stroke)


def _intervals(ax, positions, shares, lo, hi, *, horizontal: bool, capsize: float = 2.5) -> None:
    """The published intervals of bars (percentages, ``lo``/``hi`` below and above the share),
    black with a white edge (:func:`_halo`), over the bars; nothing when there are no bars."""
    if not len(positions):
        return
    from peo.report.colours import GROUP_PALETTE

    err = np.vstack([lo, hi])
    x, y = (shares, positions) if horizontal else (positions, shares)
    _halo(
        ax.errorbar(
            x,
            y,
            **({"xerr": err} if horizontal else {"yerr": err}),
            fmt="none",
            ecolor=GROUP_PALETTE["interval"],
            elinewidth=1.0,
            capsize=capsize,
            zorder=3,
        )
    )


def _tick_fonts(ax) -> None:
    # Tick labels are created at draw time; fix their family here so that drawing outside
    # figure_style() still uses the offline font.
    ax.tick_params(labelfontfamily="DejaVu Sans")
