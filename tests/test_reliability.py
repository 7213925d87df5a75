"""Tests of peo.stats.reliability: item codes, scale scores, Cronbach's alpha and McDonald's omega."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from peo.survey.codebook import categories, load_codebook
from peo.errors import CodebookError
from peo.stats.columns import item_scores, numeric_values, scale_scores
from peo.stats.reliability import cronbach_alpha, omega_total, reliability

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook([ROOT / "codebooks" / "core.yml"])
SPACE = ["ps_general", "ps_relation", "ps_needed", "ps_reflection"]
ASPECTS = [i.id for i in CB.construct_items("aspects")]


def coded(item_id: str, codes) -> pd.Series:
    item = CB.item(item_id)
    label = dict(zip(item.response_scale.valid_codes, categories(item)))
    return pd.Series(
        pd.Categorical([label[c] if c is not None else None for c in codes], categories=categories(item), ordered=True)
    )


def frame(rows: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({k: coded(k, v) for k, v in rows.items()})


# ------------------------------------------------------------- alpha reference values


def test_alpha_matches_psych_on_pingouins_likert_example():
    # pingouin's documented example (pingouin.cronbach_alpha docstring; its tests compare
    # with R psych::alpha and real-statistics.com): 15 respondents x 10 items (1-7),
    # alpha = 0.5917188, Feldt 95% interval 0.195 to 0.840.
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    res = cronbach_alpha(data)
    assert res["alpha"] == pytest.approx(0.5917188, abs=1e-7)
    assert (res["n"], res["k"]) == (15, 10)
    # pingouin prints the interval rounded to three decimals; ours is not rounded.
    assert res["ci_low"] == pytest.approx(0.195, abs=5e-4)
    assert res["ci_high"] == pytest.approx(0.840, abs=5e-4)
    assert res["ci_low"] != round(res["ci_low"], 3)


def test_alpha_listwise_matches_psych_complete_obs():
    # pingouin docstring: psych::alpha(data, use = "complete.obs") on the binary
    # 'cronbach_wide_missing' data gives alpha = 0.8016949 after listwise deletion.
    data = pg.read_dataset("cronbach_wide_missing")
    res = cronbach_alpha(data)
    assert res["alpha"] == pytest.approx(0.8016949, abs=1e-7)
    assert res["n"] == int(data.notna().all(axis=1).sum()) == 9


# ------------------------------------------------------------- omega reference value


def _exact_congeneric(loadings, n=200, seed=5) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly that of a one-factor model."""
    lam = np.asarray(loadings)
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    z = np.random.default_rng(seed).standard_normal((n, lam.size))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T  # identity covariance
    x = z @ np.linalg.cholesky(corr).T
    return pd.DataFrame(x * [1.0, 2.0, 0.5, 3.0] + 3.0)  # scale and shift do not change omega


def test_omega_recovers_the_closed_form_of_a_congeneric_model():
    # McDonald (1999, eq. 6.20b): with standardized loadings 0.8, 0.7, 0.6, 0.5 and
    # uniquenesses 1 - lambda^2, omega = 2.6^2 / (2.6^2 + 2.26) = 6.76 / 9.02.
    res = omega_total(_exact_congeneric([0.8, 0.7, 0.6, 0.5]))
    assert res["omega"] == pytest.approx(6.76 / 9.02, abs=1e-6)
    assert res["note"] == ""


def test_omega_needs_three_items():
    res = omega_total(_exact_congeneric([0.8, 0.7, 0.6, 0.5]).iloc[:, :2])
    assert np.isnan(res["omega"]) and res["note"] == "omega vraagt minstens drie items"


# -------------------------------------------------------------- scores and coding


def test_scale_scores_use_min_items_and_reverse_coding():
    df = frame(
        {
            "ps_general": [5, 5, 5, None],
            "ps_relation": [4, 4, None, None],
            "ps_needed": [3, None, None, None],
            "ps_reflection": [None, None, None, None],
        }
    )
    scores = scale_scores(df, CB, "space")  # min_items 3 in the codebook
    assert scores.name == "space"
    assert scores.iloc[0] == pytest.approx(4.0)
    assert scores.iloc[1:].isna().all()
    assert scale_scores(df, CB, "space", min_items=2).iloc[1] == pytest.approx(4.5)
    with pytest.raises(CodebookError, match="min_items"):
        scale_scores(df, CB, "space", min_items=5)

    rules = frame({i: [5, 1] for i in ASPECTS})
    scores = item_scores(rules, CB, "aspects")
    assert scores["asp_rules"].tolist() == [1.0, 5.0]  # reverse: true
    assert scores["asp_autonomy"].tolist() == [5.0, 1.0]


def test_reliability_reverse_codes_and_deletes_listwise():
    rng = np.random.default_rng(7)
    latent = rng.normal(size=120)
    codes = {}
    for k, item in enumerate(ASPECTS):
        raw = np.clip(np.round(3 + latent + rng.normal(scale=0.8, size=120)), 1, 5).astype(int)
        codes[item] = list(6 - raw) if item == "asp_rules" else list(raw)  # stored as asked
    codes["asp_fit"][:10] = [None] * 10
    df = frame(codes)
    table = reliability(df, CB, "aspects")
    row = table.iloc[0]
    assert row["construct_label"] == "Aspecten van professionele ruimte (regio 2016)"
    assert (row["n"], row["k"], row["missing_policy"]) == (110, 8, "listwise")
    # The same as alpha on the reverse-coded complete rows: raw, and standardized (z-scores).
    complete = item_scores(df, CB, "aspects").dropna()
    assert row["alpha_raw"] == pytest.approx(pg.cronbach_alpha(complete)[0])
    z = (complete - complete.mean()) / complete.std(ddof=1)
    assert row["alpha"] == pytest.approx(pg.cronbach_alpha(z)[0]) and row["footing"] == "standardized"
    assert row["alpha_ci_low"] < row["alpha"] < row["alpha_ci_high"]
    assert 0 < row["omega"] < 1
    # Without reverse coding the rules item would lower alpha.
    unreversed = complete.assign(asp_rules=6 - complete["asp_rules"])
    assert pg.cronbach_alpha(unreversed)[0] < row["alpha_raw"]


def test_reliability_without_answers_gives_a_note():
    df = frame({i: [None, None, None] for i in SPACE})
    row = reliability(df, CB, "space").iloc[0]
    assert row["n"] == 0 and np.isnan(row["alpha"]) and np.isnan(row["omega"])
    assert row["note"] == "geen geldige antwoorden"


def test_numeric_values_resolve_items_constructs_and_columns():
    df = frame({"ps_general": [4, None]})
    df["years_experience"] = pd.Series([3.5, None], dtype="Float64")
    df["derived"] = [1, 2]
    assert numeric_values(df, CB, "ps_general").tolist()[0] == 4.0
    assert numeric_values(df, CB, "years_experience").dtype == "float64"
    assert numeric_values(df, CB, "derived").tolist() == [1.0, 2.0]
    with pytest.raises(CodebookError, match="neither an item nor a construct"):
        numeric_values(df, CB, "nothing")


def test_numeric_values_refuse_unordered_categorical_items():
    df = pd.DataFrame({"employer_type": pd.Categorical(["GI", "JZ"], categories=["GI", "JZ", "LT"], ordered=True)})
    with pytest.raises(CodebookError, match="categorical"):
        numeric_values(df, CB, "employer_type")


def test_standardized_alpha_matches_r_psych_std_alpha():
    # R: psych::alpha(x)$total on the congeneric data of the omega test (written to CSV):
    #    raw_alpha = 0.5826419070, std.alpha = 0.7420546933; psych::omega(x, nfactors = 1,
    #    fm = "ml")$omega.tot = 0.7494456776 (the closed form 6.76 / 9.02 above).
    x = _exact_congeneric([0.8, 0.7, 0.6, 0.5])
    assert cronbach_alpha(x)["alpha"] == pytest.approx(0.5826419070, abs=1e-9)
    assert cronbach_alpha(x, standardized=True)["alpha"] == pytest.approx(0.7420546933, abs=1e-9)
    assert omega_total(x)["omega"] == pytest.approx(0.7494456776, abs=1e-6)
