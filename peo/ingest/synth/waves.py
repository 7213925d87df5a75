"""What each demo wave is: its sizes, messy rows, export shape and configuration.

:data:`SPECS` gives, per demo wave, how many respondents survive cleaning and how many rows of
each kind cleaning must exclude, and the export file; ``ADMIN_<wave>`` are the administrative
columns of its export shape. :func:`wave_config` reads a wave's ``wave.yml`` and codebooks
(without requiring the export that is about to be written) and :func:`check_config` checks that
they name what the synthetic export will hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from peo import paths
from peo.errors import ConfigError
from peo.survey.codebook import Codebook, load_codebook
from peo.survey.config import _resolve_codebook
from peo.yamltext import load_yaml

__all__ = [
    "DEMO_SEED",
    "WaveSpec",
    "SPECS",
    "WAVES",
    "ADMIN_2021",
    "ADMIN_2022",
    "ADMIN_2023",
    "ADMIN",
    "wave_rng",
    "wave_config",
    "check_config",
    "fieldwork",
]

DEMO_SEED = 20220401
"""The fixed seed of the bundled demo exports."""


@dataclass(frozen=True)
class WaveSpec:
    """What to generate for one wave: sizes, messy rows and the export shape."""

    wave: str
    file: str
    n_valid: int  # respondents who survive cleaning
    n_no_consent: int
    n_incomplete: int
    n_exact_duplicates: int
    n_pattern_duplicates: int
    n_speeders: int
    n_no_group: int
    open_rate: float  # share of respondents who answer an open question
    years_text: tuple[str, ...] = ()  # years of experience typed as text (CSV exports only)
    specials: tuple[str, ...] = ()  # open answers with HTML, formulas, separators


_SEPARATOR_ANSWER = (
    'Minder regels; meer vertrouwen. Een collega zei laatst: "we zijn geen administratiekantoor".\n'
    "En geef ons de tijd voor de gezinnen."
)

SPECS: dict[str, WaveSpec] = {
    "2021": WaveSpec(
        "2021",
        "peo2021_export.sav",
        180,
        3,
        6,
        2,
        1,
        3,
        1,
        0.60,
        specials=("Dit wil ik <b>vet</b> zeggen: minder regels graag.", "=1+1"),
    ),
    "2022": WaveSpec(
        "2022",
        "peo2022_export.csv",
        150,
        4,
        7,
        3,
        2,
        2,
        1,
        0.60,
        years_text=("tien", "5 jaar"),
        specials=(
            '=HYPERLINK("http://example.org","klik")',
            "<script>alert('x')</script>",
            "@SUM(A1:A2)",
            _SEPARATOR_ANSWER,
        ),
    ),
    "2023": WaveSpec(
        "2023",
        "peo2023_export.csv",
        160,
        3,
        5,
        2,
        1,
        3,
        2,
        0.92,
        years_text=("5 jaar", "tien", "ruim 20"),
        specials=(
            "=1+1",
            "@SUM(A1:A2)",
            "Het antwoord is <b>vet</b>: meer vertrouwen.",
            "<script>alert('x')</script>",
            '=HYPERLINK("http://example.org","klik")',
            _SEPARATOR_ANSWER,
        ),
    ),
}
WAVES = tuple(SPECS)

# The export shapes. Each wave.yml must name these columns (checked by check_config).
ADMIN_2021 = ("resp_id", "consent", "finished", "start_time", "end_time", "ip_address", "email")
ADMIN_2022 = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "Q_consent",
)
ADMIN_2023 = ("respondent", "toestemming", "voltooid", "begonnen", "beeindigd", "ip", "naam", "email")
ADMIN = {"2021": ADMIN_2021, "2022": ADMIN_2022, "2023": ADMIN_2023}


def wave_rng(seed: int, wave: str) -> np.random.Generator:
    """The random generator of one wave, derived from the seed and the wave id."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(wave)]))


def wave_config(wave: str) -> tuple[dict, Codebook]:
    """Read a wave's ``wave.yml`` and codebooks without requiring its raw export to exist.

    :func:`peo.survey.config.load_wave` checks that the raw export exists, which is what this
    module is about to write; so the configuration is read here directly.

    Raises
    ------
    ConfigError
        If the wave's folder or ``wave.yml`` is missing or malformed.
    """
    wave_dir = paths.raw_dir() / wave
    cfg_path = wave_dir / "wave.yml"
    if not cfg_path.is_file():
        raise ConfigError(
            f"{cfg_path} does not exist: the synthetic export of wave {wave} needs its wave configuration. "
            "Restore it from git (git checkout -- data/raw)."
        )
    try:
        cfg = load_yaml(cfg_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{cfg_path} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(cfg, dict) or not cfg.get("codebooks"):
        raise ConfigError(f"{cfg_path}: the 'codebooks' list is missing.")
    files = [_resolve_codebook(wave_dir, str(c)) for c in cfg["codebooks"]]
    return cfg, _merge_codebooks(files)


def _merge_codebooks(files: list[Path]) -> Codebook:
    """Load and merge the wave's codebook files, as every other step does.

    Raises
    ------
    CodebookError
        If a file cannot be read or is malformed.
    """
    return load_codebook(files)


def check_config(spec: WaveSpec, cfg: dict, admin: tuple[str, ...], cfg_path: Path) -> None:
    """Check that the wave.yml names the file and the columns this export will have."""
    raw_file = (cfg.get("raw") or {}).get("file")
    problems = []
    if raw_file != spec.file:
        problems.append(f"raw.file is {raw_file!r}, the synthetic export is {spec.file!r}")
    cols = cfg.get("columns") or {}
    for key in ("respondent_id", "consent", "started", "ended", "duration"):
        name = cols.get(key)
        if name is not None and name not in admin:
            problems.append(f"columns.{key} is {name!r}, which the synthetic export does not have")
    done = (cfg.get("completion") or {}).get("column") if isinstance(cfg.get("completion"), dict) else None
    if done is not None and done not in admin:
        problems.append(f"completion.column is {done!r}, which the synthetic export does not have")
    for name in cols.get("drop") or ():
        if name not in admin:
            problems.append(f"columns.drop names {name!r}, which the synthetic export does not have")
    if problems:
        raise ConfigError(
            f"{cfg_path} does not match the synthetic export of wave {spec.wave}: {'; '.join(problems)}. "
            f"The export's administrative columns are {', '.join(admin)}. "
            "Restore the demo wave.yml from git, or update peo/ingest/synth/ together with it."
        )


def fieldwork(cfg: dict, cfg_path: Path) -> tuple[dt.date, dt.date]:
    fw_cfg = cfg.get("fieldwork") or {}
    try:
        return dt.date.fromisoformat(str(fw_cfg["start"])), dt.date.fromisoformat(str(fw_cfg["end"]))
    except (KeyError, ValueError):
        raise ConfigError(f"{cfg_path}: fieldwork.start and fieldwork.end must be dates (YYYY-MM-DD).") from None
