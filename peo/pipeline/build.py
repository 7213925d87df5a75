"""The pipeline: the only part of ``peo`` that writes files.

Two jobs live here.

**Cleaning** one wave (:func:`clean_wave`, ``python -m peo clean``) reads its raw export
(:func:`peo.ingest.load.read_wave`), validates it (:func:`peo.ingest.validate.validate_frame`), cleans it
(:func:`peo.ingest.clean.clean_frame`) and writes ``data/processed/<wave>/`` whole through
:func:`peo.io.atomic_dir`: either every output of the new run is there, or the previous
folder is untouched. The outputs are documented in ``docs/processed-data.md``.

**Building** the report (:func:`build`, ``python -m peo build``, ``make book``) runs, for
every wave, the steps of :data:`WAVE_STEPS` (the cleaning notebook, the results, the
analysis notebooks) with that wave's parameters, then the steps of :data:`GLOBAL_STEPS`
(the trends notebook over all waves, then the Jupyter Book). Runs are data: one
:class:`RunSpec` per wave (:func:`plan`), never a copy of a notebook per wave.

How a build behaves
-------------------
* **Checked first.** Every wave's ``wave.yml`` (and the files it names), the waves asked
  for, the notebooks and the book's ``_config.yml`` are checked before anything is
  written; a problem stops the build with a :class:`~peo.errors.PeoError` that says what
  to fix.
* **Nothing reruns that need not.** Each step has a fingerprint: a SHA-256 over its
  inputs (the wave's raw export, codebooks and ``wave.yml``; shared codebooks no wave
  names, such as ``codebooks/open_themes.yml``; the notebook's source; every
  ``peo/**/*.py`` and ``peo/data/*``; ``requirements.lock``) and over the fingerprints of
  the steps it needs. The fingerprints of the last successful run are kept in
  ``build/state.json``. A step is skipped when its fingerprint is unchanged, its outputs
  exist and no step it needs ran in this build; ``--force`` reruns everything.
* **Side by side.** Waves run in parallel threads (``--jobs``); each notebook runs in its
  own kernel and the results step in its own Python process (matplotlib is not
  thread-safe), so threads share no plotting state.
* **Artifacts are staged.** Executed notebooks are written to ``build/staging/<wave>/``,
  made deterministic (:func:`finalize_notebook`: no timings, code behind a toggle) and
  moved to ``book/waves/<wave>/`` only when every step of the wave succeeded. The book is
  built into ``build/book-staging/`` and swapped into ``book/_build/html`` only when the
  build passed (warnings are errors).
* **Failures are loud and safe.** A failing notebook is kept in
  ``build/failed/<wave>/<name>.ipynb``; the message names the wave, the notebook and the
  cell. The failing wave publishes nothing, the trends and the book are not rebuilt, the
  previous book stays as it was; other waves finish. The command exits with 1.
* **A record.** ``build/last_build.json`` lists every step of the build with its status
  (``ran``, ``skipped``, ``failed``, or ``blocked``: not run because a step it needs
  failed or is out of date), the reason and the seconds it took.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from peo.ingest import clean, load, validate
from peo.survey import config, schema
from peo import io, paths
from peo.ingest.clean import CleanResult
from peo.errors import ConfigError, PeoError, ValidationError, WaveNotFoundError

__all__ = [
    "CLEAN_FILES",
    "clean_wave",
    "write_clean",
    "clean_main",
    "KERNEL_NAME",
    "NOTEBOOK",
    "PYTHON",
    "BOOK",
    "EVERY",
    "Step",
    "RunSpec",
    "WAVE_STEPS",
    "GLOBAL_STEPS",
    "plan",
    "fingerprints",
    "finalize_notebook",
    "write_sources",
    "run_jupyter_book",
    "build_book",
    "StepFailed",
    "BuildReport",
    "build",
    "build_main",
]

#: The files cleaning writes into ``data/processed/<wave>/``.
CLEAN_FILES = (
    "respondents.parquet",
    "exclusions.csv",
    "recodes.csv",
    "flow.csv",
    "missing_codes.csv",
    "validation.csv",
)
#: The Jupyter kernel the Makefile installs into ``.venv``.
KERNEL_NAME = "peo"


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
    out["file"] = out["file"].map(rel)
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


# ============================================================================ the build

#: Kinds of step.
NOTEBOOK = "notebook"
PYTHON = "python"
BOOK = "book"
#: In ``Step.needs`` of a global step: every step before it, of every wave.
EVERY = "*"
#: Extra arguments for every notebook kernel: ipykernel 7 logs a warning about unencrypted
#: local TCP at every start and an error about the interrupt it gets at shutdown, which would
#: drown the progress lines. A failing cell is reported from the executed notebook, not this log.
_KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]
#: Paths under ``book/`` that the build writes (not sources of the book step).
_BOOK_GENERATED = ("_build", "waves", "generated", "_toc.yml", "index.md")
#: Where build state, staging and logs go, relative to the root (git-ignored).
BUILD_DIR = "build"
STATE_FILE = "state.json"
LAST_BUILD_FILE = "last_build.json"
#: The label of the global steps in messages and ``last_build.json`` folders.
_GLOBAL_LABEL = "all waves"
_GLOBAL_DIR = "_global"


@dataclass(frozen=True)
class Step:
    """One step of a run, as data.

    Parameters
    ----------
    name : str
        Unique name of the step, e.g. ``"01_clean"`` or ``"results"``. A notebook step's
        executed notebook is published as ``<name>.ipynb``.
    kind : {"notebook", "python", "book"}
        ``notebook``: run ``target`` (a notebook path relative to the root) under papermill,
        with the run's parameters. ``python``: call ``target`` (``"module:function"``) in a
        fresh Python process, with the wave id as its only argument (global steps: no
        argument). ``book``: write the book sources and build the book (:func:`build_book`).
    target : str
        The notebook or function; empty for the book.
    needs : tuple of str
        Steps whose outputs this step reads. In a wave, names of earlier steps of the same
        wave. In a global step, names of wave steps (meaning that step in every wave), of
        earlier global steps, or :data:`EVERY`.
    outputs : tuple of str
        Files the step writes besides its executed notebook, relative to the root;
        ``{wave}`` is replaced by the wave id. A step whose outputs are missing reruns.
    publish : str, optional
        Where a notebook step's executed notebook goes, relative to the root; ``{wave}`` is
        replaced by the wave's folder name in the book and ``{name}`` by the step name.
        Default ``book/waves/{wave}/{name}.ipynb``.
    """

    name: str
    kind: str
    target: str = ""
    needs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    publish: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in (NOTEBOOK, PYTHON, BOOK):
            raise ValueError(f"Step {self.name!r}: kind must be {NOTEBOOK!r}, {PYTHON!r} or {BOOK!r}, not {self.kind!r}.")
        if self.kind == NOTEBOOK and not self.target.endswith(".ipynb"):
            raise ValueError(f"Step {self.name!r}: a notebook step needs a target ending in .ipynb.")
        if self.kind == PYTHON and ":" not in self.target:
            raise ValueError(f"Step {self.name!r}: a python step needs a target 'module:function'.")
        if self.kind == NOTEBOOK and self.publish is None:
            object.__setattr__(self, "publish", "book/waves/{wave}/{name}.ipynb")


#: Files the results step writes into ``data/processed/<wave>/tables/`` (besides the tables).
_RESULT_FILES = ("key_figures.json", "datapackage.json", "factsheet.pdf", "factsheet.png")


def _notebook(name: str, **kw: Any) -> Step:
    return Step(name, NOTEBOOK, f"notebooks/{name}.ipynb", **kw)


#: The steps of every wave, in order. ``01_clean`` writes ``data/processed/<wave>/``;
#: ``results`` (:func:`peo.tables.results.write_results`) writes ``data/processed/<wave>/tables/``:
#: the published tables, ``datapackage.json``, ``key_figures.json`` and the factsheet; the
#: analysis notebooks read both.
WAVE_STEPS: tuple[Step, ...] = (
    _notebook(
        "01_clean",
        outputs=("data/processed/{wave}/respondents.parquet", "data/processed/{wave}/flow.csv"),
    ),
    Step(
        "results", PYTHON, "peo.tables.results:write_results", needs=("01_clean",),
        outputs=tuple(f"data/processed/{{wave}}/tables/{name}" for name in _RESULT_FILES),
    ),
    _notebook("02_professional_space", needs=("results",)),
    _notebook("03_outcomes", needs=("results",)),
    _notebook("04_theme", needs=("results",)),
    _notebook("05_open_answers", needs=("results",)),
)
#: The steps after all waves, in order: the trend tables (:func:`peo.tables.trends.write_results`,
#: from every wave's published tables), the trends notebook and the book (reading everything).
GLOBAL_STEPS: tuple[Step, ...] = (
    Step(
        "trend_results", PYTHON, "peo.tables.trends:write_results", needs=("results",),
        outputs=("data/processed/trends/headline_trend.csv", "data/processed/trends/changes.csv"),
    ),
    _notebook("10_trends", needs=("trend_results",), publish="book/waves/trends.ipynb"),
    Step("book", BOOK, needs=(EVERY,), outputs=("book/_build/html/index.html",)),
)


@dataclass(frozen=True)
class RunSpec:
    """The run of one wave: which steps, with which parameters, on which inputs.

    Attributes
    ----------
    wave : str
        The wave id.
    steps : tuple of Step
        The steps, in the order they run.
    parameters : mapping
        The notebook parameters, ``{"wave": <id>}``.
    inputs : tuple of pathlib.Path
        The wave's own input files: ``wave.yml``, its codebooks and its raw export.
    """

    wave: str
    steps: tuple[Step, ...]
    parameters: Mapping[str, Any] = field(hash=False)
    inputs: tuple[Path, ...] = ()


def _check_steps(wave_steps: Sequence[Step], global_steps: Sequence[Step]) -> None:
    """Step lists must have unique names and need only earlier steps (a programming error)."""
    seen: list[str] = []
    for s in wave_steps:
        if s.kind == BOOK:
            raise ValueError(f"Step {s.name!r}: the book is a global step, not a wave step.")
        if s.name in seen:
            raise ValueError(f"Two wave steps are called {s.name!r}.")
        unknown = [n for n in s.needs if n not in seen]
        if unknown:
            raise ValueError(f"Wave step {s.name!r} needs {unknown}, which are not earlier wave steps.")
        seen.append(s.name)
    wave_names = set(seen)
    done: list[str] = []
    for s in global_steps:
        if s.name in done or s.name in wave_names:
            raise ValueError(f"Two steps are called {s.name!r}.")
        unknown = [n for n in s.needs if n != EVERY and n not in wave_names and n not in done]
        if unknown:
            raise ValueError(f"Global step {s.name!r} needs {unknown}, which are neither wave steps nor earlier steps.")
        done.append(s.name)


def _root(root: str | os.PathLike | None) -> Path:
    return Path(root).resolve() if root is not None else paths.root()


def plan(
    waves: Sequence[config.Wave | str],
    root: str | os.PathLike | None = None,
    steps: Sequence[Step] | None = None,
) -> list[RunSpec]:
    """One run spec per wave.

    Parameters
    ----------
    waves : sequence of peo.survey.config.Wave or str
        The waves (configurations, or ids looked up under ``<root>/data/raw``).
    root : path-like, optional
        The repository root (default :func:`peo.paths.root`).
    steps : sequence of Step, optional
        The steps of every wave (default :data:`WAVE_STEPS`).

    Returns
    -------
    list of RunSpec
        In the order of ``waves``.

    Raises
    ------
    WaveNotFoundError
        If a wave id is given that does not exist.
    ConfigError
        If two waves have the same id, or a notebook of a step does not exist.
    ValueError
        If the step list is inconsistent (a step needs a later or unknown step).
    """
    root = _root(root)
    steps = tuple(WAVE_STEPS if steps is None else steps)
    _check_steps(steps, ())
    loaded = [w if isinstance(w, config.Wave) else config.load_wave(str(w), root / "data" / "raw") for w in waves]
    seen: dict[str, Path | None] = {}
    for w in loaded:
        if w.id in seen:
            raise ConfigError(
                f"Two waves have the id {w.id!r}: {seen[w.id]} and {w.config_path}. "
                "Give each wave a unique 'id' in its wave.yml."
            )
        seen[w.id] = w.config_path
    _check_notebooks(steps, root)
    return [
        RunSpec(
            wave=w.id,
            steps=tuple(steps),
            parameters={"wave": w.id},
            inputs=tuple(Path(p) for p in w.input_files() if p is not None),
        )
        for w in loaded
    ]


def _check_notebooks(steps: Sequence[Step], root: Path) -> None:
    for s in steps:
        if s.kind == NOTEBOOK and not (root / s.target).is_file():
            raise ConfigError(
                f"The notebook {root / s.target} (step {s.name}) does not exist. "
                "Restore it from git (git checkout -- notebooks) or pull the latest version of the repository."
            )


# ------------------------------------------------------------------------- fingerprints


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _json_sha(obj: Any) -> str:
    return _sha(json.dumps(obj, sort_keys=True, ensure_ascii=True, default=str))


class _Digests:
    """Checksums of input files, each file read once per build."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: dict[Path, str] = {}

    def name(self, path: Path) -> str:
        """The path relative to the root (so a copy of the root has the same fingerprints)."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def file(self, path: Path) -> str:
        path = Path(path).resolve()
        if path not in self._cache:
            self._cache[path] = io.sha256(path) if path.is_file() else "absent"
        return self._cache[path]

    def files(self, files: Sequence[Path]) -> dict[str, str]:
        return {self.name(p): self.file(p) for p in files}


def _package_files() -> list[Path]:
    """The ``peo`` source that runs: ``peo/**/*.py`` and ``peo/data/*``."""
    pkg = paths.package_dir()
    files = [p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts]
    data = pkg / "data"
    if data.is_dir():
        files += [p for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(set(files))


def _package_digest() -> str:
    pkg = paths.package_dir()
    return _json_sha({p.relative_to(pkg).as_posix(): io.sha256(p) for p in _package_files()})


def _book_source_files(root: Path) -> list[Path]:
    """The committed sources of the book: everything in ``book/`` that the build does not write."""
    book = root / "book"
    if not book.is_dir():
        return []
    out = []
    for p in sorted(book.rglob("*")):
        rel = p.relative_to(book).parts
        if not p.is_file() or rel[0] in _BOOK_GENERATED or any(part.startswith(".") for part in rel):
            continue
        out.append(p)
    return out


def _shared_codebooks(root: Path, specs: Sequence[RunSpec]) -> list[Path]:
    """Codebooks in ``codebooks/`` that no wave names (such as the open-answer themes)."""
    folder = root / "codebooks"
    if not folder.is_dir():
        return []
    named = {Path(p).resolve() for spec in specs for p in spec.inputs}
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.resolve() not in named)


@dataclass
class _Job:
    """One step of one wave (or a global step) in a build."""

    index: int
    key: str
    wave: str | None
    step: Step
    parameters: dict
    needs: tuple[str, ...]
    fingerprint: str = ""

    @property
    def label(self) -> str:
        return self.wave if self.wave is not None else _GLOBAL_LABEL

    @property
    def folder(self) -> str:
        """Folder name under build/staging, build/failed and build/logs."""
        return _slug(self.wave) if self.wave is not None else _GLOBAL_DIR


def _slug(wave_id: str) -> str:
    """The wave's folder name in the book (as :mod:`peo.report.book` names it)."""
    from peo.report import book

    return book._slug(wave_id)


def _jobs(
    specs: Sequence[RunSpec], global_steps: Sequence[Step]
) -> tuple[dict[str, list[_Job]], list[_Job]]:
    """The jobs of a build: per wave, and global; with their needs as job keys."""
    per_wave: dict[str, list[_Job]] = {}
    index = 0
    for spec in specs:
        jobs = []
        for s in spec.steps:
            jobs.append(_Job(index, f"{spec.wave}/{s.name}", spec.wave, s, dict(spec.parameters),
                             tuple(f"{spec.wave}/{n}" for n in s.needs)))
            index += 1
        per_wave[spec.wave] = jobs
    globals_: list[_Job] = []
    for s in global_steps:
        needs: list[str] = []
        for n in s.needs:
            if n == EVERY:
                needs += [j.key for jobs in per_wave.values() for j in jobs] + [g.key for g in globals_]
            elif any(g.step.name == n for g in globals_):
                needs.append(f"*/{n}")
            else:
                needs += [f"{w}/{n}" for w in per_wave]
        globals_.append(_Job(index, f"*/{s.name}", None, s, {}, tuple(dict.fromkeys(needs))))
        index += 1
    return per_wave, globals_


def fingerprints(
    specs: Sequence[RunSpec],
    root: str | os.PathLike | None = None,
    global_steps: Sequence[Step] = (),
    *,
    kernel: str = KERNEL_NAME,
) -> dict[str, str]:
    """The fingerprint of every step of a build.

    A step's fingerprint is the SHA-256 of its definition and parameters, its inputs and
    the fingerprints of the steps it needs. Inputs of a wave step: the wave's ``wave.yml``,
    codebooks and raw export; codebooks in ``codebooks/`` that no wave names; the step's
    notebook; the ``peo`` package source (``peo/**/*.py``, ``peo/data/*``);
    ``requirements.lock``; the Python version and the kernel name. A global step has the
    same inputs except the wave files (through the steps it needs), plus, for the book,
    the committed book sources (``book/`` without what the build writes) and what the
    "Reproduceren" page shows (:func:`peo.report.book.reproduce_info`: commit, lock hash, raw
    checksums, build date). Paths enter relative to the root, so a copy of the root has the
    same fingerprints.

    Parameters
    ----------
    specs : sequence of RunSpec
        Every wave (not only the ones to run: global steps depend on all).
    root : path-like, optional
    global_steps : sequence of Step
    kernel : str
        The Jupyter kernel the notebooks run in.

    Returns
    -------
    dict
        ``{"<wave>/<step>": sha256, "*/<global step>": sha256}``.

    Raises
    ------
    ManifestError
        If the book is among the steps and ``data/raw/MANIFEST.sha256`` is malformed.
    ConfigError
        If ``SOURCE_DATE_EPOCH`` is set but malformed (book step).
    """
    root = _root(root)
    per_wave, globals_ = _jobs(specs, global_steps)
    _fingerprint_jobs(per_wave, globals_, specs, root, kernel)
    return {j.key: j.fingerprint for jobs in per_wave.values() for j in jobs} | {g.key: g.fingerprint for g in globals_}


def _fingerprint_jobs(
    per_wave: Mapping[str, list[_Job]], globals_: Sequence[_Job], specs: Sequence[RunSpec], root: Path, kernel: str
) -> None:
    digests = _Digests(root)
    shared = digests.files(_shared_codebooks(root, specs))
    env = {
        "peo": _package_digest(),
        "lock": digests.file(root / "requirements.lock"),
        "python": sys.version.split()[0],
        "kernel": kernel,
    }
    done: dict[str, str] = {}

    def step_def(step: Step) -> dict:
        return dataclasses.asdict(step)

    def source(step: Step) -> str:
        return digests.file(root / step.target) if step.kind == NOTEBOOK else step.target

    for spec in specs:
        wave_inputs = digests.files(spec.inputs)
        for job in per_wave[spec.wave]:
            job.fingerprint = _json_sha({
                "step": step_def(job.step), "parameters": job.parameters, "wave_inputs": wave_inputs,
                "shared_codebooks": shared, "source": source(job.step), "env": env,
                "needs": {k: done[k] for k in job.needs},
            })
            done[job.key] = job.fingerprint
    for job in globals_:
        content = {
            "step": step_def(job.step), "waves": sorted(per_wave), "shared_codebooks": shared,
            "source": source(job.step), "env": env, "needs": {k: done[k] for k in job.needs},
        }
        if job.step.kind == BOOK:
            from peo.report import book

            content["book_sources"] = digests.files(_book_source_files(root))
            content["reproduce"] = book.reproduce_info(root)
        job.fingerprint = _json_sha(content)
        done[job.key] = job.fingerprint


# ------------------------------------------------------------------------ notebooks


def finalize_notebook(nb: Any, parameters: Mapping[str, Any] | None = None) -> Any:
    """Make an executed notebook a deterministic page of the book (in place).

    * Removes what differs between two runs of the same notebook: papermill's timings and
      paths (``metadata.papermill`` keeps only the ``parameters``), each cell's
      ``metadata.papermill`` and ``metadata.execution`` timestamps, and the random id
      papermill gives its injected cell (it becomes ``injected-parameters``).
    * Removes the parameter cells from the page (myst-nb tag ``remove-cell``): the default
      values of the ``parameters`` cell would be wrong for every other wave, and the
      injected values repeat the chapter title. They stay in the ``.ipynb`` itself.
    * Puts every other code cell behind a toggle (tag ``hide-input``,
      :func:`peo.report.book.hide_code_cells`).
    * Numbers the executed code cells 1, 2, ... (the kernel may have run another notebook
      before this one).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook papermill wrote.
    parameters : mapping, optional
        The parameters of the run (kept in ``metadata.papermill.parameters``).

    Returns
    -------
    nbformat.NotebookNode
        ``nb``.
    """
    from peo.report import book

    old = nb.metadata.pop("papermill", None) or {}
    params = dict(parameters) if parameters is not None else old.get("parameters")
    if params:
        nb.metadata["papermill"] = {"parameters": params}
    count = 0
    for cell in nb.cells:
        md = cell.setdefault("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        if cell.get("cell_type") == "code" and cell.get("execution_count") is not None:
            # A wave's notebooks share one kernel (see _Build.wave_kernel), whose counter runs
            # on from notebook to notebook: number each notebook's cells from 1 again.
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
        tags = list(md.get("tags", []))
        if "injected-parameters" in tags and "id" in cell:
            cell["id"] = "injected-parameters"
        if ("parameters" in tags or "injected-parameters" in tags) and "remove-cell" not in tags:
            tags.append("remove-cell")
        if tags:
            md["tags"] = tags
        else:
            md.pop("tags", None)
    return book.hide_code_cells(nb)


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


# ------------------------------------------------------------------------------ book


def write_sources(
    root: Path, waves: Sequence[config.Wave], *, chapters: Sequence[str], trends: bool
) -> list[Path]:
    """Write the generated book sources from the processed data of every wave.

    Reads each wave's ``tables/key_figures.json``, ``flow.csv`` and codebooks, copies the
    factsheet that the results step made (``tables/factsheet.pdf`` and ``.png``) into
    ``book/waves/<wave>/`` when every wave has one (else
    :func:`peo.report.book.write_book_sources` renders it from the key figures), and calls
    :func:`peo.report.book.write_book_sources`, which also copies the published tables and
    ``datapackage.json`` for download.

    Parameters
    ----------
    root : pathlib.Path
    waves : sequence of Wave
        Every wave present.
    chapters : sequence of str
        The notebook names of a wave chapter, in order.
    trends : bool
        Whether the book has the trends chapter.

    Returns
    -------
    list of pathlib.Path
        The files written or already up to date.

    Raises
    ------
    ConfigError
        If a wave has no key figures or flow (its steps have not run), or the static book
        sources are missing.
    """
    from peo.report import book

    processed = root / "data" / "processed"
    key_figures, flows, codebooks, tables = {}, {}, {}, {}
    for w in waves:
        folder = processed / w.id
        kf, flow = folder / "tables" / "key_figures.json", folder / "flow.csv"
        for p in (kf, flow):
            if not p.is_file():
                raise ConfigError(f"{p} does not exist: build wave {w.id} first (python -m peo build --wave {w.id}).")
        key_figures[w.id] = json.loads(kf.read_text(encoding="utf-8"))
        flows[w.id] = pd.read_csv(flow)
        codebooks[w.id] = w.codebook()
        tables[w.id] = folder / "tables"
    made = all((tables[w.id] / book.FACTSHEET_PDF).is_file() and (tables[w.id] / book.FACTSHEET_PNG).is_file()
               for w in waves)
    written = []
    if made:
        for w in waves:
            for name in (book.FACTSHEET_PDF, book.FACTSHEET_PNG):
                src, dst = tables[w.id] / name, root / "book" / "waves" / _slug(w.id) / name
                if not dst.is_file() or dst.read_bytes() != src.read_bytes():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dst)
                written.append(dst)
    written += book.write_book_sources(
        root, waves, key_figures, flows, codebooks, tables_dirs=tables, chapters=list(chapters), trends=trends,
        factsheets=not made,
    )
    return sorted(written)


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).parent / "jupyter-book"
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    return [sys.executable, "-m", "jupyter_book.cli.main"]


def run_jupyter_book(book_dir: Path, output_dir: Path, log: Path) -> None:
    """``jupyter-book build <book> --path-output <output> -n -W --keep-going --all``.

    Warnings are errors (``-n -W``); ``--keep-going`` reports all of them at once. The
    whole output is written to ``log``.

    Raises
    ------
    StepFailed
        If the build fails; the message quotes its warnings and errors and names the log.
    """
    cmd = [*_jupyter_book(), "build", str(book_dir), "--path-output", str(output_dir), "-n", "-W", "--keep-going", "--all"]
    log.parent.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), check=False)
    log.write_text(f"$ {' '.join(cmd)}\n{res.stdout}\n{res.stderr}", encoding="utf-8")
    if res.returncode != 0:
        lines = [ln.strip() for ln in (res.stdout + "\n" + res.stderr).splitlines()
                 if re.search(r"\b(WARNING|ERROR|CRITICAL|Error|Exception)\b", ln)]
        shown = "\n".join(f"    {ln}" for ln in lines[:15]) or "    (no warning found in the output)"
        more = f"\n    ... and {len(lines) - 15} more" if len(lines) > 15 else ""
        raise StepFailed(f"jupyter-book build failed (exit code {res.returncode}):\n{shown}{more}\n"
                         f"    the full output is in {log}; the partial build is kept in {output_dir}")


def _publish_dir(new: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``new`` (two renames; the old one is put back on failure)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".old-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    moved = False
    if target.exists():
        os.replace(target, old)
        moved = True
    try:
        shutil.move(str(new), str(target))
    except BaseException:
        if moved and not target.exists():
            os.replace(old, target)
        raise
    if moved:
        shutil.rmtree(old, ignore_errors=True)


def build_book(
    root: Path, waves: Sequence[config.Wave], *, chapters: Sequence[str], trends: bool
) -> Path:
    """Write the book sources, build the book in staging and swap it into ``book/_build/html``.

    The book is built into ``build/book-staging`` (:func:`run_jupyter_book`); only when that
    build passes does its HTML replace ``book/_build/html``. When it fails, the previous
    HTML stays and the staging build with its reports is kept for inspection.

    Parameters
    ----------
    root : pathlib.Path
    waves : sequence of Wave
        Every wave present.
    chapters : sequence of str
        Notebook names of a wave chapter, in order.
    trends : bool
        Whether the book has the trends chapter.

    Returns
    -------
    pathlib.Path
        ``book/_build/html``.

    Raises
    ------
    StepFailed
        If jupyter-book fails.
    ConfigError
        If the sources cannot be written (see :func:`write_sources`).
    """
    staging = root / BUILD_DIR / "book-staging"
    shutil.rmtree(staging, ignore_errors=True)
    write_sources(root, waves, chapters=chapters, trends=trends)
    run_jupyter_book(root / "book", staging, root / BUILD_DIR / "logs" / "book.log")
    html = staging / "_build" / "html"
    if not (html / "index.html").is_file():
        raise StepFailed(f"jupyter-book reported success but wrote no {html / 'index.html'}; the staging build is kept.")
    target = root / "book" / "_build" / "html"
    _publish_dir(html, target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


# ----------------------------------------------------------------------------- progress


class _Progress:
    """Progress of a build: plain lines, or in a terminal a live status line below them.

    Plain (not a terminal, or ``$CI`` set): one line when a step starts running and one
    when it ends, ``[ 3/17] 2022 02_professional_space ... done (4.2 s)``. Live: only the
    end lines, and a status line (which steps are running, for how long) that is redrawn.
    """

    def __init__(self, jobs: Sequence[_Job], stream: TextIO, live: bool):
        self.stream = stream
        self.live = live
        self.total = len(jobs)
        self.width = len(str(self.total))
        self.label_width = max((len(j.label) for j in jobs), default=0)
        self.step_width = max((len(j.step.name) for j in jobs), default=0)
        self.count = 0
        self.finished = 0
        self.running: dict[str, tuple[int, str, float]] = {}
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if live:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _head(self, number: int, job: _Job) -> str:
        return f"[{number:>{self.width}}/{self.total}] {job.label:<{self.label_width}} {job.step.name:<{self.step_width}} ..."

    def _write(self, line: str) -> None:
        if self.live:
            self.stream.write("\r\033[K")
        self.stream.write(line + "\n")
        if self.live:
            self.stream.write(self._status())
        self.stream.flush()

    def _status(self) -> str:
        now = time.monotonic()
        parts = [f"{text} {now - t0:.0f} s" for _, text, t0 in sorted(self.running.values())]
        return f"[{self.finished}/{self.total} finished] running: {', '.join(parts)}" if parts else ""

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self.lock:
                if self.running:
                    self.stream.write("\r\033[K" + self._status())
                    self.stream.flush()

    def start(self, job: _Job) -> int:
        with self.lock:
            self.count += 1
            self.running[job.key] = (self.count, f"{job.label} {job.step.name}", time.monotonic())
            if not self.live:
                self._write(f"{self._head(self.count, job)} running")
            return self.count

    def end(self, job: _Job, text: str, number: int | None = None) -> None:
        with self.lock:
            if number is None:
                self.count += 1
                number = self.count
            self.running.pop(job.key, None)
            self.finished += 1
            self._write(f"{self._head(number, job)} {text}")

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            with self.lock:
                self.stream.write("\r\033[K")
                self.stream.flush()


# -------------------------------------------------------------------------------- engine


class StepFailed(Exception):
    """A step of the build failed; the message says where and what (printed as it is)."""


@dataclass
class BuildReport:
    """What a build did.

    Attributes
    ----------
    records : list of dict
        One per step of the build, in plan order: ``wave`` (``None`` for the trends and the
        book), ``step``, ``status`` (``ran``, ``skipped``, ``failed``, ``blocked``),
        ``seconds``, ``reason``, and for a failure ``message``. Also written to
        ``build/last_build.json``.
    failures : list of str
        The failure messages.
    notes : list of str
        Things the user should know that are not failures (e.g. the book was not rebuilt
        because another wave is out of date).
    """

    records: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def ran(self) -> list[tuple[str | None, str]]:
        """``(wave, step)`` of every step that ran."""
        return [(r["wave"], r["step"]) for r in self.records if r["status"] == "ran"]


_PYTHON_RUNNER = """\
import importlib, sys
from peo.errors import PeoError
module, _, name = sys.argv[1].partition(":")
args = sys.argv[2:]
try:
    getattr(importlib.import_module(module), name)(*args)
except PeoError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(exc.exit_code)
"""


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


class _Build:
    """The state of one build (see :func:`build`)."""

    def __init__(self, root: Path, all_waves: Sequence[config.Wave], per_wave: dict[str, list[_Job]],
                 globals_: list[_Job], *, selected: Sequence[str], force: bool, kernel: str,
                 chapters: Sequence[str], trends: bool, progress: _Progress):
        self.root = root
        self.all_waves = list(all_waves)
        self.per_wave = per_wave
        self.globals = globals_
        self.selected = list(selected)
        self.force = force
        self.kernel = kernel
        self.chapters = list(chapters)
        self.trends = trends
        self.progress = progress
        self.dir = root / BUILD_DIR
        self.state_path = self.dir / STATE_FILE
        self.state: dict[str, str] = self._load_state()
        self.ran: set[str] = set()
        self.bad: dict[str, str] = {}  # key -> "failed" / "blocked"
        self.records: dict[int, dict] = {}
        self.notes: list[str] = []
        self.lock = threading.Lock()
        self.kernels: dict[str, Any] = {}  # wave -> the KernelManager its notebooks share

    # -- state ------------------------------------------------------------------------
    def _load_state(self) -> dict[str, str]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            steps = data.get("steps", {})
            return {str(k): str(v) for k, v in steps.items()} if isinstance(steps, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}  # no state, or unreadable: everything reruns

    def _save_state(self) -> None:
        text = json.dumps({"version": 1, "steps": dict(sorted(self.state.items()))}, indent=1) + "\n"
        tmp = self.state_path.with_name(f".tmp-{self.state_path.name}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.state_path)

    # -- paths --------------------------------------------------------------------------
    def published(self, job: _Job) -> Path | None:
        s = job.step
        if s.kind != NOTEBOOK:
            return None
        return self.root / s.publish.format(wave=job.folder, name=s.name)

    def outputs(self, job: _Job) -> list[Path]:
        out = [self.root / o.format(wave=job.wave or "") for o in job.step.outputs]
        pub = self.published(job)
        return out + ([pub] if pub is not None else [])

    def staged(self, job: _Job) -> Path:
        return self.dir / "staging" / job.folder / f"{job.step.name}.ipynb"

    def failed_copy(self, job: _Job) -> Path:
        return self.dir / "failed" / job.folder / f"{job.step.name}.ipynb"

    # -- deciding -----------------------------------------------------------------------
    def why_run(self, job: _Job) -> str | None:
        """Why the step must run, or None when it can be skipped."""
        if self.force:
            return "--force"
        old = self.state.get(job.key)
        if old is None:
            return "not built before"
        if old != job.fingerprint:
            return "inputs changed"
        missing = [p for p in self.outputs(job) if not p.exists()]
        if missing:
            return f"output missing: {_rel(missing[0], self.root)}"
        upstream = [k for k in job.needs if k in self.ran]
        if upstream:
            return f"{upstream[0]} was rebuilt"
        return None

    def up_to_date(self, job: _Job) -> bool:
        """A step of a wave that is not part of this build: built, unchanged, outputs there."""
        return self.state.get(job.key) == job.fingerprint and all(p.exists() for p in self.outputs(job))

    # -- recording ----------------------------------------------------------------------
    def record(self, job: _Job, status: str, seconds: float, reason: str, message: str | None = None) -> None:
        rec = {"wave": job.wave, "step": job.step.name, "status": status, "seconds": round(seconds, 1),
               "reason": reason}
        if message:
            rec["message"] = message
        with self.lock:
            self.records[job.index] = rec
            if status == "ran":
                self.ran.add(job.key)
            elif status in ("failed", "blocked"):
                self.bad[job.key] = status

    # -- running ------------------------------------------------------------------------
    def where(self, job: _Job) -> str:
        return f"Wave {job.wave}" if job.wave is not None else "All waves"

    def run_notebook(self, job: _Job) -> Path:
        import nbformat
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        source = self.root / job.step.target
        staged = self.staged(job)
        staged.parent.mkdir(parents=True, exist_ok=True)
        km = self.wave_kernel(job, source.parent)
        try:
            pm.execute_notebook(
                str(source), str(staged), parameters=job.parameters, kernel_name=self.kernel,
                progress_bar=False, log_output=False, extra_arguments=_KERNEL_ARGS,
                **({"km": km} if km is not None else {}),
                # The kernel's working folder: the notebook's folder, as in JupyterLab. Not
                # papermill's cwd=, which changes the working folder of this whole process
                # (os.chdir) and so is unsafe with waves running in threads.
                resources={"metadata": {"path": str(source.parent)}},
            )
        except PapermillExecutionError as exc:
            kept = self.keep_failed(job, staged)
            first = next((ln.strip() for ln in str(exc.source or "").splitlines() if ln.strip()), "")
            # The cell's position in the notebook (1 = first cell): execution counts run on
            # in a kernel shared by a wave's notebooks, positions do not.
            cell = exc.cell_index + 1 if exc.cell_index is not None else exc.exec_count
            raise StepFailed(
                f"{self.where(job)}, notebook {source.name}, cell {cell}: {exc.ename}: {exc.evalue}\n"
                + (f"    the cell starts with: {first[:100]}\n" if first else "")
                + f"    the executed notebook is kept in {kept}"
            ) from None
        except Exception as exc:  # kernel died, timeout, unreadable notebook: still say where
            kept = self.keep_failed(job, staged) if staged.exists() else None
            raise StepFailed(
                f"{self.where(job)}, notebook {source.name}: {type(exc).__name__}: {exc}"
                + (f"\n    the executed notebook is kept in {kept}" if kept else "")
            ) from None
        nb = nbformat.read(staged, as_version=4)
        finalize_notebook(nb, job.parameters)
        nbformat.write(nb, staged)
        return staged

    def wave_kernel(self, job: _Job, cwd: Path):
        """The kernel shared by the notebooks of one wave, started on first use.

        Starting a kernel and importing the scientific stack costs about two seconds per
        notebook, most of the pipeline's overhead over a plain Python process. The notebooks
        of a wave run one after another in the same kernel instead; before each one the
        namespace is cleared (``%reset -f``), so a notebook sees none of the previous one's
        variables, only its already imported modules. Global steps (trends) get their own
        kernel from papermill. Returns None where no kernel is shared.
        """
        if job.wave is None:
            return None
        from jupyter_client.manager import KernelManager

        with self.lock:
            km = self.kernels.get(job.wave)
        if km is not None and not km.is_alive():
            self.stop_kernel(job.wave)
            km = None
        if km is None:
            km = KernelManager(kernel_name=self.kernel)
            km.start_kernel(cwd=str(cwd), extra_arguments=_KERNEL_ARGS)
            with self.lock:
                self.kernels[job.wave] = km
            return km
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive("%reset -f\nimport gc as _gc\n_ = _gc.collect()", timeout=120,
                                           store_history=False, output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError("reset failed")
        except Exception:  # a kernel that cannot be reset is replaced by a fresh one
            kc.stop_channels()
            self.stop_kernel(job.wave)
            return self.wave_kernel(job, cwd)
        kc.stop_channels()
        return km

    def stop_kernel(self, wave: str) -> None:
        """Shut down the shared kernel of a wave, if it has one."""
        with self.lock:
            km = self.kernels.pop(wave, None)
        if km is not None:
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)

    def keep_failed(self, job: _Job, staged: Path) -> Path:
        dst = self.failed_copy(job)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), str(dst))
        return dst

    def run_python(self, job: _Job) -> None:
        log = self.dir / "logs" / job.folder / f"{job.step.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        args = [job.wave] if job.wave is not None else []
        env = {**os.environ, "PEO_ROOT": str(self.root), "MPLBACKEND": "Agg"}
        cmd = [sys.executable, "-c", _PYTHON_RUNNER, job.step.target, *args]
        res = subprocess.run(cmd, cwd=self.root, env=env, capture_output=True, text=True, check=False)
        log.write_text(f"$ python -c <runner> {job.step.target} {' '.join(args)}\n{res.stdout}\n{res.stderr}",
                       encoding="utf-8")
        if res.returncode != 0:
            err = res.stderr.strip()
            if "error: " in err and "Traceback" not in err:
                summary = err.split("error: ", 1)[1]
            else:
                summary = next((ln for ln in reversed(err.splitlines()) if ln.strip()), f"exit code {res.returncode}")
            raise StepFailed(
                f"{self.where(job)}, step {job.step.name} ({job.step.target}): {summary}\n"
                f"    the full output is in {log}"
            )

    def run_book(self, job: _Job) -> None:
        try:
            build_book(self.root, self.all_waves, chapters=self.chapters, trends=self.trends)
        except StepFailed as exc:
            raise StepFailed(f"Book: {exc}\n    the previous book in {self.root / 'book' / '_build' / 'html'} "
                             "was left as it was") from None
        except PeoError as exc:
            raise StepFailed(f"Book: {exc}") from None

    def execute(self, job: _Job) -> Path | None:
        """Run one step; return the staged notebook (notebook steps)."""
        if job.step.kind == NOTEBOOK:
            return self.run_notebook(job)
        if job.step.kind == PYTHON:
            self.run_python(job)
        else:
            self.run_book(job)
        return None

    def attempt(self, job: _Job, blocked_by: str | None = None) -> tuple[str, Path | None]:
        """Run or skip one step and record it; returns the status and the staged notebook."""
        if blocked_by is None:
            bad = [k for k in job.needs if k in self.bad]
            if bad:
                blocked_by = f"{bad[0]} {self.bad[bad[0]]}"
        if blocked_by is not None:
            self.record(job, "blocked", 0.0, blocked_by)
            self.progress.end(job, f"not run ({blocked_by})")
            return "blocked", None
        reason = self.why_run(job)
        if reason is None:
            self.record(job, "skipped", 0.0, "unchanged")
            self.progress.end(job, "skipped (unchanged)")
            return "skipped", None
        number = self.progress.start(job)
        t0 = time.monotonic()
        try:
            staged = self.execute(job)
        except StepFailed as exc:
            seconds = time.monotonic() - t0
            self.record(job, "failed", seconds, reason, str(exc))
            self.progress.end(job, f"FAILED ({seconds:.1f} s)", number)
            return "failed", None
        seconds = time.monotonic() - t0
        self.record(job, "ran", seconds, reason)
        self.progress.end(job, f"done ({seconds:.1f} s)", number)
        return "ran", staged

    def commit(self, jobs: Sequence[_Job], staged: Mapping[str, Path]) -> None:
        """Publish a wave's executed notebooks and record its fingerprints."""
        for job in jobs:
            if job.key in staged:
                dst = self.published(job)
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged[job.key], dst)
                self.failed_copy(job).unlink(missing_ok=True)
        with self.lock:
            for job in jobs:
                if job.key in self.ran:
                    self.state[job.key] = job.fingerprint
            self._save_state()

    def forget(self, jobs: Sequence[_Job]) -> None:
        """After a failure: steps that ran may have written outputs; make them run next time."""
        with self.lock:
            for job in jobs:
                if job.key in self.ran or job.key in self.bad:
                    self.state.pop(job.key, None)
            self._save_state()

    def run_wave(self, wave_id: str) -> bool:
        jobs = self.per_wave[wave_id]
        staging = self.dir / "staging" / (jobs[0].folder if jobs else wave_id)
        shutil.rmtree(staging, ignore_errors=True)
        staged: dict[str, Path] = {}
        ok = True
        try:
            for job in jobs:
                status, path = self.attempt(job)
                if status in ("failed", "blocked"):
                    ok = False
                if path is not None:
                    staged[job.key] = path
        finally:
            self.stop_kernel(wave_id)
        if ok:
            self.commit(jobs, staged)
            shutil.rmtree(staging, ignore_errors=True)
        else:
            self.forget(jobs)
        return ok

    def run_globals(self) -> None:
        by_key = {j.key: j for jobs in self.per_wave.values() for j in jobs}
        failed = [w for w in self.selected if any(j.key in self.bad for j in self.per_wave[w])]
        not_run: list[str] = []
        stale_waves: set[str] = set()
        for job in self.globals:
            reason = f"wave {', '.join(failed)} failed" if failed else None
            if reason is None:
                stale = sorted({by_key[k].wave for k in job.needs
                                if k in by_key and by_key[k].wave not in self.selected and not self.up_to_date(by_key[k])})
                if stale:
                    reason = f"wave {', '.join(stale)} is not built or out of date"
                    not_run.append(job.step.name)
                    stale_waves.update(stale)
            status, path = self.attempt(job, reason)
            if status == "ran":
                self.commit([job], {job.key: path} if path is not None else {})
            elif status == "failed":
                self.forget([job])
        if not_run:
            self.notes.append(
                f"Wave {', '.join(sorted(stale_waves))} is not built or out of date, so {' and '.join(not_run)} "
                "did not run. Run `python -m peo build` (all waves) to bring everything up to date."
            )


def _select_waves(root: Path, wave_ids: Sequence[str] | None) -> tuple[list[config.Wave], list[str]]:
    """Every wave under ``data/raw`` (all checked) and the ids to build."""
    raw = root / "data" / "raw"
    waves = config.list_waves(raw)
    if not waves:
        raise ConfigError(
            f"There are no waves under {raw}: put each raw export with its wave.yml in data/raw/<wave>/."
        )
    known = [w.id for w in waves]
    if not wave_ids:
        return waves, known
    asked = [str(w) for w in dict.fromkeys(wave_ids)]
    unknown = [w for w in asked if w not in known]
    if unknown:
        raise WaveNotFoundError(
            f"Unknown wave {unknown[0]!r}: no data/raw/<folder>/wave.yml has id {unknown[0]!r}. "
            f"Known waves: {', '.join(known)}."
        )
    return waves, asked


@contextlib.contextmanager
def _environment(root: Path) -> Iterator[None]:
    """Point every kernel and process of the build at ``root``; fix the hash seed."""
    keys = {"PEO_ROOT": str(root), "PYTHONHASHSEED": "0"}
    before = {k: os.environ.get(k) for k in keys}
    os.environ.update(keys)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One build at a time per root (a lock file in ``build/``)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; carry on
        yield
        return
    with open(folder / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise PeoError(
                f"Another build is running in {folder.parent} (it holds {folder / '.lock'}). "
                "Wait for it to finish, then run the build again."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(
    root: str | os.PathLike | None = None,
    waves: Sequence[str] | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
    book: bool = True,
    wave_steps: Sequence[Step] | None = None,
    global_steps: Sequence[Step] | None = None,
    stream: TextIO | None = None,
    live: bool | None = None,
) -> BuildReport:
    """Build the report: every wave's steps, then the trends and the book.

    Parameters
    ----------
    root : path-like, optional
        The repository root (default :func:`peo.paths.root`); a copy builds itself.
    waves : sequence of str, optional
        Only these waves' steps (default: every wave). The trends and the book are still
        built from all waves, provided the other waves are built and up to date.
    force : bool, default False
        Rerun every step of the build, changed or not.
    jobs : int, optional
        Waves run side by side (default: the number of cores).
    book : bool, default True
        Run the global steps (trends and book). False: the wave steps only.
    wave_steps, global_steps : sequence of Step, optional
        The steps (default: :data:`WAVE_STEPS` and :data:`GLOBAL_STEPS` as they are when
        called).
    stream : text stream, optional
        Where progress goes (default standard output).
    live : bool, optional
        A live status line (default: when ``stream`` is a terminal and ``$CI`` is not set).

    Returns
    -------
    BuildReport
        ``ok`` is False when a step failed; the failures hold the messages.

    Raises
    ------
    ConfigError
        Before anything is written: a wave folder without ``wave.yml``, a ``wave.yml`` that
        names a missing file, two waves with the same id, no wave at all, a missing
        notebook or book ``_config.yml``, ``--jobs`` below 1.
    WaveNotFoundError
        Before anything is written: a wave asked for does not exist.
    ManifestError
        Before anything is written: ``data/raw/MANIFEST.sha256`` is malformed.
    PeoError
        If another build is running in the same root.
    """
    root = _root(root)
    stream = stream if stream is not None else sys.stdout
    wave_steps = tuple(WAVE_STEPS if wave_steps is None else wave_steps)
    global_steps = tuple(GLOBAL_STEPS if global_steps is None else global_steps)
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be 1 or more, not {jobs}.")
    # ---- check everything before writing anything (PEO_ROOT set: codebooks resolve in root)
    with _environment(root):
        schema.check_configuration(config.wave_dirs(root / "data" / "raw"))  # every problem of every file at once
        all_waves, selected = _select_waves(root, waves)
        _check_steps(wave_steps, global_steps)
        global_steps = tuple(global_steps) if book else ()
        specs = plan(all_waves, root, wave_steps)
        _check_notebooks(global_steps, root)
        if any(s.kind == BOOK for s in global_steps) and not (root / "book" / "_config.yml").is_file():
            raise ConfigError(
                f"{root / 'book' / '_config.yml'} does not exist: the static book sources are missing. "
                "Restore book/ from git (git checkout -- book) before building."
            )
        needs_kernel = any(s.kind == NOTEBOOK for s in (*wave_steps, *global_steps))
        kernel = _kernel_name() if needs_kernel else KERNEL_NAME
        per_wave, globals_ = _jobs(specs, global_steps)
        _fingerprint_jobs(per_wave, globals_, specs, root, kernel)
    run_jobs = [j for w in selected for j in per_wave[w]] + globals_
    live = (stream.isatty() and not os.environ.get("CI")) if live is None else live
    chapters = [s.name for s in wave_steps if s.kind == NOTEBOOK]
    trends = any(s.kind == NOTEBOOK for s in global_steps)
    # ---- run
    t0 = time.monotonic()
    build_dir = root / BUILD_DIR
    if any(j.step.kind == NOTEBOOK for j in run_jobs):
        import nbformat  # noqa: F401  (imported once here, not concurrently in the wave threads)
        import papermill  # noqa: F401
    with _environment(root), _exclusive(build_dir):
        progress = _Progress(run_jobs, stream, live)
        state = _Build(root, all_waves, per_wave, globals_, selected=selected, force=force, kernel=kernel,
                       chapters=chapters, trends=trends, progress=progress)
        pool = ThreadPoolExecutor(max_workers=max(1, min(jobs or os.cpu_count() or 1, len(selected))),
                                  thread_name_prefix="peo-wave")
        try:
            list(pool.map(state.run_wave, selected))
            state.run_globals()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            progress.close()
            with contextlib.suppress(OSError):
                (build_dir / "staging").rmdir()  # only when empty: a failed wave's staging is kept
            report = BuildReport(
                records=[state.records[i] for i in sorted(state.records)],
                failures=[state.records[i]["message"] for i in sorted(state.records) if "message" in state.records[i]],
                notes=list(state.notes),
            )
            (build_dir / LAST_BUILD_FILE).write_text(json.dumps(report.records, indent=1) + "\n", encoding="utf-8")
    _summary(report, root, time.monotonic() - t0, book_steps={s.name for s in global_steps if s.kind == BOOK},
             stream=stream)
    return report


def _summary(report: BuildReport, root: Path, seconds: float, *, book_steps: set[str], stream: TextIO) -> None:
    counts = {s: sum(r["status"] == s for r in report.records) for s in ("ran", "skipped", "failed", "blocked")}
    text = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    html = root / "book" / "_build" / "html"
    for note in report.notes:
        print(f"note: {note}", file=stream)
    if report.ok:
        print(f"Build finished in {seconds:.0f} s: {text}.", file=stream)
        if book_steps and (html / "index.html").is_file():
            print(f"The book: {html / 'index.html'}", file=stream)
        stream.flush()
        return
    stream.flush()
    print(f"error: the build failed ({text}):", file=sys.stderr)
    for message in report.failures:
        print(f"  {message}", file=sys.stderr)
    if book_steps and not any(r["step"] in book_steps and r["status"] == "ran" for r in report.records):
        where = f"the previous book in {html} was left as it was" if html.exists() else "no book was built"
        print(f"The book was not rebuilt: {where}.", file=sys.stderr)


def build_main(args: argparse.Namespace) -> int:
    """``python -m peo build [--wave W ...] [--force] [--jobs N] [--no-book]``.

    Returns
    -------
    int
        0 when every step ran or was up to date; 1 when a step failed (named on standard
        error).

    Raises
    ------
    PeoError
        Bad input, before anything is written (see :func:`build`).
    """
    report = build(
        waves=getattr(args, "wave", None),
        force=bool(getattr(args, "force", False)),
        jobs=getattr(args, "jobs", None),
        book=not getattr(args, "no_book", False),
    )
    return 0 if report.ok else 1
