"""The open answers: themes, de-identified example quotes and the coding scheme."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from peo.errors import PeoError
from peo.report.format import pct as format_pct
from peo.report.present.common import TEXT_NL, _markdown, _missing, _need, _suppressed, _total, md_escape
from peo.report.present.statements import statements
from peo.report.present.tables import ReaderTable, choice_table
from peo.report.present.theme import _plot_frame
from peo.survey.codebook import Codebook

__all__ = [
    "quotes_markdown",
    "coding_table",
    "coding_parts",
    "open_parts",
]


def _same_text(quote: Any) -> str:
    """What makes two quotes the same to a reader: the text without case, markup or spacing."""
    return " ".join(html.unescape(str(quote)).casefold().split()).strip(" .!?")


def quotes_markdown(quotes: pd.DataFrame, hide_themes: Iterable[str] = (), seen: set[str] | None = None) -> Any:
    """Example quotes as Markdown block quotes, each under the label of the theme it was coded to.

    Parameters
    ----------
    quotes : pandas.DataFrame
        Columns ``theme``, ``theme_label``, ``quote`` (de-identified and HTML-safe, as
        :func:`peo.tables.text.example_quotes` returns them).
    hide_themes : iterable of str
        Theme ids whose quotes are not shown (their count is hidden by disclosure control);
        a sentence says so instead.
    seen : set of str, optional
        Quotes already shown on the page (:func:`_same_text`); a quote is shown once, under
        the first theme it was picked for, and is added to ``seen``. Two respondents who
        wrote the same words count as one quote.

    Returns
    -------
    IPython.display.Markdown
        Every quote escaped with :func:`md_escape`: nothing in an answer is read as
        Markdown or HTML (``<b>vet</b>`` shows as typed, never as bold). A theme whose
        quotes were all shown elsewhere gets no heading.

    Raises
    ------
    PeoError
        If a column is missing.
    """
    _need(quotes, ["theme", "theme_label", "quote"], "quotes_markdown")
    hide = {str(t) for t in hide_themes}
    seen = set() if seen is None else seen
    blocks = []
    for theme in dict.fromkeys(quotes["theme"].astype(str)):
        part = quotes[quotes["theme"].astype(str) == theme]
        label = md_escape(part["theme_label"].iloc[0])
        if theme in hide:
            blocks.append(md_escape(TEXT_NL["quotes_hidden"].format(theme_label=part["theme_label"].iloc[0])))
            continue
        shown = []
        for q in part["quote"]:
            key = _same_text(q) if not _missing(q) else ""
            if not key or key in seen or not md_escape(q):
                continue
            seen.add(key)
            shown.append(f"> {md_escape(q)}")
        if shown:
            blocks += [f"**{label}**", *shown]
    if not blocks:
        return _markdown(TEXT_NL["quotes_none"])
    return _markdown("\n\n".join(blocks))


def coding_table(coding: str, themes: Mapping | None = None) -> ReaderTable:
    """The themes of one coding of the theme codebook: label, description, number of rules.

    Parameters
    ----------
    coding : str
        The coding's name (the ``coding`` of an open item, e.g. ``"solutions"``).
    themes : mapping, optional
        Codings as :func:`peo.tables.text.load_themes` returns them; default: loaded from
        ``codebooks/open_themes.yml``.

    Returns
    -------
    ReaderTable

    Raises
    ------
    PeoError
        If the coding is not in the theme codebook.
    """
    from peo.tables.text import load_themes

    themes = themes if themes is not None else load_themes()
    if coding not in themes:
        raise PeoError(
            f"The theme codebook has no coding {coding!r} (it has {', '.join(sorted(themes))}). "
            "Fix the item's 'coding' in the wave's theme.yml or add the coding to codebooks/open_themes.yml."
        )
    rows = [
        {
            TEXT_NL["coding_theme"]: t.nl,
            TEXT_NL["coding_description"]: " ".join(t.description_nl.split()),
            TEXT_NL["coding_rules"]: str(len(t.patterns)),
        }
        for t in themes[coding].themes
    ]
    return ReaderTable(pd.DataFrame(rows, dtype=object))


def coding_parts(codebook: Codebook, themes: Mapping | None = None) -> list:
    """The theme codings used by the open questions of a wave, each as a heading and a table.

    Parameters
    ----------
    codebook : Codebook
        The wave's codebook; its open items name their coding (``coding:``).
    themes : mapping, optional
        Codings as :func:`peo.tables.text.load_themes` returns them; default: loaded from
        ``codebooks/open_themes.yml``.

    Returns
    -------
    list
        Markdown and :class:`ReaderTable` objects, to pass to :func:`show_all`.

    Raises
    ------
    PeoError
        If an open item names a coding that is not in the theme codebook.
    """
    from peo.tables.text import load_themes

    items = [i for i in codebook.by_type("open") if i.coding]
    if not items:
        return [_markdown(TEXT_NL["open_none"])]
    themes = themes if themes is not None else load_themes()
    parts: list = []
    for coding in dict.fromkeys(i.coding for i in items):
        table = coding_table(coding, themes)
        questions = ", ".join(f"'{md_escape(i.short_nl)}'" for i in items if i.coding == coding)
        parts.append(
            _markdown(TEXT_NL["coding_heading"].format(coding=md_escape(themes[coding].nl), questions=questions))
        )
        parts.append(table)
    return parts


#: A per-group table of themes is replaced by a sentence when more than this share of its group
#: cells is hidden: a table of dashes tells the reader nothing.
MOSTLY_HIDDEN = 0.5


def _theme_table(table: pd.DataFrame, codebook: Codebook) -> list:
    """The theme counts per employer type, or, when most group cells are hidden, a sentence
    and the counts of all professionals only."""
    frame = pd.DataFrame(table)
    groups = frame["group"].astype(str) != _total()
    cells = int(groups.sum())
    hidden = int((_suppressed(frame) | frame["share"].isna())[groups].sum())
    if cells and hidden / cells > MOSTLY_HIDDEN:
        totals = table[~groups.to_numpy()]
        return [
            _markdown(md_escape(TEXT_NL["open_groups_hidden"].format(hidden=hidden, cells=cells))),
            choice_table(totals, codebook=codebook),
        ]
    return [choice_table(table, codebook=codebook)]


def open_parts(section, codebook: Codebook) -> list:
    """Everything to show of the open answers of a wave, per open item.

    Per item: the question, how many respondents gave a usable answer, the most mentioned
    theme, the theme bars (per employer type), the table of theme counts (hidden cells
    "–"; when most cells per employer type are hidden, a sentence and the counts of all
    professionals only) and a few de-identified example quotes per theme (not for a theme
    whose total count is hidden; no quote twice on the page).

    Parameters
    ----------
    section : peo.tables.analysis.Section
        The result of :func:`peo.tables.analysis.open_answers` (with ``quotes``).
    codebook : Codebook
        The wave's codebook.

    Returns
    -------
    list
        Markdown, figures and tables, to pass to :func:`show_all`.
    """
    from peo.report import plots

    quotes = getattr(section, "quotes", {}) or {}
    seen: set[str] = set()  # no quote twice on the page
    items = [i for i in codebook.by_type("open") if f"open_{i.id}" in section.tables]
    if not items:
        return [_markdown(TEXT_NL["open_none"])]
    parts: list = []
    for item in items:
        table = section.tables[f"open_{item.id}"]
        frame = pd.DataFrame(table)
        parts.append(_markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*"))
        total = frame[frame["group"].astype(str) == _total()]
        n_total = total["n"].iloc[0] if len(total) else None
        total_shown = total[~_suppressed(total) & total["share"].notna()]
        if _missing(n_total) or total_shown.empty:
            parts.append(statements([TEXT_NL["open_answers_hidden"]]))
        else:
            top = total_shown.sort_values("share", ascending=False, kind="stable").iloc[0]
            parts.append(
                statements(
                    [
                        TEXT_NL["open_answers"].format(n=int(n_total)),
                        TEXT_NL["open_top"].format(
                            label=top["theme_label"],
                            pct=format_pct(top["share"]),
                            count=int(top["count"]),
                            n=int(top["n"]),
                        ),
                        TEXT_NL["open_share_note"],
                    ]
                )
            )
            # Short group names in the panel titles (see _multi_parts); the table has the full names.
            parts.append(plots.theme_bars(_plot_frame(table)))
        parts += _theme_table(table, codebook)
        parts.append(
            _markdown(
                TEXT_NL["quotes_heading"] + "\n\n" + TEXT_NL["quotes_intro"].replace("[", "\\[").replace("]", "\\]")
            )
        )
        hidden = (
            set(total.loc[_suppressed(total) | total["share"].isna(), "theme"].astype(str))
            if "theme" in total
            else set()
        )
        q = quotes.get(item.id)
        if q is None or len(q) == 0:
            parts.append(_markdown(TEXT_NL["quotes_none"]))
        else:
            parts.append(quotes_markdown(q, hide_themes=hidden, seen=seen))
    return parts
