"""The pipeline: the only part of ``peo`` that writes files.

For now it cleans waves (:func:`clean_wave`, ``python -m peo clean``) and runs the
cleaning notebook per wave (:func:`build_main`, a provisional ``python -m peo build``);
the full build of the book comes later.

Cleaning one wave reads its raw export (:func:`peo.load.read_wave`), validates it
(:func:`peo.validate.validate_frame`), cleans it (:func:`peo.clean.clean_frame`) and writes
``data/processed/<wave>/`` whole through :func:`peo.io.atomic_dir`: either every output
of the new run is there, or the previous folder is untouched. The outputs are documented
in ``data/processed/README.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import pandas as pd

from . import clean, config, io, load, paths, validate
from .clean import CleanResult
from .errors import ConfigError, ValidationError

__all__ = ["CLEAN_FILES", "clean_wave", "write_clean", "clean_main", "build_main", "CLEAN_NOTEBOOK", "KERNEL_NAME"]

#: The files cleaning writes into ``data/processed/<wave>/``.
CLEAN_FILES = (
    "respondents.parquet",
    "exclusions.csv",
    "recodes.csv",
    "flow.csv",
    "missing_codes.csv",
    "validation.csv",
)
#: The cleaning notebook (source, without outputs), relative to the source tree.
CLEAN_NOTEBOOK = Path("notebooks") / "01_clean.ipynb"
#: The Jupyter kernel the Makefile installs into ``.venv``.
KERNEL_NAME = "peo"


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
        io.write_csv(validation, tmp / "validation.csv")
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
        text = validate.format_report(
            validate.ValidationResult(
                report=report, usable=False, n_rows=len(raw), wave=wave,
                file=str(raw.attrs.get("source", wave.raw.file)), n_columns=raw.shape[1],
            )
        )
        raise ValidationError(
            f"Wave {wave.id} was not cleaned: its raw export cannot be used as it is. Nothing was written.\n{text}",
            report=errors.reset_index(drop=True),
        )
    result = dataclasses.replace(clean.clean_frame(raw, codebook, wave), validation=report)
    write_clean(result, paths.processed_dir(wave.id))
    return result


def _wave_ids(args: argparse.Namespace) -> list[str]:
    """The waves asked for on the command line (checked to exist), or every wave."""
    asked = getattr(args, "wave", None)
    if asked:
        return [config.load_wave(str(w)).id for w in dict.fromkeys(asked)]
    waves = config.list_waves()
    if not waves:
        raise ConfigError(
            f"There are no waves under {paths.raw_dir()}: put each raw export with its wave.yml in data/raw/<wave>/."
        )
    return [w.id for w in waves]


def clean_main(args: argparse.Namespace) -> int:
    """``python -m peo clean [--wave W ...]``: clean the given waves (default: all).

    Returns
    -------
    int
        0 when every wave was cleaned.

    Raises
    ------
    PeoError
        The first wave that cannot be cleaned stops the run (the command line prints the
        message); waves cleaned before it keep their new output.
    """
    for wave_id in _wave_ids(args):
        res = clean_wave(wave_id)
        n = res.flow.set_index("step")["n"]
        print(
            f"{wave_id}: {n['received']} received, {n['analysed']} analysed, {len(res.exclusions)} excluded, "
            f"{len(res.recodes)} answer(s) set to missing -> {paths.processed_dir(wave_id)}"
        )
    return 0


def _kernel_name() -> str:
    """The ``peo`` kernel if it is installed, else ``python3`` (with a note)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        return KERNEL_NAME
    except NoSuchKernel:
        print(
            f"note: the Jupyter kernel {KERNEL_NAME!r} is not installed (make venv installs it); using 'python3'.",
            file=sys.stderr,
        )
        return "python3"


def build_main(args: argparse.Namespace) -> int:
    """``python -m peo build``, for now: run the cleaning notebook for every wave.

    Each wave's run of ``notebooks/01_clean.ipynb`` (papermill, ``-p wave <id>``) is
    saved as ``book/waves/<wave>/01_clean.ipynb``, also when it fails, so the failing
    cell can be read there. A failing wave does not stop the others.

    Returns
    -------
    int
        0 when every wave ran; 1 when one or more failed (they are named).

    Raises
    ------
    WaveNotFoundError
        If a wave asked for does not exist (before anything runs).
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    wave_ids = _wave_ids(args)
    source = Path(__file__).resolve().parent.parent / CLEAN_NOTEBOOK
    kernel = _kernel_name()
    failed = []
    for k, wave_id in enumerate(wave_ids, start=1):
        out = paths.book_dir() / "waves" / wave_id / CLEAN_NOTEBOOK.name
        out.parent.mkdir(parents=True, exist_ok=True)
        print(f"[{k}/{len(wave_ids)}] wave {wave_id}: running {CLEAN_NOTEBOOK} -> {out}", flush=True)
        try:
            pm.execute_notebook(
                str(source), str(out), parameters={"wave": wave_id}, kernel_name=kernel,
                progress_bar=False, log_output=False,
            )
        except PapermillExecutionError as exc:
            failed.append(wave_id)
            print(f"error: wave {wave_id}: {CLEAN_NOTEBOOK} failed in cell {exc.exec_count}: {exc.ename}: "
                  f"{exc.evalue}\n  the executed notebook is {out}", file=sys.stderr)
            continue
        print(f"[{k}/{len(wave_ids)}] wave {wave_id}: done", flush=True)
    if failed:
        print(f"error: the build failed for wave(s) {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
