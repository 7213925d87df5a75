"""Tests of peo.ingest.load: the readers of raw exports, and unusable files through the CLI."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from conftest import TINY_CSV
from peo.survey import config
from peo.errors import ConfigError, ReadError
from peo.ingest.load import apply_rename, as_number, is_yes, read_export, read_wave

HEADER = TINY_CSV.splitlines()[0]


# ----------------------------------------------------------------------------- CSV readers


def test_comma_and_semicolon_give_the_same_frame(tmp_path):
    comma = tmp_path / "comma.csv"
    semi = tmp_path / "semi.csv"
    comma.write_text(TINY_CSV, encoding="utf-8")
    # a semicolon export whose values hold commas (Dutch decimal comma, a remark)
    semi.write_text(
        TINY_CSV.replace(",", ";").replace("12.5", "12,5").replace("Te druk", "Te druk, echt"), encoding="utf-8"
    )
    a = read_export(comma)
    b = read_export(semi)
    assert a.attrs["delimiter"] == ","
    assert b.attrs["delimiter"] == ";"
    assert list(a.columns) == list(b.columns) == HEADER.split(",")
    assert b.loc[3, "years_experience"] == "12,5"
    assert b.loc[4, "remark"] == "Te druk, echt"
    assert a.drop(columns=["years_experience", "remark"]).equals(b.drop(columns=["years_experience", "remark"]))


def test_values_are_text_empty_is_missing_and_index_is_the_line(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text(TINY_CSV.replace("r2,1,1,2,2,12.5,0,1,", "r2,1,1,2,2,12.5,0,1,NA"), encoding="utf-8")
    df = read_export(p)
    assert df.index.name == "raw_row"
    assert list(df.index) == [2, 3, 4]
    assert df.loc[2, "ps_general"] == "4"  # text, not the number 4
    assert all(pd.api.types.is_string_dtype(df[c]) for c in df.columns)
    assert df.loc[3, "remark"] == "NA"  # not read as missing: reported as found
    assert df.loc[2, "remark"] == "Prima"
    assert df.attrs["source"] == str(p)


def test_missing_value_is_missing(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(TINY_CSV, encoding="utf-8")
    assert pd.isna(read_export(p).loc[3, "remark"])


def test_raw_row_counts_blank_lines_and_multiline_values(tmp_path):
    p = tmp_path / "lines.csv"
    rows = TINY_CSV.splitlines()
    text = "\n".join([rows[0], rows[1].replace("Prima", '"Prima,\necht waar"'), "", rows[2], rows[3]]) + "\n"
    p.write_text(text, encoding="utf-8")
    df = read_export(p)
    # line 1 header; r1 on lines 2-3; line 4 blank; r2 on line 5; r3 on line 6
    assert list(df.index) == [2, 5, 6]
    assert df.loc[2, "remark"] == "Prima,\necht waar"


def test_utf8_bom_is_removed(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + TINY_CSV.replace("Prima", "Caf\u00e9").encode("utf-8"))
    df = read_export(p)
    assert df.columns[0] == "resp_id"
    assert df.loc[2, "remark"] == "Caf\u00e9"
    assert df.attrs["encoding"] == "utf-8"


def test_cp1252_is_read_when_utf8_fails(tmp_path):
    p = tmp_path / "win.csv"
    p.write_bytes(TINY_CSV.replace("Prima", "Caf\u00e9 \u20ac5").encode("cp1252"))
    df = read_export(p)
    assert df.loc[2, "remark"] == "Caf\u00e9 \u20ac5"
    assert df.attrs["encoding"] == "cp1252"


def test_explicit_encoding_is_honoured(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes(TINY_CSV.replace("Prima", "\u00e9\u00e9n").encode("cp1252"))
    assert read_export(p, encoding="cp1252").loc[2, "remark"] == "\u00e9\u00e9n"
    with pytest.raises(ReadError, match=r"cannot be read as utf-8: byte 0xe9 at line 2"):
        read_export(p, encoding="utf-8")
    with pytest.raises(ReadError, match="not a known text encoding"):
        read_export(p, encoding="klingon")


def test_explicit_delimiter_is_honoured_and_checked(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(TINY_CSV, encoding="utf-8")
    with pytest.raises(ReadError, match=r"line 1.*semicolon.*comma"):
        read_export(p, delimiter=";")
    tab = tmp_path / "t.csv"
    tab.write_text(TINY_CSV.replace(",", "\t"), encoding="utf-8")
    assert read_export(tab, delimiter="tab").shape == (3, 9)


def test_survey_tool_shape_with_three_header_rows(tmp_path):
    ids = HEADER.split(",")
    texts = [
        "Respondent",
        "Toestemming",
        "Voltooid",
        "Bij welk type organisatie werkt u?",
        "Ik heb genoeg professionele ruimte.",
        "Hoeveel jaar, ongeveer?",
        "Oorzaken - Regels",
        "Oorzaken - Tijd",
        "Wilt u nog iets kwijt?",
    ]
    imports = [json.dumps({"ImportId": f"QID{k}"}) for k in range(len(ids))]
    buf = io.StringIO()
    pd.DataFrame([texts, imports]).to_csv(buf, header=ids, index=False)
    data = "\n".join(TINY_CSV.splitlines()[1:]) + "\n"
    p = tmp_path / "survey.csv"
    p.write_text(buf.getvalue() + data, encoding="utf-8")
    df = read_export(p, header_rows=3)
    assert list(df.columns) == ids
    assert list(df.index) == [4, 5, 6]
    assert df.attrs["question_text"]["years_experience"] == "Hoeveel jaar, ongeveer?"
    assert df.loc[4, "resp_id"] == "r1"


def test_read_wave_applies_rename(tiny_wave):
    tiny_wave.write(TINY_CSV.replace("employer_type", "Q1"))
    with open(tiny_wave.config, "a", encoding="utf-8") as f:
        f.write("rename:\n  Q1: employer_type\n")
    df = read_wave(config.load_wave("9999"))
    assert "employer_type" in df.columns and "Q1" not in df.columns
    assert df.attrs["rename"] == {"Q1": "employer_type"}


def test_rename_onto_an_existing_column_is_a_config_error(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(TINY_CSV, encoding="utf-8")
    with pytest.raises(ConfigError, match="already has a column 'ps_general'"):
        apply_rename(read_export(p), {"employer_type": "ps_general"})


# ----------------------------------------------------------------------------- Excel and SPSS


def test_xlsx_values_are_text_and_rows_are_spreadsheet_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(HEADER.split(","))
    ws.append(["r1", 1, 1, 1, 4, 3, 1, 0, "Prima"])
    ws.append([None] * 9)  # a blank spreadsheet row: not a respondent
    ws.append(["r2", 1, 1, 2, 2, 12.5, 0, 1, None])
    p = tmp_path / "export.xlsx"
    wb.save(p)
    df = read_export(p, sheet="Data")
    assert list(df.index) == [2, 4]
    assert df.loc[2, "ps_general"] == "4"
    assert df.loc[4, "years_experience"] == "12.5"
    assert pd.isna(df.loc[4, "remark"])
    assert df.attrs["format"] == "xlsx"
    with pytest.raises(ReadError, match="no worksheet 'Blad1'"):
        read_export(p, sheet="Blad1")


def test_xlsx_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "fake.xlsx"
    p.write_text(TINY_CSV, encoding="utf-8")
    with pytest.raises(ReadError, match=r"fake\.xlsx is not an Excel workbook"):
        read_export(p)


def test_sav_keeps_codes_and_labels(tmp_path):
    raw = pd.DataFrame({"resp_id": ["r1", "r2", "r3"], "ps_general": [4.0, 8.0, None], "remark": ["Prima", "", "x"]})
    p = tmp_path / "export.sav"
    pyreadstat.write_sav(
        raw,
        str(p),
        column_labels={"ps_general": "Ik heb genoeg professionele ruimte."},
        variable_value_labels={"ps_general": {4: "Eens", 8: "Weet niet"}},
        missing_ranges={"ps_general": [8]},  # declared user-missing in SPSS: must be kept
    )
    df = read_export(p)
    assert list(df.index) == [1, 2, 3]
    assert pd.api.types.is_numeric_dtype(df["ps_general"])
    assert df["ps_general"].tolist()[:2] == [4.0, 8.0]
    assert pd.isna(df.loc[2, "remark"])
    assert df.attrs["value_labels"]["ps_general"] == {4: "Eens", 8: "Weet niet"}
    assert df.attrs["variable_labels"]["ps_general"] == "Ik heb genoeg professionele ruimte."
    assert df.attrs["question_text"]["ps_general"] == "Ik heb genoeg professionele ruimte."


def test_damaged_sav(tmp_path):
    p = tmp_path / "broken.sav"
    p.write_bytes(b"$FL2" + b"\x01" * 40)
    with pytest.raises(ReadError, match=r"broken\.sav cannot be read as an SPSS data file"):
        read_export(p)


def test_unknown_format(tmp_path):
    p = tmp_path / "export.json"
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(ReadError, match="not supported"):
        read_export(p)


# ----------------------------------------------------------------------------- value helpers


def test_as_number_reads_export_numbers():
    s = pd.Series(["3", "3.0", " 4 ", "2,5", "tien", None, "1e2"])
    got = as_number(s)
    assert str(got.dtype) == "Float64"
    assert got.tolist()[:5] == [3.0, 3.0, 4.0, 2.5, pd.NA]
    assert got.isna().tolist() == [False, False, False, False, True, True, False]
    assert as_number(pd.Series([1.0, float("nan")])).isna().tolist() == [False, True]


def test_is_yes_compares_loosely():
    s = pd.Series(["1", "1.0", "Ja", " yes ", "True", "0", "nee", None])
    assert is_yes(s, (1, "ja", "yes")).tolist() == [True, True, True, True, True, False, False, False]
    assert is_yes(pd.Series([1.0, 0.0, float("nan")]), ("1",)).tolist() == [True, False, False]


# ----------------------------------------------------------------------------- unusable files via the CLI
# Each case: exit code 2 (ReadError), the message names the file and the place, no
# traceback, nothing written (checked by the validate_cli fixture).


def test_cli_truncated_last_row(tiny_wave, validate_cli):
    p = tiny_wave.write(TINY_CSV[: TINY_CSV.rindex("r3,1,1,3") + len("r3,1,1,3")])
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text
    assert "truncated" in text and "line 4" in text and "4 of the 9 values" in text


def test_cli_truncated_inside_a_quote(tiny_wave, validate_cli):
    p = tiny_wave.write(TINY_CSV.replace("Te druk\n", '"Te dru'))
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text and "line 4" in text and "never closed" in text


def test_cli_empty_file(tiny_wave, validate_cli):
    p = tiny_wave.write(b"")
    code, text = validate_cli(str(p))
    assert code == 2
    assert f"{p} is empty" in text


def test_cli_header_only(tiny_wave, validate_cli):
    p = tiny_wave.write(HEADER + "\n")
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text and "only the header (line 1)" in text and "no data rows" in text


def test_cli_repeated_header_name(tiny_wave, validate_cli):
    p = tiny_wave.write(TINY_CSV.replace("years_experience", "ps_general", 1))
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text
    assert "'ps_general' twice" in text and "line 1" in text and "column 5 (E) and column 6 (F)" in text


def test_cli_delimiter_cannot_be_determined(tiny_wave, validate_cli):
    p = tiny_wave.write(TINY_CSV.replace(",", "|"))
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text and "delimiter" in text and "line 1" in text


def test_cli_encoding_cannot_be_read(tiny_wave, validate_cli):
    # 0x81 is a character neither in UTF-8 (alone) nor in Windows-1252
    p = tiny_wave.write(TINY_CSV.encode("utf-8").replace(b"r2,", b"r\x812,"))
    code, text = validate_cli(str(p))
    assert code == 2
    assert str(p) in text and "encoding" in text and "byte 0x81 at line 3, byte 2" in text


@pytest.mark.parametrize(
    "content, what",
    [
        (None, "zip archive"),  # an Excel workbook saved under a .csv name
        (b"$FL2@(#) IBM SPSS STATISTICS" + b"\x00" * 64, "SPSS data file"),
        (TINY_CSV.encode("utf-8")[: len(HEADER) + 5] + b"\x00\x00\x07\x00" * 8, "NUL bytes, first at line 2, byte 5"),
    ],
    ids=["xlsx", "sav", "nul"],
)
def test_cli_binary_file_with_csv_name(tiny_wave, validate_cli, content, what):
    if content is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
        content = buf.getvalue()
    p = tiny_wave.write(content)
    code, text = validate_cli(str(p))
    assert code == 2
    assert f"{p} is not a text (CSV) file" in text and what in text


def test_cli_missing_file(tiny_wave, validate_cli):
    code, text = validate_cli(str(tiny_wave.dir / "nothere.csv"))
    assert code == 2
    assert "nothere.csv does not exist" in text


def test_row_with_too_many_values(tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text(TINY_CSV.replace("r2,1,1,2,2,12.5,0,1,", "r2,1,1,2,2,12,5,0,1,"), encoding="utf-8")
    with pytest.raises(ReadError, match=r"wide\.csv, line 3: the row has 10 values but the header \(line 1\) has 9"):
        read_export(p)


def test_short_row_inside_the_file(tmp_path):
    p = tmp_path / "short.csv"
    p.write_text(TINY_CSV.replace("r2,1,1,2,2,12.5,0,1,", "r2,1,1,2"), encoding="utf-8")
    with pytest.raises(ReadError, match=r"short\.csv, line 3: the row has 4 values"):
        read_export(p)


def test_unnamed_column_with_values(tmp_path):
    p = tmp_path / "unnamed.csv"
    p.write_text(TINY_CSV.replace("finished,", ",", 1), encoding="utf-8")
    with pytest.raises(ReadError, match=r"column 3 \(C\) has no name in the header \(line 1\)"):
        read_export(p)
    # a trailing delimiter on every line gives an empty, unnamed column: dropped
    q = tmp_path / "trailing.csv"
    q.write_text("".join(line + ",\n" for line in TINY_CSV.splitlines()), encoding="utf-8")
    assert read_export(q).shape == (3, 9)
