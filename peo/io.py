"""Writing outputs safely: whole folders at once, byte for byte the same on every run.

Only the pipeline writes files, and it writes them through this module:

* :func:`atomic_dir` builds a folder under a temporary name beside its target and swaps
  it in whole when everything was written, so a failed run leaves the previous output
  as it was and never a half-written folder;
* :func:`write_csv` and :func:`write_parquet` write the same bytes for the same data, so
  a rerun that changes nothing changes no file (and checksums of outputs can be compared);
* :func:`sha256` is the checksum used by :mod:`peo.ingest.manifest`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

__all__ = ["atomic_dir", "write_csv", "write_parquet", "write_bytes", "sha256"]

#: Prefixes of the temporary siblings made by :func:`atomic_dir` (hidden, git-ignored).
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike) -> Iterator[Path]:
    """Write a folder under a temporary name, then swap it in place of ``target`` whole.

    The body of the ``with`` block writes into the yielded temporary folder, a hidden
    sibling of ``target`` (same parent, so the final move is a rename on one file
    system). When the block ends without an exception the previous ``target``, if any,
    is moved aside, the temporary folder is renamed to ``target`` and the previous one
    is deleted. When the block raises, the temporary folder is deleted, ``target`` is
    left exactly as it was and the exception propagates.

    ``target`` may be any folder, also one inside another output folder (for instance
    ``data/processed/2022/tables``): only that sub-folder is replaced. Missing parent
    folders are created.

    Parameters
    ----------
    target : path-like
        The folder to (re)place.

    Yields
    ------
    pathlib.Path
        The temporary folder to write into.

    Raises
    ------
    Exception
        Whatever the body raises, after the temporary folder was removed.

    Notes
    -----
    The swap is two renames (old target aside, new folder in). A crash between the two
    leaves the previous output under a hidden ``.old-<name>-*`` name beside the target
    rather than losing it. POSIX has no portable call that exchanges two folders in one
    step.
    """
    target = Path(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    try:
        if target.exists() or target.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{target.name}-", dir=parent))
            old.rmdir()  # only the unique name is wanted; rename needs it free
            os.rename(target, old)
        os.rename(tmp, target)
    except BaseException:
        # Put the previous output back if it was moved aside, and drop the new one.
        if old is not None and old.exists() and not target.exists():
            os.rename(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()
    # mkdtemp makes folders private (0o700); give the output the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(target, 0o777 & ~umask)


def _replace_file(path: Path, write) -> Path:
    """Write a file through a temporary sibling and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{path.name}-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_csv(df: pd.DataFrame, path: str | os.PathLike, index: bool = False) -> Path:
    """Write a DataFrame as UTF-8 CSV with ``\\n`` line ends, the same bytes on every run.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to write. Missing values are written as empty fields.
    path : path-like
        Where to write; the file is written under a temporary name and renamed into place.
    index : bool, default False
        Whether to write the index as the first column(s).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    return _replace_file(
        Path(path),
        lambda tmp: df.to_csv(tmp, index=index, lineterminator="\n", encoding="utf-8"),
    )


def write_parquet(df: pd.DataFrame, path: str | os.PathLike, index: bool = False) -> Path:
    """Write a DataFrame as Parquet (pyarrow), the same bytes on every run.

    Dtypes round-trip: ordered categoricals, nullable ``Float64``/``boolean`` and
    ``string`` come back as they were written. Parquet stores no write time; the only
    run-specific metadata is the writer's library versions, which the lock fixes.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to write.
    path : path-like
        Where to write; the file is written under a temporary name and renamed into place.
    index : bool, default False
        Whether to store the index.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=index)
    return _replace_file(
        Path(path),
        lambda tmp: pq.write_table(table, tmp, compression="zstd", write_statistics=True),
    )


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write bytes (a rendered PDF, an image) through a temporary file renamed into place.

    Parameters
    ----------
    data : bytes
    path : path-like
        Where to write; missing folders are made.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    return _replace_file(Path(path), lambda tmp: tmp.write_bytes(data))


def sha256(path: str | os.PathLike) -> str:
    """Return the SHA-256 checksum of a file as lowercase hex (as ``sha256sum`` prints it).

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
