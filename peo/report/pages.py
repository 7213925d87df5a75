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

__all__ = ["landing_page", "wave_index_page", "factsheet_page"]

_format_int = fmt.integer
_is_missing = fmt.is_missing
format_fieldwork = fmt.fieldwork

_PEO_INTRO = """\
Het *Professionalervaringsonderzoek* (PEO) is een korte online vragenlijst voor
jeugdhulpprofessionals in de regio Haaglanden (Den Haag en omliggende gemeenten). Het
Kennisnetwerk Jeugd Haaglanden en het Platform Jeugdhulpprofessionals Haaglanden zetten de
vragenlijst ongeveer elk half jaar uit. Elke meting heeft twee delen:

1. een **kernmodule** die elke meting terugkomt, over de ervaren *professionele ruimte*: de
   ruimte die een professional heeft om goed werk te doen, zoals ruimte om te investeren in de
   relatie met cliënten, om te doen wat nodig is en voor reflectie en intervisie, en de
   samenhang daarvan met werkplezier, werkdruk en het voornemen om in de jeugdhulp te blijven;
2. een **themamodule** die per meting wisselt.

De deelnemers werken bij drie typen werkgevers, de indeling van elke analyse: gecertificeerde
instellingen (GI), aanbieders van specialistische jeugdhulp (JZ) en lokale teams (LT). Deelname
is vrijwillig; de uitkomsten zijn daarom niet representatief in statistische zin, en verbanden
beschrijven samenhang, geen oorzaak. Zie de {doc}`methode </appendix/methods>`."""


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
    blocks = ["# Professionalervaringsonderzoek Haaglanden"]
    if kf.get("synthetic"):
        blocks.append(f":::{{warning}}\n{_md(SYNTHETIC_NOTICE)}\n:::")
    blocks.append(_PEO_INTRO)
    title = _md(kf.get("title") or f"PEO {wid}")
    blocks.append(f"## Belangrijkste uitkomsten van de laatste meting ({_md(wid)})")
    intro = (
        f"*{title}*. Veldwerk {format_fieldwork(kf.get('fieldwork'))}; {_response_sentence(kf)}."
    )
    if kf.get("theme_nl"):
        intro += f" Thema van de themamodule: {_md(kf['theme_nl'])}."
    intro += (
        " Percentages zijn afgerond; tussen haakjes het 95%-betrouwbaarheidsinterval (BI) en het"
        " aantal professionals met een geldig antwoord."
    )
    blocks.append(intro)
    blocks.extend(key_findings(kf))
    if wid:
        blocks.append(f"Meer in het hoofdstuk {{doc}}`{_role_text(kf.get('title') or wid)} </{wave_doc(wid, 'index')}>`.")
    lines = []
    for w in order_waves(waves):
        i = wave_id(w)
        wkf = key_figures_by_wave.get(i) or (kf if i == wid else {})
        item = f"- {{doc}}`{_role_text(wave_title(w, wkf))} </{wave_doc(i, 'index')}>`"
        extras = []
        theme = wkf.get("theme_nl") or wave_attr(w, "theme_nl")
        if theme:
            extras.append(f"thema: {_md(theme)}")
        analysed = (wkf.get("response") or {}).get("analysed")
        if not _is_missing(analysed):
            extras.append(f"n = {_format_int(analysed)}")
        lines.append(item + (f" ({'; '.join(extras)})" if extras else ""))
    blocks.append("## Metingen\n\n" + "\n".join(lines))
    blocks.append(
        "De ontwikkeling over de metingen heen staat in het hoofdstuk Trends; hoe de cijfers tot stand"
        " komen in de {doc}`methode </appendix/methods>`, en hoe dit rapport opnieuw te bouwen is in"
        " {doc}`/generated/reproduce`."
    )
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
        f"- **Meting:** {_md(wid)}",
        f"- **Veldwerk:** {format_fieldwork(kf.get('fieldwork'))}",
    ]
    if theme:
        facts.append(f"- **Thema van de themamodule:** {_md(theme)}")
    facts.append(f"- **Respons:** {_response_sentence(kf)}")
    if not _is_missing(kf.get("threshold")):
        facts.append(
            f"- **Drempel voor kleine aantallen:** {_format_int(kf['threshold'])} per cel (zie de {{doc}}`methode </appendix/methods>`)"
        )
    blocks.append("\n".join(facts))
    by_group = resp.get("by_group") or {}
    if by_group:
        rows = [[_md(g), _format_int(n)] for g, n in by_group.items()]
        blocks.append(_table(["Type werkgever", "Aantal in de analyse"], rows, ["l", "r"]))
    blocks.append(
        f"Hoe deze aantallen tot stand komen (wie afviel en waarom), staat in de bijlage {{doc}}`/generated/flow`."
    )
    blocks.append("## Factsheet")
    blocks.append(
        f"De uitkomsten op één A4-pagina: {{download}}`factsheet {_role_text(wid)} (pdf) <{FACTSHEET_PDF}>`"
        f" en de {{doc}}`tekstversie <factsheet>`."
    )
    blocks.append(f"```{{image}} {FACTSHEET_PNG}\n:alt: {_alt_line(_alt_text(kf))}\n:width: 320px\n```")
    blocks.append("## Inhoud van dit hoofdstuk")
    names = list(chapters) if chapters is not None else list(WAVE_NOTEBOOKS)
    blocks.append("\n".join(f"- {{doc}}`{name}`" for name in names) + "\n- {doc}`factsheet`")
    blocks.append("## Tabellen")
    if tables:
        links = [
            f"- {{download}}`{_role_text(name)} <../../{GENERATED}/downloads/{slug(wid)}/{name}>`"
            for name in download_order(tables)
        ]
        blocks.append(
            "Alle tabellen van deze meting als CSV, beschreven in `datapackage.json`"
            " (alle metingen: {doc}`/generated/downloads`):\n\n" + "\n".join(links)
        )
    else:
        blocks.append("Voor deze meting zijn geen tabellen gepubliceerd.")
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
        f"# Factsheet {_md(wid)}",
        f"De factsheet van deze meting op één A4-pagina, om te downloaden en te printen:"
        f" {{download}}`factsheet {_role_text(wid)} (pdf) <{FACTSHEET_PDF}>`.",
        f"```{{image}} {FACTSHEET_PNG}\n:alt: {_alt_line(alt)}\n:width: 100%\n```",
        "## Tekstversie",
        _md(alt),
    )
