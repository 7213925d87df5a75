"""Tests of notebooks/01_clean.ipynb and of what it reads (peo.pipeline.cleaning.read_clean).

The notebook shows what the cleaning step wrote; it does not clean (it never calls back
into the pipeline). The runs work in a temporary folder (PEO_ROOT) with a copy of data/raw,
codebooks and what the session's demo build cleaned for wave 2022; the tests check that the
notebook wrote nothing, neither there nor in the repository's own data/processed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import TINY_CSV, copy_processed

from peo.errors import ConfigError
from peo.pipeline import cleaning, notebooks

REPO = Path(__file__).resolve().parent.parent
#: The tiny wave's export with one more row, which did not consent.
TINY_CSV_WITH_EXCLUSION = TINY_CSV + "r4,0,1,1,4,3,1,0,\n"
NOTEBOOK = REPO / "notebooks" / "01_clean.ipynb"


def _copy_root(tmp_path: Path, built: Path) -> Path:
    """A copy of the raw data and codebooks with wave 2022 as cleaning wrote it, taken from the
    session's demo build (``built_demo``) instead of cleaning again."""
    return copy_processed(built, tmp_path / "root", ("2022",), tables=False)


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
    assert nb.metadata["kernelspec"]["name"] == notebooks.KERNEL_NAME


def test_notebook_cells_are_thin():
    """Every code cell after the parameters is a few lines that call peo."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][1:]
    for cell in code:
        lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
        assert len(lines) <= 12, cell.source
        assert not re.search(r"\b(for|while|def|class|lambda)\b", cell.source), cell.source
        assert "read_csv" not in cell.source and "groupby" not in cell.source
        # It shows what cleaning wrote; it does not clean again or call the pipeline.
        assert "clean_wave" not in cell.source and "clean_frame" not in cell.source
        assert not re.search(r"\bpeo\.pipeline\.(engine|builder|steps)\b|import (engine|builder)", cell.source)


def test_read_clean_gives_back_what_cleaning_wrote(tiny_wave):
    written = cleaning.clean_wave("9999")
    read = cleaning.read_clean("9999")
    pd.testing.assert_frame_equal(read.flow, written.flow, check_dtype=False)
    assert len(read.exclusions) == len(written.exclusions)
    assert len(read.recodes) == len(written.recodes)
    assert read.respondents.empty  # personal data only when asked for
    assert len(cleaning.read_clean("9999", respondents=True).respondents) == len(written.respondents)


def test_read_clean_says_when_the_wave_was_not_cleaned(tiny_wave):
    with pytest.raises(ConfigError, match=r"has not been cleaned.*python -m peo clean --wave 9999"):
        cleaning.read_clean("9999")


def test_read_clean_refuses_files_that_do_not_account_for_every_respondent(tiny_wave):
    tiny_wave.write(TINY_CSV_WITH_EXCLUSION)
    cleaning.clean_wave("9999")
    exclusions = tiny_wave.root / "data" / "processed" / "9999" / "exclusions.csv"
    lines = exclusions.read_text().splitlines()
    assert len(lines) == 2  # header and the one excluded respondent
    exclusions.write_text(lines[0] + "\n")  # a respondent disappears from the account
    with pytest.raises(ConfigError, match="do not account for every respondent"):
        cleaning.read_clean("9999")


@pytest.mark.slow
def test_notebook_runs_under_papermill(tmp_path, built_demo):
    """The notebook as committed, with its default parameters (wave 2022; papermill is given
    none), runs from top to bottom without an error, writes nothing, and shows the flow.

    Every code cell is executed and none has an error output."""
    root = _copy_root(tmp_path, built_demo)
    repo_processed = _snapshot(REPO / "data" / "processed")
    cleaned = _snapshot(root / "data" / "processed")
    out = tmp_path / "out.ipynb"
    res = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOK), str(out), "--no-progress-bar"],
        cwd=REPO,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert _snapshot(root / "data" / "processed") == cleaned, "the notebook wrote into data/processed"
    assert sorted(p.name for p in (root / "data" / "processed" / "2022").iterdir()) == sorted(cleaning.CLEAN_FILES)
    assert _snapshot(REPO / "data" / "processed") == repo_processed
    flow = pd.read_csv(root / "data" / "processed" / "2022" / "flow.csv")
    executed = nbformat.read(out, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert 'wave = "2022"' in code[0].source
    assert not [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    text = _outputs_text(executed)
    assert "ERROR" not in text
    assert "geanalyseerd" in text and "Uitgevallen" in text
    # The flow under the disclosure threshold (issue 11, peo.tables.disclosure.process): the
    # analysed count is on the page; steps with fewer than 10 left between them are merged.
    assert str(flow["n"].iloc[-1]) in text
    small = [int(x) for x in flow["excluded"] if 0 < int(x) < 10]
    if small:
        assert "samengevoegd met de volgende stap" in text and "minder dan 10" in text
    # No respondent-level rows on a page that may be published: no pseudonymous ids.
    assert not re.search(r"\b2022-\d{4}\b", text)


@pytest.mark.slow
def test_notebook_runs_under_nbval(tmp_path, built_demo):
    """``pytest --nbval-lax notebooks/01_clean.ipynb``, the check the README gives students and
    researchers for a notebook they changed, passes on the committed notebook and writes nothing.

    (The analysis notebooks are run under papermill only: one nbval run shows that the
    documented check works, and every further kernel costs the test run several seconds.)"""
    root = _copy_root(tmp_path, built_demo)
    repo_processed = _snapshot(REPO / "data" / "processed")
    cleaned = _snapshot(root / "data" / "processed")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", str(NOTEBOOK)],
        cwd=REPO,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"\b\d+ passed\b", res.stdout) and "failed" not in res.stdout, res.stdout
    assert _snapshot(root / "data" / "processed") == cleaned
    assert sorted(p.name for p in (root / "data" / "processed" / "2022").iterdir()) == sorted(cleaning.CLEAN_FILES)
    assert _snapshot(REPO / "data" / "processed") == repo_processed
