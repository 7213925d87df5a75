"""What a build remembers, and the cues that decide whether a step reruns.

Fingerprints
------------
Each step has a fingerprint (:func:`fingerprints`): a SHA-256 over its definition and
parameters, its inputs and the fingerprints of the steps it needs. Inputs of a wave step:
the wave's ``wave.yml``, codebooks and raw export; codebooks in ``codebooks/`` that no wave
names (such as ``codebooks/open_themes.yml``); the step's notebook; the ``peo`` package
source (``peo/**/*.py``, ``peo/data/*``); ``requirements.lock``; the Python version and the
kernel name. The book adds its committed sources, the researchers' text of every wave
(``data/raw/<wave>/report/``) and what its "Reproduceren" page shows.
The fingerprints of the last successful run of each step are kept in ``build/state.json``.

The cues, in order (the first that applies decides; :func:`why_run`)
--------------------------------------------------------------------
1. ``--force``;
2. the step has not been built before;
3. its fingerprint changed (an input changed);
4. one of its outputs is missing;
5. a step it needs ran in this build.
Otherwise the step is skipped.

Nothing changed: decided with the standard library alone
--------------------------------------------------------
Computing fingerprints needs the wave configurations (YAML), the step list (which imports
the step functions, and with them pandas) and the book's reproduction details. A rebuild in
which nothing changed should not pay for that. After a build that left every step up to
date, the build also records a **snapshot** of everything the fingerprints were computed
from (:func:`snapshot`): the digest of every input file, the listing of every folder that
was searched for inputs (the wave folders, ``codebooks/``, the book sources, the package),
the Python version, the kernel, the step definitions and the inputs of the "Reproduceren"
page (git commit and status, ``SOURCE_DATE_EPOCH``). :func:`unchanged` recomputes those with
the standard library only; when they are all equal, every recorded fingerprint still holds,
and with the outputs present the build has nothing to do. Any difference, or any doubt,
falls back to the full computation, which is the authority.

This module imports only the standard library (and :mod:`peo.paths`) at its top.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peo import paths

__all__ = [
    "STATE_FILE",
    "BOOK_GENERATED",
    "GLOBAL_LABEL",
    "Digests",
    "package_files",
    "package_digest",
    "book_source_files",
    "report_text_files",
    "shared_codebooks",
    "wave_folders",
    "Job",
    "make_jobs",
    "fingerprints",
    "fingerprint_jobs",
    "why_run",
    "load_state",
    "save_state",
]

#: The state file under ``build/``.
STATE_FILE = "state.json"
#: Paths under ``book/`` that the build writes (not sources of the book step).
BOOK_GENERATED = ("_build", "waves", "generated", "_toc.yml", "index.md")
#: The label of the global steps in messages and ``last_build.json``.
GLOBAL_LABEL = "all waves"
#: The folder name of the global steps under ``build/staging``, ``build/failed``, ``build/logs``.
GLOBAL_DIR = "_global"
#: Version of the state file's layout; another version is ignored (everything reruns).
_VERSION = 2


# ----------------------------------------------------------------------------- digests


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _json_sha(obj: Any) -> str:
    return _sha(json.dumps(obj, sort_keys=True, ensure_ascii=True, default=str))


def _file_sha(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class Digests:
    """Checksums of input files, each file read once per build; remembers what it read.

    Parameters
    ----------
    root : pathlib.Path
        The repository root; paths are named relative to it, so that a copy of the root
        has the same fingerprints.
    """

    def __init__(self, root: Path):
        self.root = root
        self._cache: dict[Path, str] = {}
        self.read: dict[str, str] = {}  # name -> sha256 (or "absent") of every file asked for

    def name(self, path: Path) -> str:
        """The path relative to the root (absolute when outside it)."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def file(self, path: Path) -> str:
        """The SHA-256 of a file, or ``"absent"``."""
        path = Path(path).resolve()
        if path not in self._cache:
            self._cache[path] = _file_sha(path) if path.is_file() else "absent"
            self.read[self.name(path)] = self._cache[path]
        return self._cache[path]

    def files(self, files: Sequence[Path]) -> dict[str, str]:
        """``{name: sha256}`` of several files."""
        return {self.name(p): self.file(p) for p in files}


def package_files() -> list[Path]:
    """The ``peo`` source that runs: ``peo/**/*.py`` and ``peo/data/*``."""
    pkg = paths.package_dir()
    files = [p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts]
    data = pkg / "data"
    if data.is_dir():
        files += [p for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(set(files))


def package_digest() -> str:
    """One SHA-256 over the names and contents of :func:`package_files`."""
    pkg = paths.package_dir()
    return _json_sha({p.relative_to(pkg).as_posix(): _file_sha(p) for p in package_files()})


def book_source_files(root: Path) -> list[Path]:
    """The committed sources of the book: everything in ``book/`` that the build does not write."""
    book = root / "book"
    if not book.is_dir():
        return []
    out = []
    for p in sorted(book.rglob("*")):
        rel = p.relative_to(book).parts
        if not p.is_file() or rel[0] in BOOK_GENERATED or any(part.startswith(".") for part in rel):
            continue
        out.append(p)
    return out


def report_text_files(root: Path) -> list[Path]:
    """The researchers' text of every wave (``data/raw/<wave>/report/*``): inputs of the book."""
    return sorted(p for folder in wave_folders(root) for p in (folder / "report").glob("*") if p.is_file())


def shared_codebooks(root: Path, named: Sequence[Path]) -> list[Path]:
    """Codebooks in ``codebooks/`` that no wave names (such as the open-answer themes).

    Parameters
    ----------
    root : pathlib.Path
    named : sequence of pathlib.Path
        The input files of every wave.
    """
    folder = root / "codebooks"
    if not folder.is_dir():
        return []
    resolved = {Path(p).resolve() for p in named}
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.resolve() not in resolved)


def wave_folders(root: Path) -> list[Path]:
    """The folders under ``data/raw`` that are waves (as :func:`peo.survey.config.wave_dirs` finds them)."""
    base = root / "data" / "raw"
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


# -------------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """One step of one wave (or a global step) in a build.

    Attributes
    ----------
    index : int
        Position in plan order.
    key : str
        ``"<wave>/<step>"``, or ``"*/<step>"`` for a global step.
    wave : str or None
        The wave id; None for a global step.
    step : peo.pipeline.steps.Step
    parameters : dict
        The notebook parameters.
    needs : tuple of str
        Keys of the jobs this one needs.
    fingerprint : str
        Filled in by :func:`fingerprint_jobs`.
    """

    index: int
    key: str
    wave: str | None
    step: Any
    parameters: dict
    needs: tuple[str, ...]
    fingerprint: str = ""

    @property
    def label(self) -> str:
        """The wave id, or "all waves"."""
        return self.wave if self.wave is not None else GLOBAL_LABEL

    @property
    def folder(self) -> str:
        """Folder name under build/staging, build/failed and build/logs (the wave's name in the book)."""
        if self.wave is None:
            return GLOBAL_DIR
        from peo.report import book

        return book._slug(self.wave)


def make_jobs(specs: Sequence[Any], global_steps: Sequence[Any]) -> tuple[dict[str, list[Job]], list[Job]]:
    """The jobs of a build: per wave (from the run specs), and global; their needs as job keys."""
    from peo.pipeline.steps import EVERY

    per_wave: dict[str, list[Job]] = {}
    index = 0
    for spec in specs:
        jobs = []
        for s in spec.steps:
            jobs.append(
                Job(
                    index,
                    f"{spec.wave}/{s.name}",
                    spec.wave,
                    s,
                    dict(spec.parameters),
                    tuple(f"{spec.wave}/{n}" for n in s.needs),
                )
            )
            index += 1
        per_wave[spec.wave] = jobs
    globals_: list[Job] = []
    for s in global_steps:
        needs: list[str] = []
        for n in s.needs:
            if n == EVERY:
                needs += [j.key for jobs in per_wave.values() for j in jobs] + [g.key for g in globals_]
            elif any(g.step.name == n for g in globals_):
                needs.append(f"*/{n}")
            else:
                needs += [f"{w}/{n}" for w in per_wave]
        globals_.append(Job(index, f"*/{s.name}", None, s, {}, tuple(dict.fromkeys(needs))))
        index += 1
    return per_wave, globals_


# ------------------------------------------------------------------------ fingerprints


def fingerprints(
    specs: Sequence[Any],
    root: str | os.PathLike | None = None,
    global_steps: Sequence[Any] = (),
    *,
    kernel: str = "peo",
) -> dict[str, str]:
    """The fingerprint of every step of a build.

    Parameters
    ----------
    specs : sequence of peo.pipeline.steps.RunSpec
        Every wave (not only the ones to run: global steps depend on all).
    root : path-like, optional
    global_steps : sequence of peo.pipeline.steps.Step
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
    root = Path(root).resolve() if root is not None else paths.root()
    per_wave, globals_ = make_jobs(specs, global_steps)
    fingerprint_jobs(per_wave, globals_, specs, Digests(root), kernel)
    return {j.key: j.fingerprint for jobs in per_wave.values() for j in jobs} | {g.key: g.fingerprint for g in globals_}


def fingerprint_jobs(
    per_wave: Mapping[str, list[Job]], globals_: Sequence[Job], specs: Sequence[Any], digests: Digests, kernel: str
) -> None:
    """Fill in the fingerprint of every job (see the module docstring); ``digests`` records what was read."""
    from peo.pipeline.steps import BOOK, NOTEBOOK, step_definition

    root = digests.root
    shared = digests.files(shared_codebooks(root, [p for spec in specs for p in spec.inputs]))
    env = {
        "peo": package_digest(),
        "lock": digests.file(root / "requirements.lock"),
        "python": sys.version.split()[0],
        "kernel": kernel,
    }
    done: dict[str, str] = {}

    def source(step: Any) -> str:
        return digests.file(root / step.target) if step.kind == NOTEBOOK else step.ref

    for spec in specs:
        wave_inputs = digests.files(spec.inputs)
        for job in per_wave[spec.wave]:
            job.fingerprint = _json_sha(
                {
                    "step": step_definition(job.step),
                    "parameters": job.parameters,
                    "wave_inputs": wave_inputs,
                    "shared_codebooks": shared,
                    "source": source(job.step),
                    "env": env,
                    "needs": {k: done[k] for k in job.needs},
                }
            )
            done[job.key] = job.fingerprint
    for job in globals_:
        content = {
            "step": step_definition(job.step),
            "waves": sorted(per_wave),
            "shared_codebooks": shared,
            "source": source(job.step),
            "env": env,
            "needs": {k: done[k] for k in job.needs},
        }
        if job.step.kind == BOOK:
            from peo.report import book

            content["book_sources"] = digests.files(book_source_files(root))
            content["report_texts"] = digests.files(report_text_files(root))
            # the colophon names the repository from CITATION.cff (repository-code)
            content["citation"] = digests.file(root / "CITATION.cff")
            # reproduce_info reads the manifest itself: digest it too, so the snapshot covers it
            content["manifest"] = digests.file(root / "data" / "raw" / "MANIFEST.sha256")
            content["reproduce"] = book.reproduce_info(root)
        job.fingerprint = _json_sha(content)
        done[job.key] = job.fingerprint


def why_run(
    job: Job, recorded: Mapping[str, str], outputs: Sequence[Path], ran: set[str], *, force: bool, root: Path
) -> str | None:
    """Why a step must run (the first cue that applies), or None when it can be skipped.

    Parameters
    ----------
    job : Job
    recorded : mapping
        The fingerprints of the last successful runs (``build/state.json``).
    outputs : sequence of pathlib.Path
        The step's outputs.
    ran : set of str
        Keys of the steps that ran in this build.
    force : bool
    root : pathlib.Path
    """
    if force:
        return "--force"
    old = recorded.get(job.key)
    if old is None:
        return "not built before"
    if old != job.fingerprint:
        return "inputs changed"
    missing = [p for p in outputs if not p.exists()]
    if missing:
        try:
            shown = missing[0].relative_to(root).as_posix()
        except ValueError:
            shown = str(missing[0])
        return f"output missing: {shown}"
    upstream = [k for k in job.needs if k in ran]
    if upstream:
        return f"{upstream[0]} was rebuilt"
    return None


# -------------------------------------------------------------------------- state file


def load_state(path: Path) -> dict[str, Any]:
    """The state file: ``{"steps": {key: fingerprint}, "snapshot": {...} or None}``.

    A missing, unreadable or other-version file gives an empty state: everything reruns.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"steps": {}, "snapshot": None}
    if not isinstance(data, dict) or data.get("version") != _VERSION or not isinstance(data.get("steps"), dict):
        return {"steps": {}, "snapshot": None}
    snap = data.get("snapshot")
    return {
        "steps": {str(k): str(v) for k, v in data["steps"].items()},
        "snapshot": snap if isinstance(snap, dict) else None,
    }


def save_state(path: Path, steps: Mapping[str, str], snapshot: Mapping[str, Any] | None = None) -> None:
    """Write the state file (a temporary file renamed into place: never half-written)."""
    text = (
        json.dumps(
            {"version": _VERSION, "steps": dict(sorted(steps.items())), "snapshot": snapshot}, indent=1, sort_keys=True
        )
        + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
