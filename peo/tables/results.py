"""The results step of a wave: every published table computed once, protected and written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from peo import paths
from peo.tables import disclosure
from peo.tables.datapackage import datapackage
from peo.tables.keyfigures import key_figures
from peo.tables.likert import headlines
from peo.tables.sections import all_sections, write_deidentified
from peo.tables.wavedata import Section, load_wave_data

__all__ = ["write_results"]


def write_results(wave_id: str) -> Path:
    """Compute every table of a wave and publish it under ``data/processed/<wave>/tables/``.

    Writes one CSV per table (through :func:`peo.tables.disclosure.publish`), ``datapackage.json``
    and ``key_figures.json``; then the factsheet (``factsheet.pdf`` and ``factsheet.png``).
    The folder is written to a temporary place and moved in whole.

    Returns
    -------
    Path
        The tables folder.
    """
    from peo.io import atomic_dir

    data = load_wave_data(wave_id)
    write_deidentified(data)
    sections = all_sections(data)
    tables = {name: t for sec in sections.values() for name, t in sec.tables.items()}
    flow_path = paths.processed_dir(data.id) / "flow.csv"
    flow = pd.read_csv(flow_path) if flow_path.is_file() else None
    kf = key_figures(data, sections["professional_space"], sections["outcomes"], flow)
    target = paths.processed_dir(data.id) / "tables"
    with atomic_dir(target) as tmp:
        tmp = Path(tmp)
        for name, table in tables.items():
            disclosure.publish(table, tmp / f"{name}.csv")
        (tmp / "datapackage.json").write_text(
            json.dumps(datapackage(data.wave, tables), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (tmp / "key_figures.json").write_text(json.dumps(kf, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _write_factsheet(kf, sections, tmp)
    return target


def _write_factsheet(kf: dict, sections: dict[str, Section], folder: Path) -> None:
    from peo.report.factsheet import factsheet, render_factsheet

    space = sections["professional_space"]
    fig = factsheet(kf, space.tables["space_distribution"], headlines(space.tables["space_by_group"]),
                    codebook=space.codebook)
    pdf, png = render_factsheet(fig)
    (folder / "factsheet.pdf").write_bytes(pdf)
    (folder / "factsheet.png").write_bytes(png)
