"""The book's pages made from the researchers' text: summary blocks, the conclusions and
recommendations of a wave, and its English summary. Pure: data in, MyST Markdown out.

The text itself is read and its references filled in by :mod:`peo.report.researchers`;
here it is placed on the pages. A wave without a text gets a notice where the text would be,
and its key figures in plain Dutch (one number per sentence) or, on the English page, with the
English labels of the codebook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peo.report import format as fmt
from peo.report.layout import wave_attr, wave_id
from peo.report.markdown import md as _md
from peo.report.markdown import page as _page
from peo.report.researchers import ResearchersText, shift_headings
from peo.survey.wording import phrase, wording

__all__ = [
    "demo_notice",
    "missing_notice",
    "text_body",
    "key_figure_sentences",
    "claim_sentences",
    "conclusions_page",
    "english_summary_page",
]


def _r(key: str, lang: str = "nl", **values: Any) -> str:
    """A phrase of section ``researchers`` of ``peo/data/wording.yml``."""
    return phrase("researchers", key, lang, **values)


def demo_notice(english: bool = False) -> str:
    """The visible notice above a demo text (a MyST admonition)."""
    en = "_en" if english else ""
    return f":::{{admonition}} {_r('demo_title' + en)}\n:class: note\n{_r('demo_notice' + en)}\n:::"


def missing_notice(wave: str, english: bool = False) -> str:
    """The notice where a wave's researchers' text is missing."""
    text = _r("missing_notice_en") if english else _r("missing_notice", wave=wave)
    title = _r("missing_title_en" if english else "missing_title")
    return f":::{{admonition}} {title}\n:class: important\n{text}\n:::"


def text_body(text: ResearchersText | None, kind: str, depth: int = 1) -> str | None:
    """The filled-in body of one part, its headings moved ``depth`` levels down; None when absent."""
    part = text.get(kind) if text is not None else None
    if part is None or not part.body.strip():
        return None
    return shift_headings(part.body, depth)


def key_figure_sentences(key_figures: Mapping) -> list[str]:
    """The key figures in plain Dutch, one number per sentence, as a Markdown list.

    No interval and no n (those are in the chapters); a hidden figure says so without a number.
    """
    templates = wording("researchers")["key_figure_sentences"]
    lines = []
    for f in key_figures.get("figures") or []:
        if f.get("group") not in (None, "totaal") and not str(f.get("group", "")).lower().startswith("tot"):
            continue
        if f.get("suppressed") or fmt.is_missing(f.get("share")):
            lines.append("- " + _md(_r("figure_hidden", label=f.get("item_label", f.get("item", "")))))
            continue
        tmpl = templates.get(str(f.get("item")), templates["default"])
        sentence = tmpl.format(
            pct=fmt.pct(f["share"]), box_label=f.get("box_label", ""), item_label=str(f.get("item_label", "")).lower()
        )
        pct = fmt.pct(f["share"])
        text = _md(sentence)
        lines.append("- " + (f"**{pct}**" + text[len(pct) :] if text.startswith(pct) else text))
    return lines


def claim_sentences(key_figures: Mapping, key: str) -> list[str]:
    """The test-gated sentences of the key figures (``differences`` or ``associations``) as a list."""
    return [f"- {_md(r['statement_nl'])}" for r in key_figures.get(key) or [] if r.get("statement_nl")]


def conclusions_page(wave: Any, key_figures: Mapping, text: ResearchersText | None) -> str:
    """``waves/<wave>/conclusies.md``: the researchers' conclusions and recommendations.

    Parameters
    ----------
    wave : Wave, mapping or str
    key_figures : mapping
    text : ResearchersText or None

    Returns
    -------
    str
        MyST Markdown.
    """
    wid = wave_id(wave)
    blocks = [f"# {_r('conclusions_title', wave=_md(wid))}"]
    conclusions = text_body(text, "conclusies")
    recommendations = text_body(text, "aanbevelingen", depth=1)
    if text is not None and text.demo:
        blocks.append(demo_notice())
    if conclusions is None and recommendations is None:
        blocks.append(missing_notice(wid))
        diffs = claim_sentences(key_figures, "differences") + claim_sentences(key_figures, "associations")
        if diffs:
            blocks.append("\n".join(diffs))
        return _page(*blocks)
    if conclusions is not None:
        blocks += [f"## {_r('conclusions_heading')}", conclusions]
    if recommendations is not None:
        blocks += [f"## {_r('recommendations_heading')}", _r("recommendations_intro"), recommendations]
    return _page(*blocks)


def _date_en(value: Any) -> str:
    d = fmt.as_date(value)
    if d is None:
        return "unknown"
    return f"{d.day} {wording('researchers')['english_months'][d.month - 1]} {d.year}"


def _fieldwork_en(period: Mapping | None) -> str:
    period = period or {}
    start, end = period.get("start"), period.get("end")
    if not start and not end:
        return "unknown"
    if not start or not end:
        return _date_en(start or end)
    return f"{_date_en(start)} {_r('english_through')} {_date_en(end)}"


def _english_key_figures(key_figures: Mapping, codebook: Any) -> list[str]:
    lines = []
    for f in key_figures.get("figures") or []:
        if f.get("suppressed") or fmt.is_missing(f.get("share")):
            continue
        item, box = str(f.get("item")), str(f.get("box"))
        label, box_label = f.get("item_label", item), f.get("box_label", box)
        if codebook is not None and item in codebook:
            it = codebook.item(item)
            label = it.short_en or it.text_en or label
            scale = it.response_scale
            if scale is not None and box in scale.boxes:
                box_label = scale.boxes[box].en
        lines.append(
            "- "
            + _md(_r("english_key_figure", pct=fmt.pct(f["share"]), box=box_label, item=label)).replace(
                fmt.pct(f["share"]), f"**{fmt.pct(f['share'])}**", 1
            )
        )
    return lines


def english_summary_page(wave: Any, key_figures: Mapping, text: ResearchersText | None, codebook: Any = None) -> str:
    """``waves/<wave>/summary_en.md``: the English summary of a wave (``lang="en"``).

    The researchers' English part (``report/summary_en.md``) where given; otherwise the key
    figures with the English labels of the codebook.

    Parameters
    ----------
    wave : Wave, mapping or str
    key_figures : mapping
    text : ResearchersText or None
    codebook : peo.survey.codebook.Codebook, optional
        For the English labels of the items and boxes.

    Returns
    -------
    str
        MyST Markdown; the English part is wrapped in ``<div lang="en">``.
    """
    wid = wave_id(wave)
    title = wave_attr(wave, "title_en") or key_figures.get("title") or wid
    theme = wave_attr(wave, "theme_en") or key_figures.get("theme_nl") or ""
    n = (key_figures.get("response") or {}).get("analysed")
    intro = _r(
        "english_intro",
        title=_md(title),
        fieldwork=_fieldwork_en(key_figures.get("fieldwork")),
        n=fmt.integer(n),
        theme=_md(theme),
    )
    body = text_body(text, "summary_en")
    blocks = [f"# {_r('english_title', wave=_md(wid))}", intro]
    if body is not None:
        if text.get("summary_en").front.demo:
            blocks.append(demo_notice(english=True))
        blocks.append(body)
    else:
        blocks.append(missing_notice(wid, english=True))
        figures = _english_key_figures(key_figures, codebook)
        if figures:
            blocks += [f"## {_r('english_key_figures_heading')}", "\n".join(figures)]
    blocks.append(_r("english_more"))
    inner = _page(*blocks[1:]).rstrip("\n")
    return _page(blocks[0], f'<div lang="en">\n\n{inner}\n\n</div>')
