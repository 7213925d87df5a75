"""The published tests between employer types, with Holm's correction per family.

One primary test per item and family (the rules are in ``peo/data/analysis.yml``, section
``tests``, and on the methods page):

- ``*_tests``: the chi-square test of each item's answers (collapsed along the codebook's
  boxes, then to headline box vs rest, only where expected counts require it), Holm within
  the family of the section's items;
- ``score_tests``: the Kruskal-Wallis test of each scale score, Holm within the scales;
- ``space_ordinal``: the proportional-odds models with the likelihood-ratio test of employer
  type (Holm over the items), the Wald tests per employer type (Holm over all of them) and
  the test of the proportional-odds assumption per model (with its Holm value beside it);
- :func:`single_family` gives a table of its own (``stay_logistic``) its family and ``p_holm``.

Every published p-value has its Holm-adjusted value beside it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from peo.stats.groups import chi_square, kruskal
from peo.stats.ordinal import ordinal_logit, proportional_odds_test
from peo.stats.multicomp import adjust_family, holm
from peo.tables import disclosure
from peo.survey.wording import phrase
from peo.tables.claims import format_p, settings
from peo.tables.derived import withhold_unpublishable_tests

__all__ = ["GROUP", "group_tests", "score_tests", "ordinal_models", "single_family"]

GROUP = "employer_type"

TEST_COLUMNS = [
    "family",
    "item",
    "item_label",
    "test",
    "primary",
    "tested",
    "statistic",
    "df",
    "p_value",
    "p_holm",
    "effect",
    "effect_size",
    "n",
    "note",
]


def _protect(table: pd.DataFrame, data, keys=("item",)) -> disclosure.ProtectedTable:
    return disclosure.protect_rows(
        table, threshold=data.threshold, count_cols=("n",), group=None, table_keys=keys, by_employer_type=True
    )


def group_tests(data, items: list[str], family: str) -> disclosure.ProtectedTable:
    """Chi-square (Cramér's V) per item, Holm within the family.

    Returns
    -------
    ProtectedTable
        One row per item. Columns: ``family``, ``item``, ``item_label``, ``test``
        (``"chi2"``), ``primary`` (True: the item's test in the family), ``tested``
        (``"answers"``, ``"boxes"`` or ``"headline"``: what the test compared), ``statistic``,
        ``df``, ``p_value``, ``p_holm``, ``effect``, ``effect_size``, ``n``, ``note``.
    """
    min_expected = settings()["min_expected"]
    parts = []
    for item_id in items:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            parts.append(
                chi_square(
                    data.respondents,
                    data.codebook,
                    item_id,
                    by=GROUP,
                    min_expected=min_expected,
                    min_count=data.threshold,
                )
            )
    if not parts:
        return _protect(pd.DataFrame(columns=TEST_COLUMNS), data)
    table = pd.concat(parts, ignore_index=True)
    # Disclosure control of the statistic (issue 11): the test was computed on the coarsest
    # table it needed (boxes, then headline vs rest, also to lift cells below the threshold);
    # if that table still has a cell below the threshold, the statistic is withheld.
    table = withhold_unpublishable_tests(
        table,
        table["box"].to_dict(),
        data.respondents,
        data.codebook,
        GROUP,
        data.threshold,
        levels=table["level"].to_dict(),
    )
    table = table.rename(columns={"level": "tested"})
    table["family"] = family
    table["primary"] = True
    table = adjust_family(table)
    return _protect(table[TEST_COLUMNS], data)


def score_tests(data, constructs: list[str], family: str) -> disclosure.ProtectedTable:
    """Kruskal-Wallis test (epsilon²) of each scale score by employer type, Holm within the family.

    Returns
    -------
    ProtectedTable
        The columns of :func:`group_tests`; ``item`` is the construct id, ``test``
        ``"kruskal"``, ``tested`` ``"score"``.
    """
    parts = [kruskal(data.respondents, data.codebook, c, by=GROUP) for c in constructs]
    if not parts:
        return _protect(pd.DataFrame(columns=TEST_COLUMNS), data)
    table = pd.concat(parts, ignore_index=True)
    table["family"] = family
    table["primary"] = True
    table["tested"] = "score"
    table = adjust_family(table)
    return _protect(table[TEST_COLUMNS], data)


ORDINAL_COLUMNS = [
    "family",
    "item",
    "item_label",
    "group",
    "reference",
    "estimate",
    "se",
    "odds_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "lr_statistic",
    "lr_df",
    "lr_p_value",
    "lr_p_holm",
    "po_statistic",
    "po_df",
    "po_p_value",
    "po_p_holm",
    "po_holds",
    "n",
    "note",
]


def ordinal_models(data, items: list[str], family: str) -> disclosure.ProtectedTable:
    """Proportional-odds models of each item on employer type (GI = reference), with their checks.

    Returns
    -------
    ProtectedTable
        One row per item and non-reference employer type. Columns: ``family``, ``item``,
        ``item_label``, ``group``, ``reference``, ``estimate``, ``se``, ``odds_ratio``,
        ``ci_low``, ``ci_high``, ``p_value`` (Wald) and ``p_holm`` (Holm over every Wald
        test of the table), ``lr_statistic``, ``lr_df``, ``lr_p_value`` (employer type as a
        whole) and ``lr_p_holm`` (Holm over the items), ``po_statistic``, ``po_df``,
        ``po_p_value`` (the proportional-odds assumption,
        :func:`peo.stats.ordinal.proportional_odds_test`), ``po_p_holm`` (Holm over the
        items), ``po_holds`` (``po_p_value`` not below ``tests.po_level``; empty when not
        testable), ``n``, ``note``.
    """
    po_level = float(settings()["po_level"])
    parts, po_rows = [], []
    for item_id in items:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parts.append(ordinal_logit(data.respondents, data.codebook, item_id, by=GROUP))
            po_rows.append(proportional_odds_test(data.respondents, data.codebook, item_id, by=GROUP))
    if not parts:
        return _protect(pd.DataFrame(columns=ORDINAL_COLUMNS), data)
    table = pd.concat(parts, ignore_index=True)
    table["family"] = family
    table = adjust_family(table)
    po = pd.concat(po_rows, ignore_index=True)[["item", "statistic", "df", "p_value", "note"]]
    po = po.rename(columns={"statistic": "po_statistic", "df": "po_df", "p_value": "po_p_value", "note": "po_note"})
    po["po_p_holm"] = holm(po["po_p_value"].to_numpy(dtype=float))
    lr = table.drop_duplicates("item")[["item", "lr_p_value"]].copy()
    lr["lr_p_holm"] = holm(lr["lr_p_value"].to_numpy(dtype=float))
    table = table.merge(lr[["item", "lr_p_holm"]], on="item", how="left").merge(po, on="item", how="left")
    holds = pd.Series(pd.NA, index=table.index, dtype="boolean")
    tested = table["po_p_value"].notna()
    holds[tested] = table.loc[tested, "po_p_value"].to_numpy(dtype=float) >= po_level
    table["po_holds"] = holds
    # Where the assumption fails, the table says what that means for the reader.
    fails = [
        phrase("claims", "po_fails", p=format_p(p)) if h is not pd.NA and not bool(h) else ""
        for h, p in zip(table["po_holds"].astype("object"), table["po_p_value"])
    ]
    notes = [
        "; ".join(x for x in (str(a or ""), str(b or ""), c) if x and x != "nan")
        for a, b, c in zip(table["note"], table["po_note"], fails)
    ]
    table["note"] = notes
    # A model whose reference or compared group is below the threshold (or hidden in the
    # wave) is withheld with the reason (peo.tables.derived, disclosure).
    from peo.tables.derived import withhold_small_group_models

    table = withhold_small_group_models(
        table[ORDINAL_COLUMNS], data.respondents, GROUP, data.threshold, data.hidden_groups
    )
    return _protect(table, data)


def single_family(table: pd.DataFrame, family: str, p_col: str = "p_value") -> pd.DataFrame:
    """Give a table that is one family by itself its ``family`` and ``p_holm`` columns."""
    out = table.copy()
    out["family"] = family
    if p_col in out and len(out):
        return adjust_family(out, p_col=p_col)
    out["p_holm"] = np.nan
    return out
