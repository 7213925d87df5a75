"""Everything of the thematic module, generic over the item types of the wave's codebook."""

from __future__ import annotations

import pandas as pd

from peo.errors import CodebookError, PeoError
from peo.report.format import ci as format_ci, pct as format_pct
from peo.report.present.common import (
    ITEM_TYPES_NL,
    TEXT_NL,
    _markdown,
    _missing,
    _number,
    _suppressed,
    _threshold_of,
    _total,
    md_escape,
)
from peo.report.present.statements import headline_statements, statements
from peo.report.present.tables import ReaderTable, choice_table, group_table, reader_table
from peo.survey.codebook import Codebook, Item

__all__ = [
    "items_by_scale",
    "theme_overview",
    "theme_parts",
]


def items_by_scale(table: pd.DataFrame, codebook: Codebook) -> list[list[str]]:
    """The items of a table grouped by answer scale, in codebook order (one figure per scale).

    Parameters
    ----------
    table : pandas.DataFrame
        A table with an ``item`` column.
    codebook : Codebook

    Returns
    -------
    list of list of str

    Raises
    ------
    CodebookError
        If an item is not in the codebook.
    """
    present = set(table["item"].astype(str))
    groups: dict[str, list[str]] = {}
    for item in codebook.items:
        if item.id in present:
            key = item.response_scale.name if item.response_scale is not None else item.id
            groups.setdefault(key, []).append(item.id)
    unknown = sorted(present - {i for g in groups.values() for i in g})
    if unknown:
        raise CodebookError(f"Item(s) {', '.join(unknown)} of the table are not in the codebook.")
    return list(groups.values())


def _question(item: Item) -> str:
    return TEXT_NL["question_line"].format(short=md_escape(item.short_nl), text=md_escape(item.text_nl))


def theme_overview(codebook: Codebook) -> ReaderTable:
    """The questions of the thematic module: wording, kind of question, where reported.

    Parameters
    ----------
    codebook : Codebook

    Returns
    -------
    ReaderTable
    """
    rows = [
        {
            TEXT_NL["theme_overview_question"]: i.text_nl,
            TEXT_NL["theme_overview_type"]: ITEM_TYPES_NL.get(i.type, i.type),
            TEXT_NL["theme_overview_where"]: TEXT_NL["theme_where_open" if i.type == "open" else "theme_where_here"],
        }
        for i in codebook.by_role("theme")
    ]
    cols = [TEXT_NL[k] for k in ("theme_overview_question", "theme_overview_type", "theme_overview_where")]
    return ReaderTable(pd.DataFrame(rows, columns=cols, dtype=object))


def _top(table: pd.DataFrame) -> pd.Series | None:
    total = table[(table["group"].astype(str) == _total()) & ~_suppressed(table) & table["share"].notna()]
    if total.empty:
        return None
    return total.sort_values("share", ascending=False, kind="stable").iloc[0]


def _anything_shown(table: pd.DataFrame) -> bool:
    frame = pd.DataFrame(table)
    return bool((~_suppressed(frame) & frame["share"].notna()).any())


def _plot_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table for drawing, with the interval bounds put on the right side of the share.

    Work-around: for a count of 0 the Wilson lower bound that statsmodels returns is a
    rounding error above 0 (about 7e-18), so ``share - ci_low`` is negative and matplotlib's
    ``errorbar`` refuses to draw. The bounds are moved to the share only where they cross
    it; the published table is not changed. (To be fixed at the source, in
    ``peo.stats.shares.wilson_interval`` or in ``peo.report.plots``.)
    """
    frame = pd.DataFrame(table).copy()
    if {"share", "ci_low", "ci_high"} <= set(frame.columns):
        share = frame["share"].astype("Float64")
        frame["ci_low"] = frame["ci_low"].astype("Float64").where(~(frame["ci_low"] > share), share)
        frame["ci_high"] = frame["ci_high"].astype("Float64").where(~(frame["ci_high"] < share), share)
    return frame


def _likert_parts(section, codebook: Codebook, items: list[Item]) -> list:
    from peo.report import plots
    from peo.tables.likert import headlines

    dist = section.tables["theme_distribution"]
    by_group = section.tables["theme_by_group"]
    cb = section.codebook or codebook
    parts: list = [_markdown(TEXT_NL["likert_heading"] + "\n\n" + TEXT_NL["likert_intro"])]
    parts.append(_markdown(TEXT_NL["likert_questions"] + "\n\n" + "\n".join(f"- {_question(i)}" for i in items)))
    for ids in items_by_scale(dist, cb):
        parts.append(plots.likert_diverging(dist, cb, items=ids))
    parts.append(statements(headline_statements(by_group)))
    heads = headlines(by_group)
    if len(heads):
        parts.append(plots.shares_by_group(_plot_frame(heads), codebook=cb))
    parts.append(group_table(by_group, codebook=cb))
    return parts


def _multi_parts(section, item: Item) -> list:
    from peo.report import plots

    table = section.tables[item.id]
    parts: list = [
        _markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*\n\n{TEXT_NL['multi_intro']}")
    ]
    top = _top(table)
    parts.append(
        statements(
            [
                TEXT_NL["multi_top"].format(
                    label=top["answer_label"],
                    pct=format_pct(top["share"]),
                    n=int(top["n"]),
                    count=int(top["count"]),
                    ci=format_ci(top.get("ci_low"), top.get("ci_high")),
                )
                if top is not None
                else TEXT_NL["top_hidden"]
            ]
        )
    )
    if _anything_shown(table):  # a figure of hidden bars only would show nothing but a note
        # No codebook: the panels are titled with the short group names (GI, JZ, LT); the full
        # names do not fit above four narrow panels. The table below gives the full names.
        parts.append(plots.multi_choice(_plot_frame(table), item=item.id))
    parts.append(choice_table(table, codebook=section.codebook))
    return parts


def _categorical_parts(section, item: Item) -> list:
    table = section.tables["theme_categorical"]
    table = pd.DataFrame(table)[pd.DataFrame(table)["item"].astype(str) == item.id]
    parts: list = [
        _markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*\n\n{TEXT_NL['categorical_intro']}")
    ]
    top = _top(table)
    parts.append(
        statements(
            [
                TEXT_NL["categorical_top"].format(
                    label=top["answer_label"], pct=format_pct(top["share"]), n=int(top["n"]), count=int(top["count"])
                )
                if top is not None
                else TEXT_NL["top_hidden"]
            ]
        )
    )
    parts.append(
        choice_table(
            table, codebook=section.codebook, threshold=_threshold_of(section.tables["theme_categorical"], None)
        )
    )
    return parts


def _numeric_parts(section, item: Item) -> list:
    table = section.tables[item.id]
    parts: list = [
        _markdown(f"### {md_escape(item.short_nl)}\n\n*{md_escape(item.text_nl)}*\n\n{TEXT_NL['numeric_intro']}")
    ]
    frame = pd.DataFrame(table)
    total = frame[(frame["group"].astype(str) == _total()) & ~_suppressed(frame)]
    if len(total) and not _missing(total["median"].iloc[0]):
        r = total.iloc[0]
        unit = f" {item.unit_nl}" if item.unit_nl else ""
        parts.append(
            statements(
                [
                    TEXT_NL["numeric_summary"].format(
                        median=_number(r["median"], 1, trim=True),
                        q1=_number(r["q1"], 1, trim=True),
                        q3=_number(r["q3"], 1, trim=True),
                        mean=_number(r["mean"], 1),
                        unit=unit,
                        n=_number(r["n"], integer=True),
                    )
                ]
            )
        )
    elif len(total) and _number(total["n"].iloc[0], integer=True) == "0":
        parts.append(statements([TEXT_NL["statement_no_valid"].format(item_label=item.short_nl)]))
    else:
        parts.append(statements([TEXT_NL["top_hidden"]]))
    parts.append(reader_table(table, codebook=section.codebook))
    return parts


def theme_parts(section, codebook: Codebook) -> list:
    """Everything to show of a wave's thematic module, generic over its item types.

    Likert items: the question texts, diverging bars (one figure per answer scale), a
    sentence per item, the headline shares per employer type (figure and table).
    Multiple choice: a sentence on the most chosen answer, bars and a table per item.
    Categorical: a sentence and a table. Numeric: a sentence (median, quartiles, mean) and
    a table. Open: a pointer to the chapter on open answers. Sections come in that order;
    a kind of question the wave does not have is left out.

    Parameters
    ----------
    section : peo.tables.analysis.Section
        The result of :func:`peo.tables.analysis.theme`.
    codebook : Codebook
        The wave's codebook (its ``theme`` items are reported).

    Returns
    -------
    list
        Markdown, figures and tables, to pass to :func:`show_all`.

    Raises
    ------
    PeoError
        If the codebook has a theme item of a type this function does not show (a new type
        in :data:`peo.tables.analysis.THEME_TYPES` needs code here too).
    """
    items = codebook.by_role("theme")
    if not items:
        return [_markdown(TEXT_NL["theme_none"])]
    unknown = sorted({i.type for i in items} - set(ITEM_TYPES_NL))
    if unknown:
        raise PeoError(
            f"The thematic codebook has item type(s) {', '.join(unknown)}, which peo.report.present cannot show "
            f"(it shows: {', '.join(ITEM_TYPES_NL)}). Change the item type in the codebook or extend "
            "peo.report.present.theme_parts."
        )
    parts: list = []
    likert = [i for i in items if i.type == "likert"]
    if likert:
        parts += _likert_parts(section, codebook, likert)
    for item in items:
        if item.type == "multi":
            parts += _multi_parts(section, item)
    for item in items:
        if item.type == "categorical":
            parts += _categorical_parts(section, item)
    for item in items:
        if item.type == "numeric":
            parts += _numeric_parts(section, item)
    open_items = [i for i in items if i.type == "open"]
    if open_items:
        parts.append(
            _markdown(
                TEXT_NL["open_heading"]
                + "\n\n"
                + TEXT_NL["open_pointer"]
                + "\n\n"
                + "\n".join(f"- {_question(i)}" for i in open_items)
            )
        )
    return parts
