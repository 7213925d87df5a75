"""The reliability of multi-item constructs: Cronbach's alpha and McDonald's omega.

:func:`reliability` reports Cronbach's alpha with its interval and McDonald's omega of a
construct's items after reverse coding (:func:`peo.stats.columns.item_scores`; the column
helpers live in :mod:`peo.stats.columns`).

The data are an opt-in cross-section of professionals: reliability describes how
consistently the items of a construct were answered in this sample, and its interval
describes sampling error only.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297-334.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. Applied Psychological Measurement, 11(1), 93-103.
McDonald, R. P. (1999). Test theory: A unified treatment. Mahwah, NJ: Erlbaum (omega
    total, eq. 6.20b).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats
from statsmodels.multivariate.factor import Factor
from statsmodels.tools.sm_exceptions import ConvergenceWarning, EstimationWarning

from peo.stats.columns import NOTE_NO_VALID, as_list, item_scores
from peo.survey.codebook import Codebook
from peo.survey.wording import phrase

__all__ = ["FOOTING", "MISSING_POLICY", "cronbach_alpha", "omega_total", "reliability"]

#: How :func:`reliability` treats respondents with a missing item (see its docstring).
MISSING_POLICY = "listwise"
#: Alpha and omega in the reliability table both describe the standardized items.
FOOTING = "standardized"
#: Level of the interval of Cronbach's alpha.
CONFIDENCE = 0.95
#: Seed of the random starting values of the one-factor ML fit, so omega is reproducible.
OMEGA_SEED = 20211
#: Notes (Dutch: they appear in the report's tables).
NOTE_TOO_FEW_ROWS = phrase("stats_notes", "too_few_rows")
NOTE_NO_VARIATION = phrase("stats_notes", "no_variation")
NOTE_OMEGA_ITEMS = phrase("stats_notes", "omega_items")
NOTE_OMEGA_CONVERGENCE = phrase("stats_notes", "omega_convergence")
NOTE_OMEGA_HEYWOOD = phrase("stats_notes", "omega_heywood")


# --------------------------------------------------------------------- reliability


def cronbach_alpha(data: pd.DataFrame, ci: float = CONFIDENCE, standardized: bool = False) -> dict:
    """Cronbach's alpha with Feldt's interval, after listwise deletion.

    With ``standardized=True`` the items are z-scored (after the deletion) first, which gives
    standardized alpha, ``k r / (1 + (k - 1) r)`` with ``r`` the mean inter-item
    correlation: R ``psych::alpha``'s ``std.alpha``, on the same footing as
    :func:`omega_total` (which factors the correlation matrix).

    Alpha itself comes from ``pingouin.cronbach_alpha(data, nan_policy="listwise")``. The
    interval is Feldt's F-based interval, the same as pingouin's, computed here from
    ``scipy.stats.f`` because pingouin rounds its interval to three decimals (this
    project rounds only when presenting) and, for ``nan_policy="listwise"``, takes the
    degrees of freedom from the number of rows *before* deletion. Deleting first and
    computing the interval on the complete rows avoids both.

    Parameters
    ----------
    data : pandas.DataFrame
        One numeric column per item, one row per respondent.
    ci : float
        Confidence level of the interval.
    standardized : bool
        Alpha of the standardized items (see above) instead of the raw items.

    Returns
    -------
    dict
        ``alpha``, ``ci_low``, ``ci_high`` (float, NaN when not computable), ``n`` (complete
        rows), ``k`` (items) and ``note`` (Dutch, empty when all is well).

    Notes
    -----
    Checked against pingouin's documented examples, which pingouin checked against R
    ``psych::alpha``: the ``cronbach_alpha`` dataset (alpha 0.5917, interval
    0.195 to 0.840) and ``cronbach_wide_missing`` with ``use="complete.obs"``
    (alpha 0.8017); standardized alpha against R ``psych::alpha(x)$total$std.alpha`` on the
    congeneric data of the omega test (0.7420546933). See ``tests/test_reliability.py``.
    """
    data = data.astype("float64").dropna(how="any")
    n, k = data.shape
    if standardized and n > 1:
        sd = data.std(ddof=1)
        if (sd > 0).all():
            data = (data - data.mean()) / sd
    out = {"alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": int(n), "k": int(k), "note": ""}
    if n == 0:
        out["note"] = NOTE_NO_VALID
        return out
    if n < 2 or k < 2:
        out["note"] = NOTE_TOO_FEW_ROWS
        return out
    if data.sum(axis=1).var(ddof=1) == 0:
        out["note"] = NOTE_NO_VARIATION
        return out
    alpha, _ = pg.cronbach_alpha(data=data, nan_policy=MISSING_POLICY)
    df1 = n - 1
    df2 = df1 * (k - 1)
    tail = (1 - ci) / 2
    out["alpha"] = float(alpha)
    out["ci_low"] = float(1 - (1 - alpha) * stats.f.isf(tail, df1, df2))
    out["ci_high"] = float(1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2))
    return out


def omega_total(data: pd.DataFrame) -> dict:
    """McDonald's omega total from a one-factor maximum-likelihood fit on standardized items.

    ``omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi)`` with the loadings ``lambda`` and
    uniquenesses ``psi`` of ``statsmodels`` ``Factor(..., n_factor=1, method="ml")``, which
    fits the items' correlation matrix (so the items are standardized). Rows with a
    missing item are left out (listwise), as for alpha.

    Parameters
    ----------
    data : pandas.DataFrame
        One numeric column per item, one row per respondent.

    Returns
    -------
    dict
        ``omega`` (float, NaN when not computable), ``n``, ``k`` and ``note`` (Dutch).

    Notes
    -----
    ``factor_analyzer`` (what ``psych::omega`` users in Python usually reach for) is broken
    with current scikit-learn, so the fit uses statsmodels. Its ML fit starts from random
    values; the seed :data:`OMEGA_SEED` makes the result reproducible.

    Checked against a hand-checkable case: data whose correlation matrix is exactly that
    of a congeneric one-factor model with loadings 0.8, 0.7, 0.6, 0.5, for which
    omega = 2.6^2 / (2.6^2 + 2.26) = 0.749446 in closed form (McDonald 1999, eq. 6.20b).
    See ``tests/test_reliability.py``.
    """
    data = data.astype("float64").dropna(how="any")
    n, k = data.shape
    out = {"omega": np.nan, "n": int(n), "k": int(k), "note": ""}
    if n == 0:
        out["note"] = NOTE_NO_VALID
        return out
    if k < 3:
        # One factor with two items is not identified (and with three it is just identified).
        out["note"] = NOTE_OMEGA_ITEMS
        return out
    if n <= k:
        out["note"] = NOTE_TOO_FEW_ROWS
        return out
    if (data.std(ddof=1) == 0).any():
        out["note"] = NOTE_NO_VARIATION
        return out
    notes = []
    # factor_analyzer would be the usual choice, but it fails with current scikit-learn:
    # it calls check_array(force_all_finite=...), an argument scikit-learn has removed.
    # statsmodels' ML factor fit works and gives loadings and uniquenesses directly.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = Factor(data.to_numpy(), n_factor=1, method="ml").fit(rng=np.random.default_rng(OMEGA_SEED))
    for w in caught:
        if issubclass(w.category, ConvergenceWarning) and NOTE_OMEGA_CONVERGENCE not in notes:
            notes.append(NOTE_OMEGA_CONVERGENCE)
        elif issubclass(w.category, EstimationWarning) and NOTE_OMEGA_HEYWOOD not in notes:
            notes.append(NOTE_OMEGA_HEYWOOD)
    loadings = np.asarray(fit.loadings)[:, 0]
    uniqueness = np.asarray(fit.uniqueness)
    common = loadings.sum() ** 2
    out["omega"] = float(common / (common + uniqueness.sum()))
    out["note"] = "; ".join(notes)
    return out


def reliability(df: pd.DataFrame, codebook: Codebook, construct: str | Iterable[str]) -> pd.DataFrame:
    """Cronbach's alpha (with 95% interval) and McDonald's omega of one or more constructs.

    Alpha and omega are on the same footing: both describe the **standardized** items (alpha
    from the z-scored items, R's ``std.alpha``; omega from a factor model of the correlation
    matrix, R's ``psych::omega`` default). Raw alpha, the usual figure for a score that is the
    plain mean of the items, is reported beside them (``alpha_raw``); with items on one
    five-point scale the two differ little.

    Items are reverse coded where the codebook says so (:func:`item_scores`). Missing
    answers are handled **listwise**: only respondents who answered every item of the
    construct count, for alpha, its interval and omega alike. Pairwise deletion (pingouin's
    default) would compute alpha from covariances of different subsamples while the
    interval uses a single n, so alpha and its interval would refer to different samples;
    listwise keeps one sample, whose size is the reported ``n``.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    construct : str or list of str
        Construct id(s).

    Returns
    -------
    pandas.DataFrame
        One row per construct with columns:

        - ``construct``, ``construct_label`` (Dutch);
        - ``n``: respondents who answered all items; ``k``: number of items;
        - ``alpha``, ``alpha_ci_low``, ``alpha_ci_high``: standardized Cronbach's alpha and
          its 95% Feldt interval (:func:`cronbach_alpha` with ``standardized=True``);
        - ``omega``: McDonald's omega total of the standardized items (:func:`omega_total`);
        - ``alpha_raw``: Cronbach's alpha of the raw items;
        - ``footing``: ``"standardized"`` (alpha and omega);
        - ``missing_policy``: ``"listwise"``;
        - ``note``: Dutch remarks ("geen geldige antwoorden", ...), empty when all is well.

        Values are not rounded.

    Raises
    ------
    CodebookError
        If a construct is unknown or has no coded items.
    ValidationError
        If an item's column is absent or does not match the codebook.

    Notes
    -----
    References checked: pingouin's documented examples (R ``psych::alpha``) for alpha, a
    closed-form congeneric case for omega; see :func:`cronbach_alpha`, :func:`omega_total`.
    """
    rows = []
    for cid in as_list(construct):
        scores = item_scores(df, codebook, cid)
        a = cronbach_alpha(scores, standardized=True)
        raw = cronbach_alpha(scores)
        o = omega_total(scores)
        notes = [x for x in (a["note"], o["note"]) if x]
        rows.append(
            {
                "construct": cid,
                "construct_label": codebook.constructs[cid].nl,
                "n": a["n"],
                "k": a["k"],
                "alpha": a["alpha"],
                "alpha_ci_low": a["ci_low"],
                "alpha_ci_high": a["ci_high"],
                "omega": o["omega"],
                "alpha_raw": raw["alpha"],
                "footing": FOOTING,
                "missing_policy": MISSING_POLICY,
                "note": "; ".join(dict.fromkeys(notes)),
            }
        )
    cols = [
        "construct",
        "construct_label",
        "n",
        "k",
        "alpha",
        "alpha_ci_low",
        "alpha_ci_high",
        "omega",
        "alpha_raw",
        "footing",
        "missing_policy",
        "note",
    ]
    return pd.DataFrame(rows, columns=cols).astype({"n": "int64", "k": "int64"})
