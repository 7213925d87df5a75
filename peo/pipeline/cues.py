"""The cues of a build with nothing to do: a snapshot of every input, compared with the standard library.

A build that changes nothing must find that out without importing pandas, nbformat or papermill:
:func:`snapshot` records the checksum of every input file, the listing of every folder the
build reads and the :func:`reproduce_cue`; :func:`unchanged` compares it with the files on disk.
Split from :mod:`peo.pipeline.state` (fingerprints and the state file).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from peo.pipeline import state
from peo.pipeline.state import Digests, Job, book_source_files, wave_folders

__all__ = ["reproduce_cue", "snapshot", "unchanged"]


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def reproduce_cue(root: Path) -> dict[str, Any]:
    """Everything :func:`peo.report.book.reproduce_info` depends on besides the files.

    The git commit, whether tracked files differ from it, the commit date, and
    ``SOURCE_DATE_EPOCH``; today's date where neither date applies. (The lock and the
    manifest enter the snapshot as files.)
    """
    commit = _git(root, "rev-parse", "HEAD")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    cue: dict[str, Any] = {"commit": commit, "epoch": epoch}
    if commit:
        cue["status"] = _git(root, "status", "--porcelain", "--untracked-files=no")
        if not epoch:
            cue["date"] = _git(root, "log", "-1", "--format=%cI")
    if not epoch and not cue.get("date"):
        cue["today"] = dt.date.today().isoformat()
    return cue


def _listings(root: Path) -> dict[str, list[str]]:
    """The folders searched for inputs, each with the names it holds."""
    out: dict[str, list[str]] = {}
    waves = wave_folders(root)
    out["data/raw"] = [p.name for p in waves]
    for folder in waves:
        out[f"data/raw/{folder.name}"] = sorted(p.name for p in folder.iterdir())
        report = folder / "report"
        if report.is_dir():
            out[f"data/raw/{folder.name}/report"] = sorted(p.name for p in report.iterdir())
    codebooks = root / "codebooks"
    out["codebooks"] = sorted(p.name for p in codebooks.iterdir()) if codebooks.is_dir() else []
    out["book"] = [p.relative_to(root).as_posix() for p in book_source_files(root)]
    return out


def snapshot(
    root: Path,
    digests: Digests,
    *,
    kernel: str,
    kernel_spec: str | None,
    steps: str,
    book: bool,
    waves: Sequence[str],
    jobs: Sequence[Job],
    outputs: Mapping[str, Sequence[Path]],
) -> dict[str, Any]:
    """What the fingerprints of a build were computed from, for :func:`unchanged`.

    Parameters
    ----------
    root : pathlib.Path
    digests : Digests
        The digests of the build (every file it read).
    kernel : str
        The kernel name.
    kernel_spec : str or None
        The kernel's ``kernel.json`` (None when no notebook runs).
    steps : str
        What identifies the step lists: ``"default"`` or a digest of the given lists.
    book : bool
        Whether the global steps (trends, book) were part of the build.
    waves : sequence of str
        Every wave id, in order.
    jobs : sequence of Job
        Every job, in plan order, with its fingerprint.
    outputs : mapping
        ``{job key: output paths}``.
    """
    return {
        "files": dict(sorted(digests.read.items())),
        "listings": _listings(root),
        "peo": state.package_digest(),
        "python": sys.version.split()[0],
        "kernel": kernel,
        "kernel_spec": kernel_spec,
        "steps": steps,
        "book": book,
        "reproduce": reproduce_cue(root) if book else None,
        "waves": list(waves),
        "jobs": [
            {
                "key": j.key,
                "wave": j.wave,
                "step": j.step.name,
                "fingerprint": j.fingerprint,
                "outputs": [Path(p).relative_to(root).as_posix() for p in outputs[j.key]],
            }
            for j in jobs
        ],
    }


def unchanged(
    root: Path,
    snap: Mapping[str, Any] | None,
    recorded: Mapping[str, str],
    *,
    steps: str,
    book: bool,
    waves: Sequence[str] | None,
) -> list[dict] | None:
    """The jobs of a build when none of them needs to run, else None (standard library only).

    Parameters
    ----------
    root : pathlib.Path
    snap : mapping or None
        The snapshot in the state file.
    recorded : mapping
        The fingerprints in the state file.
    steps : str
        What identifies the step lists of this build (as given to :func:`snapshot`).
    book : bool
        Whether this build includes the global steps.
    waves : sequence of str or None
        The waves asked for (None: every wave).

    Returns
    -------
    list of dict or None
        The snapshot's jobs of this build (``key``, ``wave``, ``step``), in plan order,
        when every input is as it was, every fingerprint is recorded and every output
        exists; None when anything differs or is in doubt (then the full check decides).
    """
    if not snap:
        return None
    try:
        if snap["steps"] != steps or (book and not snap["book"]):
            return None
        if snap["python"] != sys.version.split()[0]:
            return None
        if snap["kernel_spec"] is not None and not Path(snap["kernel_spec"]).is_file():
            return None
        known = list(snap["waves"])
        selected = known if not waves else [str(w) for w in dict.fromkeys(waves)]
        if any(w not in known for w in selected):
            return None
        jobs = [j for j in snap["jobs"] if (j["wave"] in selected if j["wave"] is not None else book)]
        for j in jobs:
            if recorded.get(j["key"]) != j["fingerprint"]:
                return None
            if not all((root / o).exists() for o in j["outputs"]):
                return None
        if _listings(root) != snap["listings"]:
            return None
        digests = Digests(root)
        for name, sha in snap["files"].items():
            path = Path(name) if Path(name).is_absolute() else root / name
            if digests.file(path) != sha:
                return None
        if state.package_digest() != snap["peo"]:
            return None
        if book and reproduce_cue(root) != snap["reproduce"]:
            return None
    except (KeyError, TypeError, AttributeError, OSError):
        return None
    return [{"key": j["key"], "wave": j["wave"], "step": j["step"]} for j in jobs]
