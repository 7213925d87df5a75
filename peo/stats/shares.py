"""Shares of answers: distributions, box shares with Wilson intervals, multiple choice, numbers.

Every function returns a tidy DataFrame with the shared column names of
``docs/processed-data.md`` ("tables/"): one row per item x group (x answer), a group
``"totaal"`` for all respondents plus one per employer type when ``by`` is given. Shares
are ``count / n`` with ``n`` the respondents with a valid answer in that group; nothing is
rounded (rounding is for presentation). An item or group without valid answers gives
``n = 0``, NaN shares and the note "geen geldige antwoorden", never an error.

The respondents are an opt-in sample; intervals describe sampling error only, not the
selection of who took part.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. Journal of the American Statistical Association, 22, 209-212.
Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    comparison of seven methods. Statistics in Medicine, 17, 857-872.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from peo.survey.codebook import Codebook, Item, groups
from peo.errors import CodebookError
from peo.stats.columns import (
    NOTE_NO_VALID,
    as_list,
    item_codes,
    label_of,
    numeric_values,
    require_column,
)

#: Name of the group of all respondents (``totaal``, from the codebook).
TOTAL = groups().total
#: Level of the Wilson intervals (the tables promise 95%).
CONFIDENCE = 0.95

__all__ = [
    "TOTAL",
    "NOTE_NO_VALID",
    "group_masks",
    "wilson_interval",
    "distribution",
    "box_shares",
    "multi_shares",
    "numeric_summary",
]


# ------------------------------------------------------------------------- helpers


def group_masks(df: pd.DataFrame, by: str | None = None) -> list[tuple[str, pd.Series]]:
    """Boolean masks of the groups: ``"totaal"`` first, then one per level of ``by``.

    Levels come from the categories of a categorical column (so an empty group still gets
    a row), otherwise from the sorted values present. Respondents with a missing ``by``
    count in ``"totaal"`` only.

    Parameters
    ----------
    df : pandas.DataFrame
        The respondents frame.
    by : str, optional
        Grouping column, usually ``"employer_type"``.

    Returns
    -------
    list of (str, pandas.Series)
        Group name and boolean mask on the index of ``df``.

    Raises
    ------
    ValidationError
        If ``by`` is not a column of ``df``.
    """
    masks = [(TOTAL, pd.Series(True, index=df.index))]
    if by is None:
        return masks
    col = require_column(df, by, "grouping column")
    if isinstance(col.dtype, pd.CategoricalDtype):
        # by category code: the same masks as comparing the values, without object arrays
        codes = col.cat.codes.to_numpy()
        for k, level in enumerate(col.cat.categories):
            masks.append((str(level), pd.Series(codes == k, index=df.index)))
        return masks
    levels = sorted(col.dropna().unique(), key=str)
    obj = col.astype("object")
    for level in levels:
        masks.append((str(level), (obj == level).fillna(False).astype(bool)))
    return masks


def wilson_interval(count, n) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of ``count / n``; NaN where ``n`` is 0.

    Uses ``statsmodels.stats.proportion.proportion_confint(count, n, alpha=0.05,
    method="wilson")``. The method is always passed: statsmodels' default is the normal
    (Wald) interval, which is too narrow near 0 and 1 and can leave [0, 1].

    Parameters
    ----------
    count, n : array_like of int
        Counts and group sizes.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper bounds (float).

    Notes
    -----
    Checked against Newcombe (1998), Table I, method 3 (Wilson score without continuity
    correction): 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605;
    0/20 -> 0 to 0.1611; 1/29 -> 0.0061 to 0.1718 (``tests/test_shares.py``).
    """
    count = np.atleast_1d(np.asarray(count, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = n > 0
    if ok.any():
        # Imported here, not at the top: the chapter notebooks import this module (through
        # peo.tables.likert) for its table helpers only, and statsmodels costs a second to import.
        from statsmodels.stats.proportion import proportion_confint

        lo, hi = proportion_confint(count[ok], n[ok], alpha=1 - CONFIDENCE, method="wilson")
        # Floating point leaves 0/n with a lower bound of ~1e-17 (above the share) and n/n
        # with an upper bound just below 1: clamp the bounds around the share itself.
        share = count[ok] / n[ok]
        low[ok] = np.minimum(lo, share)
        high[ok] = np.maximum(hi, share)
    return low, high


def _share(count: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, count / np.where(n > 0, n, 1), np.nan)


def _finish(rows: list[dict], columns: list[str], ints: Iterable[str], with_ci: bool) -> pd.DataFrame:
    """Build the table from count rows: add share, Wilson bounds and the note."""
    computed = ("share", "ci_low", "ci_high", "note")
    table = pd.DataFrame(rows, columns=[c for c in columns if c not in computed])
    for c in ints:
        table[c] = table[c].astype("int64")
    n = table["n"].to_numpy(dtype=float)
    count = table["count"].to_numpy(dtype=float)
    table["share"] = _share(count, n)
    if with_ci:
        table["ci_low"], table["ci_high"] = wilson_interval(count, n)
    table["note"] = pd.Series(np.where(n > 0, "", NOTE_NO_VALID), index=table.index, dtype="str")
    return table[columns]


def _coded(codebook: Codebook, item_id: str) -> Item:
    item = codebook.item(item_id)
    if item.type not in ("likert", "categorical"):
        hint = {"multi": "multi_shares()", "numeric": "numeric_summary()"}.get(item.type, "another function")
        raise CodebookError(f"Item {item_id!r} is a {item.type} item; use {hint} for it.")
    return item


# ---------------------------------------------------------------------- functions


def distribution(
    df: pd.DataFrame, codebook: Codebook, items: str | Iterable[str], by: str | None = None
) -> pd.DataFrame:
    """Answer distribution of coded items, overall and per group.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook of the wave.
    items : str or list of str
        Likert or categorical item ids.
    by : str, optional
        Grouping column (``"employer_type"``); without it only ``"totaal"``.

    Returns
    -------
    pandas.DataFrame
        One row per item x group x answer option, every option of the scale present (zero
        counts included), in codebook order. Columns:

        - ``item``, ``item_label``: item id and Dutch short label;
        - ``group``: ``"totaal"`` or the employer type;
        - ``answer_code``, ``answer_label``: the option's code and Dutch label;
        - ``n``: respondents in the group with a valid answer;
        - ``count``: respondents in the group who gave this answer;
        - ``share``: ``count / n`` (NaN when ``n`` is 0);
        - ``note``: "geen geldige antwoorden" when ``n`` is 0, else empty.

    Raises
    ------
    CodebookError
        If an item does not exist or is not a coded item.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Plain counting, checked by hand in ``tests/test_shares.py``; the intervals of
    :func:`box_shares` carry the reference values.
    """
    rows = []
    for iid in as_list(items):
        item = _coded(codebook, iid)
        codes = item_codes(df, codebook, iid)
        for group, mask in group_masks(df, by):
            valid = codes[mask].dropna()
            counts = valid.value_counts()
            for c in item.response_scale.codes:
                rows.append(
                    {
                        "item": iid,
                        "item_label": item.short_nl,
                        "group": group,
                        "answer_code": c.code,
                        "answer_label": c.nl,
                        "n": len(valid),
                        "count": int(counts.get(c.code, 0)),
                    }
                )
    cols = ["item", "item_label", "group", "answer_code", "answer_label", "n", "count", "share", "note"]
    return _finish(rows, cols, ("answer_code", "n", "count"), with_ci=False)


def box_shares(
    df: pd.DataFrame,
    codebook: Codebook,
    items: str | Iterable[str],
    box: str | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Share of respondents in a box (e.g. "(helemaal) oneens") with its 95% Wilson interval.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    items : str or list of str
        Likert or categorical item ids.
    box : str, optional
        Box name of the items' answer scale (``"agree"``, ``"disagree"``, ...). Default: each
        item's headline box from the codebook.
    by : str, optional
        Grouping column (``"employer_type"``).

    Returns
    -------
    pandas.DataFrame
        One row per item x group. Columns:

        - ``item``, ``item_label``;
        - ``box``, ``box_label``: box name and Dutch label;
        - ``group``: ``"totaal"`` or the employer type;
        - ``n``: respondents in the group with a valid answer;
        - ``count``: respondents whose answer is in the box;
        - ``share``: ``count / n``;
        - ``ci_low``, ``ci_high``: 95% Wilson interval of ``share`` (:func:`wilson_interval`);
        - ``note``: "geen geldige antwoorden" when ``n`` is 0, else empty.

    Raises
    ------
    CodebookError
        If an item does not exist, is not coded, has no headline box (and ``box`` is not
        given), or its scale has no such box.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Intervals checked against Newcombe (1998), Table I (see :func:`wilson_interval`).
    """
    rows = []
    for iid in as_list(items):
        item = _coded(codebook, iid)
        name = box if box is not None else item.headline
        boxes = item.response_scale.boxes
        if name is None:
            raise CodebookError(
                f"Item {iid!r} has no headline box. Pass box= (one of {', '.join(boxes) or 'none'}) "
                "or add 'headline' to the item in the codebook."
            )
        if name not in boxes:
            raise CodebookError(
                f"The answer scale {item.response_scale.name!r} of item {iid!r} has no box {name!r}. "
                f"Its boxes: {', '.join(boxes) or 'none'}."
            )
        b = boxes[name]
        codes = item_codes(df, codebook, iid)
        for group, mask in group_masks(df, by):
            valid = codes[mask].dropna()
            rows.append(
                {
                    "item": iid,
                    "item_label": item.short_nl,
                    "box": name,
                    "box_label": b.nl,
                    "group": group,
                    "n": len(valid),
                    "count": int(valid.isin(b.codes).sum()),
                }
            )
    cols = ["item", "item_label", "box", "box_label", "group", "n", "count", "share", "ci_low", "ci_high", "note"]
    return _finish(rows, cols, ("n", "count"), with_ci=True)


def multi_shares(
    df: pd.DataFrame, codebook: Codebook, items: str | Iterable[str], by: str | None = None
) -> pd.DataFrame:
    """Share of respondents choosing each option of multiple-choice items.

    A respondent counts in ``n`` when they answered the question (chose at least one
    option: the processed columns ``<item>_<code>`` are missing for respondents who chose
    nothing at all). Shares of the options of one item can add up to more than 1.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame with boolean columns ``<item>_<code>``.
    codebook : Codebook
        The merged codebook.
    items : str or list of str
        Multiple-choice item ids.
    by : str, optional
        Grouping column (``"employer_type"``).

    Returns
    -------
    pandas.DataFrame
        One row per item x group x option, in codebook order. Columns: ``item``,
        ``item_label``, ``group``, ``answer_code``, ``answer_label``, ``n`` (respondents in
        the group who answered the question), ``count`` (who chose this option), ``share``,
        ``ci_low``, ``ci_high`` (95% Wilson interval) and ``note``.

    Raises
    ------
    CodebookError
        If an item does not exist or is not a multiple-choice item.
    ValidationError
        If an option column is absent.

    Notes
    -----
    Counts checked by hand in ``tests/test_shares.py``; intervals as :func:`box_shares`
    (Newcombe 1998, Table I).
    """
    rows = []
    for iid in as_list(items):
        item = codebook.item(iid)
        if item.type != "multi":
            raise CodebookError(f"Item {iid!r} is a {item.type} item; multi_shares() needs a multiple-choice item.")
        block = pd.DataFrame({c: require_column(df, c, "multiple-choice column") for c in item.raw_columns})
        block = block.astype("boolean")
        answered = block.notna().any(axis=1)
        for group, mask in group_masks(df, by):
            sub = block[mask & answered].fillna(False)
            for c, col in zip(item.response_scale.codes, item.raw_columns):
                rows.append(
                    {
                        "item": iid,
                        "item_label": item.short_nl,
                        "group": group,
                        "answer_code": c.code,
                        "answer_label": c.nl,
                        "n": len(sub),
                        "count": int(sub[col].sum()),
                    }
                )
    cols = [
        "item",
        "item_label",
        "group",
        "answer_code",
        "answer_label",
        "n",
        "count",
        "share",
        "ci_low",
        "ci_high",
        "note",
    ]
    return _finish(rows, cols, ("answer_code", "n", "count"), with_ci=True)


def numeric_summary(
    df: pd.DataFrame, codebook: Codebook, items: str | Iterable[str], by: str | None = None
) -> pd.DataFrame:
    """Mean, standard deviation and quartiles of numeric items or scale scores.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    items : str or list of str
        Numeric item ids, construct ids (their scale scores, :func:`peo.stats.columns.scale_scores`)
        or likert items (their codes).
    by : str, optional
        Grouping column (``"employer_type"``).

    Returns
    -------
    pandas.DataFrame
        One row per item x group. Columns: ``item``, ``item_label`` (Dutch; the construct's
        label for a scale score), ``group``, ``n`` (valid values), ``mean``, ``sd`` (sample
        standard deviation, ddof = 1), ``median``, ``q1``, ``q3`` (quartiles by linear
        interpolation, R's default type 7) and ``note``. Statistics are NaN when ``n`` is 0
        (``sd`` also when ``n`` is 1).

    Raises
    ------
    CodebookError
        If a name is a categorical, multiple-choice or open item, or unknown.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Checked against R: ``quantile(1:10)`` gives 3.25 and 7.75 for the quartiles and
    ``sd(1:10)`` = 3.02765 (``tests/test_shares.py``).
    """
    rows = []
    for name in as_list(items):
        values = numeric_values(df, codebook, name)
        for group, mask in group_masks(df, by):
            v = values[mask].dropna()
            rows.append(
                {
                    "item": name,
                    "item_label": label_of(codebook, name),
                    "group": group,
                    "n": len(v),
                    "mean": v.mean() if len(v) else np.nan,
                    "sd": v.std(ddof=1) if len(v) > 1 else np.nan,
                    "median": v.median() if len(v) else np.nan,
                    "q1": v.quantile(0.25) if len(v) else np.nan,
                    "q3": v.quantile(0.75) if len(v) else np.nan,
                }
            )
    cols = ["item", "item_label", "group", "n", "mean", "sd", "median", "q1", "q3", "note"]
    table = pd.DataFrame(rows, columns=cols)
    table["n"] = table["n"].astype("int64")
    for c in ("mean", "sd", "median", "q1", "q3"):
        table[c] = table[c].astype("float64")
    table["note"] = pd.Series(np.where(table["n"] > 0, "", NOTE_NO_VALID), index=table.index, dtype="str")
    return table
