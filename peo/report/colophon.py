"""The colophon of a wave's report and the note on each chapter page on how to rerun it.

:func:`colophon_page` makes ``waves/<wave>/colofon.md``: title, authors, organisation, date
of publication, ISBN (where ``wave.yml`` gives them under ``publication:``), how to cite,
licences (CC BY 4.0 for text and tables, MIT for the code), contact and the repository.
:func:`rerun_note` is the Markdown cell the pipeline adds to each executed chapter notebook:
where the repository is and how to open the notebook in JupyterLab with the project's kernel.

The repository's address is read from ``CITATION.cff`` (``repository-code``, the Citation
File Format's field for it) by :func:`repository_url`; nothing is invented when it is absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from peo.report import format as fmt
from peo.report.layout import wave_attr, wave_id, wave_title
from peo.report.markdown import md as _md
from peo.report.markdown import page as _page
from peo.report.markdown import table as _table
from peo.survey.schema.publication import Publication
from peo.survey.wording import phrase

__all__ = ["repository_url", "colophon_page", "rerun_note", "citation"]


def _c(key: str, **values: Any) -> str:
    """A phrase of section ``colophon`` of ``peo/data/wording.yml``."""
    return phrase("colophon", key, **values)


def repository_url(root: str | Path) -> str | None:
    """The repository's web address from ``CITATION.cff`` (``repository-code``), or None."""
    path = Path(root) / "CITATION.cff"
    if not path.is_file():
        return None
    m = re.search(r"^repository-code:\s*[\"']?([^\"'\s#]+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    return m.group(1) if m else None


def _repository(url: str | None) -> str:
    return _c("repository_at", url=url) if url else _c("repository_unknown")


def _authors(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {_c('and')} " + names[-1]


def citation(wave: Any, key_figures: Mapping, publication: Publication, date: str | None) -> str:
    """How to cite the wave's report: authors (year). *Title*. Organisation. ISBN."""
    year = fmt.as_date(publication.date) or fmt.as_date(date)
    parts = [_md(_authors(publication.authors) or publication.organisation or _c("organisation_default"))]
    parts[0] += f" ({year.year})." if year else "."
    parts.append(f"*{_md(wave_title(wave, key_figures))}*.")
    parts.append(_md(publication.organisation or _c("organisation_default")) + ".")
    if publication.isbn:
        parts.append(f"ISBN {_md(publication.isbn)}.")
    if publication.url:
        parts.append(_md(publication.url))
    return " ".join(parts)


def colophon_page(
    wave: Any,
    key_figures: Mapping,
    publication: Publication | None = None,
    *,
    build_date: str | None = None,
    repository: str | None = None,
) -> str:
    """``waves/<wave>/colofon.md``: who made the report, when, how to cite it and under which licence.

    Parameters
    ----------
    wave : Wave, mapping or str
    key_figures : mapping
    publication : Publication, optional
        ``wave.yml``'s ``publication:`` part; missing fields are said to be missing, not invented.
    build_date : str, optional
        ISO date of the build: the date of publication when ``publication.date`` is not given.
    repository : str, optional
        The repository's web address (:func:`repository_url`).

    Returns
    -------
    str
        MyST Markdown.
    """
    pub = publication or Publication()
    wid = wave_id(wave)
    missing = _c("not_given")
    date = pub.date.isoformat() if pub.date else build_date
    rows = [
        [_c("row_title"), _md(wave_title(wave, key_figures))],
        [_c("row_authors"), _md(_authors(pub.authors)) or missing],
        [_c("row_organisation"), _md(pub.organisation or _c("organisation_default"))],
        [_c("row_date"), fmt.date_nl(date) if date else missing],
        [_c("row_isbn"), _md(pub.isbn) if pub.isbn else missing],
        [_c("row_contact"), _md(pub.contact) if pub.contact else missing],
        [_c("row_url"), _md(pub.url) if pub.url else missing],
        [_c("row_repository"), _repository(repository)],
    ]
    blocks = [f"# {_c('title', wave=_md(wid))}"]
    if key_figures.get("synthetic") or wave_attr(wave, "synthetic"):
        blocks.append(f":::{{admonition}} {_c('demo_title')}\n:class: note\n{_c('demo')}\n:::")
    blocks += [
        _table([_c("col_what"), _c("col_value")], rows),
        f"## {_c('cite_heading')}",
        citation(wave, key_figures, pub, date),
        f"## {_c('licence_heading')}",
        _c("licence"),
    ]
    return _page(*blocks)


def rerun_note(notebook: str, wave: str | None, root: str | Path | None = None) -> str:
    """The Markdown of the note on a chapter page: where the repository is and how to rerun
    the notebook in JupyterLab with the project's kernel (``make lab``).

    A wave's result chapter reads only the wave's data package; the cleaning notebook
    (:data:`peo.report.layout.ACCOUNTING_NOTEBOOKS`) reads the raw export; the trends
    notebook (no ``wave``) the published tables of every wave.
    """
    from peo import paths
    from peo.report.layout import ACCOUNTING_NOTEBOOKS

    url = repository_url(root if root is not None else paths.root())
    key = "rerun_trends" if not wave else ("rerun_clean" if notebook in ACCOUNTING_NOTEBOOKS else "rerun")
    return "\n\n".join(
        [
            f"## {_c('rerun_heading')}",
            _c("rerun_open", repository=_repository(url), notebook=notebook),
            _c(key, wave=wave or ""),
        ]
    )
