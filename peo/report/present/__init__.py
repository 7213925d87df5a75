"""Presentation for readers: the protected tables, figures and statements as a notebook shows them.

The analysis notebooks (``02_professional_space`` ... ``05_open_answers``) compute with
:mod:`peo.tables`, draw with :mod:`peo.report.plots` and show the result with the functions
here. Nothing here computes a statistic: every number shown is a number of a published
(protected) table, only *formatted* here (Dutch column names, whole percentages, a decimal
comma). Rounding happens only here, for display, with :func:`peo.report.format.pct`
(half up), so a number in a notebook is the number on the book's other pages.

What this module shows and how
------------------------------
:func:`reader_table`, :func:`distribution_table`, :func:`group_table`, :func:`choice_table`
    A protected table as a :class:`ReaderTable`: strings with Dutch column names; a cell
    hidden by disclosure control is shown as "–" and the table gets the footnote
    "– te weinig respondenten (minder dan 10)" (the threshold of the table). An item
    without valid answers says "geen geldige antwoorden" instead of a number.
:func:`show_figure`
    A figure of :mod:`peo.report.plots` as a PNG inside an HTML ``<img>`` with the figure's alt
    text (:func:`peo.report.plots.alt_text`), so that every figure in the book has real alt text
    (myst-nb renders ``text/html`` outputs as they are).
:func:`key_statements`, :func:`headline_statements`, :func:`tests_summary`, ...
    Dutch sentences (Markdown) whose numbers come from the key figures or the tables.
:func:`theme_parts`, :func:`open_parts`
    Everything of the thematic module and of the open answers, generic over the item
    types of the wave's codebook: a list of display objects to pass to :func:`show_all`.
:func:`quotes_markdown`
    De-identified example quotes as Markdown block quotes, escaped so that no character
    of an answer is read as Markdown or HTML.

The fixed Dutch words of the tables and sentences are data in :data:`COLUMNS_NL`,
:data:`VALUES_NL`, :data:`ITEM_TYPES_NL` and :data:`TEXT_NL` (``peo/data/wording.yml``, section ``present``); the rest comes from the
codebook and the tables.

The functions are grouped by kind in the modules of this package (:mod:`.tables`,
:mod:`.figures`, :mod:`.statements`, :mod:`.theme`, :mod:`.open`; shared pieces in
:mod:`.common`). Every public name is importable from here.
"""

from __future__ import annotations

from peo.report.present.common import (
    ALPHA,
    COLUMNS_NL,
    VALUES_NL,
    ITEM_TYPES_NL,
    TEXT_NL,
    format_p,
    md_escape,
)
from peo.report.present.tables import (
    ReaderTable,
    reader_table,
    distribution_table,
    group_table,
    choice_table,
)
from peo.report.present.figures import (
    FigureDisplay,
    figure_html,
    show_figure,
    show_all,
)
from peo.report.present.statements import (
    statements,
    key_statements,
    headline_statements,
    tests_summary,
    by_space_statements,
    odds_statement,
    reliability_statements,
    wave_summary,
)
from peo.report.present.theme import (
    items_by_scale,
    theme_overview,
    theme_parts,
)
from peo.report.present.open import (
    quotes_markdown,
    coding_table,
    coding_parts,
    open_parts,
)

__all__ = [
    "ALPHA",
    "COLUMNS_NL",
    "ITEM_TYPES_NL",
    "TEXT_NL",
    "VALUES_NL",
    "FigureDisplay",
    "ReaderTable",
    "by_space_statements",
    "choice_table",
    "coding_parts",
    "coding_table",
    "distribution_table",
    "figure_html",
    "format_p",
    "group_table",
    "headline_statements",
    "items_by_scale",
    "key_statements",
    "md_escape",
    "odds_statement",
    "open_parts",
    "quotes_markdown",
    "reader_table",
    "reliability_statements",
    "show_all",
    "show_figure",
    "statements",
    "tests_summary",
    "theme_overview",
    "theme_parts",
    "wave_summary",
]
