"""A wave's processed data as the results step reads it: configuration, codebook, respondents.

Only the results step (:mod:`peo.tables.results`) loads respondent-level data; the analysis
notebooks read the published data package (:mod:`peo.tables.package`).
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field

import pandas as pd

from peo import paths
from peo.errors import PeoError
from peo.survey.codebook import Codebook
from peo.survey.config import Wave, load_wave
from peo.tables import disclosure
from peo.yamltext import load_yaml

__all__ = ["GROUP", "THEME_TYPES", "TOTAL", "WORDING_FILE", "Section", "WaveData", "load_wave_data", "wording"]

WORDING_FILE = paths.package_data("analysis.yml")
#: Item types the thematic-module notebook knows how to report.
THEME_TYPES = ("likert", "categorical", "multi", "numeric", "open")
GROUP = "employer_type"
TOTAL = disclosure.TOTAL_GROUP


@functools.cache
def _analysis_file() -> dict:
    return load_yaml(WORDING_FILE.read_text(encoding="utf-8"))


def wording() -> dict:
    """The analysis wording and settings from ``peo/data/analysis.yml``.

    The file is parsed once per process (a results step asked for it 31 times, a tenth of its
    time); each call returns its own copy, so a caller that changes it changes nothing else.
    """
    return copy.deepcopy(_analysis_file())


@dataclass(frozen=True)
class WaveData:
    """A wave's configuration, merged codebook and cleaned respondents."""

    wave: Wave
    codebook: Codebook
    respondents: pd.DataFrame
    threshold: int

    @property
    def id(self) -> str:
        return self.wave.id

    @property
    def group_sizes(self) -> disclosure.GroupSizes:
        """The analysed respondents per employer type, and which of them every table hides.

        One decision for the whole wave (:func:`peo.tables.disclosure.group_sizes`): a group
        below the threshold is hidden, and a second one with it, in every table and sentence.
        """
        codes = [c.value for c in self.codebook.group_item.response_scale.codes]
        counts = self.respondents[GROUP].astype("string").value_counts()
        return disclosure.group_sizes(
            {g: int(counts.get(g, 0)) for g in codes}, self.threshold, total=len(self.respondents)
        )

    @property
    def hidden_groups(self) -> dict:
        """Employer types hidden in every table of the wave, with the reason (``primary``/``secondary``)."""
        return self.group_sizes.hidden_groups


def load_wave_data(wave_id: str) -> WaveData:
    """Load the cleaned respondents of a wave with its codebook.

    Raises
    ------
    PeoError
        If the wave has not been cleaned yet (run ``python -m peo clean --wave ID``).
    """
    wave = load_wave(str(wave_id))
    path = paths.processed_dir(wave.id) / "respondents.parquet"
    if not path.is_file():
        raise PeoError(
            f"Wave {wave.id} has no cleaned data ({path} is missing). "
            f"Run `python -m peo clean --wave {wave.id}` (or `make book`) first."
        )
    return WaveData(wave, wave.codebook(), pd.read_parquet(path), wave.threshold)


@dataclass
class Section:
    """The protected tables of one part of the report, by name (the CSV file name)."""

    tables: dict[str, disclosure.ProtectedTable] = field(default_factory=dict)
    codebook: Codebook | None = None
    notes: list[str] = field(default_factory=list)
    #: De-identified example quotes per open item (:func:`peo.tables.sections.open_answers`),
    #: published as ``quotes_<item>.csv`` in the wave's data package.
    quotes: dict[str, pd.DataFrame] = field(default_factory=dict)
