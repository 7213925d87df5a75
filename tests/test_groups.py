"""Tests of peo.stats.groups: chi-square with Cramér's V, Kruskal-Wallis, ordinal logit."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from peo.stats.associations import SeparationWarning
from peo.survey.codebook import categories, load_codebook
from peo.errors import CodebookError
from peo.stats.groups import chi_square, kruskal
from peo.stats.ordinal import ordinal_logit, proportional_odds_test

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


def from_table(counts: dict[tuple[str, int], int], item: str = "ps_general") -> pd.DataFrame:
    """Respondents from a table of counts {(employer type, code): count}."""
    groups, codes = [], []
    for (g, c), k in counts.items():
        groups += [g] * k
        codes += [c] * k
    return pd.DataFrame({"employer_type": employer(groups), item: coded(item, codes)})


# Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Table 2.5 (p. 39),
# party identification by gender; the example of R's ?chisq.test. Parties become employer
# types (Democrat = GI, Independent = JZ, Republican = LT), gender becomes two answers
# of ps_general (female = code 2, male = code 4); unused answers drop out of the table.
PARTY = {("GI", 2): 762, ("JZ", 2): 327, ("LT", 2): 468, ("GI", 4): 484, ("JZ", 4): 239, ("LT", 4): 477}


# ---------------------------------------------------------------------- chi-square


def test_chi_square_matches_r_chisq_test_example():
    # R: chisq.test(M) -> X-squared = 30.07, df = 2, p-value = 2.954e-07.
    row = chi_square(from_table(PARTY), CB, "ps_general").iloc[0]
    assert row["test"] == "chi2" and row["effect"] == "cramers_v"
    assert row["statistic"] == pytest.approx(30.07, abs=5e-3)
    assert row["df"] == 2
    assert row["p_value"] == pytest.approx(2.954e-07, rel=1e-3)
    assert row["n"] == 2757
    # Cramér's V by hand: sqrt(X^2 / (n (min(r, c) - 1))) = sqrt(30.0701 / 2757).
    assert row["effect_size"] == pytest.approx(np.sqrt(30.0701 / 2757), abs=1e-5)
    assert not row["collapsed"] and row["note"] == ""


def test_chi_square_of_a_2x2_table_has_no_continuity_correction():
    # Agresti (2007), Table 2.3, aspirin and myocardial infarction (Physicians' Health Study):
    # placebo 189 of 11034, aspirin 104 of 11037. R: prop.test(c(189, 104), c(11034, 11037),
    # correct = FALSE) -> X-squared = 25.014, df = 1 (Yates' correction would give 24.43).
    # Placebo = GI, aspirin = JZ, infarction = code 2, none = code 4; LT has nobody.
    counts = {("GI", 2): 189, ("GI", 4): 11034 - 189, ("JZ", 2): 104, ("JZ", 4): 11037 - 104}
    row = chi_square(from_table(counts), CB, "ps_general").iloc[0]
    assert row["statistic"] == pytest.approx(25.014, abs=5e-4)
    assert row["df"] == 1 and row["n"] == 22071


def test_chi_square_collapses_to_the_headline_box_when_expected_counts_are_small():
    counts = {("GI", 1): 1, ("GI", 2): 2, ("GI", 4): 10, ("GI", 5): 7,
              ("JZ", 2): 1, ("JZ", 3): 3, ("JZ", 4): 9, ("JZ", 5): 6,
              ("LT", 1): 2, ("LT", 3): 1, ("LT", 4): 12, ("LT", 5): 8}  # fmt: skip
    row = chi_square(from_table(counts, "ps_relation"), CB, "ps_relation").iloc[0]
    assert row["collapsed"] and row["box"] == "disagree"
    assert "samengevoegd tot '(helemaal) oneens' tegen de rest" in row["note"]
    # The test of the collapsed table: disagree (codes 1, 2) vs the rest per group.
    collapsed = np.array([[3, 17], [1, 18], [2, 21]])
    expected = stats.chi2_contingency(collapsed, correction=False)
    assert row["statistic"] == pytest.approx(expected.statistic)
    assert row["df"] == 2
    assert "voorzichtigheid" in row["note"]  # still small after collapsing
    boxed = chi_square(from_table(PARTY), CB, "ps_general", box="agree").iloc[0]
    assert boxed["collapsed"] and boxed["statistic"] == pytest.approx(30.07, abs=5e-3)


def test_chi_square_without_answers_or_variation():
    df = from_table({("GI", 4): 5, ("JZ", 4): 5})
    assert chi_square(df, CB, "ps_general").iloc[0]["note"] == "te weinig variatie voor een toets"
    empty = pd.DataFrame({"employer_type": employer(["GI"]), "ps_general": coded("ps_general", [None])})
    row = chi_square(empty, CB, "ps_general").iloc[0]
    assert row["n"] == 0 and np.isnan(row["statistic"]) and row["note"] == "geen geldige antwoorden"
    with pytest.raises(CodebookError, match="no box"):
        chi_square(df, CB, "ps_general", box="high")


# -------------------------------------------------------------------- Kruskal-Wallis


def test_kruskal_matches_r_hollander_wolfe_example():
    # R ?kruskal.test: Hollander & Wolfe (1973, p. 116), mucociliary efficiency;
    # kruskal.test(list(x, y, z)) -> chi-squared = 0.77143, df = 2, p-value = 0.68.
    x = [2.9, 3.0, 2.5, 2.6, 3.2]
    y = [3.8, 2.7, 4.0, 2.4]
    z = [2.8, 3.4, 3.7, 2.2, 2.0]
    df = pd.DataFrame(
        {
            "employer_type": employer(["GI"] * 5 + ["JZ"] * 4 + ["LT"] * 5),
            "years_experience": pd.Series(x + y + z, dtype="Float64"),
        }
    )
    row = kruskal(df, CB, "years_experience").iloc[0]
    assert row["statistic"] == pytest.approx(0.77143, abs=5e-6)
    assert row["df"] == 2
    assert row["p_value"] == pytest.approx(0.68, abs=5e-3)
    # Epsilon-squared (Tomczak & Tomczak 2014): H (n + 1) / (n^2 - 1) = 0.771429 * 15 / 195.
    assert row["effect_size"] == pytest.approx(0.7714286 * 15 / 195, abs=1e-7)
    assert row["n"] == 14 and row["effect"] == "epsilon_squared"


# R's airquality (New York, May to September 1973): Ozone by Month, NA left out.
OZONE = {
    "5": [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37],
    "6": [29, 71, 39, 23, 21, 37, 20, 12, 13],
    "7": [135, 49, 32, 64, 40, 77, 97, 97, 85, 10, 27, 7, 48, 35, 61, 79, 63, 16, 80, 108, 20, 52, 82, 50, 64, 59],
    "8": [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85],
    "9": [96, 78, 73, 91, 47, 32, 20, 23, 21, 24, 44, 21, 28, 9, 13, 46, 18, 13, 24, 16, 13, 23, 36, 7, 14, 30,
          14, 18, 20],
}  # fmt: skip


def test_kruskal_with_ties_matches_r_airquality_example():
    # R ?kruskal.test: kruskal.test(Ozone ~ Month, data = airquality)
    # -> Kruskal-Wallis chi-squared = 29.267, df = 4, p-value = 6.901e-06 (tie-corrected).
    df = pd.DataFrame(
        {
            "Month": pd.Categorical([m for m, v in OZONE.items() for _ in v], categories=list(OZONE)),
            "Ozone": [float(o) for v in OZONE.values() for o in v],
        }
    )
    row = kruskal(df, CB, "Ozone", by="Month").iloc[0]
    assert row["n"] == 116
    assert row["statistic"] == pytest.approx(29.267, abs=5e-4)
    assert row["df"] == 4
    assert row["p_value"] == pytest.approx(6.901e-06, rel=1e-3)


def test_kruskal_degenerate_cases_give_notes():
    one = pd.DataFrame({"employer_type": employer(["GI", "GI"]), "ps_general": coded("ps_general", [4, 5])})
    assert kruskal(one, CB, "ps_general").iloc[0]["note"] == "minder dan twee groepen met antwoorden"
    flat = pd.DataFrame({"employer_type": employer(["GI", "JZ"]), "ps_general": coded("ps_general", [4, 4])})
    assert kruskal(flat, CB, "ps_general").iloc[0]["note"] == "geen variatie in de antwoorden"


# -------------------------------------------------------------------- ordinal logit

#: MASS::housing (Venables & Ripley 2002, section 7.3): Sat varies fastest, then Infl,
#: Type and Cont, as R stores it; 72 rows, 1681 tenants.
HOUSING_FREQ = [
    21, 21, 28, 34, 22, 36, 10, 11, 36, 61, 23, 17, 43, 35, 40, 26, 18, 54,
    13, 9, 10, 8, 8, 12, 6, 7, 9, 18, 6, 7, 15, 13, 13, 7, 5, 11,
    14, 19, 37, 17, 23, 40, 3, 5, 23, 78, 46, 43, 48, 45, 86, 15, 25, 62,
    20, 23, 20, 10, 22, 24, 7, 10, 21, 57, 23, 13, 31, 21, 13, 5, 6, 13,
]  # fmt: skip


def housing() -> pd.DataFrame:
    """The housing table as respondents: Sat as ps_general (Low = 1, Medium = 3, High = 5,
    so codes 2 and 4 are unused), Infl as employer type (Low = GI, Medium = JZ, High = LT)."""
    levels = ["Low", "Medium", "High"]
    types = ["Tower", "Apartment", "Atrium", "Terrace"]
    cells = [(s, i, t, c) for c, t, i, s in product(["Low", "High"], types, levels, levels)]
    rows = [cell for cell, k in zip(cells, HOUSING_FREQ) for _ in range(k)]
    sat, infl, typ, cont = zip(*rows)
    return pd.DataFrame(
        {
            "ps_general": coded("ps_general", [{"Low": 1, "Medium": 3, "High": 5}[s] for s in sat]),
            "employer_type": employer([{"Low": "GI", "Medium": "JZ", "High": "LT"}[i] for i in infl]),
            "Type": pd.Categorical(typ, categories=types),
            "Cont": pd.Categorical(cont, categories=["Low", "High"]),
        }
    )


def test_ordinal_logit_matches_mass_polr_housing():
    # Venables & Ripley (2002), MASS 4th ed., section 7.3;
    # summary(polr(Sat ~ Infl + Type + Cont, weights = Freq, data = housing)).
    table = ordinal_logit(housing(), CB, "ps_general", adjust=("Type", "Cont"), all_terms=True)
    assert table["n"].iloc[0] == 1681
    est = dict(zip(table["term"], table["estimate"]))
    se = dict(zip(table["term"], table["se"]))
    polr = {
        "employer_type[JZ]": (0.5663937, 0.1046528),  # InflMedium
        "employer_type[LT]": (1.2888191, 0.1271561),  # InflHigh
        "Type[Apartment]": (-0.5723501, 0.1192380),
        "Type[Atrium]": (-0.3661866, 0.1551733),
        "Type[Terrace]": (-1.0910149, 0.1514860),
        "Cont[High]": (0.3602841, 0.0955358),
        "Helemaal oneens|Neutraal": (-0.4961353, 0.1248472),  # Low|Medium
        "Neutraal|Helemaal eens": (0.6907083, 0.1254719),  # Medium|High
    }
    for term, (b, s) in polr.items():
        assert est[term] == pytest.approx(b, abs=1e-5), term
        assert se[term] == pytest.approx(s, abs=1e-5), term
    groups = table[table["kind"] == "group"]
    assert groups["group"].tolist() == ["JZ", "LT"] and (groups["reference"] == "GI").all()
    # exp(confint.default(polr)) for InflMedium: 1.4351624 to 2.1630287.
    jz = groups.iloc[0]
    assert jz["odds_ratio"] == pytest.approx(np.exp(0.5663937), rel=1e-5)
    assert (jz["ci_low"], jz["ci_high"]) == pytest.approx((1.4351624, 2.1630287), abs=2e-5)
    assert table["lr_df"].iloc[0] == 2 and table["lr_p_value"].iloc[0] < 1e-10
    # The default returns only the group rows.
    assert ordinal_logit(housing(), CB, "ps_general", adjust=("Type", "Cont"))["kind"].tolist() == ["group", "group"]


def test_ordinal_fit_on_counts_equals_the_fit_on_every_respondent():
    """The models are fitted on the distinct (answer, covariates) rows with their counts
    (peo.stats.ordinal._LogitOrderedModel); statsmodels' own OrderedModel on every row of the
    same data is the reference: same maximum, log-likelihood and standard errors."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    from peo.stats.ordinal import _fit_ordered

    rng = np.random.default_rng(7)
    n = 600
    group = rng.integers(0, 3, n)
    latent = 0.6 * (group == 1) - 0.8 * (group == 2) + rng.logistic(size=n)
    y = pd.Series(pd.Categorical(np.digitize(latent, [-1.5, -0.3, 0.5, 1.6]), categories=range(5), ordered=True))
    X = pd.DataFrame({"g1": (group == 1).astype(float), "g2": (group == 2).astype(float)})
    ours, _ = _fit_ordered(y, X)
    assert len(ours.model.endog) == 15 and ours.model.freq_weights.sum() == n  # 3 groups x 5 answers
    full = OrderedModel(y, X, distr="logit").fit(method="newton", maxiter=200, disp=False)
    assert np.allclose(ours.params, full.params, atol=1e-6)
    assert float(ours.llf) == pytest.approx(float(full.llf), abs=1e-8)
    assert np.allclose(ours.bse, full.bse, rtol=1e-4)


def test_ordinal_logit_lr_test_matches_agresti_g2():
    # With two answer categories and groups only, the model is saturated, so the
    # likelihood-ratio test against thresholds only is the G^2 of the table:
    # Agresti (2007), section 2.4.4, party identification by gender, G^2 = 30.02, df = 2.
    row = ordinal_logit(from_table(PARTY), CB, "ps_general").iloc[0]
    assert row["lr_statistic"] == pytest.approx(30.02, abs=5e-3)
    assert row["lr_df"] == 2


def test_ordinal_logit_warns_instead_of_reporting_a_separated_group():
    counts = {("GI", 1): 4, ("GI", 2): 3, ("GI", 3): 3, ("JZ", 2): 3, ("JZ", 3): 4, ("JZ", 4): 3,
              ("LT", 5): 6}  # fmt: skip  # LT answers only "Helemaal eens"
    with pytest.warns(SeparationWarning, match="LT"):
        table = ordinal_logit(from_table(counts), CB, "ps_general")
    assert table["estimate"].isna().all()
    assert (table["note"].str.contains("scheiding")).all()


# ------------------------------------------- issue 10: boxes first; proportional odds
# Counts of answers 1..5 per employer type, the data sets of tests/r/reference_stats.R.
R_W = {"GI": [9, 15, 10, 11, 5], "JZ": [4, 10, 12, 16, 8], "LT": [3, 7, 9, 15, 11]}
R_P = {"GI": [15, 5, 5, 5, 15], "JZ": [5, 10, 15, 10, 5], "LT": [4, 8, 12, 12, 9]}
R_S = {"GI": [2, 6, 6, 14, 7], "JZ": [3, 5, 7, 12, 8], "LT": [8, 9, 6, 5, 2]}


def _counts(d: dict[str, list[int]]) -> dict[tuple[str, int], int]:
    return {(g, c + 1): k for g, v in d.items() for c, k in enumerate(v) if k}


def test_chi_square_collapses_along_the_boxes_before_the_headline_box():
    # Five answers: an expected count of 3.9 (< 5); the three boxes of agree5 all expect >= 5.7.
    # R: chisq.test(table(employer_type, box3), correct = FALSE) -> X-squared = 12.8342162224,
    #    df = 4, p-value = 0.01211490371 (tests/r/reference_stats.R, data set S).
    row = chi_square(from_table(_counts(R_S), "ps_needed"), CB, "ps_needed").iloc[0]
    assert row["level"] == "boxes" and row["collapsed"] and row["box"] == ""
    assert row["statistic"] == pytest.approx(12.8342162224, abs=1e-8)
    assert row["df"] == 4
    assert row["p_value"] == pytest.approx(0.01211490371, rel=1e-8)
    assert "boxen van de schaal" in row["note"] and "voorzichtigheid" not in row["note"]


def test_chi_square_of_large_counts_keeps_all_answers():
    row = chi_square(
        from_table(_counts({g: [k * 3 for k in v] for g, v in R_W.items()}), "ps_needed"), CB, "ps_needed"
    ).iloc[0]
    assert row["level"] == "answers" and not row["collapsed"] and row["df"] == 8


def test_chi_square_collapses_along_the_boxes_when_a_cell_is_below_the_disclosure_threshold():
    # Three times data set W: every expected count >= 16, but GI answered "helemaal oneens" 9 times.
    # Below a threshold of 10 the test moves to the three boxes of agree5 (issue 11), where every
    # cell is >= 27. R: chisq.test(matrix(c(72,30,48, 42,36,72, 30,27,78), 3, byrow = TRUE),
    # correct = FALSE) -> X-squared = 27.4822010427, df = 4, p-value = 1.58798273379e-05.
    df = from_table(_counts({g: [k * 3 for k in v] for g, v in R_W.items()}), "ps_needed")
    row = chi_square(df, CB, "ps_needed", min_count=10).iloc[0]
    assert row["level"] == "boxes" and row["collapsed"]
    assert row["statistic"] == pytest.approx(27.4822010427, abs=1e-8)
    assert row["df"] == 4
    assert row["p_value"] == pytest.approx(1.58798273379e-05, rel=1e-8)
    assert "minder dan 10 respondenten" in row["note"] and "verwachte" not in row["note"]
    # Without the threshold, the answers are tested as given.
    assert chi_square(df, CB, "ps_needed").iloc[0]["level"] == "answers"


def test_proportional_odds_holds_matches_r_ordinal():
    # R: anova(clm(y ~ employer_type), clm(y ~ 1, nominal = ~employer_type)) (= nominal_test)
    #    -> LR.stat = 0.4439132877, df = 6, Pr(>Chisq) = 0.9984555872 (reference_stats.R, W).
    row = proportional_odds_test(from_table(_counts(R_W), "ps_needed"), CB, "ps_needed").iloc[0]
    assert row["test"] == "nominal_lr" and row["n"] == 145
    assert row["statistic"] == pytest.approx(0.4439132877, abs=1e-5)
    assert row["df"] == 6
    assert row["p_value"] == pytest.approx(0.9984555872, abs=1e-6)


def test_proportional_odds_violated_matches_r_ordinal():
    # GI answers at both ends, JZ in the middle: the same data set P in R gives
    # LR.stat = 22.9212759023, df = 6, Pr(>Chisq) = 0.0008232786294.
    row = proportional_odds_test(from_table(_counts(R_P), "ps_needed"), CB, "ps_needed").iloc[0]
    assert row["statistic"] == pytest.approx(22.9212759023, abs=1e-5)
    assert row["p_value"] == pytest.approx(0.0008232786294, rel=1e-4)


def test_proportional_odds_not_testable():
    two = proportional_odds_test(
        from_table({("GI", 2): 10, ("GI", 4): 5, ("JZ", 2): 4, ("JZ", 4): 9}), CB, "ps_general"
    ).iloc[0]
    assert np.isnan(two["p_value"]) and "twee antwoordcategorieën" in two["note"]
    ends = proportional_odds_test(
        from_table({("GI", 1): 10, ("JZ", 2): 4, ("JZ", 4): 9, ("JZ", 5): 3}), CB, "ps_general"
    ).iloc[0]
    assert np.isnan(ends["p_value"]) and "scheiding" in ends["note"]
