"""Stand-ins for the real step functions in tests/test_pipeline.py.

A Python step's target is a function that another process imports by name, so the stand-in
lives in a module of its own (the tests put ``tests/`` on that process's ``PYTHONPATH``).
"""

import os
from pathlib import Path

from peo.errors import ConfigError

__all__ = ["write_results"]


def write_results(wave):
    """Stand-in for the results step: one file per wave, from n1.txt or the codebook."""
    root = Path(os.environ["PEO_ROOT"])
    folder = root / "data" / "processed" / wave
    folder.mkdir(parents=True, exist_ok=True)
    n1 = folder / "n1.txt"  # written by the n1 notebook, when it is among the steps
    text = n1.read_text() if n1.exists() else (root / "data" / "raw" / wave / "codebook.yml").read_text()
    if "broken" in text:
        raise ConfigError(f"wave {wave}: the codebook says broken")
    (folder / "results.txt").write_text(f"results of {wave}: {text}")
