"""Where the repository keeps its data.

All paths derive from the repository root, which is the parent of the ``peo`` package,
unless the environment variable ``PEO_ROOT`` points elsewhere (the tests use this to
work in a temporary copy).
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    """Return the repository root (``$PEO_ROOT`` if set)."""
    env = os.environ.get("PEO_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def package_dir() -> Path:
    """Folder of the installed ``peo`` package (its data files are under ``data/``)."""
    return Path(__file__).resolve().parent


def package_data(name: str) -> Path:
    """A data file shipped with the package: ``peo/data/<name>``."""
    return package_dir() / "data" / name


def raw_dir() -> Path:
    """Folder of the raw exports, one sub-folder per wave: ``data/raw``."""
    return root() / "data" / "raw"


def processed_dir(wave: str | None = None) -> Path:
    """Folder of the processed data, ``data/processed[/<wave>]``."""
    base = root() / "data" / "processed"
    return base / wave if wave else base


def codebook_dir() -> Path:
    """Folder of the shared codebooks: ``codebooks``."""
    return root() / "codebooks"


def book_dir() -> Path:
    """Folder of the Jupyter Book sources: ``book``."""
    return root() / "book"
