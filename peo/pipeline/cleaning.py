"""The cleaning step: one wave's raw export in, ``data/processed/<wave>/`` out.

:func:`clean_wave` (the build's ``clean`` step, and ``python -m peo clean``) reads a wave's
raw export (:func:`peo.ingest.load.read_wave`), validates it
(:func:`peo.ingest.validate.validate_frame`), cleans it (:func:`peo.ingest.clean.clean_frame`)
and writes ``data/processed/<wave>/`` whole through :func:`peo.io.atomic_dir`: either every
output of the new run is there, or the previous folder is untouched. The outputs are
documented in ``docs/processed-data.md``.

:func:`read_clean` reads them back for the notebook ``01_clean``, which shows what cleaning
did without cleaning again; it checks that every respondent of the export is accounted for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from peo import io, paths
from peo.errors import ConfigError, ValidationError
from peo.ingest import clean, load, validate, validate_report
from peo.ingest.clean import CleanResult
from peo.survey import config

__all__ = ["CLEAN_FILES", "write_clean", "clean_wave", "read_clean", "clean_waves"]

#: The files cleaning writes into ``data/processed/<wave>/``.
CLEAN_FILES = (
    "respondents.parquet",
    "exclusions.csv",
    "recodes.csv",
    "flow.csv",
    "missing_codes.csv",
    "validation.csv",
)


def _relative_files(report: pd.DataFrame) -> pd.DataFrame:
    """The report with its ``file`` column relative to the repository root, so that the same
    raw file gives the same ``validation.csv`` wherever the repository lies."""
    if "file" not in report.columns or report.empty:
        return report
    root = paths.root()

    def rel(value):
        try:
            return Path(value).resolve().relative_to(root).as_posix()
        except (TypeError, ValueError):
            return value

    out = report.copy()
    out["file"] = out["file"].map({v: rel(v) for v in out["file"].dropna().unique()})  # once per file, not per row
    return out


def write_clean(result: CleanResult, folder: str | Path) -> Path:
    """Write a cleaning result into ``folder``, replacing it whole.

    Parameters
    ----------
    result : CleanResult
        The cleaned wave (with its validation report, if any).
    folder : path-like
        The wave's output folder, ``data/processed/<wave>``.

    Returns
    -------
    pathlib.Path
        ``folder``.

    Raises
    ------
    OSError
        If the folder cannot be written; the previous folder is then left as it was.
    """
    folder = Path(folder)
    validation = result.validation
    if validation is None:
        validation = pd.DataFrame(columns=validate.REPORT_COLUMNS)
    with io.atomic_dir(folder) as tmp:
        io.write_parquet(result.respondents, tmp / "respondents.parquet")
        io.write_csv(result.exclusions, tmp / "exclusions.csv")
        io.write_csv(result.recodes, tmp / "recodes.csv")
        io.write_csv(result.flow, tmp / "flow.csv")
        io.write_csv(result.missing_codes, tmp / "missing_codes.csv")
        io.write_csv(_relative_files(validation), tmp / "validation.csv")
    return folder


def clean_wave(wave_id: str) -> CleanResult:
    """Read, validate and clean one wave, and write ``data/processed/<wave>/``.

    Parameters
    ----------
    wave_id : str
        The wave's id (``id`` in its ``wave.yml``).

    Returns
    -------
    CleanResult
        The cleaned wave, with ``validation`` holding the validation report.

    Raises
    ------
    WaveNotFoundError
        If there is no wave with this id under ``data/raw``.
    ConfigError, CodebookError
        If the wave's configuration or codebook is malformed.
    ReadError
        If the raw export cannot be read.
    ValidationError
        If validation finds an error (such as a missing required column); ``report``
        holds the errors. Nothing is written.
    """
    wave = config.load_wave(str(wave_id))
    codebook = wave.codebook()
    raw = load.read_wave(wave)
    report = validate.validate_frame(raw, codebook, wave)
    errors = report[report["severity"] == "error"]
    if not errors.empty:
        text = validate_report.format_report(
            validate.ValidationResult(
                report=report,
                usable=False,
                n_rows=len(raw),
                wave=wave,
                file=str(raw.attrs.get("source", wave.raw.file)),
                n_columns=raw.shape[1],
            )
        )
        raise ValidationError(
            f"Wave {wave.id} was not cleaned: its raw export cannot be used as it is. Nothing was written.\n{text}",
            report=errors.reset_index(drop=True),
        )
    result = dataclasses.replace(clean.clean_frame(raw, codebook, wave), validation=report)
    write_clean(result, paths.processed_dir(wave.id))
    return result


def read_clean(wave_id: str, *, respondents: bool = False) -> CleanResult:
    """Read back what :func:`clean_wave` wrote for a wave, and check that it adds up.

    Parameters
    ----------
    wave_id : str
        The wave's id.
    respondents : bool, default False
        Also read ``respondents.parquet`` (personal data; the notebook needs only its
        number of rows, which is checked either way).

    Returns
    -------
    CleanResult
        ``respondents`` is empty (with no columns) unless asked for.

    Raises
    ------
    ConfigError
        If a file is missing (the wave was not cleaned: run ``python -m peo clean``), or
        the files do not account for every respondent: each step of ``flow.csv`` must be
        the previous one minus its exclusions, every exclusion must be listed in
        ``exclusions.csv``, and ``respondents.parquet`` must hold exactly the analysed
        respondents.
    """
    folder = paths.processed_dir(str(wave_id))
    missing = [name for name in CLEAN_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(
            f"{folder / missing[0]} does not exist: wave {wave_id} has not been cleaned. "
            f"Run `python -m peo clean --wave {wave_id}` (or `python -m peo build`)."
        )
    # Empty cells stay empty text, as cleaning held them (not NaN).
    csv = {
        name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False)
        for name in ("exclusions", "recodes", "flow", "missing_codes", "validation")
    }
    import pyarrow.parquet as pq  # the row count, without reading the personal data

    n_respondents = pq.ParquetFile(folder / "respondents.parquet").metadata.num_rows
    people = pd.read_parquet(folder / "respondents.parquet") if respondents else pd.DataFrame()
    _check_accounting(folder, csv["flow"], csv["exclusions"], n_respondents)
    return CleanResult(
        respondents=people,
        exclusions=csv["exclusions"],
        recodes=csv["recodes"],
        flow=csv["flow"],
        missing_codes=csv["missing_codes"],
        validation=csv["validation"],
    )


def _check_accounting(folder: Path, flow: pd.DataFrame, exclusions: pd.DataFrame, n_respondents: int) -> None:
    """Every row of the export is analysed or excluded once, with its reason (else ConfigError)."""
    problems = []
    n = flow["n"].astype(int).tolist()
    excluded = flow["excluded"].astype(int).tolist()
    for i in range(1, len(n)):
        if n[i] != n[i - 1] - excluded[i]:
            problems.append(f"step {flow['step'].iloc[i]} has {n[i]}, not {n[i - 1]} - {excluded[i]}")
    if n and n[0] - n[-1] != len(exclusions):
        problems.append(f"{n[0] - n[-1]} respondents left the flow but exclusions.csv lists {len(exclusions)}")
    if n and n[-1] != n_respondents:
        problems.append(f"{n[-1]} analysed in flow.csv but respondents.parquet has {n_respondents} rows")
    if problems:
        raise ConfigError(
            f"The cleaned data in {folder} do not account for every respondent ({'; '.join(problems)}). "
            "The folder was changed after cleaning: clean the wave again (python -m peo clean)."
        )


def clean_waves(wave_ids: Sequence[str] | None = None) -> Iterator[tuple[str, CleanResult]]:
    """Clean the given waves (default: every wave under ``data/raw``), in order.

    Yields
    ------
    (str, CleanResult)
        Each wave's id and result, as soon as it is written.

    Raises
    ------
    PeoError
        The first wave that cannot be cleaned stops the run; waves cleaned before it keep
        their new output.
    """
    if wave_ids:
        ids = [config.load_wave(str(w)).id for w in dict.fromkeys(wave_ids)]
    else:
        waves = config.list_waves()
        if not waves:
            raise ConfigError(
                f"There are no waves under {paths.raw_dir()}: put each raw export with its wave.yml in data/raw/<wave>/."
            )
        ids = [w.id for w in waves]
    for wave_id in ids:
        yield wave_id, clean_wave(wave_id)
