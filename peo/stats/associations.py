"""Associations of professional space with the outcomes: Spearman and logistic regression.

Work pleasure and experienced workload are ordinal answers: their association with
professional space is reported as Spearman's rho with a Fisher-z interval (an ordinal
model by group is in :func:`peo.stats.ordinal.ordinal_logit`). Intention to stay ("over een jaar
nog in de jeugdhulp") is reported as the odds of the outcome's headline box ("(waarschijnlijk)
wel") per point of the predictor, from a logistic regression adjusted for employer type.

The data are an opt-in cross-section: these are associations ("hangt samen met"), not
effects, and intervals describe sampling error only. When a group separates perfectly (for
example everybody in one employer type intends to stay), no finite odds ratio exists; the
functions then report NaN with a ``warning`` text and raise a :class:`SeparationWarning`
instead of printing a meaningless number.

References
----------
Fieller, E. C., Hartley, H. O., & Pearson, E. S. (1957). Tests for rank correlation
    coefficients. I. Biometrika, 44, 470-481.
Greene, W. H. (2003). Econometric Analysis (5th ed.), Table 21.1. Prentice Hall.
Spector, L. C., & Mazzeo, M. (1980). Probit analysis and economic education. Journal of
    Economic Education, 11, 37-44.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from peo.survey.wording import phrase
from peo.survey.codebook import Codebook
from peo.errors import CodebookError
from peo.stats.columns import CODED_TYPES, NOTE_NO_VALID, item_codes, label_of, numeric_values, require_column
from peo.stats.shares import group_masks

CONFIDENCE = 0.95
#: Variance constant of the Fisher-z standard error of Spearman's rho (Fieller et al. 1957).
FIELLER_VARIANCE = 1.06
#: A standard error above this (log-odds scale) means the estimate ran off (separation).
SE_BLOWUP = 50.0

NOTE_NO_VARIATION = phrase("stats_notes", "no_variation")
NOTE_FEW_PAIRS = phrase("stats_notes", "few_pairs")
WARN_NO_OUTCOME_VARIATION = phrase("stats_notes", "warn_no_outcome_variation")
WARN_SEPARATION_GROUP = phrase("stats_notes", "warn_separation_group")
WARN_SEPARATION = phrase("stats_notes", "warn_separation")
WARN_NOT_CONVERGED = phrase("stats_notes", "warn_not_converged")
WARN_SINGULAR = phrase("stats_notes", "warn_singular")


class SeparationWarning(UserWarning):
    """A model has no finite estimate because the outcome is (quasi-)perfectly predicted.

    Raised (as a warning) by :func:`logistic_odds` and :func:`peo.stats.ordinal.ordinal_logit`;
    the returned table then holds NaN estimates and says why in its ``warning`` or
    ``note`` column.
    """


# ------------------------------------------------------------------------ helpers


def design_matrix(
    data: pd.DataFrame, columns: Sequence[str], categorical: Sequence[str] = ()
) -> tuple[pd.DataFrame, list[dict]]:
    """Treatment-coded design matrix (no constant) and a description of each term.

    Columns named in ``categorical``, and categorical, boolean or text columns, become one
    0/1 column per level except the first observed level (the reference, e.g. GI for
    employer type); numeric columns are used as they are.

    Parameters
    ----------
    data : pandas.DataFrame
        Complete cases (no missing values in ``columns``).
    columns : sequence of str
        Columns to put in the model.
    categorical : sequence of str
        Columns to treat as categorical even if numeric.

    Returns
    -------
    (pandas.DataFrame, list of dict)
        The ``float64`` design matrix, columns named ``"<column>[<level>]"`` or
        ``"<column>"``, and per term a dict with ``term``, ``variable``, ``level`` and
        ``reference`` (empty for numeric columns).
    """
    parts = {}
    info = []
    for col in columns:
        s = data[col]
        is_cat = (
            col in categorical
            or isinstance(s.dtype, pd.CategoricalDtype)
            or pd.api.types.is_bool_dtype(s)
            or not pd.api.types.is_numeric_dtype(s)
        )
        if is_cat:
            if isinstance(s.dtype, pd.CategoricalDtype):
                present = set(s.dropna().astype("object"))
                levels = [c for c in s.cat.categories if c in present]
            else:
                levels = sorted(s.dropna().unique(), key=str)
            obj = s.astype("object")
            for lvl in levels[1:]:
                term = f"{col}[{lvl}]"
                parts[term] = (obj == lvl).astype("float64")
                info.append({"term": term, "variable": col, "level": str(lvl), "reference": str(levels[0])})
        else:
            parts[col] = pd.Series(s.to_numpy(dtype=float, na_value=np.nan), index=data.index)
            info.append({"term": col, "variable": col, "level": "", "reference": ""})
    return pd.DataFrame(parts, index=data.index), info


def _term_label(codebook: Codebook, term: dict, kind: str) -> str:
    """Dutch label of a model term: "Type werkgever: JZ", "Ervaren professionele ruimte"."""
    if kind == "intercept":
        return "constante"
    label = label_of(codebook, term["variable"])
    return f"{label}: {term['level']}" if term["level"] else label


def _is_categorical(s: pd.Series) -> bool:
    return (
        isinstance(s.dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(s)
        or not pd.api.types.is_numeric_dtype(s)
    )


# ----------------------------------------------------------------------- Spearman


def spearman(df: pd.DataFrame, codebook: Codebook, x: str, y: str, by: str | None = None) -> pd.DataFrame:
    """Spearman's rank correlation of two items, scores or numeric columns, with interval.

    ``rho`` and its p-value come from ``scipy.stats.spearmanr`` (two-sided; the p-value
    uses the t approximation with n - 2 degrees of freedom, which is also what R's
    ``cor.test(method = "spearman")`` reports when there are ties, as with Likert answers).
    The 95% interval is a Fisher-z interval with the standard error of Fieller, Hartley &
    Pearson (1957) for rank correlations, ``SE = sqrt(1.06 / (n - 3))``:
    ``tanh(atanh(rho) -/+ 1.96 SE)``. It needs at least 4 pairs.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    x, y : str
        Item ids, construct ids (scale scores) or numeric columns
        (:func:`peo.stats.columns.numeric_values`). Coded items enter with their codes.
    by : str, optional
        Grouping column: one row for ``"totaal"`` and one per group.

    Returns
    -------
    pandas.DataFrame
        One row per group. Columns: ``x``, ``x_label``, ``y``, ``y_label`` (Dutch labels),
        ``group``, ``n`` (complete pairs), ``rho``, ``ci_low``, ``ci_high``, ``p_value``,
        ``method`` (``"spearman"``), ``note`` (Dutch, empty when all is well).

    Raises
    ------
    CodebookError
        If ``x`` or ``y`` is unknown or a multi/open item.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Checked against R ``cor.test(method = "spearman")`` on Sullivan's textbook example
    (Statistics: Informed Decisions Using Data, section 15.6, Example 1; with ties):
    rho = 0.9277782, p-value = 0.0008915; and on Hollander & Wolfe (1973, p. 187), the
    example of R's ``cor.test`` help page: rho = 0.6. The interval is checked by hand.
    """
    xv = numeric_values(df, codebook, x)
    yv = numeric_values(df, codebook, y)
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    rows = []
    for group, mask in group_masks(df, by):
        ok = mask & xv.notna() & yv.notna()
        n = int(ok.sum())
        row = {
            "x": x,
            "x_label": label_of(codebook, x),
            "y": y,
            "y_label": label_of(codebook, y),
            "group": group,
            "n": n,
            "rho": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
            "method": "spearman",
            "note": "",
        }
        if n == 0:
            row["note"] = NOTE_NO_VALID
        elif xv[ok].nunique() < 2 or yv[ok].nunique() < 2:
            row["note"] = NOTE_NO_VARIATION
        else:
            res = stats.spearmanr(xv[ok].to_numpy(), yv[ok].to_numpy())
            rho = float(res.statistic)
            row["rho"] = rho
            row["p_value"] = float(res.pvalue)
            if n > 3:
                se = np.sqrt(FIELLER_VARIANCE / (n - 3))
                with np.errstate(divide="ignore"):
                    zr = np.arctanh(rho)
                row["ci_low"] = float(np.tanh(zr - z * se))
                row["ci_high"] = float(np.tanh(zr + z * se))
            else:
                row["note"] = NOTE_FEW_PAIRS
        rows.append(row)
    table = pd.DataFrame(rows)
    table["n"] = table["n"].astype("int64")
    for c in ("rho", "ci_low", "ci_high", "p_value"):
        table[c] = table[c].astype("float64")
    return table


# -------------------------------------------------------------------- logistic


def logistic_odds(
    df: pd.DataFrame,
    codebook: Codebook,
    outcome: str,
    predictor: str,
    adjust: Sequence[str] = ("employer_type",),
    box: str | None = None,
    all_terms: bool = False,
) -> pd.DataFrame:
    """Odds ratio of an outcome box per point of a predictor, from a logistic regression.

    The outcome is 1 when the answer to ``outcome`` lies in ``box`` (default: the item's
    headline box, e.g. "(waarschijnlijk) wel" for intention to stay) and 0 for the other
    valid answers. The model is ``statsmodels`` ``Logit`` (maximum likelihood) of the
    outcome on the predictor and the ``adjust`` columns (categorical ones treatment coded
    against their first level, e.g. GI), on the respondents with all values present.
    Intervals are **Wald** intervals, ``exp(b -/+ 1.96 SE)``.

    Separation is checked before and after the fit: an outcome without variation, a level
    of a categorical adjustment in which everybody has the same outcome, statsmodels'
    ``PerfectSeparationWarning``/``PerfectSeparationError``, non-convergence, or standard
    errors that blow up (> 50 on the log-odds scale). Then the estimates are NaN, the
    ``warning`` column says why, and a :class:`SeparationWarning` is raised.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    outcome : str
        A likert or categorical item with boxes (``"stay"``).
    predictor : str
        Construct id (scale score, e.g. ``"space"``), item id or numeric column.
    adjust : sequence of str
        Columns to adjust for, default ``("employer_type",)``.
    box : str, optional
        Box of the outcome that counts as 1; default its headline box.
    all_terms : bool
        Also return the rows of the intercept and the adjustment terms.

    Returns
    -------
    pandas.DataFrame
        One row for the predictor (and, with ``all_terms``, the intercept and each
        adjustment term). Columns:

        - ``outcome``, ``outcome_label``, ``box``, ``box_label``;
        - ``term`` (``"space"``, ``"employer_type[JZ]"``, ``"const"``), ``term_label``
          (Dutch, e.g. "Type werkgever: JZ"), ``kind`` (``"predictor"``, ``"adjust"``,
          ``"intercept"``), ``reference`` (reference level of a categorical term);
        - ``estimate`` (log odds ratio), ``se``, ``odds_ratio``, ``ci_low``, ``ci_high``
          (95% Wald interval of the odds ratio), ``p_value`` (Wald z test);
        - ``n`` (respondents in the model), ``events`` (of whom in the box);
        - ``ci_method`` (``"wald"``), ``warning`` (Dutch, empty when all is well).

    Raises
    ------
    CodebookError
        If the outcome is not a coded item, has no such box, or the predictor is unknown.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Checked against the logit model of Spector & Mazzeo (1980) as published in Greene
    (2003, Table 21.1) and shipped with statsmodels (``statsmodels.datasets.spector``):
    constant -13.0213 (SE 4.9313), GPA 2.8261 (1.2629), TUCE 0.0952 (0.1416),
    PSI 2.3787 (1.0646) (``tests/test_associations.py``).
    """
    it = codebook.item(outcome)
    if it.type not in CODED_TYPES:
        raise CodebookError(f"Outcome {outcome!r} is a {it.type} item; logistic_odds() needs a coded item.")
    name = box if box is not None else it.headline
    boxes = it.response_scale.boxes
    if name is None or name not in boxes:
        raise CodebookError(
            f"Outcome {outcome!r}: {'no headline box' if name is None else f'no box {name!r}'} in answer scale "
            f"{it.response_scale.name!r}. Pass box= (one of {', '.join(boxes) or 'none'}) or add 'headline' "
            "to the item in the codebook."
        )
    adjust = list(adjust)
    codes = item_codes(df, codebook, outcome)
    y = codes.isin(boxes[name].codes).astype("float64").where(codes.notna())
    data = pd.DataFrame({"_y": y, predictor: numeric_values(df, codebook, predictor)}, index=df.index)
    for col in adjust:
        data[col] = require_column(df, col, "adjustment column")
    data = data.dropna(how="any")
    n = len(data)
    events = int(data["_y"].sum())

    X, info = design_matrix(data, [predictor] + adjust)
    X.insert(0, "const", 1.0)
    info = [{"term": "const", "variable": "const", "level": "", "reference": ""}] + info

    problem = ""
    if n == 0:
        problem = NOTE_NO_VALID
    elif events in (0, n):
        problem = WARN_NO_OUTCOME_VARIATION
    else:
        for col in adjust:
            if _is_categorical(data[col]):
                by_level = data.groupby(data[col].astype("object"), observed=True)["_y"].agg(["min", "max"])
                same = by_level[by_level["min"] == by_level["max"]]
                if len(same):
                    problem = WARN_SEPARATION_GROUP.format(level=same.index[0], variable=col)
                    break

    params = bse = None
    if not problem:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fit = sm.Logit(data["_y"], X).fit(disp=0, maxiter=100)
            params = np.asarray(fit.params, dtype=float)
            bse = np.asarray(fit.bse, dtype=float)
            categories = {w.category for w in caught}
            if any(issubclass(c, PerfectSeparationWarning) for c in categories):
                problem = WARN_SEPARATION
            elif not fit.mle_retvals.get("converged", True):
                problem = WARN_NOT_CONVERGED
            elif (
                not np.all(np.isfinite(bse))
                or bse.max() > SE_BLOWUP
                or any(issubclass(c, HessianInversionWarning) for c in categories)
            ):
                problem = WARN_SEPARATION
            elif any(issubclass(c, ConvergenceWarning) for c in categories):
                problem = WARN_NOT_CONVERGED
        except PerfectSeparationError:
            problem = WARN_SEPARATION
        except np.linalg.LinAlgError:
            problem = WARN_SINGULAR
    if problem and problem != NOTE_NO_VALID:
        warnings.warn(
            f"logistic_odds({outcome!r} ~ {predictor!r}): {problem}. Estimates are reported as NaN.",
            SeparationWarning,
            stacklevel=2,
        )

    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    rows = []
    for j, term in enumerate(info):
        kind = "intercept" if term["term"] == "const" else ("predictor" if term["variable"] == predictor else "adjust")
        if kind != "predictor" and not all_terms:
            continue
        est = se = np.nan
        if params is not None and not problem:
            est, se = params[j], bse[j]
        rows.append(
            {
                "outcome": outcome,
                "outcome_label": it.short_nl,
                "box": name,
                "box_label": boxes[name].nl,
                "term": term["term"],
                "term_label": _term_label(codebook, term, kind),
                "kind": kind,
                "reference": term["reference"],
                "estimate": est,
                "se": se,
                "odds_ratio": np.exp(est),
                "ci_low": np.exp(est - z * se),
                "ci_high": np.exp(est + z * se),
                "p_value": 2 * stats.norm.sf(abs(est / se)) if np.isfinite(se) else np.nan,
                "n": n,
                "events": events,
                "ci_method": "wald",
                "warning": problem,
            }
        )
    table = pd.DataFrame(rows)
    for c in ("estimate", "se", "odds_ratio", "ci_low", "ci_high", "p_value"):
        table[c] = table[c].astype("float64")
    for c in ("n", "events"):
        table[c] = table[c].astype("int64")
    return table
