"""Tests of peo.stats.multicomp: Holm's correction within families of tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peo.errors import ValidationError
from peo.stats.multicomp import adjust_family, holm


def test_holm_matches_r_p_adjust():
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") = 0.05 0.08 0.09 0.09 0.09.
    # By hand (Holm 1979): sorted p times (m - i + 1) = 0.05, 0.08, 0.09, 0.08, 0.05, then
    # the running maximum = 0.05, 0.08, 0.09, 0.09, 0.09.
    assert holm([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09])
    # Order is kept and values are capped at 1: p.adjust(c(0.04, 0.5, 0.01), "holm")
    # = 0.08 0.50 0.03 (0.01 * 3, max(0.04 * 2, 0.03), max(0.5 * 1, 0.08)).
    assert holm([0.04, 0.5, 0.01]) == pytest.approx([0.08, 0.5, 0.03])
    assert holm([0.6, 0.7]) == pytest.approx([1.0, 1.0])


def test_holm_keeps_missing_p_values_missing():
    # multipletests alone would return NaN for every test here; a test that was not done
    # does not count in the family: p.adjust(c(0.01, NA, 0.04), "holm") = 0.02 NA 0.04.
    adjusted = holm([0.01, np.nan, 0.04])
    assert adjusted[0] == pytest.approx(0.02) and np.isnan(adjusted[1]) and adjusted[2] == pytest.approx(0.04)
    assert np.isnan(holm([np.nan, np.nan])).all()
    series = holm(pd.Series([0.01, np.nan], index=["a", "b"]))
    assert list(series.index) == ["a", "b"] and series.name == "p_holm"
    with pytest.raises(ValidationError, match="between 0 and 1"):
        holm([0.5, 1.2])


def test_adjust_family_adjusts_within_each_family():
    table = pd.DataFrame(
        {
            "family": ["groups", "outcomes", "groups", "groups", "outcomes"],
            "item": ["a", "b", "c", "d", "e"],
            "p_value": [0.01, 0.04, 0.02, np.nan, 0.01],
        }
    )
    out = adjust_family(table)
    assert out["p_holm"].tolist()[:3] == pytest.approx([0.02, 0.04, 0.02])
    assert np.isnan(out["p_holm"].iloc[3])
    assert out["p_holm"].iloc[4] == pytest.approx(0.02)
    assert "p_holm" not in table.columns  # a copy, not in place
    with pytest.raises(ValidationError, match="family"):
        adjust_family(table.drop(columns="family"))
