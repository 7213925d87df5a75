"""Running the jobs of a build: one wave's steps in order, then the global steps.

:class:`Builder` holds the state of one build (see :func:`peo.pipeline.engine.build`): it
decides per step whether it runs (:func:`peo.pipeline.state.why_run`), runs it (a Python
step in its own process, a notebook in the wave's kernel, the book), records what happened,
publishes a wave's executed notebooks only when the whole wave succeeded, and keeps the
state file up to date.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from peo.errors import PeoError
from peo.pipeline import bookbuild, forked, notebooks, state
from peo.pipeline.progress import Progress
from peo.pipeline.state import Job
from peo.pipeline.steps import BOOK, NOTEBOOK, PYTHON, StepFailed

__all__ = ["Builder"]


class Builder:
    """The state of one build.

    Parameters
    ----------
    root : pathlib.Path
    all_waves : sequence of Wave
        Every wave present (the book is built from all of them).
    per_wave : dict
        ``{wave id: [Job, ...]}`` for every wave, fingerprinted.
    globals_ : list of Job
        The global steps, fingerprinted.
    selected : sequence of str
        The waves whose steps this build runs.
    force : bool
    kernel : str
    chapters : sequence of str
        Notebook names of a wave chapter.
    trends : bool
        Whether the book has the trends chapter.
    progress : Progress
    recorded : dict
        The fingerprints of the state file.
    """

    def __init__(
        self,
        root: Path,
        all_waves: Sequence[Any],
        per_wave: dict[str, list[Job]],
        globals_: list[Job],
        *,
        selected: Sequence[str],
        force: bool,
        kernel: str,
        chapters: Sequence[str],
        trends: bool,
        progress: Progress,
        recorded: dict[str, str],
    ):
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
        self.dir = root / "build"
        self.state_path = self.dir / state.STATE_FILE
        self.state: dict[str, str] = dict(recorded)
        self.ran: set[str] = set()
        self.bad: dict[str, str] = {}  # key -> "failed" / "blocked"
        self.records: dict[int, dict] = {}
        self.notes: list[str] = []
        self.lock = threading.Lock()
        self.kernels = notebooks.SharedKernels(kernel)

    # -- paths --------------------------------------------------------------------------
    def published(self, job: Job) -> Path | None:
        """Where a notebook step's executed notebook is published (None for other steps)."""
        s = job.step
        if s.kind != NOTEBOOK:
            return None
        return self.root / s.publish.format(wave=job.folder, name=s.name)

    def outputs(self, job: Job) -> list[Path]:
        """Every file the step leaves behind (its outputs and its published notebook)."""
        out = [self.root / o.format(wave=job.wave or "") for o in job.step.outputs]
        pub = self.published(job)
        return out + ([pub] if pub is not None else [])

    def staged(self, job: Job) -> Path:
        return self.dir / "staging" / job.folder / f"{job.step.name}.ipynb"

    def failed_copy(self, job: Job) -> Path:
        return self.dir / "failed" / job.folder / f"{job.step.name}.ipynb"

    def up_to_date(self, job: Job) -> bool:
        """A step of a wave that is not part of this build: built, unchanged, outputs there."""
        return self.state.get(job.key) == job.fingerprint and all(p.exists() for p in self.outputs(job))

    # -- recording ----------------------------------------------------------------------
    def record(self, job: Job, status: str, seconds: float, reason: str, message: str | None = None) -> None:
        rec = {
            "wave": job.wave,
            "step": job.step.name,
            "status": status,
            "seconds": round(seconds, 1),
            "reason": reason,
        }
        if message:
            rec["message"] = message
        with self.lock:
            self.records[job.index] = rec
            if status == "ran":
                self.ran.add(job.key)
            elif status in ("failed", "blocked"):
                self.bad[job.key] = status

    def save(self) -> None:
        state.save_state(self.state_path, self.state)

    # -- running ------------------------------------------------------------------------
    @staticmethod
    def where(job: Job) -> str:
        return f"Wave {job.wave}" if job.wave is not None else "All waves"

    def run_notebook(self, job: Job) -> Path:
        source = self.root / job.step.target
        km = self.kernels.get(job.wave, source.parent)
        return notebooks.execute(
            source,
            self.staged(job),
            self.failed_copy(job),
            parameters=job.parameters,
            kernel=self.kernel,
            where=self.where(job),
            km=km,
        )

    def run_python(self, job: Job) -> None:
        """Call the step's function in a process of its own (matplotlib is not thread-safe),
        forked from the build's fork server (:mod:`peo.pipeline.forked`)."""
        fn = job.step.target
        log = self.dir / "logs" / job.folder / f"{job.step.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        args = [job.wave] if job.wave is not None else []
        env = {**os.environ, "PEO_ROOT": str(self.root), "MPLBACKEND": "Agg"}
        log.write_text(f"$ {fn.__module__}.{fn.__qualname__}({', '.join(map(repr, args))})\n", encoding="utf-8")
        code = forked.run_forked(fn.__module__, fn.__qualname__, args, root=self.root, env=env, log=log)
        if code != 0:
            err = log.read_text(encoding="utf-8", errors="replace").strip()
            if "error: " in err and "Traceback" not in err:
                summary = err.split("error: ", 1)[1]
            else:
                summary = next((ln for ln in reversed(err.splitlines()) if ln.strip()), f"exit code {code}")
            raise StepFailed(
                f"{self.where(job)}, step {job.step.name} ({job.step.ref}): {summary}\n    the full output is in {log}"
            )

    def run_book(self, job: Job) -> None:
        try:
            bookbuild.build_book(self.root, self.all_waves, chapters=self.chapters, trends=self.trends)
        except StepFailed as exc:
            raise StepFailed(
                f"Book: {exc}\n    the previous book in {self.root / 'book' / '_build' / 'html'} was left as it was"
            ) from None
        except PeoError as exc:
            raise StepFailed(f"Book: {exc}") from None

    def execute(self, job: Job) -> Path | None:
        """Run one step; return the staged notebook (notebook steps)."""
        if job.step.kind == NOTEBOOK:
            return self.run_notebook(job)
        if job.step.kind == PYTHON:
            self.run_python(job)
        elif job.step.kind == BOOK:
            self.run_book(job)
        return None

    def attempt(self, job: Job, blocked_by: str | None = None) -> tuple[str, Path | None]:
        """Run or skip one step and record it; returns the status and the staged notebook."""
        if blocked_by is None:
            bad = [k for k in job.needs if k in self.bad]
            if bad:
                blocked_by = f"{bad[0]} {self.bad[bad[0]]}"
        if blocked_by is not None:
            self.record(job, "blocked", 0.0, blocked_by)
            self.progress.end(job.key, f"not run ({blocked_by})")
            return "blocked", None
        reason = state.why_run(job, self.state, self.outputs(job), self.ran, force=self.force, root=self.root)
        if reason is None:
            self.record(job, "skipped", 0.0, "unchanged")
            self.progress.end(job.key, "skipped (unchanged)")
            return "skipped", None
        number = self.progress.start(job.key)
        t0 = time.monotonic()
        try:
            staged = self.execute(job)
        except StepFailed as exc:
            seconds = time.monotonic() - t0
            self.record(job, "failed", seconds, reason, str(exc))
            self.progress.end(job.key, f"FAILED ({seconds:.1f} s)", number)
            return "failed", None
        seconds = time.monotonic() - t0
        self.record(job, "ran", seconds, reason)
        self.progress.end(job.key, f"done ({seconds:.1f} s)", number)
        return "ran", staged

    def commit(self, jobs: Sequence[Job], staged: Mapping[str, Path]) -> None:
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
            self.save()

    def forget(self, jobs: Sequence[Job]) -> None:
        """After a failure: steps that ran may have written outputs; make them run next time."""
        with self.lock:
            for job in jobs:
                if job.key in self.ran or job.key in self.bad:
                    self.state.pop(job.key, None)
            self.save()

    def run_wave(self, wave_id: str) -> bool:
        """Every step of one wave, in order; publish its notebooks only when all succeeded."""
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
            self.kernels.stop(wave_id)
        if ok:
            self.commit(jobs, staged)
            shutil.rmtree(staging, ignore_errors=True)
        else:
            self.forget(jobs)
        return ok

    def run_globals(self) -> None:
        """The global steps, unless a wave failed or another wave is not up to date."""
        by_key = {j.key: j for jobs in self.per_wave.values() for j in jobs}
        failed = [w for w in self.selected if any(j.key in self.bad for j in self.per_wave[w])]
        not_run: list[str] = []
        stale_waves: set[str] = set()
        for job in self.globals:
            reason = f"wave {', '.join(failed)} failed" if failed else None
            if reason is None:
                stale = sorted(
                    {
                        by_key[k].wave
                        for k in job.needs
                        if k in by_key and by_key[k].wave not in self.selected and not self.up_to_date(by_key[k])
                    }
                )
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

    def all_up_to_date(self) -> bool:
        """Every step of every wave and every global step is recorded with its fingerprint, outputs there."""
        return all(self.up_to_date(j) for jobs in self.per_wave.values() for j in jobs) and all(
            self.up_to_date(g) for g in self.globals
        )
