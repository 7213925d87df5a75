"""The pre-commit checks (`make lint`, run by `make test`) catch what they are meant to catch.

Each test makes a throw-away git repository with the project's ``.pre-commit-config.yaml``
and ``pyproject.toml`` (the ruff settings), plants files in it and runs ``pre-commit run
--all-files`` with the executables of this environment, as `make lint` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _notebook(with_output: bool) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "peo", "display_name": "Python (peo)", "language": "python"}
    cell = nbformat.v4.new_code_cell("x = 1\nx", id="cell-01")
    if with_output:
        cell.execution_count = 1
        cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=1)]
    nb.cells = [nbformat.v4.new_markdown_cell("# Test", id="cell-00"), cell]
    return nbformat.writes(nb) + "\n"


def _run_hooks(tmp_path: Path, files: dict[str, str | bytes]) -> subprocess.CompletedProcess:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (".pre-commit-config.yaml", "pyproject.toml"):
        shutil.copy(REPO / name, repo / name)
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    return subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )


def _status(output: str) -> dict[str, str]:
    """Hook name -> Passed / Failed / (no files to check)Skipped, from pre-commit's report."""
    out = {}
    for line in output.splitlines():
        for word in ("Passed", "Failed", "Skipped"):
            if line.rstrip().endswith(word) and "..." in line:
                out[line.split("...")[0].strip(". ")] = word
    return out


def test_clean_files_pass_every_hook(tmp_path):
    res = _run_hooks(tmp_path, {"notebooks/clean.ipynb": _notebook(False), "peo/mod.py": "X = 1\n"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert set(_status(res.stdout).values()) <= {"Passed", "Skipped"}
    assert "no outputs in source notebooks (nbstripout)" in _status(res.stdout)


def test_a_notebook_committed_with_outputs_fails_the_check(tmp_path):
    res = _run_hooks(tmp_path, {"notebooks/executed.ipynb": _notebook(True)})
    assert res.returncode != 0
    status = _status(res.stdout)
    assert status["no outputs in source notebooks (nbstripout)"] == "Failed", res.stdout
    # The hook strips the notebook (to be added again); it keeps the cell ids.
    stripped = json.loads((tmp_path / "repo" / "notebooks" / "executed.ipynb").read_text())
    code = [c for c in stripped["cells"] if c["cell_type"] == "code"][0]
    assert code["outputs"] == [] and code["execution_count"] is None and code["id"] == "cell-01"


def test_lint_errors_private_keys_and_large_files_fail(tmp_path):
    key = (
        "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow\n-----END RSA " + "PRIVATE KEY-----\n"
    )  # split: this file is scanned too
    res = _run_hooks(
        tmp_path,
        {
            "peo/unused.py": "import os\n",
            "deploy/id_rsa": key,
            "data/big.bin": b"\0" * (600 * 1024),
        },
    )
    assert res.returncode != 0
    status = _status(res.stdout)
    assert status["lint Python (ruff check)"] == "Failed"
    assert status["no private keys"] == "Failed"
    assert status["no large files (over 500 kB)"] == "Failed"
    assert "F401" in res.stdout
