"""The build: ``python -m peo build`` (``make book``).

:func:`build` runs, for every wave, the steps of :data:`peo.pipeline.steps.WAVE_STEPS`
(cleaning, the cleaning notebook, the results, the analysis notebooks) with that wave's
parameters, then the steps of :data:`peo.pipeline.steps.GLOBAL_STEPS` (the trend tables,
the trends notebook, the Jupyter Book). Runs are data: one
:class:`~peo.pipeline.steps.RunSpec` per wave (:func:`peo.pipeline.steps.plan`).

How a build behaves
-------------------
* **Nothing to do is decided fast.** When the state file holds a snapshot of the inputs
  and none of them changed (:func:`peo.pipeline.cues.unchanged`, standard library only),
  every step is reported as skipped without importing pandas, nbformat or papermill.
* **Checked first.** Otherwise every wave's ``wave.yml`` (and the files it names), the
  waves asked for, the notebooks and the book's ``_config.yml`` are checked before anything
  is written; a problem stops the build with a :class:`~peo.errors.PeoError` that says what
  to fix.
* **Nothing reruns that need not.** A step reruns when an input changed, an output is
  missing or a step it needs ran (the cues of :mod:`peo.pipeline.state`); ``--force``
  reruns everything.
* **Side by side.** Waves run in parallel threads (``--jobs``); each notebook runs in its
  wave's kernel and each Python step in its own process (matplotlib is not thread-safe),
  so threads share no plotting state.
* **Artifacts are staged.** Executed notebooks are written to ``build/staging/<wave>/``,
  made deterministic (:func:`peo.pipeline.notebooks.finalize_notebook`) and moved to
  ``book/waves/<wave>/`` only when every step of the wave succeeded. The book is built
  into ``build/book-staging/`` and swapped into ``book/_build/html`` only when the build
  passed (warnings are errors).
* **Failures are loud and safe.** A failing notebook is kept in
  ``build/failed/<wave>/<name>.ipynb``; the message names the wave, the notebook and the
  cell. The failing wave publishes nothing, the trends and the book are not rebuilt, the
  previous book stays as it was; other waves finish. The command exits with 1.
* **A record.** ``build/last_build.json`` lists every step of the build with its status
  (``ran``, ``skipped``, ``failed``, or ``blocked``: not run because a step it needs
  failed or is out of date), the reason and the seconds it took.

This module imports only the standard library and the light pipeline modules at its top;
the step functions, the statistics and Jupyter are imported once something must run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from peo import paths
from peo.errors import ConfigError, PeoError, WaveNotFoundError
from peo.pipeline import cues, state
from peo.pipeline.progress import Progress, summary

__all__ = ["BUILD_DIR", "LAST_BUILD_FILE", "BuildReport", "build"]

#: Where build state, staging and logs go, relative to the root (git-ignored).
BUILD_DIR = "build"
LAST_BUILD_FILE = "last_build.json"


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


def _root(root: str | os.PathLike | None) -> Path:
    return Path(root).resolve() if root is not None else paths.root()


def _select_waves(root: Path, wave_ids: Sequence[str] | None) -> tuple[list[Any], list[str]]:
    """Every wave under ``data/raw`` (all checked) and the ids to build."""
    from peo.survey import config

    raw = root / "data" / "raw"
    waves = config.list_waves(raw)
    if not waves:
        raise ConfigError(f"There are no waves under {raw}: put each raw export with its wave.yml in data/raw/<wave>/.")
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


def _steps_key(wave_steps: Sequence[Any] | None, global_steps: Sequence[Any] | None) -> str:
    """What identifies the step lists in the snapshot: ``"default"`` (their definition is part
    of the package source, which the snapshot covers) or a digest of the lists given."""
    if wave_steps is None and global_steps is None:
        return "default"
    from peo.pipeline import steps

    lists = [
        [steps.step_definition(s) for s in (steps.WAVE_STEPS if wave_steps is None else wave_steps)],
        [steps.step_definition(s) for s in (steps.GLOBAL_STEPS if global_steps is None else global_steps)],
    ]
    return hashlib.sha256(json.dumps(lists, sort_keys=True).encode("utf-8")).hexdigest()


def _default_jobs() -> int:
    """Waves side by side by default: twice the cores. Every wave alternates between its
    kernel, its step processes and waiting for them, and with one job per core the last of
    three waves runs alone on a 2-core machine (benchmarks: one job per wave, 32 s against 38 s)."""
    return 2 * (os.cpu_count() or 1)


def _write_last_build(build_dir: Path, report: BuildReport) -> None:
    (build_dir / LAST_BUILD_FILE).write_text(json.dumps(report.records, indent=1) + "\n", encoding="utf-8")


def _nothing_to_do(
    root: Path, jobs: list[dict], codebooks: dict[str, list[str]], stream: TextIO, live: bool
) -> BuildReport:
    """Report every step of an unchanged build as skipped (standard library only)."""
    t0 = time.monotonic()
    build_dir = root / BUILD_DIR
    for wave, paths_ in codebooks.items():  # as the full build says which files describe each wave
        if any(j["wave"] == wave for j in jobs):
            print(f"{wave}: codebooks " + ", ".join(paths_), file=stream)
    with _exclusive(build_dir):
        progress = Progress([(j["key"], j["wave"] or state.GLOBAL_LABEL, j["step"]) for j in jobs], stream, live)
        try:
            for j in jobs:
                progress.end(j["key"], "skipped (unchanged)")
        finally:
            progress.close()
        report = BuildReport(
            records=[
                {"wave": j["wave"], "step": j["step"], "status": "skipped", "seconds": 0.0, "reason": "unchanged"}
                for j in jobs
            ]
        )
        _write_last_build(build_dir, report)
    summary(
        report,
        root,
        time.monotonic() - t0,
        book_steps={j["step"] for j in jobs if j.get("kind") == "book"},
        stream=stream,
    )
    return report


def build(
    root: str | os.PathLike | None = None,
    waves: Sequence[str] | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
    book: bool = True,
    wave_steps: Sequence[Any] | None = None,
    global_steps: Sequence[Any] | None = None,
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
        Waves run side by side (default: twice the number of cores).
    book : bool, default True
        Run the global steps (trends and book). False: the wave steps only.
    wave_steps, global_steps : sequence of Step, optional
        The steps (default: :data:`peo.pipeline.steps.WAVE_STEPS` and
        :data:`peo.pipeline.steps.GLOBAL_STEPS` as they are when called).
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
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be 1 or more, not {jobs}.")
    live = (stream.isatty() and not os.environ.get("CI")) if live is None else live
    steps_key = _steps_key(wave_steps, global_steps)
    state_path = root / BUILD_DIR / state.STATE_FILE
    saved = state.load_state(state_path)
    if not force:
        unchanged = cues.unchanged(root, saved["snapshot"], saved["steps"], steps=steps_key, book=book, waves=waves)
        if unchanged is not None:
            return _nothing_to_do(root, unchanged, saved["snapshot"].get("codebooks", {}), stream, live)
    return _full_build(
        root,
        waves,
        force=force,
        jobs=jobs,
        book=book,
        wave_steps=wave_steps,
        global_steps=global_steps,
        stream=stream,
        live=live,
        steps_key=steps_key,
        recorded=saved["steps"],
    )


def _full_build(
    root: Path,
    waves: Sequence[str] | None,
    *,
    force: bool,
    jobs: int | None,
    book: bool,
    wave_steps: Sequence[Any] | None,
    global_steps: Sequence[Any] | None,
    stream: TextIO,
    live: bool,
    steps_key: str,
    recorded: dict[str, str],
) -> BuildReport:
    """Check everything, fingerprint every step, run what must run (see :func:`build`)."""
    from concurrent.futures import ThreadPoolExecutor

    from peo.pipeline import notebooks, steps
    from peo.pipeline.builder import Builder
    from peo.survey import config, schema

    wave_steps = tuple(steps.WAVE_STEPS if wave_steps is None else wave_steps)
    global_steps = tuple(steps.GLOBAL_STEPS if global_steps is None else global_steps)
    # ---- check everything before writing anything (PEO_ROOT set: codebooks resolve in root)
    with _environment(root):
        schema.check_configuration(config.wave_dirs(root / "data" / "raw"))  # every problem of every file at once
        all_waves, selected = _select_waves(root, waves)
        for w in all_waves:  # no silent codebook: say which files describe each wave (issue 9)
            if w.id in selected:
                print(f"{w.id}: codebooks " + ", ".join(str(p) for p in w.codebook_paths), file=stream)
        steps.check_steps(wave_steps, global_steps)
        global_steps = tuple(global_steps) if book else ()
        specs = steps.plan(all_waves, root, wave_steps)
        steps.check_notebooks(global_steps, root)
        if any(s.kind == steps.BOOK for s in global_steps) and not (root / "book" / "_config.yml").is_file():
            raise ConfigError(
                f"{root / 'book' / '_config.yml'} does not exist: the static book sources are missing. "
                "Restore book/ from git (git checkout -- book) before building."
            )
        needs_kernel = any(s.kind == steps.NOTEBOOK for s in (*wave_steps, *global_steps))
        kernel, kernel_spec = notebooks.kernel_spec() if needs_kernel else (notebooks.KERNEL_NAME, None)
        per_wave, globals_ = state.make_jobs(specs, global_steps)
        digests = state.Digests(root)
        state.fingerprint_jobs(per_wave, globals_, specs, digests, kernel)
    all_jobs = [j for w in per_wave.values() for j in w] + globals_
    run_jobs = [j for w in selected for j in per_wave[w]] + globals_
    chapters = [s.name for s in wave_steps if s.kind == steps.NOTEBOOK]
    trends = any(s.kind == steps.NOTEBOOK for s in global_steps)
    # ---- run
    t0 = time.monotonic()
    build_dir = root / BUILD_DIR
    if any(j.step.kind == steps.NOTEBOOK for j in run_jobs):
        import nbformat  # noqa: F401  (imported once here, not concurrently in the wave threads)
        import papermill  # noqa: F401
    with _environment(root), _exclusive(build_dir):
        progress = Progress([(j.key, j.label, j.step.name) for j in run_jobs], stream, live)
        builder = Builder(
            root,
            all_waves,
            per_wave,
            globals_,
            selected=selected,
            force=force,
            kernel=kernel,
            chapters=chapters,
            trends=trends,
            progress=progress,
            recorded=recorded,
        )
        snap = None
        if kernel_spec is not None or not needs_kernel:
            snap = cues.snapshot(
                root,
                digests,
                kernel=kernel,
                kernel_spec=kernel_spec,
                steps=steps_key,
                book=book,
                waves=[w.id for w in all_waves],
                jobs=all_jobs,
                outputs={j.key: builder.outputs(j) for j in all_jobs},
            )
            for entry, job in zip(snap["jobs"], all_jobs):
                entry["kind"] = job.step.kind
            snap["codebooks"] = {w.id: [str(p) for p in w.codebook_paths] for w in all_waves}
        pool = ThreadPoolExecutor(
            max_workers=max(1, min(jobs or _default_jobs(), len(selected))), thread_name_prefix="peo-wave"
        )
        try:
            list(pool.map(builder.run_wave, selected))
            builder.run_globals()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            progress.close()
            with contextlib.suppress(OSError):
                (build_dir / "staging").rmdir()  # only when empty: a failed wave's staging is kept
            report = BuildReport(
                records=[builder.records[i] for i in sorted(builder.records)],
                failures=[
                    builder.records[i]["message"] for i in sorted(builder.records) if "message" in builder.records[i]
                ],
                notes=list(builder.notes),
            )
            _write_last_build(build_dir, report)
        if snap is not None and report.ok and builder.all_up_to_date():
            # Every step is recorded with the fingerprint computed from this snapshot: the next
            # build may trust it (cues.unchanged).
            state.save_state(builder.state_path, builder.state, snap)
    summary(
        report,
        root,
        time.monotonic() - t0,
        book_steps={s.name for s in global_steps if s.kind == steps.BOOK},
        stream=stream,
    )
    return report
