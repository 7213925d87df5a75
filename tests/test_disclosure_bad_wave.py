"""Issue 11, bad input: a demo wave with a group of 6, a function category of 6 and a theme
question answered by 8 people still builds, publishes nothing that gives a hidden number back,
and says what was withheld and why.

The 2022 demo export (a copy) is changed: all but 6 GI respondents become JZ or LT, the first
6 respondents get a function nobody else has, and only the first 8 rows answer
``t22_overtime``. Only that wave is built, without the book (``--wave 2022 --no-book``); the
publication check then reads its data package and executed notebooks.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import build_env, copy_repository, run_build

pytestmark = pytest.mark.slow

WAVE = "2022"
THEME_ITEM = "t22_overtime"
PRIMARY_NL = "te weinig respondenten (minder dan 10)"
SECONDARY_NL = "verborgen om een andere cel te beschermen"


def make_bad(root: Path) -> None:
    """Change the copied 2022 export: GI of 6, a function category of 6, a theme item of 8."""
    path = root / "data" / "raw" / WAVE / "peo2022_export.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    head, data = rows[:3], rows[3:]  # three header rows (survey-tool shape)
    col = {name: k for k, name in enumerate(head[0])}
    gi = 0
    for k, r in enumerate(data):
        if r[col["Q1"]] == "1":  # GI
            gi += 1
            if gi > 6:
                r[col["Q1"]] = "2" if gi % 2 else "3"
        r[col["Q2"]] = "3" if k < 6 else ("1" if r[col["Q2"]] == "3" else r[col["Q2"]])
        if k >= 8:
            r[col[THEME_ITEM]] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(head + data)
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "peo", "manifest"], cwd=root, env=build_env(root), check=True)


@pytest.fixture(scope="module")
def bad_wave(tmp_path_factory) -> Path:
    root = copy_repository(tmp_path_factory.mktemp("bad") / "repo")
    make_bad(root)
    res = run_build(root, "--wave", WAVE, "--no-book")
    assert res.returncode == 0, f"the build of the changed wave failed:\n{res.stdout}\n{res.stderr}"
    return root


def _tables(root: Path) -> Path:
    return root / "data" / "processed" / WAVE / "tables"


def test_the_small_group_and_its_complement_are_hidden_everywhere(bad_wave):
    resp = json.loads((_tables(bad_wave) / "key_figures.json").read_text(encoding="utf-8"))["response"]
    assert resp["by_group"]["GI"] is None
    hidden = {g for g, v in resp["by_group"].items() if v is None}
    assert len(hidden) == 2, resp  # GI and one complement: the total does not give GI back
    assert resp["withheld"]["GI"] == "primary"
    (partner,) = hidden - {"GI"}
    assert resp["withheld"][partner] == "secondary"
    # the total is shown; what it gives back is the two hidden groups together, at least 10
    assert resp["analysed"] - sum(v for v in resp["by_group"].values() if v is not None) >= 10
    checked = partner_secondary = 0
    for path in sorted(_tables(bad_wave).glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "group" not in frame.columns or "suppression" not in frame.columns:
            continue
        for g in hidden:
            rows = frame[frame["group"] == g]
            if rows.empty:
                continue
            checked += 1
            assert (rows["suppressed"] == "True").all(), (path.name, g)
            if "n" in rows and "reference" not in rows:  # a model's n is the model's, not the group's
                assert (rows["n"] == "").all(), (path.name, g)
            if resp["withheld"][g] == "primary":
                assert (rows["suppression"] == "primary").all(), (path.name, g)
            else:  # the partner: secondary, unless a cell of its own is below the threshold too
                assert rows["suppression"].isin(["primary", "secondary"]).all(), (path.name, g)
                partner_secondary += int((rows["suppression"] == "secondary").sum())
    assert checked >= 10 and partner_secondary > 0


def test_the_theme_question_answered_by_8_is_withheld_as_too_few(bad_wave):
    frame = pd.read_csv(_tables(bad_wave) / "theme_by_group.csv", dtype=str, keep_default_na=False)
    rows = frame[frame["item"] == THEME_ITEM]
    assert not rows.empty and (rows["suppressed"] == "True").all()
    assert (rows.loc[rows["group"] == "totaal", "suppression"] == "primary").all()


def test_check_publication_passes(bad_wave):
    res = subprocess.run(
        [sys.executable, "-m", "peo", "check-publication"],
        cwd=bad_wave,
        env=build_env(bad_wave),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings" in res.stdout


def test_the_pages_say_what_was_withheld_and_why(bad_wave):
    text = (bad_wave / "book" / "waves" / WAVE / "02_professional_space.ipynb").read_text(encoding="utf-8")
    assert f"GI: {PRIMARY_NL}" in text
    assert SECONDARY_NL in text
