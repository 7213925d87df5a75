"""Tests of peo.stats.shares: distributions, box shares with Wilson intervals, multiple choice, numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peo.survey.codebook import categories, load_codebook
from peo.errors import CodebookError, ValidationError
from peo.stats.shares import TOTAL, box_shares, distribution, multi_shares, numeric_summary, wilson_interval

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook([ROOT / "codebooks" / "core.yml"])
# Core plus the 2022 thematic module, which holds multiple-choice items.
CB22 = load_codebook([ROOT / "codebooks" / "core.yml", ROOT / "data" / "raw" / "2022" / "theme.yml"])


def coded(item_id: str, codes, codebook=CB) -> pd.Series:
    """A processed coded column: ordered categorical of the codebook's labels."""
    item = codebook.item(item_id)
    label = dict(zip(item.response_scale.valid_codes, categories(item)))
    return pd.Series(
        pd.Categorical([label[c] if c is not None else None for c in codes], categories=categories(item), ordered=True)
    )


def employer(groups) -> pd.Series:
    return coded("employer_type", [{"GI": 1, "JZ": 2, "LT": 3}[g] for g in groups])


# ------------------------------------------------------------- Wilson reference values


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [
        # Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
        # comparison of seven methods. Statistics in Medicine 17, 857-872, Table I, method 3
        # (Wilson score interval without continuity correction). Also R:
        # prop.test(81, 263, correct = FALSE)$conf.int.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998_table_1(count, n, low, high):
    lo, hi = wilson_interval(count, n)
    assert lo[0] == pytest.approx(low, abs=5e-5)
    assert hi[0] == pytest.approx(high, abs=5e-5)


def test_wilson_interval_is_nan_for_empty_groups_and_never_wald():
    lo, hi = wilson_interval([0, 5], [0, 5])
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    # 5/5: the Wald interval would be [1, 1]; Wilson's lower bound is 0.5655 (Newcombe's
    # method 3 gives 0.5655 for 5/5 by the same formula: 1 / (1 + z^2 / 5)).
    assert lo[1] == pytest.approx(1 / (1 + 1.959964**2 / 5), abs=1e-6)
    assert hi[1] == pytest.approx(1.0)


def test_box_shares_of_newcombes_example_through_the_codebook():
    # 81 of 263 respondents in the "disagree" box (codes 1 and 2) of ps_relation.
    codes = [1] * 40 + [2] * 41 + [3] * 50 + [4] * 100 + [5] * 32
    groups = ["GI"] * 100 + ["JZ"] * 100 + ["LT"] * 63
    df = pd.DataFrame({"employer_type": employer(groups), "ps_relation": coded("ps_relation", codes)})
    table = box_shares(df, CB, "ps_relation", by="employer_type")
    assert list(table["group"]) == [TOTAL, "GI", "JZ", "LT"]
    total = table.iloc[0]
    assert total["box"] == "disagree" and total["box_label"] == "(helemaal) oneens"  # headline from the codebook
    assert (total["n"], total["count"]) == (263, 81)
    assert total["share"] == 81 / 263
    assert total["ci_low"] == pytest.approx(0.2553, abs=5e-5)  # Newcombe (1998), Table I
    assert total["ci_high"] == pytest.approx(0.3662, abs=5e-5)
    # GI has codes 1 (40), 2 (41) and 19 x 3: 81 of 100.
    assert table.iloc[1][["n", "count"]].tolist() == [100, 81]
    assert table.iloc[2]["count"] == 0 and table.iloc[2]["ci_low"] == pytest.approx(0.0, abs=1e-12)
    assert list(table.columns) == [
        "item",
        "item_label",
        "box",
        "box_label",
        "group",
        "n",
        "count",
        "share",
        "ci_low",
        "ci_high",
        "note",
    ]


# ------------------------------------------------------------------ distributions


def test_distribution_has_every_option_with_zero_counts_and_groups():
    df = pd.DataFrame(
        {
            "employer_type": employer(["GI", "GI", "JZ", "JZ", "JZ"]),
            "ps_general": coded("ps_general", [4, 5, 4, None, 2]),
        }
    )
    table = distribution(df, CB, "ps_general", by="employer_type")
    assert len(table) == 4 * 5  # totaal, GI, JZ, LT x five answers
    total = table[table["group"] == TOTAL]
    assert total["answer_code"].tolist() == [1, 2, 3, 4, 5]
    assert total["answer_label"].tolist() == ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
    assert total["count"].tolist() == [0, 1, 0, 2, 1]
    assert (total["n"] == 4).all()
    assert total["share"].sum() == pytest.approx(1.0)
    lt = table[table["group"] == "LT"]  # an empty group: a row, not an error
    assert (lt["n"] == 0).all() and lt["share"].isna().all()
    assert (lt["note"] == "geen geldige antwoorden").all()
    assert (total["note"] == "").all()


def test_item_without_valid_answers_gives_a_note_not_a_crash():
    df = pd.DataFrame({"employer_type": employer(["GI", "JZ"]), "ps_needed": coded("ps_needed", [None, None])})
    shares = box_shares(df, CB, "ps_needed", by="employer_type")
    assert (shares["n"] == 0).all()
    assert shares[["share", "ci_low", "ci_high"]].isna().all().all()
    assert (shares["note"] == "geen geldige antwoorden").all()
    dist = distribution(df, CB, ["ps_needed"])
    assert (dist["note"] == "geen geldige antwoorden").all()


def test_box_choice_and_errors():
    df = pd.DataFrame({"asp_autonomy": coded("asp_autonomy", [1, 4, 5]), "ps_general": coded("ps_general", [1, 2, 4])})
    agree = box_shares(df, CB, "asp_autonomy", box="agree")
    assert agree.iloc[0][["n", "count"]].tolist() == [3, 2]
    with pytest.raises(CodebookError, match="no headline box"):
        box_shares(df, CB, "asp_autonomy")  # no headline in the codebook
    with pytest.raises(CodebookError, match="has no box 'high'"):
        box_shares(df, CB, "ps_general", box="high")
    with pytest.raises(CodebookError, match="numeric item"):
        distribution(df, CB, "years_experience")
    with pytest.raises(CodebookError, match="no item"):
        distribution(df, CB, "nonsense")


def test_labels_that_do_not_match_the_codebook_are_refused():
    df = pd.DataFrame({"ps_general": pd.Series(["Agree", "Eens"])})
    with pytest.raises(ValidationError, match="not labels of scale"):
        distribution(df, CB, "ps_general")
    with pytest.raises(ValidationError, match="no item 'ps_relation'"):
        distribution(df, CB, "ps_relation")


def test_numeric_codes_are_accepted_and_missing_codes_refused():
    df = pd.DataFrame({"ps_general": pd.Series([4, 5, None], dtype="Int64")})
    table = box_shares(df, CB, "ps_general")
    assert table.iloc[0][["n", "count"]].tolist() == [2, 2]
    bad = pd.DataFrame({"ps_general": pd.Series([4, 9], dtype="Int64")})
    with pytest.raises(ValidationError, match="code"):
        box_shares(bad, CB, "ps_general")


# ----------------------------------------------------------------- multiple choice


def test_multi_shares_count_respondents_who_answered():
    item = CB22.item("t22_barriers")
    cols = item.raw_columns
    chosen = {
        cols[0]: [True, True, False, None],
        cols[1]: [False, True, False, None],
        cols[2]: [False, False, True, None],
        cols[3]: [False, False, False, None],
        cols[4]: [False, False, False, None],
    }
    df = pd.DataFrame({c: pd.Series(v, dtype="boolean") for c, v in chosen.items()})
    df["employer_type"] = employer(["GI", "GI", "JZ", "LT"])
    table = multi_shares(df, CB22, "t22_barriers", by="employer_type")
    total = table[table["group"] == TOTAL]
    assert (total["n"] == 3).all()  # the respondent who chose nothing is not in n
    assert total["count"].tolist() == [2, 1, 1, 0, 0]
    assert total["share"].tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3, 0, 0])
    assert total["answer_label"].iloc[0] == "Regels en administratie"
    lt = table[table["group"] == "LT"]
    assert (lt["n"] == 0).all() and (lt["note"] == "geen geldige antwoorden").all()
    with pytest.raises(CodebookError, match="multiple-choice"):
        multi_shares(df, CB22, "t22_overtime")


# -------------------------------------------------------------------------- numbers


def test_numeric_summary_quartiles_follow_r_type_7():
    # R: quantile(1:10) gives 25% = 3.25 and 75% = 7.75 (type 7, R's default);
    # mean(1:10) = 5.5, sd(1:10) = 3.02765.
    values = pd.Series(list(range(1, 11)) + [None], dtype="Float64")
    df = pd.DataFrame({"years_experience": values, "employer_type": employer(["GI"] * 11)})
    table = numeric_summary(df, CB, "years_experience", by="employer_type")
    total = table.iloc[0]
    assert total["n"] == 10
    assert total["mean"] == pytest.approx(5.5)
    assert total["sd"] == pytest.approx(3.02765, abs=5e-6)
    assert (total["median"], total["q1"], total["q3"]) == pytest.approx((5.5, 3.25, 7.75))
    assert table.iloc[2]["n"] == 0 and np.isnan(table.iloc[2]["mean"])
    assert table.iloc[2]["note"] == "geen geldige antwoorden"


def test_numeric_summary_of_a_scale_score_uses_the_construct_label():
    df = pd.DataFrame(
        {
            "ps_general": coded("ps_general", [5, 4]),
            "ps_relation": coded("ps_relation", [5, 2]),
            "ps_needed": coded("ps_needed", [5, 3]),
            "ps_reflection": coded("ps_reflection", [5, None]),
        }
    )
    table = numeric_summary(df, CB, "space")
    assert table.iloc[0]["item_label"] == "Ervaren professionele ruimte"
    assert table.iloc[0]["mean"] == pytest.approx((5 + 3) / 2)


def test_wilson_bounds_never_exclude_the_share_itself():
    # 0/n and n/n: the Wilson interval's bound equals the share (Newcombe 1998, Table I, 0/20 -> 0)
    low, high = wilson_interval([0, 20], [20, 20])
    assert low[0] == 0.0 and high[1] == 1.0
    assert low[0] <= 0.0 <= high[0] and low[1] <= 1.0 <= high[1]
