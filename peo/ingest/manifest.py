"""Checksums of the raw exports: ``data/raw/MANIFEST.sha256``.

Raw exports are never edited (``data/raw`` is immutable input). The manifest records a
SHA-256 checksum per raw data file, so that ``python -m peo verify`` can tell whether any
of them changed, disappeared or appeared since the checksums were recorded with
``python -m peo manifest``.

The file is in the format of GNU ``sha256sum``: one line per file, ``<hex>  <path>``,
with the path relative to ``data/raw`` in ``/`` notation, sorted by path. It can be
checked without Python too::

    cd data/raw && sha256sum -c MANIFEST.sha256

Which files are covered
-----------------------
Every file under ``data/raw`` (in any sub-folder) except:

* the manifest itself;
* text configuration and documentation, ``*.yml``, ``*.yaml`` and ``*.md``
  (``wave.yml``, the thematic codebooks, ``README.md``): these are edited on purpose,
  are tracked by git, and every change to them shows in its history. The exports are
  what git cannot guard: real exports are personal data and never committed;
* hidden files and folders (a name starting with ``.``) and Office lock files
  (starting with ``~$``), which tools create and remove on their own.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import pandas as pd

from peo import paths
from peo.errors import ManifestError
from peo.io import sha256

__all__ = [
    "MANIFEST_NAME",
    "covered_files",
    "write_manifest",
    "read_manifest",
    "verify_manifest",
    "verify_main",
    "write_main",
]

MANIFEST_NAME = "MANIFEST.sha256"
#: Suffixes of text files under ``data/raw`` that the manifest does not cover (see above).
EXCLUDED_SUFFIXES = (".yml", ".yaml", ".md")
#: Statuses reported by :func:`verify_manifest`, problems first.
STATUSES = ("changed", "missing", "new", "ok")

_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def _manifest_path(raw_dir: Path | None) -> tuple[Path, Path]:
    base = Path(raw_dir) if raw_dir is not None else paths.raw_dir()
    return base, base / MANIFEST_NAME


def covered_files(raw_dir: str | os.PathLike | None = None) -> list[str]:
    """Relative paths (``/`` notation, sorted) of the files the manifest covers.

    Parameters
    ----------
    raw_dir : path-like, optional
        The raw-data folder; default ``data/raw`` of the repository.

    Returns
    -------
    list of str

    Raises
    ------
    ManifestError
        If the raw-data folder does not exist.
    """
    base, _ = _manifest_path(raw_dir)
    if not base.is_dir():
        raise ManifestError(f"The raw-data folder {base} does not exist. Put the raw exports under data/raw/<wave>/.")
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith((".", "~$")) or name.lower().endswith(EXCLUDED_SUFFIXES):
                continue
            rel = (Path(dirpath) / name).relative_to(base).as_posix()
            if rel == MANIFEST_NAME:
                continue
            found.append(rel)
    return sorted(found)


def write_manifest(raw_dir: str | os.PathLike | None = None) -> Path:
    """Record the checksum of every covered raw file in ``MANIFEST.sha256``.

    Parameters
    ----------
    raw_dir : path-like, optional
        The raw-data folder; default ``data/raw`` of the repository.

    Returns
    -------
    pathlib.Path
        The manifest written.

    Raises
    ------
    ManifestError
        If the raw-data folder does not exist.
    """
    base, target = _manifest_path(raw_dir)
    lines = [f"{sha256(base / rel)}  {rel}\n" for rel in covered_files(base)]
    tmp = target.with_name(f".{MANIFEST_NAME}.tmp")
    tmp.write_text("".join(lines), encoding="utf-8", newline="\n")
    os.replace(tmp, target)
    return target


def read_manifest(raw_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """Read ``MANIFEST.sha256`` into a mapping of relative path to checksum.

    Raises
    ------
    ManifestError
        If there is no manifest, or a line is not in ``sha256sum`` format.
    """
    base, target = _manifest_path(raw_dir)
    if not target.is_file():
        raise ManifestError(
            f"There is no manifest {target}. Record the checksums of the raw files first: python -m peo manifest"
        )
    recorded: dict[str, str] = {}
    for n, line in enumerate(target.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            raise ManifestError(
                f"{target}, line {n}: expected '<64 hex digits>  <path>' (sha256sum format), found {line[:80]!r}. "
                "Restore the file from git or record it again with: python -m peo manifest"
            )
        recorded[m.group(2)] = m.group(1).lower()
    return recorded


def verify_manifest(raw_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Compare the raw files with the checksums in ``MANIFEST.sha256``.

    Parameters
    ----------
    raw_dir : path-like, optional
        The raw-data folder; default ``data/raw`` of the repository.

    Returns
    -------
    pandas.DataFrame
        One row per file in the manifest or on disk, sorted by ``path``. Columns:
        ``path`` (relative to the raw-data folder) and ``status``: ``ok`` (unchanged),
        ``changed`` (different checksum), ``missing`` (in the manifest, not on disk) or
        ``new`` (on disk, not in the manifest).

    Raises
    ------
    ManifestError
        If there is no manifest or it is malformed.
    """
    base, _ = _manifest_path(raw_dir)
    recorded = read_manifest(base)
    on_disk = set(covered_files(base))
    rows = []
    for rel in sorted(set(recorded) | on_disk):
        if rel not in on_disk:
            status = "missing"
        elif rel not in recorded:
            status = "new"
        else:
            status = "ok" if sha256(base / rel) == recorded[rel] else "changed"
        rows.append({"path": rel, "status": status})
    return pd.DataFrame(rows, columns=["path", "status"]).astype("string")


_EXPLAIN = {
    "changed": "changed since the manifest was recorded",
    "missing": "in the manifest but no longer on disk",
    "new": "on disk but not in the manifest",
}


def verify_main(args: argparse.Namespace | None = None) -> int:
    """``python -m peo verify``: print raw files that differ from the manifest.

    Returns
    -------
    int
        0 when every raw file matches the manifest; 1 when a file changed, is missing
        or is new, or when there is no (readable) manifest.
    """
    base, target = _manifest_path(getattr(args, "raw_dir", None))
    try:
        report = verify_manifest(base)
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = report[report["status"] != "ok"]
    if problems.empty:
        print(f"ok: {len(report)} raw file(s) match {target}")
        return 0
    for row in problems.itertuples():
        print(f"{row.status}: {row.path} ({_EXPLAIN[row.status]})", file=sys.stderr)
    print(
        f"error: {len(problems)} of {len(report)} raw file(s) differ from {target}. Raw exports must never be "
        "edited: restore the original export. If the difference is intended (a new or replaced export), "
        "record it with: python -m peo manifest",
        file=sys.stderr,
    )
    return 1


def write_main(args: argparse.Namespace | None = None) -> int:
    """``python -m peo manifest``: record the checksums of the raw files.

    Returns
    -------
    int
        0.

    Raises
    ------
    ManifestError
        If the raw-data folder does not exist.
    """
    base, _ = _manifest_path(getattr(args, "raw_dir", None))
    target = write_manifest(base)
    n = len(covered_files(base))
    print(f"wrote {target} ({n} file(s))")
    return 0
