"""Tests of notebooks/01_clean.ipynb: stored without outputs, runs under papermill and nbval.

The runs work in a copy of data/raw and codebooks in a temporary folder (PEO_ROOT), so
the repository's own data/processed is never written; the tests check that too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from peo.pipeline import build as pipeline

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "01_clean.ipynb"


def _copy_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    return root


def _env(root: Path) -> dict:
    return {**os.environ, "PEO_ROOT": str(root)}


def _snapshot(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                parts.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
            parts.append(str(out.get("text", "")))
            for value in out.get("data", {}).values():
                parts.append(str(value))
    return "\n".join(parts)


def test_source_notebook_has_no_outputs_and_a_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is None and c.outputs == [] for c in code)
    first = code[0]
    assert first.metadata.get("tags") == ["parameters"]
    namespace: dict = {}
    exec(first.source, namespace)  # plain defaults that run as they are
    assert namespace["wave"] == "2022" and namespace["root"] == ""
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    assert nb.metadata["kernelspec"]["name"] == pipeline.KERNEL_NAME


def test_notebook_cells_are_thin():
    """Every code cell after the parameters is a few lines that call peo."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][1:]
    for cell in code:
        lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
        assert len(lines) <= 12, cell.source
        assert not re.search(r"\b(for|while|def|class|lambda)\b", cell.source), cell.source
        assert "read_csv" not in cell.source and "groupby" not in cell.source


@pytest.mark.slow
def test_notebook_runs_under_papermill(tmp_path):
    root = _copy_root(tmp_path)
    repo_processed = _snapshot(REPO / "data" / "processed")
    out = tmp_path / "out.ipynb"
    res = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOK), str(out), "-p", "wave", "2022", "--no-progress-bar"],
        cwd=REPO, env=_env(root), capture_output=True, text=True, timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    folder = root / "data" / "processed" / "2022"
    assert sorted(p.name for p in folder.iterdir()) == sorted(pipeline.CLEAN_FILES)
    flow = pd.read_csv(folder / "flow.csv")
    assert (flow["n"].diff().iloc[1:] == -flow["excluded"].iloc[1:]).all()
    assert _snapshot(REPO / "data" / "processed") == repo_processed
    text = _outputs_text(nbformat.read(out, as_version=4))
    assert "ERROR" not in text
    assert "geanalyseerd" in text and "Uitgevallen" in text
    # No respondent-level rows on a page that may be published: no pseudonymous ids.
    assert not re.search(r"\b2022-\d{4}\b", text)


@pytest.mark.slow
def test_notebook_runs_under_nbval(tmp_path):
    root = _copy_root(tmp_path)
    repo_processed = _snapshot(REPO / "data" / "processed")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", str(NOTEBOOK)],
        cwd=REPO, env=_env(root), capture_output=True, text=True, timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(p.name for p in (root / "data" / "processed" / "2022").iterdir()) == sorted(pipeline.CLEAN_FILES)
    assert _snapshot(REPO / "data" / "processed") == repo_processed