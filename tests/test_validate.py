"""Tests of peo.ingest.validate: the pandera schema, the report, and `python -m peo validate`."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyreadstat
import pytest

from conftest import TINY_CSV, snapshot
from peo.survey import config
from peo import paths
from peo.errors import ConfigError, WaveNotFoundError
from peo.ingest.load import read_wave
from peo.ingest.validate import REPORT_COLUMNS, schema_for, validate_frame, validate_path
from peo.ingest.validate_report import summary

ROWS = TINY_CSV.splitlines()


def _with_row(line_no: int, **changes: str) -> str:
    """TINY_CSV with the data row on ``line_no`` (2, 3 or 4) changed column by column."""
    header = ROWS[0].split(",")
    rows = [r.split(",") for r in ROWS]
    for col, value in changes.items():
        rows[line_no - 1][header.index(col)] = value
    return "\n".join(",".join(r) for r in rows) + "\n"


def _report(tiny_wave) -> pd.DataFrame:
    wave = config.load_wave("9999")
    return validate_frame(read_wave(wave), wave.codebook(), wave)


# ----------------------------------------------------------------------------- the schema and report


def test_valid_export_has_an_empty_report(tiny_wave, validate_cli):
    rep = _report(tiny_wave)
    assert list(rep.columns) == REPORT_COLUMNS
    assert rep.empty
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert "usable, no problems found" in text


def test_schema_is_pandera_and_covers_items_and_admin_columns(tiny_wave):
    wave = config.load_wave("9999")
    schema = schema_for(wave.codebook(), wave)
    assert isinstance(schema, pa.DataFrameSchema)
    assert list(schema.columns) == [
        "employer_type",
        "ps_general",
        "years_experience",
        "causes_1",
        "causes_2",
        "remark",
        "resp_id",
        "consent",
        "finished",
    ]
    assert schema.columns["resp_id"].unique
    assert schema.columns["ps_general"].metadata["missing"]["severity"] == "error"
    assert schema.columns["years_experience"].metadata["missing"]["severity"] == "warning"


def test_codes_as_text_float_text_and_missing_codes_are_valid(tiny_wave):
    tiny_wave.write(_with_row(2, ps_general="4.0", employer_type=" 1 ", consent="ja", finished="True"))
    assert _report(tiny_wave).empty


def test_sav_export_with_numeric_codes(tiny_wave, validate_cli):
    raw = pd.DataFrame(
        {
            "resp_id": ["r1", "r2", "r3"],
            "consent": [1.0, 1.0, 1.0],
            "finished": [1.0, 1.0, 1.0],
            "employer_type": [1.0, 2.0, 3.0],
            "ps_general": [4.0, 6.0, 8.0],  # 6 is not a code; 8 is "weet niet"
            "years_experience": [3.0, 12.5, 0.0],
            "causes_1": [1.0, 0.0, 0.0],
            "causes_2": [0.0, 1.0, 0.0],
            "remark": ["Prima", "", "Te druk"],
        }
    )
    elsewhere = tiny_wave.root / "incoming"
    elsewhere.mkdir()
    p = elsewhere / "export.sav"
    pyreadstat.write_sav(raw, str(p), variable_value_labels={"ps_general": {4: "Eens", 8: "Weet niet"}})
    code, text = validate_cli(str(p), "--wave", "9999")
    assert code == 0
    assert "not_a_code: column 'ps_general', 1 row(s): 2; value(s) '6'" in text
    res = validate_path(p, "9999")
    assert res.report[["row", "column", "value", "problem"]].values.tolist() == [[2, "ps_general", "6", "not_a_code"]]


def test_survey_shape_with_rename_reports_raw_names(tiny_wave, validate_cli):
    header = ROWS[0].replace("employer_type", "Q1")
    texts = ",".join(f"Vraag {k}" for k in range(9))
    body = "\n".join(ROWS[1:]).replace("r2,1,1,2", "r2,1,1,5")
    tiny_wave.write(f"{header}\n{texts}\n{texts}\n{body}\n")
    with open(tiny_wave.config, "a", encoding="utf-8") as f:
        f.write("rename:\n  Q1: employer_type\n")
    text = tiny_wave.config.read_text(encoding="utf-8").replace("  format: csv\n", "  format: csv\n  header_rows: 3\n")
    tiny_wave.config.write_text(text, encoding="utf-8")
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    # data starts on line 4; r2 is on line 5; the column is named as in the file
    assert "not_a_code: column 'Q1', 1 row(s): 5; value(s) '5'. Expected: one of 1-3." in text


def test_summary_counts_problems(tiny_wave):
    tiny_wave.write(_with_row(3, ps_general="6").replace("r3,1,1,3,8", "r3,1,1,3,7"))
    s = summary(_report(tiny_wave))
    assert list(s.columns) == ["problem", "severity", "column", "n_rows", "example_rows"]
    assert s.values.tolist() == [["not_a_code", "warning", "ps_general", 2, "3, 4"]]


# ----------------------------------------------------------------------------- usable files with bad rows
# Each passes validation (exit 0) and the problem is listed with row, column, value and
# what was expected.


def test_code_outside_the_scale(tiny_wave, validate_cli):
    tiny_wave.write(_with_row(3, ps_general="6"))
    rep = _report(tiny_wave)
    assert rep[["row", "column", "value", "problem", "severity"]].values.tolist() == [
        [3, "ps_general", "6", "not_a_code", "warning"]
    ]
    assert rep.loc[0, "expected"] == "one of 1-5, or 8 (Weet niet)"
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert str(tiny_wave.export) in text
    assert "not_a_code: column 'ps_general', 1 row(s): 3; value(s) '6'. Expected: one of 1-5, or 8 (Weet niet)." in text


def test_text_in_a_numeric_column(tiny_wave, validate_cli):
    tiny_wave.write(_with_row(4, years_experience="tien"))
    rep = _report(tiny_wave)
    assert rep[["row", "column", "value", "problem"]].values.tolist() == [
        [4, "years_experience", "tien", "not_a_number"]
    ]
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert (
        "not_a_number: column 'years_experience', 1 row(s): 4; value(s) 'tien'. Expected: a number from 0 to 50 (jaar)."
        in text
    )


def test_number_out_of_range(tiny_wave, validate_cli):
    tiny_wave.write(_with_row(2, years_experience="75"))
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert (
        "out_of_range: column 'years_experience', 1 row(s): 2; value(s) '75'. Expected: a number from 0 to 50" in text
    )


def test_duplicate_respondent(tiny_wave, validate_cli):
    tiny_wave.write(_with_row(4, resp_id="r1"))
    rep = _report(tiny_wave)
    assert rep[["row", "column", "value", "problem"]].values.tolist() == [[4, "resp_id", "r1", "duplicate_id"]]
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert "duplicate_id: column 'resp_id', 1 row(s): 4; value(s) 'r1'." in text
    assert "row 2 has the same id" in text


def test_no_consent(tiny_wave, validate_cli):
    tiny_wave.write(_with_row(3, consent="0"))
    rep = _report(tiny_wave)
    assert rep[["row", "column", "value", "problem"]].values.tolist() == [[3, "consent", "0", "no_consent"]]
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert (
        "no_consent: column 'consent', 1 row(s): 3; value(s) '0'. Expected: consent given: one of 1, ja, yes, true."
        in text
    )


def test_incomplete_response(tiny_wave, validate_cli):
    # stopped after the employer question: not finished, required answer missing
    tiny_wave.write(_with_row(4, finished="0", ps_general="", years_experience="", causes_1="", causes_2="", remark=""))
    rep = _report(tiny_wave)
    # the missing required answer is not listed again for a row that is incomplete
    assert rep[["row", "column", "value", "problem"]].values.tolist() == [[4, "finished", "0", "incomplete"]]
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert "incomplete: column 'finished', 1 row(s): 4; value(s) '0'. Expected: a finished response" in text


def test_missing_answer_on_a_finished_response(tiny_wave):
    tiny_wave.write(_with_row(2, ps_general=""))
    rep = _report(tiny_wave)
    assert rep[["row", "column", "value", "problem"]].values.tolist() == [[2, "ps_general", "", "missing_answer"]]


def test_long_listings_are_capped(tiny_wave, validate_cli):
    # years of experience as text in 30 rows: an optional item, so the rows are analysed
    body = "".join(f"x{k},1,1,{1 + k % 3},4,{k} jaar,1,0,\n" for k in range(30))
    tiny_wave.write(ROWS[0] + "\n" + body)
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert "30 row(s): 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 18 more" in text


# ----------------------------------------------------------------------------- unusable: columns, waves, codebooks


def test_missing_required_column(tiny_wave, validate_cli):
    tiny_wave.write("\n".join(",".join(r.split(",")[:4] + r.split(",")[5:]) for r in ROWS) + "\n")
    code, text = validate_cli(str(tiny_wave.export))
    assert code == 1
    assert str(tiny_wave.export) in text
    assert "NOT USABLE" in text
    assert (
        "missing_column: column 'ps_general'. Expected: a column 'ps_general' for required item 'Genoeg ruimte'" in text
    )
    assert "did you mean" not in text


def test_misspelt_required_column(tiny_wave, validate_cli):
    tiny_wave.write(TINY_CSV.replace("ps_general", "ps_genral"))
    code, text = validate_cli(str(tiny_wave.export))
    assert code == 1
    assert str(tiny_wave.export) in text
    assert "did you mean 'ps_genral' -> 'ps_general'?" in text
    rep = validate_path(tiny_wave.export).report
    assert rep.loc[0, ["problem", "column", "severity"]].tolist() == ["missing_column", "ps_general", "error"]


def test_missing_optional_column_is_a_warning(tiny_wave, validate_cli):
    tiny_wave.write("\n".join(",".join(r.split(",")[:-1]) for r in ROWS) + "\n")
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert "missing_column: column 'remark'. Expected: a column 'remark' for optional item 'Opmerking'" in text


def test_unknown_wave_id(tiny_wave, validate_cli):
    code, text = validate_cli("--wave", "1234")
    assert code == 2
    assert "Unknown wave '1234'" in text and "Known waves: 9999" in text
    with pytest.raises(WaveNotFoundError):
        validate_path(wave_id="1234")


def test_codebook_with_duplicate_item_id(tiny_wave, validate_cli):
    cb = tiny_wave.codebook.read_text(encoding="utf-8")
    tiny_wave.codebook.write_text(cb.replace("- id: years_experience", "- id: ps_general"), encoding="utf-8")
    code, text = validate_cli("--wave", "9999")
    assert code == 2
    assert str(tiny_wave.codebook) in text and "item id 'ps_general' is used twice" in text


def test_codebook_with_scale_without_labels(tiny_wave, validate_cli):
    cb = tiny_wave.codebook.read_text(encoding="utf-8")
    start = cb.index("    codes:\n      - {code: 1, nl: Regels")
    end = cb.index("constructs:")
    tiny_wave.codebook.write_text(cb[:start] + cb[end:], encoding="utf-8")
    code, text = validate_cli(str(tiny_wave.export))
    assert code == 2
    assert str(tiny_wave.codebook) in text and "answer scale 'causes'" in text and "has none" in text


# ----------------------------------------------------------------------------- which wave, which file


def test_path_alone_finds_the_wave_folder(tiny_wave):
    other = tiny_wave.write(_with_row(2, ps_general="7"), name="resent.csv")
    res = validate_path(other)
    assert res.wave.id == "9999" and res.n_rows == 3 and res.usable
    assert res.report["row"].tolist() == [2] and res.file == str(other)


def test_path_outside_a_wave_needs_the_wave(tiny_wave, validate_cli):
    p = tiny_wave.root / "export.csv"
    p.write_text(TINY_CSV, encoding="utf-8")
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text and "--wave" in text
    with pytest.raises(ConfigError):
        validate_path(p)


def test_no_arguments_validates_every_wave(tiny_wave, validate_cli):
    code, text = validate_cli()
    assert code == 0
    assert "wave 9999" in text


# ----------------------------------------------------------------------------- the demo waves


@pytest.mark.parametrize("wave_id", ["2021", "2022", "2023"])
def test_demo_waves_are_usable(wave_id, monkeypatch, run_cli):
    monkeypatch.delenv("PEO_ROOT", raising=False)
    before = snapshot(paths.raw_dir())
    code, out, err = run_cli("validate", "--wave", wave_id)
    assert code == 0, out + err
    assert "Result: usable" in out
    assert "Traceback" not in out + err
    assert snapshot(paths.raw_dir()) == before
