"""Claims gated by their tests (peo.tables.claims, issue 10).

A difference between employer types, or a change between waves, is named only when the
Holm-adjusted test supports it; otherwise the sentence says no difference was shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peo.tables import claims
from peo.tables.trends import changes


def _heads(shares: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": "ps_needed",
            "item_label": "Ruimte om te doen wat nodig is",
            "box": "disagree",
            "box_label": "(helemaal) oneens",
            "group": list(shares),
            "share": list(shares.values()),
            "suppressed": False,
        }
    )


def _tests(p_value: float, p_holm: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": ["ps_needed"],
            "test": ["chi2"],
            "p_value": [p_value],
            "p_holm": [p_holm],
            "primary": [True],
            "suppressed": [False],
        }
    )


def test_a_visible_but_unsupported_difference_is_not_claimed():
    # The 2022 demo case of the issue: GI 60% against 40% and 35%, Holm p 0.098.
    heads = _heads({"GI": 0.60, "JZ": 0.40, "LT": 0.35, "totaal": 0.44})
    c = claims.group_difference("ps_needed", _tests(0.033, 0.098), heads)
    assert not c["supported"] and c["highest_group"] is None
    assert "geen verschil" in c["statement_nl"] and "vaakst" not in c["statement_nl"]
    assert "GI 60%" in c["statement_nl"]  # the shares are shown, the difference is not claimed


def test_a_supported_difference_names_the_group():
    heads = _heads({"GI": 0.60, "JZ": 0.40, "LT": 0.35, "totaal": 0.44})
    c = claims.group_difference("ps_needed", _tests(0.001, 0.004), heads, {"GI": "gecertificeerde instellingen"})
    assert c["supported"] and c["highest_group"] == "GI"
    assert c["statement_nl"].startswith("Medewerkers van gecertificeerde instellingen antwoorden het vaakst")


def test_a_hidden_or_missing_test_supports_nothing():
    heads = _heads({"GI": 0.60, "JZ": 0.40, "LT": 0.35})
    hidden = _tests(0.001, 0.004).assign(suppressed=True)
    assert not claims.group_difference("ps_needed", hidden, heads)["supported"]
    assert not claims.group_difference("ps_needed", _tests(np.nan, np.nan), heads)["supported"]
    assert claims.supported(0.049) and not claims.supported(0.05) and not claims.supported(None)


def test_the_level_comes_from_analysis_yml(monkeypatch):
    monkeypatch.setattr(claims, "settings", lambda: {"level": 0.10})
    heads = _heads({"GI": 0.60, "JZ": 0.40, "LT": 0.35})
    assert claims.group_difference("ps_needed", _tests(0.033, 0.098), heads)["supported"]


def _trend(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "wave": w,
                "item": "ps_needed",
                "item_label": "Ruimte om te doen wat nodig is",
                "box": "disagree",
                "box_label": "(helemaal) oneens",
                "group": "totaal",
                "n": n,
                "count": k,
                "share": k / n,
                "ci_low": 0.0,
                "ci_high": 1.0,
                "suppressed": False,
            }
            for w, k, n in rows
        ]
    )


def test_a_change_between_waves_matches_r_prop_test_and_is_named():
    # Newcombe (1998) example (a), 56/70 against 48/80. R: prop.test(c(56, 48), c(70, 80),
    # correct = FALSE) -> X-squared = 7.0234, p-value = 0.008045. One change: Holm p = p.
    row = changes(_trend([("2021", 48, 80), ("2022", 56, 70)])).iloc[0]
    assert row["p_value"] == pytest.approx(0.008045, abs=5e-7)
    assert row["p_holm"] == pytest.approx(row["p_value"])
    assert row["claim_nl"].startswith(
        "Het aandeel '(helemaal) oneens' bij 'ruimte om te doen wat nodig is' is gestegen"
    )


def test_a_small_change_between_waves_is_not_named():
    row = changes(_trend([("2021", 40, 80), ("2022", 38, 70)])).iloc[0]
    assert row["p_holm"] > 0.05 and "geen verandering aangetoond" in row["claim_nl"]
