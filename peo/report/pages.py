"""The generated pages of the book's front and wave chapters: the landing page, each wave's
chapter opening (summary and key figures) and its factsheet page. Pure: data in, MyST Markdown out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from peo.report import format as fmt
from peo.report.layout import (
    FACTSHEET_PDF,
    FACTSHEET_PNG,
    METHODS_DOC,
    TRENDS_DOC,
    WAVE_SECTIONS,
    order_waves,
    wave_attr,
    wave_doc,
    wave_id,
    wave_title,
)
from peo.report.markdown import md as _md
from peo.report.markdown import page as _page
from peo.report.markdown import role_text as _role_text
from peo.report.markdown import table as _table
from peo.report.pdf import report_pdf_link
from peo.report.researchers import ResearchersText
from peo.report.summary import SYNTHETIC_NOTICE, factsheet_alt_text, response_text
from peo.report.textpages import claim_sentences, demo_notice, key_figure_sentences, missing_notice, text_body
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import phrase

__all__ = ["landing_page", "wave_index_page", "factsheet_page"]

_format_int = fmt.integer
_is_missing = fmt.is_missing
format_fieldwork = fmt.fieldwork


def _b(key: str, **values: Any) -> str:
    """A phrase of the book pages (``peo/data/wording.yml``, section ``book``)."""
    return phrase("book", key, **values)


def _r(key: str, **values: Any) -> str:
    """A phrase of the researchers' text pages (``peo/data/wording.yml``, section ``researchers``)."""
    return phrase("researchers", key, **values)


_PEO_INTRO = phrase("book", "peo_intro")


def _response_sentence(key_figures: Mapping) -> str:
    return _md(response_text(key_figures))


def _summary_blocks(key_figures: Mapping, text: ResearchersText | None, heading: str = "##") -> list[str]:
    """The researchers' summary (or the notice that it is missing) and the key figures in plain Dutch."""
    wid = str(key_figures.get("wave", ""))
    blocks = []
    summary = text_body(text, "samenvatting", depth=len(heading) - 1)
    if text is not None and text.demo:
        blocks.append(demo_notice())
    if summary is not None:
        blocks += [f"{heading} {_r('summary_heading')}", summary]
    elif text is None or text.get("samenvatting") is None:
        blocks.append(missing_notice(wid))
    figures = key_figure_sentences(key_figures)
    blocks += [f"{heading} {_r('key_figures_heading')}", _r("key_figures_intro")]
    blocks.append("\n".join(figures) if figures else _b("no_key_figures"))
    return blocks


def landing_page(
    key_figures_latest: Mapping,
    waves: Iterable[Any],
    key_figures_by_wave: Mapping[str, Mapping] | None = None,
    texts: Mapping[str, ResearchersText] | None = None,
    changes: Sequence[str] = (),
) -> str:
    """The landing page ``index.md``: what PEO is, the summary of the latest wave, its key
    figures in plain Dutch, the main changes between waves and links to every wave.

    Every number comes from the key-figures file of the latest wave (format:
    ``docs/processed-data.md``, section ``key_figures.json``) or from the researchers' text,
    whose references were filled in from the results; one number per sentence, no
    intervals or n (those are in the chapters).

    Parameters
    ----------
    key_figures_latest : mapping
        The parsed ``key_figures.json`` of the latest wave.
    waves : iterable of Wave, mapping or str
        The waves present.
    key_figures_by_wave : mapping of wave id to key figures, optional
        Used for the response number and theme in the list of waves.
    texts : mapping of wave id to ResearchersText, optional
        The researchers' text per wave.
    changes : sequence of str
        Sentences about the main changes between the last two waves (from the trend tests).

    Returns
    -------
    str
        MyST Markdown.

    Raises
    ------
    ConfigError
        If two waves share an id.
    """
    kf = key_figures_latest
    key_figures_by_wave = key_figures_by_wave or {}
    wid = str(kf.get("wave", ""))
    blocks = [f"# {_b('landing_title')}"]
    if kf.get("synthetic"):
        blocks.append(f":::{{warning}}\n{_md(SYNTHETIC_NOTICE)}\n:::")
    blocks.append(_PEO_INTRO)
    title = _md(kf.get("title") or _b("title_default", wave=wid))
    blocks.append(f"## {_b('landing_findings', wave=_md(wid))}")
    intro = _b(
        "landing_intro", title=title, fieldwork=format_fieldwork(kf.get("fieldwork")), response=_response_sentence(kf)
    )
    if kf.get("theme_nl"):
        intro += " " + _b("landing_theme", theme=_md(kf["theme_nl"]))
    blocks.append(intro)
    blocks.extend(_summary_blocks(kf, (texts or {}).get(wid), heading="###"))
    if wid:
        blocks.append(_b("landing_more", title=_role_text(kf.get("title") or wid), doc=wave_doc(wid, "index")))
    if changes:
        blocks.append(f"## {_b('landing_changes')}")
        blocks.append("\n".join(f"- {_md(c)}" for c in changes))
        blocks.append(_b("landing_changes_more", doc=TRENDS_DOC))
    lines = []
    for w in order_waves(waves):
        i = wave_id(w)
        wkf = key_figures_by_wave.get(i) or (kf if i == wid else {})
        item = f"- {{doc}}`{_role_text(wave_title(w, wkf))} </{wave_doc(i, 'index')}>`"
        extras = []
        theme = wkf.get("theme_nl") or wave_attr(w, "theme_nl")
        if theme:
            extras.append(_b("landing_wave_theme", theme=_md(theme)))
        analysed = (wkf.get("response") or {}).get("analysed")
        if not _is_missing(analysed):
            extras.append(_b("landing_wave_n", n=_format_int(analysed)))
        lines.append(item + (f" ({'; '.join(extras)})" if extras else ""))
    blocks.append(f"## {_b('landing_waves')}\n\n" + "\n".join(lines))
    blocks.append(_b("landing_pointers"))
    return _page(*blocks)


def _response_blocks(key_figures: Mapping) -> list[str]:
    """Population, respondents and response rate per employer type, where the population is known
    (peo.tables.weighted); otherwise the sentence that it is not."""
    pop = key_figures.get("population") or {}
    by_group = (key_figures.get("response") or {}).get("by_group") or {}
    if by_group and pop.get("available"):
        rows, groups = [], cb_groups()
        for g in [*by_group, groups.total]:
            r = (pop.get("by_group") or {}).get(g) or {}
            label = groups.labels["nl"].get(g, g) if g == groups.total else g
            rows.append(
                [_md(label), _format_int(r.get("population")), _format_int(r.get("n")), fmt.pct(r.get("response_rate"))]
            )
        header = [_b("col_group"), _b("col_population"), _b("col_analysed"), _b("col_response_rate")]
        return [
            f"## {_r('response_heading')}",
            _table(header, rows, ["l", "r", "r", "r"]),
            _b("population_weighting", methods=METHODS_DOC),
        ]
    if pop.get("statement_nl"):
        return [f"## {_r('response_heading')}", _md(pop["statement_nl"])]
    return []


def wave_index_page(
    wave: Any,
    key_figures: Mapping,
    tables: Sequence[str] = (),
    chapters: Sequence[str] | None = None,
    text: ResearchersText | None = None,
) -> str:
    """The chapter opening ``waves/<wave>/index.md``: the summary and the key figures.

    Fieldwork, response and theme in one paragraph; the researchers' summary (or a notice
    that it is missing); the key figures in plain Dutch; the sections of the chapter; links
    to the factsheet, the downloads and the accounting of the cleaning.

    Parameters
    ----------
    wave : Wave, mapping or str
    key_figures : mapping
        The wave's ``key_figures.json``.
    tables : sequence of str
        Kept for callers written against the earlier page; the tables are listed on the
        downloads page (:func:`peo.report.appendix.downloads_page`).
    chapters : sequence of str, optional
        The documents of the chapter after this page, in order (names relative to the
        wave's folder); default :data:`WAVE_SECTIONS`.
    text : ResearchersText, optional
        The wave's researchers' text.

    Returns
    -------
    str
        MyST Markdown.
    """
    wid = wave_id(wave)
    kf = key_figures
    blocks = [f"# {_md(wave_title(wave, kf))}"]
    facts = _r("chapter_facts", fieldwork=format_fieldwork(kf.get("fieldwork")), response=_response_sentence(kf))
    theme = kf.get("theme_nl") or wave_attr(wave, "theme_nl")
    if theme:
        facts += " " + _r("chapter_theme", theme=_md(theme))
    blocks.append(facts)
    blocks.append(report_pdf_link(wid))
    blocks.extend(_summary_blocks(kf, text))
    claims = claim_sentences(kf, "differences") + claim_sentences(kf, "associations")
    if claims:
        blocks += [f"## {_r('claims_heading')}", _r("claims_intro"), "\n".join(claims)]
    blocks.extend(_response_blocks(kf))
    blocks.append(f"## {_r('chapter_contents')}")
    names = list(chapters) if chapters is not None else list(WAVE_SECTIONS)
    blocks.append("\n".join(f"- {{doc}}`{name}`" for name in names))
    blocks.append(_r("factsheet_link", wave=_role_text(wid), pdf=FACTSHEET_PDF))
    blocks.append(_r("chapter_more"))
    return _page(*blocks)


def _alt_text(key_figures: Mapping) -> str:
    return factsheet_alt_text(key_figures)


def _alt_line(text: str) -> str:
    """Alt text for a directive option: one line."""
    return " ".join(str(text).split())


def factsheet_page(wave: Any, key_figures: Mapping) -> str:
    """The factsheet section ``waves/<wave>/factsheet.md``: the PNG, the PDF and a text version.

    Parameters
    ----------
    wave : Wave, mapping or str
    key_figures : mapping

    Returns
    -------
    str
        MyST Markdown.
    """
    wid = wave_id(wave)
    alt = _alt_text(key_figures)
    return _page(
        f"# {_b('factsheet_title', wave=_md(wid))}",
        _b("factsheet_intro", wave=_role_text(wid), pdf=FACTSHEET_PDF),
        # In a box that scrolls on a phone (book/_static/figures.css), like the notebook figures.
        f":::{{div}} peo-wide-figure\n```{{image}} {FACTSHEET_PNG}\n:alt: {_alt_line(alt)}\n:width: 100%\n```\n:::",
        f"## {_b('factsheet_text_version')}",
        _md(alt),
    )
