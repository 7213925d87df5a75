"""The results step of a wave: every published table computed once, protected and written.

:func:`write_results` is the only place where a wave's published numbers are computed from
respondent data. It writes the wave's data package, ``data/processed/<wave>/tables/``:

- one CSV per table (through :func:`peo.tables.disclosure.publish`, after disclosure control);
- ``quotes_<item>.csv``: the de-identified example quotes of each open item (only for themes
  whose count is shown);
- ``codebook/``: copies of the codebooks the tables were made with (public files);
- ``datapackage.json``: the Frictionless descriptor with each table's checksum and protection
  metadata (:func:`peo.tables.datapackage.datapackage`);
- ``key_figures.json`` and the factsheet (``factsheet.pdf``, ``factsheet.png``).

The analysis notebooks read this package (:mod:`peo.tables.package`) and compute nothing again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from peo import paths
from peo.io import atomic_dir, write_csv
from peo.tables import disclosure
from peo.tables.datapackage import CODEBOOK_DIR, datapackage
from peo.tables.keyfigures import key_figures
from peo.tables.sections import all_sections
from peo.tables.wavedata import Section, load_wave_data

__all__ = ["write_results"]

#: Name of the theme codebook of the open answers inside a package's ``codebook/`` folder.
THEMES_FILE = "open_themes.yml"


def write_results(wave_id: str) -> Path:
    """Compute every table of a wave and publish its data package under ``data/processed/<wave>/tables/``.

    The folder is written to a temporary place and moved in whole.

    Returns
    -------
    Path
        The tables folder.

    Raises
    ------
    PeoError
        If the wave has not been cleaned yet.
    DisclosureError
        If a table would publish a cell below the threshold.
    """
    data = load_wave_data(wave_id)
    sections = all_sections(data)
    tables = {name: t for sec in sections.values() for name, t in sec.tables.items()}
    quotes = sections["open_answers"].quotes
    flow_path = paths.processed_dir(data.id) / "flow.csv"
    flow = pd.read_csv(flow_path) if flow_path.is_file() else None
    kf = key_figures(data, sections["professional_space"], sections["outcomes"], flow)
    target = paths.processed_dir(data.id) / "tables"
    with atomic_dir(target) as tmp:
        tmp = Path(tmp)
        for name, table in tables.items():
            disclosure.publish(table, tmp / f"{name}.csv")
        for item, frame in quotes.items():
            write_csv(frame, tmp / f"quotes_{item}.csv")
        codebooks = _copy_codebooks(data.wave.codebook_paths, tmp)
        themes = _copy_themes(tmp)
        descriptor = datapackage(data.wave, tables, tmp, quotes=quotes, codebooks=codebooks, themes=themes)
        (tmp / "datapackage.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (tmp / "key_figures.json").write_text(json.dumps(kf, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _write_factsheet(kf, sections, tmp)
    return target


def _copy_codebooks(sources, folder: Path) -> list[str]:
    """Copy the wave's codebook files into ``codebook/`` (numbered: they merge in this order)."""
    (folder / CODEBOOK_DIR).mkdir()
    names = []
    for k, src in enumerate(sources, start=1):
        name = f"{CODEBOOK_DIR}/{k}_{Path(src).name}"
        shutil.copyfile(src, folder / name)
        names.append(name)
    return names


def _copy_themes(folder: Path) -> str | None:
    """Copy the theme codebook of the open answers, if the repository has one."""
    src = paths.codebook_dir() / THEMES_FILE
    if not src.is_file():
        return None
    name = f"{CODEBOOK_DIR}/{THEMES_FILE}"
    shutil.copyfile(src, folder / name)
    return name


def _write_factsheet(kf: dict, sections: dict[str, Section], folder: Path) -> None:
    """The factsheet (peo.report.factsheet) from the key figures and the tables just written."""
    from peo.report.factsheet import factsheet, publication_details, recommendation_lines, render_factsheet
    from peo.survey import config

    theme = sections["theme"]
    items = theme.codebook.by_role("theme") if theme.codebook is not None else []
    multi = [theme.tables[i.id] for i in items if i.type == "multi" and i.id in theme.tables]
    wave = config.load_wave(str(kf["wave"]))
    fig = factsheet(
        kf,
        sections["outcomes"].tables.get("outcome_by_space"),
        multi,
        recommendations=recommendation_lines(wave, kf, folder),
        publication=publication_details(wave),
        by_group_tables=[
            sections["professional_space"].tables["space_by_group"],
            sections["outcomes"].tables["outcome_by_group"],
        ],
    )
    pdf, png = render_factsheet(fig, kf)
    (folder / "factsheet.pdf").write_bytes(pdf)
    (folder / "factsheet.png").write_bytes(png)
