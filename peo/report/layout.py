"""Where things live in the book: document names, the waves in book order, the table of contents.

Standard library only (the Sphinx extension imports it through the page modules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from peo.errors import ConfigError

__all__ = [
    "WAVE_NOTEBOOKS",
    "ACCOUNTING_NOTEBOOKS",
    "WAVE_SECTIONS",
    "CONCLUSIONS_DOC",
    "FACTSHEET_DOC",
    "ENGLISH_DOC",
    "COLOPHON_DOC",
    "chapter_sections",
    "TRENDS_DOC",
    "FACTSHEET_PDF",
    "FACTSHEET_PNG",
    "SETTINGS_FILE",
    "GENERATED",
    "METHODS_DOC",
    "BIBLIOGRAPHY_DOC",
    "wave_id",
    "wave_attr",
    "slug",
    "order_waves",
    "wave_title",
    "wave_doc",
    "chapters_for",
    "toc",
]

#: The executed notebooks of a wave chapter, in order (``book/waves/<wave>/<name>.ipynb``).
WAVE_NOTEBOOKS = ("01_clean", "02_professional_space", "03_outcomes", "04_theme", "05_open_answers")

#: Notebooks that account for the data rather than report results: listed under the
#: respondent flow in the appendix ("Verantwoording"), not in the wave's chapter.
ACCOUNTING_NOTEBOOKS = ("01_clean",)

#: Generated pages of a wave chapter (``book/waves/<wave>/<name>.md``).
CONCLUSIONS_DOC = "conclusies"
FACTSHEET_DOC = "factsheet"
ENGLISH_DOC = "summary_en"
COLOPHON_DOC = "colofon"

#: The sections of a wave chapter after its opening page, in report order.
WAVE_SECTIONS = (
    *(nb for nb in WAVE_NOTEBOOKS if nb not in ACCOUNTING_NOTEBOOKS),
    CONCLUSIONS_DOC,
    FACTSHEET_DOC,
    ENGLISH_DOC,
    COLOPHON_DOC,
)

#: The executed trends notebook (document name, relative to the book folder).
TRENDS_DOC = "waves/trends"

#: File names of a wave's factsheet in ``book/waves/<wave>/``.
FACTSHEET_PDF = "factsheet.pdf"

FACTSHEET_PNG = "factsheet.png"

#: Per-build settings read by the Sphinx extension (relative to the book folder).
SETTINGS_FILE = "generated/settings.json"

#: Folder (relative to the book folder) owned by this module.
GENERATED = "generated"

#: Static appendix pages (committed).
METHODS_DOC = "appendix/methods"

BIBLIOGRAPHY_DOC = "appendix/bibliography"


def wave_id(wave: Any) -> str:
    """The id of a wave given as a :class:`peo.survey.config.Wave`, a mapping or a string."""
    if isinstance(wave, str):
        return wave
    if isinstance(wave, Mapping):
        return str(wave["id"])
    return str(wave.id)


def wave_attr(wave: Any, name: str, default: Any = None) -> Any:
    if isinstance(wave, str):
        return default
    if isinstance(wave, Mapping):
        return wave.get(name, default)
    return getattr(wave, name, default)


def slug(wave_id: str) -> str:
    """A wave id made safe for file and document names."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(wave_id)).strip("-")
    if not slug:
        raise ConfigError(f"The wave id {wave_id!r} has no letters or digits; give the wave a usable 'id' in wave.yml.")
    return slug


def order_waves(waves: Iterable[Any]) -> list[Any]:
    """The waves newest first (wave ids sorted as text, descending).

    Parameters
    ----------
    waves : iterable of Wave, mapping with ``id``, or str

    Returns
    -------
    list
        The same objects, newest first.

    Raises
    ------
    ConfigError
        If two waves have the same id.
    """
    waves = list(waves)
    ids = [wave_id(w) for w in waves]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"Two waves have the id {dup[0]!r}. Give each wave a unique 'id' in its wave.yml.")
    return sorted(waves, key=wave_id, reverse=True)


def wave_title(wave: Any, key_figures: Mapping | None = None) -> str:
    if key_figures and key_figures.get("title"):
        return str(key_figures["title"])
    return str(wave_attr(wave, "title") or f"PEO {wave_id(wave)}")


def wave_doc(wave_id: str, name: str) -> str:
    return f"waves/{slug(wave_id)}/{name}"


def chapters_for(chapters: Sequence[str] | Mapping[str, Sequence[str]] | None, wave_id: str) -> list[str]:
    if chapters is None:
        return list(WAVE_NOTEBOOKS)
    if isinstance(chapters, Mapping):
        return list(chapters.get(wave_id, WAVE_NOTEBOOKS))
    return list(chapters)


def chapter_sections(notebooks: Sequence[str]) -> list[str]:
    """The sections of a wave chapter: its result notebooks, then the conclusions and
    recommendations, the factsheet, the English summary and the colophon."""
    return [
        *(nb for nb in notebooks if nb not in ACCOUNTING_NOTEBOOKS),
        CONCLUSIONS_DOC,
        FACTSHEET_DOC,
        ENGLISH_DOC,
        COLOPHON_DOC,
    ]


def toc(
    waves: Iterable[Any],
    chapters: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    *,
    trends: bool = True,
) -> str:
    """The table of contents ``_toc.yml`` (Jupyter Book 1, ``format: jb-book``).

    Three captioned parts: "Rapport" (a chapter per wave, newest first: its opening page with
    the summary and key figures, the result notebooks, the conclusions and recommendations,
    the factsheet, the English summary and the colophon), "Trends" (``waves/trends.ipynb``)
    and "Bijlagen" (methods, codebook per wave, the respondent flow with each wave's cleaning
    notebook, downloads, Reproduceren, literature).

    Parameters
    ----------
    waves : iterable of Wave, mapping or str
        The waves present.
    chapters : sequence of str, or mapping of wave id to sequence of str, optional
        Notebook names (without ``.ipynb``) of a wave chapter, in order; one list for all
        waves or one per wave. Default :data:`WAVE_NOTEBOOKS`.
    trends : bool, default True
        Include the trends chapter.

    Returns
    -------
    str
        YAML text.

    Raises
    ------
    ConfigError
        If two waves share an id or there is no wave at all.
    """
    ordered = order_waves(waves)
    if not ordered:
        raise ConfigError("There is no wave to put in the book: add a wave folder with a wave.yml under data/raw/.")
    report, accounting = [], []
    for w in ordered:
        wid = wave_id(w)
        notebooks = chapters_for(chapters, wid)
        sections = [{"file": wave_doc(wid, name)} for name in chapter_sections(notebooks)]
        report.append({"file": wave_doc(wid, "index"), "sections": sections})
        accounting += [{"file": wave_doc(wid, nb)} for nb in notebooks if nb in ACCOUNTING_NOTEBOOKS]
    parts: list[dict] = [{"caption": "Rapport", "chapters": report}]
    if trends:
        parts.append({"caption": "Trends", "chapters": [{"file": TRENDS_DOC}]})
    appendices = [
        {"file": METHODS_DOC},
        {
            "file": f"{GENERATED}/codebook",
            "sections": [{"file": f"{GENERATED}/codebook_{slug(wave_id(w))}"} for w in ordered],
        },
        {"file": f"{GENERATED}/flow", **({"sections": accounting} if accounting else {})},
        {"file": f"{GENERATED}/downloads"},
        {"file": f"{GENERATED}/reproduce"},
        {"file": BIBLIOGRAPHY_DOC},
    ]
    parts.append({"caption": "Bijlagen", "chapters": appendices})
    data = {"format": "jb-book", "root": "index", "parts": parts}
    header = "# Generated by peo.report.book.toc() from the waves under data/raw: do not edit.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
