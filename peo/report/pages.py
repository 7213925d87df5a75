"""The generated pages of the book's front and wave chapters: the landing page, each wave's
chapter introduction and its factsheet page. Pure: data in, MyST Markdown out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from peo.report import format as fmt
from peo.report.layout import (
    FACTSHEET_PDF,
    FACTSHEET_PNG,
    GENERATED,
    METHODS_DOC,
    WAVE_NOTEBOOKS,
    order_waves,
    slug,
    wave_attr,
    wave_doc,
    wave_id,
    wave_title,
)
from peo.report.appendix import download_order
from peo.report.markdown import md as _md
from peo.report.markdown import page as _page
from peo.report.markdown import role_text as _role_text
from peo.report.markdown import table as _table
from peo.report.summary import SYNTHETIC_NOTICE, factsheet_alt_text, key_findings, response_text
from peo.survey.codebook import groups as cb_groups
from peo.survey.wording import phrase

__all__ = ["landing_page", "wave_index_page", "factsheet_page"]

_format_int = fmt.integer
_is_missing = fmt.is_missing
format_fieldwork = fmt.fieldwork


def _b(key: str, **values: Any) -> str:
    """A phrase of the book pages (``peo/data/wording.yml``, section ``book``)."""
    return phrase("book", key, **values)


_PEO_INTRO = phrase("book", "peo_intro")


def _response_sentence(key_figures: Mapping) -> str:
    return _md(response_text(key_figures))


def landing_page(
    key_figures_latest: Mapping,
    waves: Iterable[Any],
    key_figures_by_wave: Mapping[str, Mapping] | None = None,
) -> str:
    """The landing page ``index.md``: what PEO is and the key findings of the latest wave.

    Every number comes from the key-figures file of the latest wave (format:
    ``docs/processed-data.md``, section ``key_figures.json``); percentages are rounded for
    presentation only. Below the findings, the waves with links to their chapters.

    Parameters
    ----------
    key_figures_latest : mapping
        The parsed ``key_figures.json`` of the latest wave.
    waves : iterable of Wave, mapping or str
        The waves present.
    key_figures_by_wave : mapping of wave id to key figures, optional
        Used for the response number and theme in the list of waves.

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
    intro += " " + _b("landing_reading")
    blocks.append(intro)
    blocks.extend(key_findings(kf))
    if wid:
        blocks.append(_b("landing_more", title=_role_text(kf.get("title") or wid), doc=wave_doc(wid, "index")))
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
            extras.append(_b("n", n=_format_int(analysed)))
        lines.append(item + (f" ({'; '.join(extras)})" if extras else ""))
    blocks.append(f"## {_b('landing_waves')}\n\n" + "\n".join(lines))
    blocks.append(_b("landing_pointers"))
    return _page(*blocks)


def _alt_text(key_figures: Mapping) -> str:
    return factsheet_alt_text(key_figures)


def wave_index_page(
    wave: Any,
    key_figures: Mapping,
    tables: Sequence[str] = (),
    chapters: Sequence[str] | None = None,
) -> str:
    """The chapter introduction ``waves/<wave>/index.md``.

    Fieldwork dates, theme, response numbers (from the key figures), a link to the factsheet
    PDF with its PNG preview (with alt text), the sections of the chapter and links to the
    wave's published tables.

    Parameters
    ----------
    wave : Wave, mapping or str
    key_figures : mapping
        The wave's ``key_figures.json``.
    tables : sequence of str
        File names of the wave's published tables, as copied to
        ``generated/downloads/<wave>/`` (see :func:`downloads_page`).
    chapters : sequence of str, optional
        The wave's notebook names; default :data:`WAVE_NOTEBOOKS`.

    Returns
    -------
    str
        MyST Markdown.
    """
    wid = wave_id(wave)
    kf = key_figures
    resp = kf.get("response") or {}
    blocks = [f"# {_md(wave_title(wave, kf))}"]
    theme = kf.get("theme_nl") or wave_attr(wave, "theme_nl")
    facts = [
        _b("fact_wave", wave=_md(wid)),
        _b("fact_fieldwork", fieldwork=format_fieldwork(kf.get("fieldwork"))),
    ]
    if theme:
        facts.append(_b("fact_theme", theme=_md(theme)))
    facts.append(_b("fact_response", response=_response_sentence(kf)))
    if not _is_missing(kf.get("threshold")):
        facts.append(_b("fact_threshold", threshold=_format_int(kf["threshold"])))
    blocks.append("\n".join(facts))
    by_group = resp.get("by_group") or {}
    pop = kf.get("population") or {}
    if by_group and pop.get("available"):
        # Population, response and response rate per employer type (peo.tables.weighted).
        rows = []
        for g in [*by_group, cb_groups().total]:
            r = (pop.get("by_group") or {}).get(g) or {}
            rows.append(
                [_md(g), _format_int(r.get("population")), _format_int(r.get("n")), fmt.pct(r.get("response_rate"))]
            )
        header = [_b("col_group"), _b("col_population"), _b("col_analysed"), _b("col_response_rate")]
        blocks.append(_table(header, rows, ["l", "r", "r", "r"]))
        blocks.append(_b("population_weighting", methods=METHODS_DOC))
    elif by_group:
        rows = [[_md(g), _format_int(n)] for g, n in by_group.items()]
        blocks.append(_table([_b("col_group"), _b("col_analysed")], rows, ["l", "r"]))
        if pop.get("statement_nl"):
            blocks.append(_md(pop["statement_nl"]))
    blocks.append(_b("wave_flow_pointer"))
    blocks.append(f"## {_b('wave_factsheet_heading')}")
    blocks.append(_b("wave_factsheet", wave=_role_text(wid), pdf=FACTSHEET_PDF))
    blocks.append(f"```{{image}} {FACTSHEET_PNG}\n:alt: {_alt_line(_alt_text(kf))}\n:width: 320px\n```")
    blocks.append(f"## {_b('wave_contents')}")
    names = list(chapters) if chapters is not None else list(WAVE_NOTEBOOKS)
    blocks.append("\n".join(f"- {{doc}}`{name}`" for name in names) + "\n- {doc}`factsheet`")
    blocks.append(f"## {_b('wave_tables_heading')}")
    if tables:
        links = [
            f"- {{download}}`{_role_text(name)} <../../{GENERATED}/downloads/{slug(wid)}/{name}>`"
            for name in download_order(tables)
        ]
        blocks.append(_b("wave_tables") + "\n\n" + "\n".join(links))
    else:
        blocks.append(_b("wave_no_tables"))
    return _page(*blocks)


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
        f"```{{image}} {FACTSHEET_PNG}\n:alt: {_alt_line(alt)}\n:width: 100%\n```",
        f"## {_b('factsheet_text_version')}",
        _md(alt),
    )
