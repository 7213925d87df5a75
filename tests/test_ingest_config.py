"""wave.yml for real exports (issue 9): completion, codebooks without fallback, dates, loud refusals.

Also the reversed SPSS fixture: demo wave 2021 written by pyreadstat with agree5 numbered
the other way round (1 = "Helemaal eens"), which must never build, and which cleans to
exactly the demo's respondents with the mapping the refusal suggests.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from conftest import TINY_WAVE_YML, snapshot
from peo.errors import ConfigError, ValidationError
from peo.ingest.clean import clean_frame
from peo.ingest.dates import read_times
from peo.ingest.load import read_wave
from peo.ingest.validate import validate_path
from peo.ingest.validate_report import format_report
from peo.pipeline.cleaning import clean_wave
from peo.survey import config

REPO = Path(__file__).resolve().parents[1]
HEADER = "resp_id,consent,finished,employer_type,ps_general,years_experience,causes_1,causes_2,remark"


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _yml(tiny_wave, text: str) -> None:
    tiny_wave.config.write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- completion


def test_a_wave_without_completion_is_a_config_error(tiny_wave, run_cli):
    _yml(tiny_wave, TINY_WAVE_YML.replace("completion: {rule: yes_value, column: finished}\n", ""))
    with pytest.raises(ConfigError, match="'completion' is missing.*every_row"):
        config.load_wave("9999")
    code, _, err = run_cli("validate", "--wave", "9999")
    assert code != 0 and "completion" in err and "Traceback" not in err


def test_columns_finished_is_refused_with_the_block_to_write(tiny_wave):
    _yml(
        tiny_wave,
        TINY_WAVE_YML.replace("completion: {rule: yes_value, column: finished}\n", "").replace(
            "  consent: consent\n", "  consent: consent\n  finished: finished\n"
        ),
    )
    with pytest.raises(ConfigError, match=r"(?s)columns.finished is replaced by .completion..*column: finished"):
        config.load_wave("9999")


def test_filled_rule_excludes_a_response_without_submitdate(tiny_wave):
    header = "resp_id,consent,submitdate,employer_type,ps_general,years_experience,causes_1,causes_2,remark"
    tiny_wave.write(
        _csv(
            "r1,1,2022-02-14 13:27:56,1,4,3,1,0,",
            "r2,1,,2,2,12,0,1,",
            "r3,1, ,3,8,0,0,0,",
            "r4,1,2022-02-15 09:00:00,2,5,7,0,1,",
            header=header,
        )
    )
    _yml(tiny_wave, TINY_WAVE_YML.replace("column: finished}", "column: submitdate}").replace("yes_value", "filled"))
    w = config.load_wave("9999")
    res = clean_frame(read_wave(w), w.codebook(), w)
    ex = res.exclusions.set_index("raw_row")
    assert sorted(ex.index) == [3, 4]
    assert set(ex["reason"]) == {"incomplete"}
    assert ex.loc[3, "detail"] == "niet verzonden volgens de export (submitdate: leeg)"
    assert len(res.respondents) == 2


def test_every_row_rule_still_requires_the_required_items(tiny_wave):
    tiny_wave.write(_csv("r1,1,0,1,4,3,1,0,", "r2,1,0,2,,12,0,1,", "r3,1,0,3,8,0,0,0,"))
    _yml(tiny_wave, TINY_WAVE_YML.replace("{rule: yes_value, column: finished}", "every_row"))
    w = config.load_wave("9999")
    res = clean_frame(read_wave(w), w.codebook(), w)
    assert res.exclusions["raw_row"].tolist() == [3] and len(res.respondents) == 2


def test_a_completion_column_that_does_not_exist(tiny_wave, validate_cli, run_cli):
    _yml(tiny_wave, TINY_WAVE_YML.replace("column: finished}", "column: submitdate}"))
    res = validate_path(wave_id="9999")
    err = res.report[res.report["severity"] == "error"]
    assert err[["column", "problem"]].values.tolist() == [["submitdate", "missing_column"]]
    assert "completion column" in err.iloc[0]["expected"]
    code, text = validate_cli("--wave", "9999")
    assert code == 1 and "submitdate" in text
    before = snapshot(tiny_wave.root)
    code, _, err_text = run_cli("clean", "--wave", "9999")
    assert code != 0 and "submitdate" in err_text and "Traceback" not in err_text
    assert snapshot(tiny_wave.root) == before


@pytest.mark.parametrize(
    "block, message",
    [
        ("completion: {rule: finished}", r"completion.rule.*'finished'"),
        ("completion: {rule: filled}", "needs 'column'"),
        ("completion: {rule: every_row, column: x}", "takes no 'column'"),
    ],
)
def test_a_malformed_completion_block(tiny_wave, block, message):
    _yml(tiny_wave, TINY_WAVE_YML.replace("completion: {rule: yes_value, column: finished}", block))
    with pytest.raises(ConfigError, match=message):
        config.load_wave("9999")


# ----------------------------------------------------------------------------- 0 respondents, shares


def test_a_wave_with_0_analysed_respondents_is_refused(tiny_wave, validate_cli, run_cli):
    tiny_wave.write(_csv("r1,0,1,1,4,3,1,0,", "r2,nee,1,2,2,12,0,1,", "r3,0,1,3,8,0,0,0,"))
    res = validate_path(wave_id="9999")
    assert not res.usable and res.n_analysed == 0
    assert "no_respondents" in res.report["problem"].tolist()
    code, text = validate_cli("--wave", "9999")
    assert code == 1 and "0 respondents" in text
    with pytest.raises(ValidationError, match="0 respondents"):
        clean_wave("9999")
    before = snapshot(tiny_wave.root)
    code, _, err = run_cli("clean", "--wave", "9999")
    assert code != 0 and "0 respondents" in err and "Traceback" not in err
    assert snapshot(tiny_wave.root) == before


def test_more_than_the_stated_share_excluded_is_not_usable(tiny_wave):
    tiny_wave.write(_csv("r1,1,1,1,4,3,1,0,", "r2,0,1,2,2,12,0,1,", "r3,0,1,3,8,0,0,0,"))
    res = validate_path(wave_id="9999")
    assert not res.usable
    row = res.report[res.report["problem"] == "too_many_excluded"].iloc[0]
    assert "exclude 2 of 3 rows" in row["expected"] and "no_consent: 2" in row["expected"]
    _yml(tiny_wave, TINY_WAVE_YML + "cleaning:\n  max_excluded_share: 0.7\n")
    assert validate_path(wave_id="9999").usable


def test_columns_with_data_that_nothing_uses_are_listed(tiny_wave):
    header = HEADER + ",Status,lastpage,empty"
    tiny_wave.write(
        _csv("r1,1,1,1,4,3,1,0,,IP,3,", "r2,1,1,2,2,12,0,1,,IP,3,", "r3,1,1,3,8,0,0,0,,IP,3,", header=header)
    )
    res = validate_path(wave_id="9999")
    assert res.usable and res.unused_columns == ("Status", "lastpage")
    assert "columns with data that nothing uses (2): Status, lastpage" in format_report(res)
    _yml(tiny_wave, TINY_WAVE_YML.replace("  consent: consent\n", "  consent: consent\n  ignore: [Status, lastpage]\n"))
    assert validate_path(wave_id="9999").unused_columns == ()


def test_a_mostly_non_code_required_item_is_an_error(tiny_wave):
    tiny_wave.write(_csv("r1,1,1,1,x,3,1,0,", "r2,1,1,2,y,12,0,1,", "r3,1,1,3,4,0,0,0,"))
    _yml(tiny_wave, TINY_WAVE_YML + "cleaning:\n  unknown_code_share: 1\n  unknown_code_min_cells: 2\n")
    res = validate_path(wave_id="9999")
    row = res.report[res.report["problem"] == "mostly_not_codes"].iloc[0]
    assert row["column"] == "ps_general" and "2 of its 3 answered cells" in row["expected"] and not res.usable
    _yml(tiny_wave, TINY_WAVE_YML + "cleaning:\n  unknown_code_share: 1\n")  # 2 cells: below the minimum of 5
    assert "mostly_not_codes" not in validate_path(wave_id="9999").report["problem"].tolist()


# ----------------------------------------------------------------------------- codebooks


def test_a_bare_codebook_name_does_not_fall_back_to_the_shared_folder(tiny_wave):
    shutil.move(tiny_wave.codebook, tiny_wave.root / "codebooks" / "codebook.yml")
    with pytest.raises(ConfigError) as exc:
        config.load_wave("9999")
    text = str(exc.value)
    assert "codebook 'codebook.yml' is not in the wave folder" in text and "codebooks/codebook.yml" in text
    _yml(tiny_wave, TINY_WAVE_YML.replace("codebooks: [codebook.yml]", "codebooks: [codebooks/codebook.yml]"))
    assert config.load_wave("9999").codebook_paths == ((tiny_wave.root / "codebooks" / "codebook.yml").resolve(),)


def test_a_missing_shared_codebook_is_an_error(tiny_wave):
    _yml(tiny_wave, TINY_WAVE_YML.replace("codebooks: [codebook.yml]", "codebooks: [codebooks/core.yml]"))
    with pytest.raises(ConfigError, match="not in the shared codebooks folder"):
        config.load_wave("9999")


def test_validate_prints_the_full_path_of_every_codebook(tiny_wave, validate_cli):
    code, text = validate_cli("--wave", "9999")
    assert code == 0 and f"    {tiny_wave.codebook.resolve()}" in text


def test_wave_specific_codebooks_are_tracked_by_git():
    for name in ("data/raw/2030/core.yml", "data/raw/2030/theme.yml", "data/raw/2030/wave.yml"):
        res = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO)
        assert res.returncode == 1, f"{name} is git-ignored"
    for name in ("data/raw/2030/export.csv", "data/raw/2030/export.sav"):
        assert subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO).returncode == 0


# ----------------------------------------------------------------------------- dates


def test_the_tools_date_formats_are_read():
    raw = pd.Series(
        [
            "2022-02-14 13:27:56",
            "2022-02-14T12:27:56Z",
            "44606.5610185185",
            "14-2-2022 13:27:56",
            "2022/02/14 1:27:56 p.m. CET",
            "2022/02/14 1:27:56 PM GMT+1",
            "14/02/2022 13:27",
            "",
            None,
        ]
    )
    times, bad = read_times(raw)
    assert not bad.any()
    got = times.dt.strftime("%Y-%m-%d %H:%M").tolist()
    # naive times stay as written; times with a zone are UTC (13:27 CET = 12:27 UTC)
    assert got[:7] == [
        "2022-02-14 13:27",
        "2022-02-14 12:27",
        "2022-02-14 13:27",
        "2022-02-14 13:27",
        "2022-02-14 12:27",
        "2022-02-14 12:27",
        "2022-02-14 13:27",
    ]
    assert times.iloc[7:].isna().all()
    # an Excel serial: 44606 is 2022-02-14 (Excel's own DATE(2022,2,14))
    assert read_times(pd.Series([44606.0]))[0].iloc[0] == pd.Timestamp("2022-02-14")
    _, bad = read_times(pd.Series(["gisteren", "2022-02-30 10:00:00"]))
    assert bad.tolist() == [True, True]
    t, bad = read_times(pd.Series(["02/14/2022 13:27"]), "%m/%d/%Y %H:%M")
    assert not bad.any() and t.iloc[0] == pd.Timestamp("2022-02-14 13:27")


def test_an_unreadable_start_time_is_an_error_naming_column_and_value(tiny_wave):
    header = HEADER + ",start,end"
    tiny_wave.write(
        _csv(
            "r1,1,1,1,4,3,1,0,,2022-02-14 10:00:00,2022-02-14 10:09:00",
            "r2,1,1,2,2,12,0,1,,gisteren,2022-02-14 11:09:00",
            "r3,1,1,3,8,0,0,0,,2022-02-14 12:00:00,2022-02-14 12:10:00",
            header=header,
        )
    )
    _yml(
        tiny_wave, TINY_WAVE_YML.replace("  consent: consent\n", "  consent: consent\n  started: start\n  ended: end\n")
    )
    err = validate_path(wave_id="9999").report.query("severity == 'error'")
    assert err[["row", "column", "value", "problem"]].values.tolist() == [[3, "start", "gisteren", "not_a_date"]]


# ----------------------------------------------------------------------------- the reversed SPSS fixture


@pytest.fixture
def reversed_2021(tmp_path, monkeypatch):
    """A root whose wave 2021 is the demo export with agree5 numbered the other way round."""
    monkeypatch.setenv("PEO_ROOT", str(tmp_path))
    shutil.copytree(REPO / "codebooks", tmp_path / "codebooks")
    wave_dir = tmp_path / "data" / "raw" / "2021"
    shutil.copytree(REPO / "data" / "raw" / "2021", wave_dir)
    df, meta = pyreadstat.read_sav(str(wave_dir / "peo2021_export.sav"), user_missing=True)
    labels = dict(meta.variable_value_labels)
    flip = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    agree = [c for c, lab in labels.items() if lab.get(1) == "Helemaal oneens"]
    assert len(agree) >= 12  # the four space items, the aspects and the theme's agree items
    for c in agree:
        df[c] = df[c].map(lambda v: flip.get(int(v), v) if pd.notna(v) else v)
        labels[c] = {
            **{flip[k]: v for k, v in labels[c].items() if k in flip},
            **{k: v for k, v in labels[c].items() if k not in flip},
        }
    path = wave_dir / "peo2021_export.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=dict(zip(meta.column_names, meta.column_labels)),
        variable_value_labels=labels,
        missing_ranges=meta.missing_ranges or None,
    )
    return wave_dir


def test_a_reversed_spss_export_is_refused(reversed_2021, run_cli):
    res = validate_path(wave_id="2021")
    assert not res.usable
    err = res.report[res.report["severity"] == "error"]
    assert set(err["problem"]) == {"label_conflict"}
    first = err[err["column"] == "ps_general"].iloc[0]["expected"]
    assert "code 1 is labelled 'Helemaal eens' in the export" in first
    assert "the codebook's 1 is 'Helemaal oneens'" in first
    assert "answers: {scales: {agree5: {1: 5, 2: 4, 4: 2, 5: 1}}}" in first
    # the build's cleaning step (notebook 01_clean runs clean_wave) refuses it; nothing is written
    with pytest.raises(ValidationError, match="label_conflict"):
        clean_wave("2021")
    code, _, err_text = run_cli("clean", "--wave", "2021")
    assert code != 0 and "label_conflict" in err_text and "Traceback" not in err_text
    assert not (reversed_2021.parents[2] / "data" / "processed" / "2021").exists()


def test_the_suggested_mapping_gives_the_demo_respondents(reversed_2021, monkeypatch):
    cfg = reversed_2021 / "wave.yml"
    # every scale numbered the other way round is mapped: agree5 and the negatively worded
    # item's agree5_negative (the same answers; codebooks/README.md)
    cfg.write_text(
        cfg.read_text() + "answers:\n  scales:\n    agree5: {1: 5, 2: 4, 4: 2, 5: 1}\n"
        "    agree5_negative: {1: 5, 2: 4, 4: 2, 5: 1}\n"
    )
    assert validate_path(wave_id="2021").usable
    w = config.load_wave("2021")
    got = clean_frame(read_wave(w), w.codebook(), w)
    monkeypatch.setenv("PEO_ROOT", str(REPO))
    demo = config.load_wave("2021")
    want = clean_frame(read_wave(demo), demo.codebook(), demo)
    pd.testing.assert_frame_equal(got.respondents, want.respondents)
    pd.testing.assert_frame_equal(got.exclusions, want.exclusions)
    pd.testing.assert_frame_equal(got.missing_codes, want.missing_codes)
