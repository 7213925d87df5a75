"""Answers as the tools export them reach the codebook, or are refused loudly (issue 9).

peo.ingest.mapping (answers: in wave.yml, automatic label matching), peo.ingest.multi
(multiple-choice shapes) and peo.ingest.evidence (value labels, systematic unknown codes),
through read_wave, validate, clean and the command line, on the tiny wave of conftest.
"""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from conftest import TINY_WAVE_YML, snapshot
from peo.errors import ConfigError, ValidationError
from peo.ingest.clean import clean_frame
from peo.ingest.labels import norm_label, value_key
from peo.ingest.load import read_wave
from peo.ingest.multi import parse_joined
from peo.ingest.validate import validate_path
from peo.pipeline.cleaning import clean_wave
from peo.survey import config

HEADER = "resp_id,consent,finished,employer_type,ps_general,years_experience,causes_1,causes_2,remark"


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _config(tiny_wave, extra: str) -> None:
    tiny_wave.config.write_text(TINY_WAVE_YML + extra, encoding="utf-8")


def _cleaned(wave_id="9999"):
    w = config.load_wave(wave_id)
    cb = w.codebook()
    return clean_frame(read_wave(w, cb), cb, w)


def _errors(res):
    return res.report[res.report["severity"] == "error"]


def test_norm_label_ignores_case_space_quotes_and_trailing_punctuation():
    assert norm_label("  Helemaal   ONEENS. ") == norm_label("helemaal oneens")
    assert norm_label("Don\u2019t know!") == norm_label("don't know") == "don't know"
    assert norm_label('"Eens"') == "eens"
    assert value_key(6) == value_key("6") == value_key(" 6.0 ") == "6"
    assert value_key("-99") == "-99" and value_key("A1") == "t:a1" and value_key("") is None


# ----------------------------------------------------------------------------- label text


def test_label_text_is_matched_in_dutch_and_english(tiny_wave, validate_cli):
    tiny_wave.write(
        _csv(
            "r1,1,1,Gecertificeerde instelling,helemaal EENS.,3,1,0,",
            "r2,1,1,Specialised youth care,\u201cStrongly disagree\u201d,4,0,1,",
            "r3,1,1,Lokaal team, Weet niet ,5,0,0,",
        )
    )
    res = _cleaned()
    r = res.respondents
    assert r["employer_type"].astype(str).tolist() == ["GI", "JZ", "LT"]
    assert r["ps_general"].cat.codes.tolist()[:2] == [4, 0]  # codes 5 and 1
    assert pd.isna(r["ps_general"].iloc[2])
    assert res.missing_codes.set_index("item").loc["ps_general", "count"] == 1  # "Weet niet" -> 8
    code, text = validate_cli("--wave", "9999")
    assert code == 0
    assert "answers mapped to codebook codes" in text
    assert "ps_general: 'helemaal EENS.' -> 5 (label nl, 1 cell(s))" in text
    assert "employer_type: 'Specialised youth care' -> 2 (label en, 1 cell(s))" in text


def test_an_unmatched_label_is_an_error_naming_column_value_count_and_candidates(tiny_wave, validate_cli, run_cli):
    tiny_wave.write(
        _csv(
            "r1,1,1,1,Helemaal mee oneens,3,1,0,",
            "r2,1,1,2,Helemaal mee oneens,4,0,1,",
            "r3,1,1,3,Eens,5,0,0,",
        )
    )
    res = validate_path(wave_id="9999")
    assert not res.usable
    err = _errors(res)
    assert err["problem"].tolist() == ["unmatched_label"]
    row = err.iloc[0]
    assert row["column"] == "ps_general" and row["value"] == "Helemaal mee oneens"
    assert "stands in 2 cell(s)" in row["expected"]
    assert "1 'Helemaal oneens'" in row["expected"]  # the candidate code
    code, text = validate_cli("--wave", "9999")
    assert code == 1 and "unmatched_label" in text
    before = snapshot(tiny_wave.root)
    code, out, err_text = run_cli("clean", "--wave", "9999")
    assert code != 0 and "Helemaal mee oneens" in err_text and "Traceback" not in err_text
    assert snapshot(tiny_wave.root) == before  # nothing written


def test_a_mapping_fixes_the_unmatched_label(tiny_wave):
    tiny_wave.write(
        _csv("r1,1,1,1,Helemaal mee oneens,3,1,0,", "r2,1,1,2,Helemaal mee eens,4,0,1,", "r3,1,1,3,A4,5,0,0,")
    )
    _config(
        tiny_wave,
        "answers:\n  scales:\n    agree5: {Helemaal mee oneens: 1, Helemaal mee eens: 5}\n"
        "  items:\n    ps_general: {A4: 4}\n",
    )
    r = _cleaned().respondents
    assert r["ps_general"].cat.codes.tolist() == [0, 4, 3]


def test_labels_off_leaves_text_to_the_mapping(tiny_wave):
    tiny_wave.write(_csv(*(f"r{n},1,1,{1 + n % 3},Eens,{n},1,0," for n in range(1, 7))))
    _config(tiny_wave, "answers:\n  labels: off\n")
    res = validate_path(wave_id="9999")
    assert "unmatched_label" in _errors(res)["problem"].tolist()


# ----------------------------------------------------------------------------- codes


def test_a_systematic_unknown_code_is_refused_with_a_suggested_mapping(tiny_wave, validate_cli):
    # Qualtrics numbers "Weet niet" 6, the choice after 5: in 5 of 8 cells it is no typo
    tiny_wave.write(_csv(*(f"r{n},1,1,{1 + n % 3},{6 if n <= 5 else 4},{n},1,0," for n in range(1, 9))))
    res = validate_path(wave_id="9999")
    err = _errors(res)
    assert err["problem"].tolist() == ["unknown_code"]
    assert err.iloc[0]["value"] == "6"
    assert "answers.scales.agree5" in err.iloc[0]["expected"] and "8 'Weet niet'" in err.iloc[0]["expected"]
    _config(tiny_wave, "answers:\n  scales:\n    agree5: {6: 8}\n")
    res = _cleaned()
    assert res.recodes.empty
    assert res.missing_codes.set_index("item").loc["ps_general", "count"] == 5


def test_an_isolated_typo_stays_a_row_level_problem(tiny_wave):
    rows = [f"r{n},1,1,{1 + n % 3},{1 + n % 5},{n},1,0," for n in range(1, 40)] + ["r40,1,1,1,7,45,1,0,"]
    tiny_wave.write(_csv(*rows))
    res = validate_path(wave_id="9999")
    assert res.usable
    assert res.report.query("problem == 'not_a_code'")["value"].tolist() == ["7"]
    cleaned = _cleaned()  # ps_general is required: the row leaves the flow with the reason stated
    excluded = cleaned.exclusions.set_index("raw_row")
    assert excluded.loc[41, "reason"] == "incomplete" and "ps_general" in excluded.loc[41, "detail"]
    assert len(cleaned.respondents) == 39


def test_minus_99_mapped_to_null_counts_as_unanswered(tiny_wave):
    tiny_wave.write(_csv("r1,1,1,1,4,-99,1,0,", "r2,1,1,2,4,4,0,1,", "r3,1,1,3,-99,5,0,0,"))
    _config(tiny_wave, "answers:\n  items:\n    years_experience: {-99: null}\n    ps_general: {-99: 8}\n")
    res = _cleaned()
    assert res.recodes.empty
    assert pd.isna(res.respondents["years_experience"].iloc[0])


@pytest.mark.parametrize(
    "answers, words",
    [
        ("answers:\n  scales:\n    agree7: {6: 8}\n", ["answers.scales", "'agree7'"]),
        ("answers:\n  items:\n    ps_genral: {6: 8}\n", ["answers.items", "'ps_genral'"]),
        ("answers:\n  scales:\n    agree5: {6: 7}\n", ["answers.scales", "agree5", "7"]),
        ("answers:\n  items:\n    ps_general: {Eens: 4, 'eens.': 5}\n", ["same answer", "two codes"]),
        ("answers:\n  multi:\n    ps_general: {shape: joined}\n", ["answers.multi", "ps_general"]),
        ("answers:\n  multi:\n    causes: {columns: {7: causes_x}}\n", ["answers.multi", "causes", "7"]),
    ],
)
def test_a_mapping_that_names_an_unknown_scale_item_or_code_is_a_config_error(tiny_wave, run_cli, answers, words):
    _config(tiny_wave, answers)
    with pytest.raises(ConfigError) as exc:
        read_wave(config.load_wave("9999"))
    assert "wave.yml" in str(exc.value)
    for w in words:
        assert w in str(exc.value)
    before = snapshot(tiny_wave.root)
    code, _, err = run_cli("clean", "--wave", "9999")
    assert code != 0 and "Traceback" not in err
    assert snapshot(tiny_wave.root) == before


# ----------------------------------------------------------------------------- multiple choice


def test_parse_joined_matches_labels_that_contain_the_separator():
    options = {"regels, administratie": 1, "tijd": 2, "rules, paperwork": 1}
    assert parse_joined("Regels, administratie, Tijd", ", ", options) == ([1, 2], None)
    assert parse_joined("Tijd", ", ", options) == ([2], None)
    assert parse_joined("Tijd, Regels", ", ", options) == ([], "Regels")
    assert parse_joined("1;2;", ";", {"1": 1, "2": 2}) == ([1, 2], None)


@pytest.mark.parametrize(
    "cells, multi",
    [
        (("1,2", "2", ""), "{shape: joined}"),
        (("Regels;Tijd;", "Tijd", ""), "{shape: joined, values: labels, separator: ';'}"),
        (("Regels, administratie, Tijd", "Tijd", ""), "{shape: joined, values: labels, separator: ', '}"),
    ],
)
def test_a_joined_multiple_choice_column(tiny_wave, cells, multi):
    cb = tiny_wave.codebook.read_text(encoding="utf-8").replace(
        "{code: 1, nl: Regels, en: Rules}", "{code: 1, nl: 'Regels, administratie', en: Rules}"
    )
    if "Regels;" in cells[0]:
        cb = cb.replace("'Regels, administratie'", "Regels")
    tiny_wave.codebook.write_text(cb, encoding="utf-8")
    header = "resp_id,consent,finished,employer_type,ps_general,years_experience,causes,remark"
    tiny_wave.write(_csv(*(f'r{n},1,1,{n},4,3,"{c}",' for n, c in enumerate(cells, 1)), header=header))
    _config(tiny_wave, f"answers:\n  multi:\n    causes: {multi}\n")
    res = validate_path(wave_id="9999")
    assert res.usable and "causes" not in res.unused_columns
    r = _cleaned().respondents
    assert r["causes_1"].tolist()[:2] == [True, False]
    assert r["causes_2"].tolist()[:2] == [True, True]
    assert pd.isna(r["causes_1"].iloc[2])  # nothing chosen


def test_a_joined_cell_with_an_unknown_option_is_an_error_with_its_row(tiny_wave, run_cli):
    header = "resp_id,consent,finished,employer_type,ps_general,years_experience,causes,remark"
    tiny_wave.write(_csv("r1,1,1,1,4,3,Regels;Tijd,", "r2,1,1,2,4,3,Tijd;Geld,", "r3,1,1,3,4,3,,", header=header))
    _config(tiny_wave, "answers:\n  multi:\n    causes: {shape: joined, values: labels, separator: ';'}\n")
    err = _errors(validate_path(wave_id="9999"))
    assert err[["row", "column", "value", "problem"]].values.tolist() == [[3, "causes", "Tijd;Geld", "unknown_option"]]
    with pytest.raises(ValidationError, match="Tijd;Geld"):
        clean_wave("9999")


@pytest.mark.parametrize("chosen, yes", [("[Y]", "Y"), ("[label]", "Tijd"), ("[code]", "2")])
def test_split_columns_with_other_chosen_values(tiny_wave, chosen, yes):
    header = "resp_id,consent,finished,employer_type,ps_general,years_experience,c_a,c_b,remark"
    first = {"[Y]": "Y", "[label]": "Regels", "[code]": "1"}[chosen]
    tiny_wave.write(_csv(f"r1,1,1,1,4,3,{first},,", f"r2,1,1,2,4,3,,{yes},", "r3,1,1,3,4,3,,,", header=header))
    _config(tiny_wave, f"answers:\n  multi:\n    causes: {{columns: {{1: c_a, 2: c_b}}, chosen: {chosen}}}\n")
    r = _cleaned().respondents
    assert r["causes_1"].tolist()[:2] == [True, False] and r["causes_2"].tolist()[:2] == [False, True]


# ----------------------------------------------------------------------------- SPSS value labels


def _write_sav(tiny_wave, labels: dict, ps_values: list) -> None:
    df = pd.DataFrame(
        {
            "resp_id": ["r1", "r2", "r3"],
            "consent": [1.0] * 3,
            "finished": [1.0] * 3,
            "employer_type": [1.0, 2.0, 3.0],
            "ps_general": ps_values,
            "years_experience": [3.0, 4.0, 5.0],
            "causes_1": [1.0, 0.0, 0.0],
            "causes_2": [0.0, 1.0, 0.0],
            "remark": ["", "", ""],
        }
    )
    pyreadstat.write_sav(df, str(tiny_wave.dir / "export.sav"), variable_value_labels={"ps_general": labels})
    tiny_wave.config.write_text(
        TINY_WAVE_YML.replace("export.csv\n  format: csv", "export.sav\n  format: sav"), encoding="utf-8"
    )


REVERSED = {1: "Helemaal eens", 2: "Eens", 3: "Neutraal", 4: "Oneens", 5: "Helemaal oneens", 8: "Weet niet"}


def test_value_labels_that_contradict_the_codebook_are_refused(tiny_wave, run_cli):
    _write_sav(tiny_wave, REVERSED, [1.0, 5.0, 2.0])
    err = _errors(validate_path(wave_id="9999"))
    assert err["problem"].tolist() == ["label_conflict"]
    text = err.iloc[0]["expected"]
    assert "Item ps_general: code 1 is labelled 'Helemaal eens'" in text
    assert "the codebook's 1 is 'Helemaal oneens'" in text
    assert "answers: {scales: {agree5: {1: 5, 2: 4, 4: 2, 5: 1}}}" in text
    before = snapshot(tiny_wave.root)
    code, _, err_text = run_cli("clean", "--wave", "9999")
    assert code != 0 and "label_conflict" in err_text and "Traceback" not in err_text
    assert snapshot(tiny_wave.root) == before


def test_the_suggested_mapping_follows_the_labels(tiny_wave):
    _write_sav(tiny_wave, REVERSED, [1.0, 5.0, 2.0])
    tiny_wave.config.write_text(
        tiny_wave.config.read_text() + "answers:\n  scales:\n    agree5: {1: 5, 2: 4, 4: 2, 5: 1}\n"
    )
    assert validate_path(wave_id="9999").usable
    assert _cleaned().respondents["ps_general"].astype(str).tolist() == ["Helemaal eens", "Helemaal oneens", "Eens"]


def test_a_value_with_its_own_label_is_an_unknown_code_with_a_suggestion(tiny_wave):
    labels = {1: "Helemaal oneens", 2: "Oneens", 3: "Neutraal", 4: "Eens", 5: "Helemaal eens", 6: "Weet niet"}
    _write_sav(tiny_wave, labels, [1.0, 6.0, 4.0])
    err = _errors(validate_path(wave_id="9999"))
    assert err["problem"].tolist() == ["unknown_code"]
    assert "{6: 8} (its label 'Weet niet'" in err.iloc[0]["expected"]


def test_two_raw_values_with_one_label_that_become_two_codes(tiny_wave):
    labels = {
        1: "Helemaal oneens",
        2: "Oneens",
        3: "Neutraal",
        4: "Eens",
        5: "Helemaal eens",
        6: "Weet niet",
        8: "Weet niet",
    }
    _write_sav(tiny_wave, labels, [1.0, 6.0, 8.0])
    tiny_wave.config.write_text(tiny_wave.config.read_text() + "answers:\n  items:\n    ps_general: {6: 3}\n")
    err = _errors(validate_path(wave_id="9999"))
    assert "same_label_two_codes" in err["problem"].tolist()
    row = err[err["problem"] == "same_label_two_codes"].iloc[0]
    assert row["column"] == "ps_general" and "'6'" in row["expected"] and "'8'" in row["expected"]
