"""Tests of peo.stats.associations: Spearman with a Fisher-z interval, logistic odds ratios."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from peo.stats.associations import SeparationWarning, logistic_odds, spearman
from peo.survey.codebook import categories, load_codebook
from peo.errors import CodebookError

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook([ROOT / "codebooks" / "core.yml"])


def coded(item_id: str, codes) -> pd.Series:
    item = CB.item(item_id)
    label = dict(zip(item.response_scale.valid_codes, categories(item)))
    return pd.Series(
        pd.Categorical([label[c] if c is not None else None for c in codes], categories=categories(item), ordered=True)
    )


def employer(groups) -> pd.Series:
    return coded("employer_type", [{"GI": 1, "JZ": 2, "LT": 3}[g] for g in groups])


# ------------------------------------------------------------------------ Spearman


def test_spearman_matches_r_cor_test_with_ties():
    # Sullivan, Statistics: Informed Decisions Using Data, section 15.6, Example 1, in R:
    # cor.test(mpg, dist, method = "spearman") -> rho = 0.9277782, p-value = 0.0008915
    # (ties, so R uses the t approximation, as scipy does).
    df = pd.DataFrame(
        {
            "mpg": [100.0, 102, 103, 101, 105, 100, 99, 105],
            "dist": [257.0, 264, 274, 266, 277, 263, 258, 275],
        }
    )
    row = spearman(df, CB, "mpg", "dist").iloc[0]
    assert row["rho"] == pytest.approx(0.9277782, abs=1e-7)
    assert row["p_value"] == pytest.approx(0.0008915, abs=5e-8)
    assert row["n"] == 8 and row["group"] == "totaal"
    # Fisher z with the Fieller, Hartley & Pearson (1957) standard error sqrt(1.06 / (n - 3)),
    # by hand: atanh(0.9277782) = 1.642191, SE = sqrt(1.06 / 5) = 0.460435,
    # tanh(1.642191 - 1.959964 * 0.460435) = 0.628997, tanh(1.642191 + 1.959964 * 0.460435) = 0.987750.
    assert row["ci_low"] == pytest.approx(0.628997, abs=1e-6)
    assert row["ci_high"] == pytest.approx(0.987750, abs=1e-6)


def test_spearman_matches_r_cor_test_help_example():
    # R ?cor.test: Hollander & Wolfe (1973, p. 187f.), tuna quality: x = Hunter L value,
    # y = consumer panel score of 9 lots; cor.test(x, y, method = "spearman",
    # alternative = "g") gives S = 48, rho = 0.6 (S = (n^3 - n)(1 - rho) / 6 = 720 * 0.4 / 6).
    df = pd.DataFrame(
        {
            "x": [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1],
            "y": [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8],
        }
    )
    row = spearman(df, CB, "x", "y").iloc[0]
    assert row["rho"] == pytest.approx(0.6, abs=1e-12)


def test_spearman_of_items_and_scores_by_group():
    df = pd.DataFrame(
        {
            "employer_type": employer(["GI"] * 5 + ["JZ"] * 3 + ["LT"] * 2),
            "ps_general": coded("ps_general", [1, 2, 3, 4, 5, 2, 2, 2, 4, None]),
            "work_pleasure": coded("work_pleasure", [1, 2, 2, 4, 5, 1, 3, 5, 4, 4]),
        }
    )
    table = spearman(df, CB, "ps_general", "work_pleasure", by="employer_type")
    assert table["group"].tolist() == ["totaal", "GI", "JZ", "LT"]
    assert table["x_label"].iloc[0] == "In het algemeen genoeg ruimte" and table["y_label"].iloc[0] == "Werkplezier"
    assert table["n"].tolist() == [9, 5, 3, 1]
    assert table.iloc[2]["note"] == "geen variatie in de antwoorden"  # JZ answered 2, 2, 2
    assert np.isnan(table.iloc[2]["rho"])
    assert table.iloc[1]["rho"] > 0.9


# ------------------------------------------------------------------------ logistic


def spector() -> pd.DataFrame:
    """Spector & Mazzeo (1980), shipped with statsmodels: GRADE as the 'stay' item
    (1 = 'Zeker wel', in the headline box 'stays'; 0 = 'Zeker niet')."""
    data = sm.datasets.spector.load_pandas().data
    return pd.DataFrame(
        {
            "stay": coded("stay", [4 if g == 1 else 1 for g in data["GRADE"]]),
            "GPA": data["GPA"],
            "TUCE": data["TUCE"],
            "PSI": data["PSI"],
        }
    )


def test_logistic_odds_matches_greene_spector_logit():
    # Greene (2003), Econometric Analysis 5th ed., Table 21.1, logit model of Spector &
    # Mazzeo (1980): constant -13.0213 (4.9313), GPA 2.8261 (1.2629), TUCE 0.0952 (0.1416),
    # PSI 2.3787 (1.0646).
    table = logistic_odds(spector(), CB, "stay", "GPA", adjust=("TUCE", "PSI"), all_terms=True)
    est = dict(zip(table["term"], table["estimate"]))
    se = dict(zip(table["term"], table["se"]))
    greene = {"const": (-13.0213, 4.9313), "GPA": (2.8261, 1.2629), "TUCE": (0.0952, 0.1416), "PSI": (2.3787, 1.0646)}
    for term, (b, s) in greene.items():
        assert est[term] == pytest.approx(b, abs=5e-5), term
        assert se[term] == pytest.approx(s, abs=5e-5), term
    gpa = table[table["kind"] == "predictor"].iloc[0]
    assert gpa["odds_ratio"] == pytest.approx(np.exp(2.8261), rel=1e-4)
    assert (gpa["ci_low"], gpa["ci_high"]) == pytest.approx(
        (np.exp(2.8261 - 1.959964 * 1.2629), np.exp(2.8261 + 1.959964 * 1.2629)), rel=1e-3
    )
    assert (gpa["n"], gpa["events"], gpa["ci_method"], gpa["warning"]) == (32, 11, "wald", "")
    assert gpa["box"] == "stays" and gpa["box_label"] == "(waarschijnlijk) wel"


def _space_frame(stay_codes, groups, rng) -> pd.DataFrame:
    n = len(groups)
    base = rng.integers(2, 6, size=n)
    cols = {i: coded(i, list(np.clip(base + rng.integers(-1, 2, size=n), 1, 5)))
            for i in ("ps_general", "ps_relation", "ps_needed", "ps_reflection")}  # fmt: skip
    return pd.DataFrame({"employer_type": employer(groups), "stay": coded("stay", stay_codes), **cols})


def test_logistic_odds_of_space_adjusted_for_employer_type():
    rng = np.random.default_rng(3)
    groups = ["GI", "JZ", "LT"] * 30
    stay = list(rng.choice([1, 2, 3, 4], size=90))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        table = logistic_odds(_space_frame(stay, groups, rng), CB, "stay", "space", all_terms=True)
    assert table["kind"].tolist() == ["intercept", "predictor", "adjust", "adjust"]
    assert table["term"].tolist() == ["const", "space", "employer_type[JZ]", "employer_type[LT]"]
    labels = ["Ervaren professionele ruimte", "Type werkgever: JZ", "Type werkgever: LT"]
    assert table["term_label"].tolist()[1:] == labels
    assert (table["reference"].iloc[2:] == "GI").all()
    assert table["warning"].eq("").all() and table["estimate"].notna().all()


def test_logistic_odds_warns_when_a_group_separates_perfectly():
    rng = np.random.default_rng(4)
    groups = ["GI", "JZ", "LT"] * 20
    stay = [4 if g == "LT" else int(rng.choice([1, 2, 3, 4])) for g in groups]  # all LT stay
    with pytest.warns(SeparationWarning, match="Estimates are reported as NaN"):
        table = logistic_odds(_space_frame(stay, groups, rng), CB, "stay", "space")
    row = table.iloc[0]
    assert np.isnan(row["estimate"]) and np.isnan(row["odds_ratio"]) and np.isnan(row["ci_low"])
    assert "scheiding" in row["warning"] and "LT" in row["warning"]


def test_logistic_odds_warns_when_the_predictor_separates_perfectly():
    df = pd.DataFrame(
        {"stay": coded("stay", [1, 1, 2, 2, 3, 3, 4, 4]), "score": [1.0, 1.5, 2.0, 2.5, 3.5, 4.0, 4.5, 5.0]}
    )
    with pytest.warns(SeparationWarning):
        table = logistic_odds(df, CB, "stay", "score", adjust=())
    assert np.isnan(table.iloc[0]["estimate"]) and "scheiding" in table.iloc[0]["warning"]


def test_logistic_odds_errors_and_empty_outcome():
    df = pd.DataFrame({"stay": coded("stay", [4, 4, 4]), "score": [1.0, 2.0, 3.0]})
    with pytest.warns(SeparationWarning):
        table = logistic_odds(df, CB, "stay", "score", adjust=())
    assert table.iloc[0]["warning"] == "geen variatie in de uitkomst: geen odds ratio te schatten"
    with pytest.raises(CodebookError, match="no headline box"):
        logistic_odds(df, CB, "function", "score", adjust=())
    with pytest.raises(CodebookError, match="numeric item"):
        logistic_odds(df, CB, "years_experience", "score", adjust=())
