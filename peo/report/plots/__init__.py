"""Figures of the PEO report: every function takes a tidy table and returns a Figure.

The figures draw the published tables (``data/processed/<wave>/tables/``, column names
in ``docs/processed-data.md``), so a figure never shows a number that is not in a
table, and a cell hidden by disclosure control is never drawn:

:func:`likert_diverging`
    Diverging stacked bars for Likert items (Heiberger & Robbins 2014), from a
    distribution table (:func:`peo.stats.shares.distribution`).
:func:`shares_by_group`
    Headline shares per employer type with 95% Wilson intervals, from a box table
    (:func:`peo.stats.shares.box_shares`).
:func:`outcomes_by_space`
    Work pleasure, workload and intention to stay against experienced professional space.
:func:`multi_choice`, :func:`theme_bars`
    Ranked horizontal bars for a multiple-choice question and for the themes of the
    open answers.

Conventions shared by every function:

* the return value is a :class:`matplotlib.figure.Figure` made with
  ``matplotlib.figure.Figure`` directly: no pyplot figure manager, nothing is saved,
  shown or closed, so a notebook decides what to display and the pipeline what to write;
* every label comes from the codebook or from the table (Dutch); the few fixed Dutch
  phrases of the figures ("geen geldige antwoorden", "te weinig respondenten", axis
  titles) are data in ``peo/data/wording.yml`` (section ``plots``, :data:`TEXT_NL`);
* a group (or a group for one item) whose cells are flagged ``suppressed`` is left out,
  and a note under the plot says so: "Niet getoond: LT (te weinig respondenten)";
* ``fig.peo_alt_text`` holds a Dutch sentence with what the figure shows and its key
  numbers, for the ``:alt:`` of the book's figure directive; read it with
  :func:`alt_text`;
* colours are colour-blind safe and checked by :func:`palette_check` (simulated
  protanopia, deuteranopia and tritanopia); text printed on a coloured segment is black
  or white, whichever contrasts most (WCAG 2.x contrast ratio, :func:`text_colour`);
* the layout (matplotlib's constrained layout) is computed once before the function
  returns and then fixed, so every later save gives the same result.

Disclosure control. Pass the table as :func:`peo.tables.disclosure.protect` returns it (with its
``suppressed`` column): the figure leaves out every bar with a suppressed cell and writes
the note itself. Drawing the frame of :func:`peo.tables.disclosure.for_figure` works too; pass its
notes as ``notes=`` (the suppressed rows are gone from that frame, so the figure cannot
tell why a bar is missing: it prints "niet getoond" in its place).

In a notebook, run ``%matplotlib inline`` once; a cell that ends with ``fig`` then shows
the figure (the figures do not go through pyplot, so nothing is shown twice).

Deterministic files
-------------------
Only the pipeline writes figures. To get byte-identical PNG and SVG files on every run
it must save inside :func:`figure_style` and with :data:`SAVEFIG_KWARGS`::

    with figure_style():
        fig.savefig(path_png, **SAVEFIG_KWARGS["png"])
        fig.savefig(path_svg, **SAVEFIG_KWARGS["svg"])

What makes the bytes repeatable: PNG without the ``Software`` text chunk
(``metadata={"Software": None}``; Agg itself is deterministic); SVG without a date or
creator (``metadata={"Date": None, "Creator": None}``) and with a fixed
``svg.hashsalt`` (set by :func:`figure_style`; otherwise the element ids are random);
text as paths (``svg.fonttype = "path"``) so no font lookup happens on the reader's
machine; the font is DejaVu Sans, which ships with matplotlib, so no system font is ever
picked up. Identical bytes are guaranteed for the same matplotlib and FreeType version
(the lock pins matplotlib).

The figures are grouped by kind in the modules of this package (:mod:`.likert`, :mod:`.bars`,
:mod:`.ranked`, :mod:`.trends`, shared machinery in :mod:`.common`); colours and their checks
are in :mod:`peo.report.colours`. Every public name is importable from here.
"""

from __future__ import annotations

from peo.report.plots.common import (
    TEXT_NL,
    LABEL_MIN_SHARE,
    STYLE_RC,
    SAVEFIG_KWARGS,
    figure_style,
    alt_text,
)
from peo.report.colours import (
    LIKERT_PALETTES,
    LIKERT_SCHEME,
    GROUP_PALETTE,
    MIN_DELTA_E,
    MIN_TEXT_CONTRAST,
    MIN_GRAPHIC_CONTRAST,
    CVD_KINDS,
    simulate_cvd,
    srgb_to_lab,
    delta_e2000,
    contrast_ratio,
    text_colour,
    likert_colours,
    group_colours,
    palette_check,
)
from peo.report.plots.likert import (
    likert_diverging,
)
from peo.report.plots.bars import (
    shares_by_group,
    outcomes_by_space,
)
from peo.report.plots.ranked import (
    multi_choice,
    theme_bars,
)
from peo.report.plots.trends import (
    trend_lines,
)

__all__ = [
    "CVD_KINDS",
    "GROUP_PALETTE",
    "LABEL_MIN_SHARE",
    "LIKERT_PALETTES",
    "LIKERT_SCHEME",
    "MIN_DELTA_E",
    "MIN_GRAPHIC_CONTRAST",
    "MIN_TEXT_CONTRAST",
    "SAVEFIG_KWARGS",
    "STYLE_RC",
    "TEXT_NL",
    "alt_text",
    "contrast_ratio",
    "delta_e2000",
    "figure_style",
    "group_colours",
    "likert_colours",
    "likert_diverging",
    "multi_choice",
    "outcomes_by_space",
    "palette_check",
    "shares_by_group",
    "simulate_cvd",
    "srgb_to_lab",
    "text_colour",
    "theme_bars",
    "trend_lines",
]
