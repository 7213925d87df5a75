"""Proportional-odds (ordinal logistic) models of an item by group, and the test of their assumption.

Split from :mod:`peo.stats.groups` (one job per module): :func:`ordinal_logit` fits the
model with statsmodels' ``OrderedModel`` (checked against ``MASS::polr``), and
:func:`proportional_odds_test` tests the proportional-odds assumption with a
likelihood-ratio test against the model that frees the group effects per cut-point (checked
against R ``ordinal``'s ``nominal_test``). The shared helpers and notes are those of
:mod:`peo.stats.groups`.

References
----------
Agresti, A. (2007). An Introduction to Categorical Data Analysis (2nd ed.). Wiley.
Venables, W. N., & Ripley, B. D. (2002). Modern Applied Statistics with S (4th ed.),
    section 7.3. Springer.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.sm_exceptions import HessianInversionWarning

from peo.errors import CodebookError
from peo.stats.associations import SE_BLOWUP, SeparationWarning, design_matrix
from peo.stats.groups import (
    CONFIDENCE,
    NOTE_FEW_GROUPS,
    NOTE_NOT_CONVERGED,
    NOTE_NO_VARIATION,
    NOTE_PO_TWO,
    NOTE_SEPARATION,
    _drop_empty,
    _group_series,
    _test_row,
)
from peo.stats.columns import NOTE_NO_VALID, item_codes, require_column
from peo.survey.codebook import Codebook

__all__ = ["ordinal_logit", "proportional_odds_test"]


# ------------------------------------------------------------------ ordinal logit


class _LogitOrderedModel(OrderedModel):
    """statsmodels' ``OrderedModel(distr="logit")`` with frequency weights and a direct logistic cdf.

    Two things ``OrderedModel`` lacks, added without changing its model or its fit:

    - **Frequency weights.** The likelihood of a proportional-odds model depends on the data
      only through how many respondents share each combination of answer and covariates; with
      employer type as the only covariate that is 3 groups x 5 answers. ``OrderedModel`` takes
      no weights, so it evaluated the likelihood over every respondent: at 100,000 respondents
      the four models of a wave took about 20 s, now a fraction of a second. The log-likelihood
      is the weighted sum of the rows' log-likelihoods and the starting values use the weighted
      answer shares, so the maximum, its Hessian (hence the standard errors) and the
      likelihood-ratio tests are those of the model on every respondent (to rounding in the
      last digits; the R references in ``tests/test_groups.py`` still hold).
    - **The logistic cdf by** ``scipy.special.expit``. statsmodels evaluates it through
      ``scipy.stats.logistic.cdf``, whose generic argument checks cost about 0.15 ms per call,
      and a fit calls it thousands of times (Newton steps with a numerical Hessian).
      ``scipy.stats.logistic`` computes its cdf as ``expit(x)`` and its pdf as
      ``exp(-|x| - 2 log1p(exp(-|x|)))``, so the values are the same; only the overhead goes.
    """

    def __init__(self, endog, exog=None, *, freq_weights=None, **kwargs):
        super().__init__(endog, exog, **kwargs)
        self.freq_weights = np.ones(len(self.endog)) if freq_weights is None else np.asarray(freq_weights, dtype=float)

    def cdf(self, x):
        return special.expit(x)

    def pdf(self, x):
        y = -np.abs(x)
        return np.exp(y - 2.0 * np.log1p(np.exp(y)))

    def loglike(self, params):
        return float(np.dot(self.freq_weights, self.loglikeobs(params)))

    @property
    def start_params(self):
        # OrderedModel.start_params with the answer shares weighted (thresholds of the null model)
        freq = np.bincount(self.endog, weights=self.freq_weights, minlength=self.k_levels) / self.freq_weights.sum()
        start_ppf = self.distr.ppf(np.clip(freq.cumsum(), 0, 1))
        start_threshold = self.transform_reverse_threshold_params(start_ppf)
        return np.concatenate((np.zeros(self.k_vars), start_threshold))


def _collapsed(y: pd.Series, exog: pd.DataFrame | None) -> tuple[pd.Series, pd.DataFrame | None, np.ndarray]:
    """The distinct combinations of answer and covariates, with how many respondents have each."""
    cols = list(exog.columns) if exog is not None else []
    frame = pd.DataFrame({"_y": y.cat.codes.to_numpy()}, index=y.index)
    if cols:
        frame = pd.concat([exog.reset_index(drop=True), frame.reset_index(drop=True)], axis=1)
    counts = frame.groupby([*cols, "_y"], sort=True).size()
    keys = counts.index.to_frame(index=False)
    y_u = pd.Series(pd.Categorical.from_codes(keys["_y"].to_numpy(), categories=y.cat.categories, ordered=True))
    x_u = keys[cols].astype(float) if cols else None
    return y_u, x_u, counts.to_numpy(dtype=float)


def _fit_ordered(y: pd.Series, X: pd.DataFrame | None):
    """Fit a proportional-odds logit model; return (result, list of warning categories)."""
    exog = X if X is not None and X.shape[1] else None
    y_u, x_u, weights = _collapsed(y, exog)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = _LogitOrderedModel(y_u, x_u, freq_weights=weights, distr="logit")
        try:
            res = model.fit(method="newton", maxiter=200, disp=False)
        except (np.linalg.LinAlgError, ValueError):
            res = model.fit(method="bfgs", maxiter=2000, disp=False)
    return res, [w.category for w in caught]


def ordinal_logit(
    df: pd.DataFrame,
    codebook: Codebook,
    item: str,
    by: str = "employer_type",
    adjust: Sequence[str] = (),
    all_terms: bool = False,
) -> pd.DataFrame:
    """Proportional-odds (ordinal logistic) model of an item's answers by group.

    Fits ``logit P(Y <= j) = theta_j - x'beta`` with statsmodels
    ``OrderedModel(..., distr="logit")`` (the parametrisation of R's ``MASS::polr``), with
    the groups of ``by`` treatment coded against the first group (GI), optionally adjusted
    for other columns. A positive estimate means the group's answers lie higher on the
    scale than the reference group's; ``odds_ratio = exp(estimate)`` is the common
    cumulative odds ratio. Unused answer options are left out. Intervals are Wald
    intervals. A likelihood-ratio test compares the model with the model without the
    groups (thresholds only when ``adjust`` is empty).

    statsmodels parametrises the thresholds as the first cut-point plus log increments;
    they are converted to cut-points (``transform_threshold_params``), with standard errors
    by the delta method.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    item : str
        A likert item (its order is the scale's code order).
    by : str
        Grouping column, default ``"employer_type"``.
    adjust : sequence of str
        Further columns to adjust for (categorical ones are treatment coded).
    all_terms : bool
        Also return the rows of the adjustment terms and the thresholds.

    Returns
    -------
    pandas.DataFrame
        One row per non-reference group (and, with ``all_terms``, per adjustment term and
        threshold). Columns:

        - ``item``, ``item_label``, ``by``;
        - ``term`` (``"employer_type[JZ]"``, or ``"Oneens|Neutraal"`` for a threshold),
          ``kind`` (``"group"``, ``"adjust"``, ``"threshold"``), ``group`` (the group of a
          group term, else empty), ``reference`` (the reference level);
        - ``estimate`` (log cumulative odds ratio, or cut-point), ``se``;
        - ``odds_ratio``, ``ci_low``, ``ci_high``: odds ratio with its 95% Wald interval
          (NaN for thresholds);
        - ``p_value``: Wald test of the term;
        - ``n``: respondents in the model;
        - ``lr_statistic``, ``lr_df``, ``lr_p_value``: likelihood-ratio test of all group
          terms together;
        - ``note``: Dutch, e.g. when a group separates perfectly (then estimates are NaN).

    Raises
    ------
    CodebookError
        If the item is unknown or not a likert item.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Checked against Venables & Ripley (2002), section 7.3, R ``MASS::polr(Sat ~ Infl + Type
    + Cont, weights = Freq, data = housing)``: InflMedium 0.5663937 (SE 0.1046528),
    InflHigh 1.2888191 (0.1271561), TypeApartment -0.5723501, TypeAtrium -0.3661866,
    TypeTerrace -1.0910149, ContHigh 0.3602841, Low|Medium -0.4961353 (0.1248472),
    Medium|High 0.6907083 (0.1254719). The likelihood-ratio test is checked on a saturated
    case (two answers, groups only), where it equals the G^2 of the table: Agresti (2007,
    section 2.4.4), G^2 = 30.02, df = 2 (``tests/test_groups.py``).
    """
    it = codebook.item(item)
    if it.type != "likert":
        raise CodebookError(
            f"Item {item!r} is a {it.type} item; ordinal_logit() needs a likert item (ordered answers). "
            "Compare unordered answers with chi_square()."
        )
    adjust = list(adjust)
    codes = item_codes(df, codebook, item)
    groups, levels = _group_series(df, by)
    data = pd.DataFrame({"_y": codes, by: pd.Categorical(groups, categories=levels)}, index=df.index)
    for col in adjust:
        data[col] = require_column(df, col, "adjustment column")
    data = data.dropna(how="any")
    n = len(data)
    cols = [
        "item",
        "item_label",
        "by",
        "term",
        "kind",
        "group",
        "reference",
        "estimate",
        "se",
        "odds_ratio",
        "ci_low",
        "ci_high",
        "p_value",
        "n",
        "lr_statistic",
        "lr_df",
        "lr_p_value",
        "note",
    ]

    present_groups = [lvl for lvl in levels if (data[by] == lvl).any()]
    labels = {c.code: c.nl for c in it.response_scale.codes}
    used = sorted(int(c) for c in data["_y"].unique())

    def empty(note: str) -> pd.DataFrame:
        rows = [
            {
                "item": item,
                "item_label": it.short_nl,
                "by": by,
                "term": f"{by}[{g}]",
                "kind": "group",
                "group": g,
                "reference": present_groups[0] if present_groups else "",
                "n": n,
                "note": note,
            }
            for g in (present_groups[1:] if present_groups else levels[1:])
        ]
        return _ordinal_frame(rows, cols)

    if n == 0:
        return empty(NOTE_NO_VALID)
    if len(present_groups) < 2:
        return empty(NOTE_FEW_GROUPS)
    if len(used) < 2:
        return empty(NOTE_NO_VARIATION)
    # A group whose answers all lie in the lowest or all in the highest category has an
    # infinite maximum-likelihood estimate (quasi-complete separation).
    for g in present_groups:
        ys = data.loc[data[by] == g, "_y"]
        if (ys == used[0]).all() or (ys == used[-1]).all():
            warnings.warn(
                f"ordinal_logit({item!r}): group {g!r} answers only at one end of the scale; "
                "no finite estimate exists (separation).",
                SeparationWarning,
                stacklevel=2,
            )
            return empty(NOTE_SEPARATION)

    y = pd.Series(pd.Categorical(data["_y"].astype(int), categories=used, ordered=True), index=data.index)
    X, info = design_matrix(data, [by] + adjust, categorical=[by])
    res, caught = _fit_ordered(y, X)
    n_thr = len(used) - 1
    k = X.shape[1]
    params = np.asarray(res.params, dtype=float)
    cov = np.asarray(res.cov_params(), dtype=float)
    bse = np.sqrt(np.clip(np.diag(cov), 0, None))
    converged = bool(res.mle_retvals.get("converged", True))
    bad = (
        not converged
        or not np.all(np.isfinite(bse))
        or bse[:k].max(initial=0) > SE_BLOWUP
        or any(issubclass(c, HessianInversionWarning) for c in caught)
    )
    note = ""
    if bad:
        note = NOTE_NOT_CONVERGED if not converged else NOTE_SEPARATION
        warnings.warn(
            f"ordinal_logit({item!r}): {'no convergence' if not converged else 'standard errors blow up'}; "
            "estimates are not reported.",
            SeparationWarning,
            stacklevel=2,
        )

    # Likelihood-ratio test of the group terms: the model without them.
    group_terms = [i["term"] for i in info if i["variable"] == by]
    reduced = X.drop(columns=group_terms)
    res0, _ = _fit_ordered(y, reduced)
    lr = 2 * (float(res.llf) - float(res0.llf))
    lr_df = len(group_terms)

    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    rows = []
    for j, term in enumerate(info):
        kind = "group" if term["variable"] == by else "adjust"
        if kind == "adjust" and not all_terms:
            continue
        est, se = params[j], bse[j]
        rows.append(
            {
                "item": item,
                "item_label": it.short_nl,
                "by": by,
                "term": term["term"],
                "kind": kind,
                "group": term["level"] if kind == "group" else "",
                "reference": term["reference"],
                "estimate": est,
                "se": se,
                "odds_ratio": np.exp(est),
                "ci_low": np.exp(est - z * se),
                "ci_high": np.exp(est + z * se),
                "p_value": 2 * stats.norm.sf(abs(est / se)),
                "n": n,
            }
        )
    if all_terms:
        raw = params[k:]
        cuts = res.model.transform_threshold_params(params)[1:-1]
        # Delta method: cut_j = raw_0 + sum_{i=1..j} exp(raw_i).
        jac = np.zeros((n_thr, n_thr))
        jac[:, 0] = 1.0
        for j in range(1, n_thr):
            jac[j, 1 : j + 1] = np.exp(raw[1 : j + 1])
        cut_se = np.sqrt(np.diag(jac @ cov[k:, k:] @ jac.T))
        for j in range(n_thr):
            rows.append(
                {
                    "item": item,
                    "item_label": it.short_nl,
                    "by": by,
                    "term": f"{labels[used[j]]}|{labels[used[j + 1]]}",
                    "kind": "threshold",
                    "group": "",
                    "reference": "",
                    "estimate": cuts[j],
                    "se": cut_se[j],
                    "odds_ratio": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "p_value": 2 * stats.norm.sf(abs(cuts[j] / cut_se[j])),
                    "n": n,
                }
            )
    table = _ordinal_frame(rows, cols)
    table["lr_statistic"] = lr
    table["lr_df"] = float(lr_df)
    table["lr_p_value"] = float(stats.chi2.sf(lr, lr_df))
    table["note"] = note
    if bad:
        table.loc[:, ["estimate", "se", "odds_ratio", "ci_low", "ci_high", "p_value", "lr_statistic", "lr_p_value"]] = (
            np.nan
        )
    return table


def _ordinal_frame(rows: list[dict], cols: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=cols)
    for c in ("estimate", "se", "odds_ratio", "ci_low", "ci_high", "p_value", "lr_statistic", "lr_df", "lr_p_value"):
        table[c] = table[c].astype("float64")
    table["n"] = table["n"].fillna(0).astype("int64")
    table["note"] = pd.Series(["" if pd.isna(v) else str(v) for v in table["note"]], index=table.index, dtype="str")
    return table


def proportional_odds_test(df: pd.DataFrame, codebook: Codebook, item: str, by: str = "employer_type") -> pd.DataFrame:
    """Likelihood-ratio test of the proportional-odds assumption of :func:`ordinal_logit`.

    The proportional-odds model assumes that a group differs from the reference group by
    the same log odds ratio at every cut-point of the scale. The alternative frees the
    group effects at every cut-point (a *nominal* effect in R's ``ordinal::clm``). With the
    employer type as the only predictor that alternative is saturated: it reproduces each
    group's answer distribution. The test statistic is therefore the deviance of the
    proportional-odds fit, ``G^2 = 2 sum O log(O / E)`` over groups and answers, with ``E``
    the counts the fitted model expects (``scipy.stats.power_divergence(...,
    lambda_="log-likelihood")``), on ``(K - 1)(J - 2)`` degrees of freedom for ``K``
    groups and ``J`` used answers. A small p-value says the assumption does not hold: the
    groups differ in the *shape* of their answers (e.g. more answers at both ends), not
    only in their position, and a single odds ratio per group summarises them poorly.

    Returns
    -------
    pandas.DataFrame
        One row. Columns: ``item``, ``item_label``, ``by``, ``test`` (``"nominal_lr"``),
        ``statistic`` (G^2), ``df``, ``p_value``, ``n``, ``note`` (Dutch).

    Notes
    -----
    Checked against R ``ordinal``: ``anova(clm(y ~ employer_type), clm(y ~ 1, nominal =
    ~employer_type))``, which is what ``nominal_test(clm(y ~ employer_type))`` fits, on two
    data sets of ``tests/r/reference_stats.R`` (``tests/test_groups.py``).
    """
    it = codebook.item(item)
    if it.type != "likert":
        raise CodebookError(f"Item {item!r} is a {it.type} item; proportional_odds_test() needs a likert item.")
    codes = item_codes(df, codebook, item)
    groups, levels = _group_series(df, by)
    valid = codes.notna() & groups.notna()
    n = int(valid.sum())
    row = _test_row(item, it.short_nl, by, "nominal_lr", "", n=n)
    row = row.drop(columns=["effect", "effect_size"])
    table = _drop_empty(pd.crosstab(groups[valid], codes[valid].astype(int)))
    if n == 0:
        row["note"] = NOTE_NO_VALID
        return row
    if min(table.shape) < 2:
        row["note"] = NOTE_NO_VARIATION if table.shape[1] < 2 else NOTE_FEW_GROUPS
        return row
    if table.shape[1] < 3:
        row["note"] = NOTE_PO_TWO
        return row
    ends = (table.iloc[:, 0] == table.sum(axis=1)) | (table.iloc[:, -1] == table.sum(axis=1))
    if ends.any():
        row["note"] = NOTE_SEPARATION
        return row
    present = list(table.index)
    used = list(table.columns)
    data = pd.DataFrame({by: pd.Categorical(groups[valid], categories=present)})
    y = pd.Series(pd.Categorical(codes[valid].astype(int), categories=used, ordered=True), index=data.index)
    X, _ = design_matrix(data, [by], categorical=[by])
    res, caught = _fit_ordered(y, X)
    if not bool(res.mle_retvals.get("converged", True)) or any(issubclass(c, HessianInversionWarning) for c in caught):
        row["note"] = NOTE_NOT_CONVERGED
        return row
    # Expected counts per group and answer under the fitted model.
    Xg, _ = design_matrix(pd.DataFrame({by: pd.Categorical(present, categories=present)}), [by], categorical=[by])
    probs = np.asarray(res.model.predict(res.params, exog=Xg.to_numpy()), dtype=float)
    expected = probs * table.sum(axis=1).to_numpy()[:, None]
    g2 = float(stats.power_divergence(table.to_numpy().ravel(), expected.ravel(), lambda_="log-likelihood").statistic)
    dof = (len(present) - 1) * (len(used) - 2)
    row["statistic"] = g2
    row["df"] = float(dof)
    row["p_value"] = float(stats.chi2.sf(g2, dof))
    return row
