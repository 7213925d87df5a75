"""Differences between groups (employer types): chi-square and Kruskal-Wallis.

The ordinal logit models and the test of their assumption are in :mod:`peo.stats.ordinal`.

Each function returns a tidy DataFrame with the shared test-table columns of
``docs/processed-data.md`` (``statistic``, ``df``, ``p_value``, ``effect``,
``effect_size``) plus ``n`` and a Dutch ``note``. P-values are not corrected for multiple
testing here: put the rows of one family of tests together and use
:func:`peo.stats.multicomp.adjust_family`.

The data are an opt-in cross-section: a difference between employer types means the
answers are *associated with* the type of employer, not that the employer causes them;
p-values and intervals describe sampling error only.

References
----------
Agresti, A. (2007). An Introduction to Categorical Data Analysis (2nd ed.). Wiley.
Hollander, M., & Wolfe, D. A. (1973). Nonparametric Statistical Methods. Wiley.
Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited.
    Trends in Sport Sciences, 1(21), 19-25.
Venables, W. N., & Ripley, B. D. (2002). Modern Applied Statistics with S (4th ed.),
    section 7.3. Springer.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import association, expected_freq

from peo.survey.wording import phrase
from peo.survey.codebook import Codebook
from peo.errors import CodebookError
from peo.stats.columns import NOTE_NO_VALID, item_codes, label_of, numeric_values
from peo.stats.shares import group_masks

__all__ = ["MIN_EXPECTED", "chi_square", "collapse_to_boxes", "kruskal"]

#: Expected counts below this make the chi-square approximation doubtful (Cochran 1954).
MIN_EXPECTED = 5
CONFIDENCE = 0.95

NOTE_NO_TEST = phrase("stats_notes", "no_test")
NOTE_FEW_GROUPS = phrase("stats_notes", "few_groups")
NOTE_BOXES = phrase("stats_notes", "boxes")
NOTE_COLLAPSED = phrase("stats_notes", "collapsed")
NOTE_BOX = phrase("stats_notes", "box")
NOTE_WHY_EXPECTED = phrase("stats_notes", "why_expected")
NOTE_WHY_COUNT = phrase("stats_notes", "why_count")
NOTE_STILL_SMALL = phrase("stats_notes", "still_small")
NOTE_NO_HEADLINE = phrase("stats_notes", "no_headline")
NOTE_NO_VARIATION = phrase("stats_notes", "no_variation")
NOTE_SEPARATION = phrase("stats_notes", "separation")
NOTE_NOT_CONVERGED = phrase("stats_notes", "not_converged")
NOTE_PO_TWO = phrase("stats_notes", "po_two")

TEST_COLUMNS = ["item", "item_label", "by", "test", "statistic", "df", "p_value", "effect", "effect_size", "n"]


def _group_series(df: pd.DataFrame, by: str) -> tuple[pd.Series, list[str]]:
    """The grouping column as text and its levels (categories first, as in group_masks)."""
    masks = group_masks(df, by)[1:]
    labels = pd.Series(pd.NA, index=df.index, dtype="object")
    for name, mask in masks:
        labels[mask] = name
    return labels, [name for name, _ in masks]


def _test_row(item: str, label: str, by: str, test: str, effect: str, **values) -> pd.DataFrame:
    row = {
        "item": item,
        "item_label": label,
        "by": by,
        "test": test,
        "statistic": np.nan,
        "df": np.nan,
        "p_value": np.nan,
        "effect": effect,
        "effect_size": np.nan,
        "n": 0,
        "note": "",
    }
    row.update(values)
    table = pd.DataFrame([row])
    table["n"] = table["n"].astype("int64")
    for c in ("statistic", "df", "p_value", "effect_size"):
        table[c] = table[c].astype("float64")
    return table


def collapse_to_boxes(table: pd.DataFrame, scale) -> pd.DataFrame:
    """Columns of answer codes summed to the boxes of the scale (plus neutral and loose codes).

    The categories follow the scale order and are named by their Dutch labels: the boxes'
    labels ("(helemaal) oneens"), the neutral answer and any code outside a box on its own.
    """
    cats: list[tuple[str, tuple[int, ...]]] = [(b.nl, tuple(b.codes)) for b in scale.boxes.values()]
    covered = {c for _, codes in cats for c in codes}
    cats += [(c.nl.lower(), (c.code,)) for c in scale.codes if c.code not in covered]
    cats.sort(key=lambda cat: min(cat[1]))
    return pd.DataFrame(
        {label: table[[c for c in table.columns if c in codes]].sum(axis=1) for label, codes in cats},
        index=table.index,
    )


def _drop_empty(table: pd.DataFrame) -> pd.DataFrame:
    return table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]


def chi_square(
    df: pd.DataFrame,
    codebook: Codebook,
    item: str,
    by: str = "employer_type",
    box: str | None = None,
    min_expected: float = MIN_EXPECTED,
    min_count: int | None = None,
) -> pd.DataFrame:
    """Pearson chi-square test of an item's answers by group, with Cramér's V.

    The test uses ``scipy.stats.chi2_contingency(table, correction=False)`` (no Yates
    continuity correction, also not for 2 x 2 tables: R's ``chisq.test(correct = FALSE)``)
    and Cramér's V from
    ``scipy.stats.contingency.association(table, method="cramer")``. Answer options that
    nobody chose and groups without answers are left out of the table. When any expected
    count is below 5, the answers are first collapsed along the boxes of the answer scale
    in the codebook (e.g. "(helemaal) oneens" | "neutraal" | "(helemaal) eens"); only when
    an expected count is still below 5 are they collapsed to the item's headline box against
    the rest. ``note`` says which; with ``box`` given, that box is tested against the rest
    from the start.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    item : str
        A likert or categorical item.
    by : str
        Grouping column, default ``"employer_type"``.
    box : str, optional
        Test this box of the item's scale against the other answers.
    min_count : int, optional
        Disclosure control (issue 11): a table with an observed cell below ``min_count`` is
        collapsed by the same steps as one with small expected counts (boxes first, then the
        headline box against the rest), so that the statistic is computed on a table that
        could itself be published. Whether it then is publishable is decided by
        :func:`peo.tables.derived.withhold_unpublishable_tests`.
    min_expected : float
        Expected counts below this make the answers collapse (default 5; the report passes
        ``tests.min_expected`` of ``peo/data/analysis.yml``).

    Returns
    -------
    pandas.DataFrame
        One row. Columns: ``item``, ``item_label``, ``by``, ``test`` (``"chi2"``),
        ``statistic`` (Pearson's X^2), ``df``, ``p_value``, ``effect`` (``"cramers_v"``),
        ``effect_size`` (Cramér's V), ``n`` (respondents with an answer and a group),
        ``collapsed`` (True when answers were merged), ``level`` (``"answers"``, ``"boxes"`` or
        ``"headline"``: what was tested), ``box`` (the headline box at level ``"headline"``,
        else empty) and ``note`` (Dutch, empty when all is well). NaN statistics when no test
        is possible.

    Raises
    ------
    CodebookError
        If the item is unknown or not coded, or ``box`` is not a box of its scale.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Checked against R's documented ``chisq.test`` example, Agresti (2007, p. 39): party
    identification by gender, X-squared = 30.07, df = 2, p-value = 2.954e-07; Cramér's V
    = sqrt(30.0701 / 2757) = 0.10444 by hand; and Agresti (2007, Table 2.3) as a 2 x 2
    table, R ``prop.test(c(189, 104), c(11034, 11037), correct = FALSE)``: X-squared =
    25.014 (``tests/test_groups.py``).
    """
    it = codebook.item(item)
    codes = item_codes(df, codebook, item)
    groups, levels = _group_series(df, by)
    scale = it.response_scale
    if box is not None and box not in scale.boxes:
        raise CodebookError(
            f"The answer scale {scale.name!r} of item {item!r} has no box {box!r}. "
            f"Its boxes: {', '.join(scale.boxes) or 'none'}."
        )
    valid = codes.notna() & groups.notna()
    table = pd.crosstab(groups[valid], codes[valid]).reindex(index=levels, columns=scale.valid_codes, fill_value=0)
    n = int(table.to_numpy().sum())
    base = {"collapsed": False, "box": "", "level": "answers"}

    def collapse(t: pd.DataFrame, name: str) -> pd.DataFrame:
        inside = t[[c for c in t.columns if c in scale.boxes[name].codes]].sum(axis=1)
        return pd.DataFrame({name: inside, "rest": t.sum(axis=1) - inside})

    def result(**values) -> pd.DataFrame:
        row = _test_row(item, it.short_nl, by, "chi2", "cramers_v", n=n, **base)
        for k, v in values.items():
            row[k] = v
        return row[TEST_COLUMNS + ["collapsed", "level", "box", "note"]]

    if n == 0:
        return result(note=NOTE_NO_VALID)
    notes = []
    if box is not None:
        table = collapse(table, box)
        base.update(collapsed=True, box=box, level="headline")
        notes.append(NOTE_BOX.format(label=scale.boxes[box].nl))
    table = _drop_empty(table)
    if min(table.shape) < 2:
        return result(note="; ".join(notes + [NOTE_NO_TEST]))

    def expected_small(t: pd.DataFrame) -> bool:
        return bool((expected_freq(t.to_numpy()) < min_expected).any())

    def few(t: pd.DataFrame) -> bool:
        return min_count is not None and bool((t.to_numpy() < min_count).any())

    def small(t: pd.DataFrame) -> bool:
        return expected_small(t) or few(t)

    def why(t: pd.DataFrame) -> str:
        return NOTE_WHY_EXPECTED if expected_small(t) else NOTE_WHY_COUNT.format(min_count=min_count)

    if box is None and small(table):
        # First along the codebook's boxes (e.g. oneens | neutraal | eens), then, only if the
        # expected counts still require it, the headline box against the rest.
        full = table
        boxed = _drop_empty(collapse_to_boxes(table, scale))
        if scale.boxes and boxed.shape[1] < table.shape[1] and min(boxed.shape) >= 2:
            reason = why(table)
            table = boxed
            base.update(collapsed=True, level="boxes")
            notes.append(NOTE_BOXES.format(why=reason, labels=", ".join(str(c) for c in table.columns)))
        if small(table):
            if it.headline is not None:
                reason = why(table)
                notes[:] = [n for n in notes if not n.startswith((NOTE_WHY_EXPECTED, NOTE_WHY_COUNT[:12]))]
                table = _drop_empty(collapse(full, it.headline))
                base.update(collapsed=True, box=it.headline, level="headline")
                notes.append(NOTE_COLLAPSED.format(why=reason, label=scale.boxes[it.headline].nl))
                if min(table.shape) < 2:
                    return result(note="; ".join(notes + [NOTE_NO_TEST]))
                if expected_small(table):
                    notes.append(NOTE_STILL_SMALL)
            else:
                notes.append(NOTE_NO_HEADLINE)
    elif expected_small(table):
        notes.append(NOTE_STILL_SMALL)
    observed = table.to_numpy()
    res = stats.chi2_contingency(observed, correction=False)
    v = association(observed, method="cramer", correction=False)
    return result(
        statistic=float(res.statistic),
        df=float(res.dof),
        p_value=float(res.pvalue),
        effect_size=float(v),
        note="; ".join(notes),
        collapsed=base["collapsed"],
        level=base["level"],
        box=base["box"],
    )


def kruskal(df: pd.DataFrame, codebook: Codebook, item: str, by: str = "employer_type") -> pd.DataFrame:
    """Kruskal-Wallis test of an item's codes (or a score) by group, with epsilon-squared.

    ``scipy.stats.kruskal`` (H corrected for ties, as R's ``kruskal.test``) on the codes of
    a coded item, the values of a numeric item, or a construct's scale score. The effect
    size is epsilon-squared, ``E^2_R = H / ((n^2 - 1) / (n + 1)) = H (n + 1) / (n^2 - 1)``
    (Tomczak & Tomczak 2014, eq. 8), between 0 and 1.

    Parameters
    ----------
    df : pandas.DataFrame
        The processed respondents frame.
    codebook : Codebook
        The merged codebook.
    item : str
        Item id, construct id or numeric column (see :func:`peo.stats.columns.numeric_values`).
    by : str
        Grouping column, default ``"employer_type"``.

    Returns
    -------
    pandas.DataFrame
        One row. Columns: ``item``, ``item_label``, ``by``, ``test`` (``"kruskal"``),
        ``statistic`` (H), ``df`` (groups with answers - 1), ``p_value`` (chi-square
        approximation), ``effect`` (``"epsilon_squared"``), ``effect_size``, ``n`` and
        ``note`` (Dutch).

    Raises
    ------
    CodebookError
        If ``item`` is not an item, construct or numeric column, or a multi/open item.
    ValidationError
        If a column is absent or does not match the codebook.

    Notes
    -----
    Checked against R's documented ``kruskal.test`` examples: Hollander & Wolfe (1973,
    p. 116), chi-squared = 0.77143, df = 2, p-value = 0.68, and ``kruskal.test(Ozone ~
    Month, data = airquality)`` (with ties), chi-squared = 29.267, df = 4, p-value =
    6.901e-06 (``tests/test_groups.py``).
    """
    values = numeric_values(df, codebook, item)
    groups, levels = _group_series(df, by)
    samples = [values[(groups == lvl).fillna(False).astype(bool)].dropna().to_numpy() for lvl in levels]
    samples = [s for s in samples if len(s)]
    n = int(sum(len(s) for s in samples))
    row = _test_row(item, label_of(codebook, item), by, "kruskal", "epsilon_squared", n=n)
    if n == 0:
        row["note"] = NOTE_NO_VALID
        return row
    if len(samples) < 2:
        row["note"] = NOTE_FEW_GROUPS
        return row
    if np.unique(np.concatenate(samples)).size < 2:
        row["note"] = NOTE_NO_VARIATION
        return row
    res = stats.kruskal(*samples)
    h = float(res.statistic)
    row["statistic"] = h
    row["df"] = float(len(samples) - 1)
    row["p_value"] = float(res.pvalue)
    row["effect_size"] = h * (n + 1) / (n**2 - 1)
    return row
