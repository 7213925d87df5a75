"""Tests of peo.ingest.clean: one per exclusion reason and recode reason, on small frames built here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peo.ingest import clean
from peo.ingest.clean import clean_frame
from peo.survey.codebook import categories, load_codebook
from peo.survey.config import Completion, Columns, RawSpec, Wave
from peo.errors import ValidationError

CODEBOOK = """
codebook: test
response_scales:
  agree5:
    type: likert
    codes:
      - {code: 1, nl: Helemaal oneens, en: Strongly disagree}
      - {code: 2, nl: Oneens, en: Disagree}
      - {code: 3, nl: Neutraal, en: Neutral}
      - {code: 4, nl: Eens, en: Agree}
      - {code: 5, nl: Helemaal eens, en: Strongly agree}
    missing:
      - {code: 8, nl: Weet niet, en: Don't know, kind: dont_know}
      - {code: 9, nl: Geen antwoord, en: No answer, kind: no_answer}
  employer3:
    type: categorical
    codes:
      - {code: 1, value: GI, nl: Gecertificeerde instelling (GI), en: Certified institution}
      - {code: 2, value: JZ, nl: Specialistische jeugdhulp (JZ), en: Specialised youth care}
      - {code: 3, value: LT, nl: Lokaal team (LT), en: Local team}
  options:
    type: categorical
    codes:
      - {code: 1, nl: Regels, en: Rules}
      - {code: 2, nl: Tijd, en: Time}
      - {code: 3, nl: Caseload, en: Caseload}
items:
  - {id: employer_type, role: group, type: categorical, response_scale: employer3, required: GROUP_REQUIRED,
     text_nl: "Werkgever?", text_en: "Employer?", short_nl: Type werkgever}
  - {id: q1, role: core, type: likert, response_scale: agree5, required: true, text_nl: Vraag 1, text_en: Q1}
  - {id: q2, role: core, type: likert, response_scale: agree5, text_nl: Vraag 2, text_en: Q2}
  - {id: years, role: background, type: numeric, min: 0, max: 50, text_nl: Jaren, text_en: Years}
  - {id: causes, role: theme, type: multi, response_scale: options, text_nl: Oorzaken, text_en: Causes}
  - {id: remark, role: theme, type: open, text_nl: Opmerking, text_en: Remark}
"""

ADMIN = ["rid", "consent", "finished", "duration", "ip", "email", "start", "end"]


def _codebook(tmp_path: Path, group_required: bool = True):
    p = tmp_path / f"cb_{group_required}.yml"
    p.write_text(CODEBOOK.replace("GROUP_REQUIRED", "true" if group_required else "false"), encoding="utf-8")
    return load_codebook(p)


@pytest.fixture
def codebook(tmp_path):
    return _codebook(tmp_path)


@pytest.fixture
def wave(tmp_path):
    return Wave(
        id="T",
        title="test",
        title_en="test",
        dir=tmp_path,
        raw=RawSpec(file=tmp_path / "export.csv", format="csv"),
        codebook_paths=(),
        columns=Columns(respondent_id="rid", consent="consent", duration="duration", drop=("ip", "email")),
        completion=Completion(rule="yes_value", column="finished"),
        min_duration_seconds=120,
    )


def row(n: int, **changes) -> dict:
    """A valid raw row (text, as from a CSV), distinct for each n."""
    r = {
        "rid": f"R{n:03d}",
        "consent": "1",
        "finished": "True",
        "duration": "600",
        "ip": f"10.0.0.{n}",
        "email": f"persoon{n}@example.nl",
        "start": "",
        "end": "",
        "employer_type": str(1 + n % 3),
        "q1": "4",
        "q2": str(1 + n % 5),
        "years": str(n),
        "causes_1": "1",
        "causes_2": "",
        "causes_3": "",
        "remark": f"opmerking {n}",
    }
    r.update(changes)
    return r


def frame(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows)).astype("string")
    df.index = pd.RangeIndex(2, 2 + len(df), name="raw_row")  # row 1 is the header
    return df


def only_exclusion(res, reason):
    assert len(res.exclusions) == 1, res.exclusions
    ex = res.exclusions.iloc[0]
    assert ex["reason"] == reason
    assert ex["step"] == clean.REASONS[reason]
    return ex


# --------------------------------------------------------------------------- the flow


def test_valid_rows_are_all_analysed(codebook, wave):
    res = clean_frame(frame(row(1), row(2), row(3)), codebook, wave)
    assert list(res.respondents["pid"]) == ["T-0001", "T-0002", "T-0003"]
    assert res.exclusions.empty and res.recodes.empty
    assert list(res.flow["step"]) == list(clean.STEPS)
    assert list(res.flow["n"]) == [3, 3, 3, 3, 3]


def test_no_consent(codebook, wave):
    res = clean_frame(frame(row(1), row(2, consent="0"), row(3)), codebook, wave)
    ex = only_exclusion(res, "no_consent")
    assert (ex["pid"], ex["raw_row"]) == ("T-0002", 3)
    assert "toestemming" in ex["detail"]
    assert "T-0002" not in set(res.respondents["pid"])


def test_blank_consent_is_no_consent(codebook, wave):
    res = clean_frame(frame(row(1), row(2, consent=None)), codebook, wave)
    assert only_exclusion(res, "no_consent")["pid"] == "T-0002"


def test_consent_yes_values_come_from_the_wave(codebook, wave):
    # The finished flag ("True") is compared with the same values, as in peo.ingest.validate.
    w = dataclasses.replace(wave, consent_yes=("Ik doe mee", True))
    res = clean_frame(frame(row(1, consent=" ik doe mee"), row(2, consent="ja")), codebook, w)
    assert only_exclusion(res, "no_consent")["pid"] == "T-0002"


def test_no_consent_comes_before_incomplete(codebook, wave):
    res = clean_frame(frame(row(1, consent="nee", finished="False", q1=None), row(2)), codebook, wave)
    only_exclusion(res, "no_consent")


def test_incomplete_when_not_finished(codebook, wave):
    res = clean_frame(frame(row(1), row(2, finished="False")), codebook, wave)
    ex = only_exclusion(res, "incomplete")
    assert ex["pid"] == "T-0002" and "finished" in ex["detail"]


def test_incomplete_when_a_required_item_is_blank(codebook, wave):
    res = clean_frame(frame(row(1), row(2, q1="")), codebook, wave)
    ex = only_exclusion(res, "incomplete")
    assert ex["pid"] == "T-0002" and "q1" in ex["detail"]


def test_incomplete_when_a_required_item_has_no_valid_code(codebook, wave):
    res = clean_frame(frame(row(1), row(2, q1="7")), codebook, wave)
    assert only_exclusion(res, "incomplete")["pid"] == "T-0002"


def test_dont_know_on_a_required_item_is_an_answer(codebook, wave):
    res = clean_frame(frame(row(1, q1="8")), codebook, wave)
    assert res.exclusions.empty
    assert pd.isna(res.respondents.loc[0, "q1"])
    assert res.recodes.empty  # an answer, not an error


def test_duplicate_id(codebook, wave):
    res = clean_frame(frame(row(1), row(2, rid="R001")), codebook, wave)
    ex = only_exclusion(res, "duplicate_id")
    assert ex["pid"] == "T-0002" and "T-0001" in ex["detail"]


def test_duplicate_id_keeps_the_first_complete_response(codebook, wave):
    # The first attempt was not finished; the second, complete one is analysed.
    res = clean_frame(frame(row(1, finished="False"), row(2, rid="R001")), codebook, wave)
    only_exclusion(res, "incomplete")
    assert list(res.respondents["pid"]) == ["T-0002"]


def test_duplicate_id_compares_ids_as_values(codebook, wave):
    # SPSS gives 17.0 where a CSV gives "17".
    res = clean_frame(frame(row(1, rid="17"), row(2, rid=" 17.0")), codebook, wave)
    only_exclusion(res, "duplicate_id")


def test_respondent_ids_are_case_sensitive(codebook, wave):
    # Survey-tool ids are case-sensitive: R_abc and R_ABC are two people.
    res = clean_frame(frame(row(1, rid="R_abcDEF"), row(2, rid="R_ABCdef"), row(3, rid=" R_abcDEF ")), codebook, wave)
    assert only_exclusion(res, "duplicate_id")["pid"] == "T-0003"


def test_duplicate_pattern(codebook, wave):
    twin = {k: v for k, v in row(1).items() if k not in ADMIN}
    res = clean_frame(frame(row(1), row(2), row(3, **twin)), codebook, wave)
    ex = only_exclusion(res, "duplicate_pattern")
    assert ex["pid"] == "T-0003" and "T-0001" in ex["detail"]


def test_one_different_answer_is_no_duplicate_pattern(codebook, wave):
    twin = {k: v for k, v in row(1).items() if k not in ADMIN} | {"remark": "iets anders"}
    res = clean_frame(frame(row(1), row(3, **twin)), codebook, wave)
    assert res.exclusions.empty


def test_speeder_from_duration_column(codebook, wave):
    res = clean_frame(frame(row(1), row(2, duration="119"), row(3, duration="120")), codebook, wave)
    ex = only_exclusion(res, "speeder")
    assert ex["pid"] == "T-0002" and "119" in ex["detail"] and "120" in ex["detail"]


def test_speeder_from_start_and_end_times(codebook, wave):
    w = dataclasses.replace(
        wave, columns=dataclasses.replace(wave.columns, duration=None, started="start", ended="end")
    )
    res = clean_frame(
        frame(
            row(1, start="2022-02-14 09:00:00", end="2022-02-14 09:10:00"),
            row(2, start="14-02-2022 09:00", end="14-02-2022 09:01"),
            row(3),  # no times: cannot be judged a speeder
        ),
        codebook,
        w,
    )
    assert only_exclusion(res, "speeder")["pid"] == "T-0002"


def test_no_speeder_check_without_a_minimum(codebook, wave):
    w = dataclasses.replace(wave, min_duration_seconds=None)
    res = clean_frame(frame(row(1, duration="5")), codebook, w)
    assert res.exclusions.empty


def test_no_group(tmp_path, wave):
    cb = _codebook(tmp_path, group_required=False)
    res = clean_frame(frame(row(1), row(2, employer_type="4"), row(3, employer_type="")), cb, wave)
    assert list(res.exclusions["reason"]) == ["no_group", "no_group"]
    assert set(res.exclusions["step"]) == {"analysed"}
    assert list(res.respondents["pid"]) == ["T-0001"]


def test_flow_adds_up_with_every_reason(tmp_path, wave):
    cb = _codebook(tmp_path, group_required=False)
    twin = {k: v for k, v in row(1).items() if k not in ADMIN}
    raw = frame(
        row(1),
        row(2, consent="0"),
        row(3, finished="0"),
        row(4, rid="R001"),
        row(5, **twin),
        row(6, duration="30"),
        row(7, employer_type=""),
        row(8),
        row(9, q2="7"),
    )
    res = clean_frame(raw, cb, wave)
    flow = res.flow.set_index("step")
    assert flow["n"].tolist() == [9, 8, 7, 4, 3]
    assert flow["excluded"].tolist() == [0, 1, 1, 3, 1]
    for prev, step in zip(clean.STEPS, clean.STEPS[1:]):
        assert flow.loc[step, "n"] == flow.loc[prev, "n"] - flow.loc[step, "excluded"]
    assert flow.loc["valid", "reasons"] == "duplicate_id: 1; duplicate_pattern: 1; speeder: 1"
    assert sorted(res.exclusions["reason"]) == sorted(clean.REASONS)
    everyone = list(res.exclusions["pid"]) + list(res.respondents["pid"])
    assert sorted(everyone) == [f"T-{n:04d}" for n in range(1, 10)]  # unique, all rows
    assert res.exclusions["raw_row"].tolist() == [3, 4, 5, 6, 7, 8]


def test_a_flow_that_does_not_add_up_raises(codebook, wave):
    res = clean_frame(frame(row(1), row(2, consent="0")), codebook, wave)
    broken = res.flow.copy()
    broken.loc[broken["step"] == "analysed", "n"] = 2
    pids = pd.Series(["T-0001", "T-0002"])
    with pytest.raises(RuntimeError, match="does not add up"):
        clean._check_flow(broken, res.exclusions, res.respondents, pids)
    with pytest.raises(RuntimeError, match="exactly once"):
        clean._check_flow(res.flow, res.exclusions.iloc[0:0], res.respondents.iloc[0:0], pids)


# --------------------------------------------------------------------------- recodes


def _recode(res, item):
    rc = res.recodes[res.recodes["item"] == item]
    assert len(rc) == 1, res.recodes
    return rc.iloc[0]


def test_out_of_range_code_is_set_missing(codebook, wave):
    res = clean_frame(frame(row(1, q2="7"), row(2)), codebook, wave)
    assert len(res.respondents) == 2
    assert pd.isna(res.respondents.loc[0, "q2"])
    rc = _recode(res, "q2")
    assert (rc["pid"], rc["raw_row"], rc["value"], rc["action"], rc["reason"]) == (
        "T-0001",
        2,
        "7",
        "set_missing",
        "out_of_range",
    )
    assert "1, 2, 3, 4, 5" in rc["expected"]


def test_text_in_a_numeric_column_is_set_missing(codebook, wave):
    res = clean_frame(frame(row(1, years="twaalf", q2="drie")), codebook, wave)
    assert pd.isna(res.respondents.loc[0, "years"]) and pd.isna(res.respondents.loc[0, "q2"])
    assert _recode(res, "years")["reason"] == "not_a_number"
    assert _recode(res, "years")["value"] == "twaalf"
    assert _recode(res, "q2")["reason"] == "not_a_number"


def test_impossible_number_is_set_missing(codebook, wave):
    res = clean_frame(frame(row(1, years="120"), row(2, years="-1"), row(3, years="50")), codebook, wave)
    assert res.respondents["years"].isna().tolist() == [True, True, False]
    assert res.recodes["reason"].tolist() == ["impossible", "impossible"]
    assert res.recodes["expected"].iloc[0] == "een getal van 0 tot en met 50"


def test_bad_multiple_choice_cell_is_set_missing(codebook, wave):
    res = clean_frame(frame(row(1, causes_2="2")), codebook, wave)
    assert _recode(res, "causes_2")["reason"] == "out_of_range"
    assert pd.isna(res.respondents.loc[0, "causes_2"]) and res.respondents.loc[0, "causes_1"]


def test_recodes_only_for_analysed_respondents(codebook, wave):
    res = clean_frame(frame(row(1, consent="0", q2="7"), row(2)), codebook, wave)
    assert res.recodes.empty and len(res.exclusions) == 1


def test_a_wave_with_0_analysed_respondents_is_refused(codebook, wave):
    with pytest.raises(ValidationError, match="0 respondents: all 2 rows .* were excluded .*no_consent: 2"):
        clean_frame(frame(row(1, consent="0"), row(2, consent="nee")), codebook, wave)


def test_an_answer_mapping_error_stops_the_cleaning(codebook, wave):
    raw = frame(row(1), row(2))
    raw.attrs["answer_problems"] = [
        {
            "file": "x.csv",
            "row": None,
            "column": "q1",
            "value": "Heel eens",
            "problem": "unmatched_label",
            "expected": "a label",
            "severity": "error",
        }
    ]
    with pytest.raises(ValidationError, match="column 'q1', value 'Heel eens': unmatched_label"):
        clean_frame(raw, codebook, wave)


def test_missing_codes_are_counted_not_recoded(codebook, wave):
    res = clean_frame(frame(row(1, q2="8"), row(2, q2="9"), row(3, q2=" 8 "), row(4, q2="9.0")), codebook, wave)
    assert res.recodes.empty
    assert res.respondents["q2"].isna().all()
    mc = res.missing_codes.set_index(["item", "code"])["count"]
    assert mc[("q2", 8)] == 2 and mc[("q2", 9)] == 2 and mc[("q1", 8)] == 0
    assert list(res.missing_codes.columns) == clean.MISSING_CODE_COLUMNS


# --------------------------------------------------------------------------- the output


def test_no_admin_or_personal_columns_survive(codebook, wave):
    raw = frame(row(1), row(2))
    res = clean_frame(raw, codebook, wave)
    assert list(res.respondents.columns) == ["pid", *codebook.raw_columns()]
    cells = set(res.respondents.astype("string").stack().dropna())
    for col in ADMIN:
        assert not (set(raw[col].dropna()) - {"", "1", "True", "600"}) & cells, col


def test_pids_number_all_received_rows_in_raw_order(codebook, wave):
    res = clean_frame(frame(row(1, consent="0"), row(2), row(3, consent="0"), row(4)), codebook, wave)
    assert list(res.exclusions["pid"]) == ["T-0001", "T-0003"]
    assert list(res.respondents["pid"]) == ["T-0002", "T-0004"]
    assert res.respondents["pid"].is_unique and res.respondents["pid"].dtype == "string"


def test_output_dtypes_and_ordered_categories(codebook, wave):
    res = clean_frame(frame(row(1), row(2, causes_1="", remark=""), row(3, q1=" 5.0 ")), codebook, wave)
    r = res.respondents
    for iid in ("employer_type", "q1", "q2"):
        assert isinstance(r[iid].dtype, pd.CategoricalDtype) and r[iid].cat.ordered
        assert list(r[iid].cat.categories) == categories(codebook.item(iid))
    assert list(r["employer_type"].cat.categories) == ["GI", "JZ", "LT"]
    assert list(r["q1"].cat.categories) == ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
    assert r["employer_type"].tolist() == ["JZ", "LT", "GI"]
    assert r["q1"].tolist() == ["Eens", "Eens", "Helemaal eens"]
    assert r["years"].dtype == "Float64" and r["years"].tolist() == [1.0, 2.0, 3.0]
    assert all(r[c].dtype == "boolean" for c in ("causes_1", "causes_2", "causes_3"))
    assert r.loc[0, ["causes_1", "causes_2", "causes_3"]].tolist() == [True, False, False]
    assert r.loc[1, ["causes_1", "causes_2", "causes_3"]].isna().all()  # nothing chosen
    assert r["remark"].dtype == "string" and pd.isna(r.loc[1, "remark"]) and r.loc[0, "remark"] == "opmerking 1"


def test_decimal_comma(codebook, wave):
    res = clean_frame(frame(row(1, years="2,5")), codebook, wave)
    assert res.respondents.loc[0, "years"] == 2.5


def test_numeric_export_as_from_spss(codebook, wave):
    """A .sav export gives numbers (floats, NaN for blanks) rather than text."""
    raw = pd.DataFrame(
        {
            "rid": [1.0, 2.0, 2.0, 4.0],
            "consent": [1.0, 1.0, 1.0, 0.0],
            "finished": [1.0, 1.0, 1.0, 1.0],
            "duration": [300.0, 50.0, 300.0, 300.0],
            "ip": ["x"] * 4,
            "email": ["y"] * 4,
            "start": [np.nan] * 4,
            "end": [np.nan] * 4,
            "employer_type": [1.0, 2.0, 3.0, 1.0],
            "q1": [4.0, 5.0, 8.0, 1.0],
            "q2": [6.0, np.nan, 2.0, 1.0],
            "years": [3.0, 4.0, 99.0, 1.0],
            "causes_1": [1.0, 0.0, np.nan, 1.0],
            "causes_2": [0.0, 1.0, np.nan, 0.0],
            "causes_3": [0.0, 0.0, np.nan, 0.0],
            "remark": ["", "a", "b", "c"],
        },
        index=pd.RangeIndex(1, 5, name="raw_row"),
    )
    res = clean_frame(raw, codebook, wave)
    # row 2 is a speeder, so row 3 (same id) is the first kept row with id 2
    assert res.exclusions[["pid", "reason"]].values.tolist() == [["T-0002", "speeder"], ["T-0004", "no_consent"]]
    r = res.respondents
    assert r["pid"].tolist() == ["T-0001", "T-0003"]
    assert r["q1"].tolist()[0] == "Eens" and pd.isna(r["q1"].tolist()[1])
    assert res.recodes[["pid", "item", "value", "reason"]].values.tolist() == [
        ["T-0001", "q2", "6", "out_of_range"],
        ["T-0003", "years", "99", "impossible"],
    ]
    assert r.loc[1, ["causes_1", "causes_2", "causes_3"]].isna().all()


def test_missing_configured_column_is_a_validation_error(codebook, wave):
    raw = frame(row(1)).drop(columns=["consent", "q1"])
    with pytest.raises(ValidationError, match=r"consent.*q1"):
        clean_frame(raw, codebook, wave)


def test_missing_optional_item_counts_as_unanswered(codebook, wave):
    # peo.ingest.validate warns about the column; cleaning carries on without it.
    res = clean_frame(frame(row(1), row(2)).drop(columns=["q2", "causes_3", "duration"]), codebook, wave)
    assert res.exclusions.empty and res.recodes.empty
    assert res.respondents["q2"].isna().all() and res.respondents["causes_3"].tolist() == [False, False]
    assert list(res.respondents.columns) == ["pid", *codebook.raw_columns()]


def test_a_label_is_not_a_code(codebook, wave):
    # As in peo.ingest.validate, an export must hold codes; a label is reported and set missing.
    res = clean_frame(frame(row(1, q2="Eens")), codebook, wave)
    assert _recode(res, "q2")["reason"] == "not_a_number"


def test_result_is_frozen_and_has_documented_columns(codebook, wave):
    res = clean_frame(frame(row(1), row(2, q2="7")), codebook, wave)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.flow = None
    assert list(res.exclusions.columns) == clean.EXCLUSION_COLUMNS
    assert list(res.recodes.columns) == clean.RECODE_COLUMNS
    assert list(res.flow.columns) == clean.FLOW_COLUMNS


def test_the_readme_documents_every_column():
    readme = (Path(__file__).resolve().parent.parent / "docs" / "processed-data.md").read_text(encoding="utf-8")
    for cols in (clean.EXCLUSION_COLUMNS, clean.RECODE_COLUMNS, clean.FLOW_COLUMNS, clean.MISSING_CODE_COLUMNS):
        for c in cols:
            assert f"`{c}`" in readme, c
    for reason in [*clean.REASONS, *clean.RECODE_REASONS]:
        assert f"`{reason}`" in readme, reason


# --------------------------------------------------------------------------- display tables


def test_display_tables_hold_counts_only(tmp_path, wave):
    cb = _codebook(tmp_path, group_required=False)
    res = clean_frame(
        frame(row(1, q2="7"), row(2, consent="0"), row(3, employer_type=""), row(4, years="x", q2="9")), cb, wave
    )
    ft = clean.flow_table(res.flow)
    assert list(ft.columns) == ["Stap", "Aantal", "Uitgevallen", "Redenen"]
    assert ft["Aantal"].tolist() == [4, 3, 3, 3, 2]
    assert ft["Redenen"].tolist()[1] == "geen toestemming: 1"
    ec = clean.exclusion_counts(res.exclusions)
    assert list(ec.columns) == ["Stap", "Reden", "Aantal"] and len(ec) == len(clean.REASONS)
    assert ec.set_index("Reden")["Aantal"].to_dict()["geen type werkgever"] == 1
    rc = clean.recode_counts(res.recodes, cb)
    assert rc[["Kolom", "Aantal"]].values.tolist() == [["q2", 1], ["years", 1]]
    mc = clean.missing_code_counts(res.missing_codes, cb)
    assert mc.values.tolist() == [["q2", "Geen antwoord", 1]]
    for table in (ft, ec, rc, mc):
        assert not {"pid", "raw_row"} & set(table.columns)


# --------------------------------------------------------------------------- the pipeline (cleaning part)


def test_clean_wave_writes_every_output(tiny_wave, run_cli):
    from peo import paths
    from peo.pipeline import cleaning as pipeline

    res = pipeline.clean_wave("9999")
    out = paths.processed_dir("9999")
    assert out == tiny_wave.root / "data" / "processed" / "9999"
    assert sorted(p.name for p in out.iterdir()) == sorted(pipeline.CLEAN_FILES)
    back = pd.read_parquet(out / "respondents.parquet")
    pd.testing.assert_frame_equal(back, res.respondents, check_categorical=True)
    assert pd.read_csv(out / "flow.csv")["n"].tolist() == [3, 3, 3, 3, 3]
    assert list(pd.read_csv(out / "exclusions.csv").columns) == clean.EXCLUSION_COLUMNS
    assert list(pd.read_csv(out / "validation.csv").columns) == [
        "file",
        "row",
        "column",
        "value",
        "problem",
        "expected",
        "severity",
    ]
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    code, stdout, err = run_cli("clean", "--wave", "9999")
    assert code == 0 and "9999: 3 received, 3 analysed" in stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first  # a rerun writes the same bytes


def test_clean_wave_with_bad_rows_accounts_for_each(tiny_wave):
    from peo.pipeline import cleaning as pipeline

    tiny_wave.write(
        "resp_id,consent,finished,employer_type,ps_general,years_experience,causes_1,causes_2,remark\n"
        "r1,1,1,1,4,3,1,0,Prima\n"
        "r1,1,1,2,2,12.5,0,1,\n"  # duplicate id
        "r3,0,1,3,8,0,0,0,\n"  # no consent
        "r4,1,0,3,4,1,0,0,\n"  # incomplete
        "r5,1,1,2,7,veel,0,0,\n"  # ps_general out of range: required, so incomplete
        "r6,1,1,2,3,veel,0,0,\n"  # text in a numeric column: set missing
    )
    res = pipeline.clean_wave("9999")
    assert res.exclusions[["raw_row", "reason"]].values.tolist() == [
        [3, "duplicate_id"],
        [4, "no_consent"],
        [5, "incomplete"],
        [6, "incomplete"],
    ]
    assert res.recodes[["raw_row", "item", "reason"]].values.tolist() == [[7, "years_experience", "not_a_number"]]
    assert res.flow["n"].tolist() == [6, 5, 3, 2, 2]
    assert set(res.validation["problem"]) >= {"duplicate_id", "no_consent", "incomplete", "not_a_number"}


def test_clean_wave_writes_nothing_when_validation_finds_an_error(tiny_wave, run_cli):
    from peo import paths
    from peo.pipeline import cleaning as pipeline

    pipeline.clean_wave("9999")
    out = paths.processed_dir("9999")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    tiny_wave.write("resp_id,consent,finished,employer_typ,ps_general\nr1,1,1,1,4\n")  # misspelt required column
    with pytest.raises(ValidationError) as info:
        pipeline.clean_wave("9999")
    assert "employer_type" in str(info.value) and "Nothing was written" in str(info.value)
    assert set(info.value.report["severity"]) == {"error"}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["9999"]
    code, stdout, err = run_cli("clean", "--wave", "9999")
    assert code != 0 and "employer_type" in err and "Traceback" not in err


def test_clean_unknown_wave(tiny_wave, run_cli):
    code, stdout, err = run_cli("clean", "--wave", "1850")
    assert code != 0 and "Unknown wave '1850'" in err


# --------------------------------------------------------------------------- the demo waves


@pytest.mark.parametrize("wave_id, analysed", [("2021", 180), ("2022", 150), ("2023", 160)])
def test_demo_waves_clean_to_the_published_numbers(wave_id, analysed, monkeypatch):
    """The synthetic demo exports (peo.ingest.synth) clean to the respondent counts of the public record.

    Cleaning in memory only: nothing is written.
    """
    from peo.survey import config
    from peo.ingest import load

    monkeypatch.delenv("PEO_ROOT", raising=False)
    w = config.load_wave(wave_id)
    res = clean_frame(load.read_wave(w), w.codebook(), w)
    n = res.flow["n"].tolist()
    excluded = res.flow["excluded"].tolist()
    assert all(n[i] == n[i - 1] - excluded[i] for i in range(1, len(n)))
    assert n[0] == len(res.exclusions) + len(res.respondents)
    assert len(res.respondents) == analysed
    # every kind of messiness the demo data plant is accounted for
    assert {"no_consent", "incomplete", "duplicate_id"} <= set(res.exclusions["reason"])
    assert not res.recodes.empty
