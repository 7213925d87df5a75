"""The set-up files agree with each other: the lock, environment.yml and the Makefile."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _lock_pins() -> list[str]:
    return [
        line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_every_lock_line_is_an_exact_pin():
    pins = _lock_pins()
    assert pins, "requirements.lock is empty"
    bad = [p for p in pins if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", p)]
    assert bad == []


def test_environment_yml_has_the_same_pins_as_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert sorted(p for p in pip if p != "-e .") == sorted(_lock_pins())
    assert "python=3.11" in env["dependencies"]


def test_jupyter_book_is_version_1():
    pins = dict(p.split("==") for p in _lock_pins())
    major = int(pins["jupyter-book"].split(".")[0])
    assert major == 1, "Jupyter Book 2 downloads its theme at build time; these machines are offline"


def test_make_help_is_the_default_and_lists_the_two_commands():
    out = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True, check=True).stdout
    assert "make book" in out and "make test" in out


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme
