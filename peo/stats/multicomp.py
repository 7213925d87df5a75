"""Correction for multiple testing: Holm's step-down method within families of tests.

A *family* is a set of tests that answer one question together, for example "do the
employer types differ?" over the four professional-space items. Within a family the
p-values are adjusted with Holm's method, which controls the family-wise error rate
without assuming independence and is uniformly more powerful than Bonferroni.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
    Journal of Statistics, 6, 65-70.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from peo.errors import ValidationError


def holm(p_values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray | pd.Series:
    """Holm-adjusted p-values; missing p-values stay missing.

    Uses ``statsmodels.stats.multitest.multipletests(p, method="holm")``. The NaN p-values
    (tests that could not be done) are dropped first and put back as NaN afterwards:
    ``multipletests`` would otherwise return NaN for *every* test, and a test that was
    not done does not count in the family.

    Parameters
    ----------
    p_values : sequence of float, numpy.ndarray or pandas.Series
        Unadjusted p-values between 0 and 1; NaN for tests that were not done.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Adjusted p-values in the input order (a Series keeps its index and is named
        ``p_holm``).

    Raises
    ------
    ValidationError
        If a p-value is outside [0, 1] or not a number.

    Notes
    -----
    Checked against R ``p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm")`` = 0.05, 0.08,
    0.09, 0.09, 0.09, verified by hand: sorted p times (m - i + 1), made monotone
    (``tests/test_multicomp.py``).
    """
    try:
        p = np.asarray(p_values, dtype=float)
    except (TypeError, ValueError):
        raise ValidationError("holm(): the p-values must be numbers (NaN for tests that were not done).") from None
    p = np.atleast_1d(p)
    ok = ~np.isnan(p)
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise ValidationError(f"holm(): p-values must lie between 0 and 1; got {p[ok][(p[ok] < 0) | (p[ok] > 1)][:3]}.")
    adjusted = np.full(p.shape, np.nan)
    if ok.any():
        # multipletests turns every value into NaN when one p-value is NaN: adjust only the
        # tests that were done.
        adjusted[ok] = multipletests(p[ok], alpha=0.05, method="holm")[1]
    if isinstance(p_values, pd.Series):
        return pd.Series(adjusted, index=p_values.index, name="p_holm")
    return adjusted


def adjust_family(table: pd.DataFrame, family_col: str = "family", p_col: str = "p_value") -> pd.DataFrame:
    """Add Holm-adjusted p-values (``p_holm``) within each family of tests.

    Parameters
    ----------
    table : pandas.DataFrame
        A test table with a family column and a p-value column (e.g. the rows of
        :func:`peo.stats.groups.chi_square` for several items, with ``family`` added).
    family_col : str
        Column naming the family of each test. Rows with a missing family form one family.
    p_col : str
        Column with the unadjusted p-values.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with a ``p_holm`` column (float, NaN where ``p_col`` is NaN),
        in the original row order.

    Raises
    ------
    ValidationError
        If a column is missing or a p-value lies outside [0, 1].

    Notes
    -----
    Checked against R ``p.adjust(..., "holm")`` (see :func:`holm`).
    """
    missing = [c for c in (family_col, p_col) if c not in table.columns]
    if missing:
        raise ValidationError(
            f"adjust_family(): the table has no column(s) {missing}. Add a {family_col!r} column naming "
            f"the family of each test and a {p_col!r} column with its p-value."
        )
    out = table.copy()
    out["p_holm"] = np.nan
    for _, idx in out.groupby(family_col, dropna=False, sort=False).groups.items():
        out.loc[idx, "p_holm"] = holm(out.loc[idx, p_col].to_numpy(dtype=float, na_value=np.nan))
    out["p_holm"] = out["p_holm"].astype("float64")
    return out
