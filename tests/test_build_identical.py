"""End to end: two builds of the demo waves from clean make the same bytes.

A second repository copy is built from clean and compared, file by file, with the session's
demo build (fixture ``built_demo`` in ``conftest.py``).

The second build starts before the test asks for the session's build: under ``make test``
(two workers, ``--dist loadfile``) this file runs on one worker while the other builds the
session's demo book, so the two builds run side by side instead of one after the other
(the order of the files is set in ``conftest.py``, :data:`conftest.HEAVY_FIRST`). The test
was in ``test_build_e2e.py``, whose other tests all start from the session's build.
"""

from __future__ import annotations


import pytest

from conftest import copy_repository, run_build

from peo.io import sha256

pytestmark = pytest.mark.slow

#: Outputs that are compared byte for byte between two builds from clean.
IDENTICAL = (
    "data/processed/*/respondents.parquet",
    "data/processed/*/*.csv",
    "data/processed/*/tables/*.csv",
    "data/processed/*/tables/*.json",
    "data/processed/*/tables/factsheet.pdf",
    "data/processed/*/tables/factsheet.png",
    "data/processed/trends/*",
    "book/waves/**/*.ipynb",
    "book/_build/html/**/*.html",
    "book/_build/html/_images/*.png",
    "book/_build/html/waves/*/*-rapport.pdf",
)


def test_two_builds_from_clean_are_byte_identical(request, tmp_path):
    other = copy_repository(tmp_path / "repo")
    res = run_build(other)
    assert res.returncode == 0, res.stdout + res.stderr
    # Only now the session's build: built meanwhile by the other worker, or here and now.
    built_demo = request.getfixturevalue("built_demo")
    compared = 0
    different = []
    for pattern in IDENTICAL:
        first = sorted(p.relative_to(built_demo) for p in built_demo.glob(pattern))
        second = sorted(p.relative_to(other) for p in other.glob(pattern))
        assert first == second, f"{pattern}: the two builds made different files"
        for rel in first:
            compared += 1
            if sha256(built_demo / rel) != sha256(other / rel):
                different.append(str(rel))
    assert compared > 100
    assert different == []
