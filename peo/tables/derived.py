"""Derived statistics under disclosure control: a test is published only over a publishable table.

A chi-square statistic, Kruskal-Wallis H, p-value or effect size is a function of the table
it is computed from. With the published margins (group sizes, totals) an attacker can
enumerate the integer tables that give the published statistic and often finds one
(issue 11: 2021, "in het algemeen genoeg ruimte": JZ 6 and LT 5 not agreeing, unique from
the unrounded X²; ``peo.checks.attacks`` does this). Rounding the statistic does not help:
at three decimals the table of that example is still unique.

The rule: a test is published only when the table it is computed from would itself be
publishable cell by cell, i.e. every cell reaches the wave's threshold (zeros included,
as zeros are disclosive). The chi-square test already collapses to the headline box
against the rest when expected counts are small (:func:`peo.stats.groups.chi_square`);
when even that table has a cell below the threshold, statistic, df, p-value, Holm p and
effect size are withheld and ``note`` says why (``peo/data/wording.yml``,
``derived_statistics.withheld``). Kruskal-Wallis is computed from the full table of
answer codes by group, and is checked on that table.

Models over employer type (the proportional-odds models, the logistic model adjusted for
employer type): every group in the model, the reference as well as each compared group, must
reach the threshold with a valid answer, and no group may be one the wave hides
(:func:`peo.tables.disclosure.group_sizes`); otherwise every statistic of the item's model is
withheld and ``note`` says why (:func:`withhold_small_group_models`). An odds ratio against a
reference group of 6 says something about those 6 people, whatever its precision.

Precision: the statistics that are published are published unrounded in the CSV tables
(the data package is for reuse) and rounded only on the page; since only statistics over
publishable tables are published, no precision needs to hide anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peo.stats.groups import collapse_to_boxes
from peo.stats.columns import item_codes
from peo.survey.wording import phrase

__all__ = ["tested_table", "withhold_small_group_models", "withhold_unpublishable_tests", "WITHHELD_COLUMNS"]

#: Columns blanked in a withheld test row.
WITHHELD_COLUMNS = ("statistic", "df", "p_value", "p_holm", "effect_size")


def tested_table(
    df: pd.DataFrame, codebook, item: str, by: str, box: str | None, level: str | None = None
) -> pd.DataFrame:
    """The group x answer table a test of ``item`` by ``by`` is computed from.

    ``level`` is what :func:`peo.stats.groups.chi_square` tested: ``"answers"`` (the
    answers as given), ``"boxes"`` (collapsed along the boxes of the codebook's scale) or
    ``"headline"`` (``box`` against the rest). Without ``level``, ``box`` alone means
    ``"headline"``. Answer options nobody chose are left out (the test leaves them out too);
    a zero of a chosen option in one group stays.
    """
    it = codebook.item(item)
    codes = item_codes(df, codebook, item)
    groups = df[by]
    valid = codes.notna() & groups.notna()
    table = pd.crosstab(groups[valid], codes[valid])
    if level is None:
        level = "headline" if box else "answers"
    if level == "headline" and box:
        inside = table[[c for c in table.columns if c in it.response_scale.boxes[box].codes]].sum(axis=1)
        table = pd.DataFrame({box: inside, "rest": table.sum(axis=1) - inside})
    elif level == "boxes":
        table = collapse_to_boxes(table, it.response_scale)
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    return table


def withhold_unpublishable_tests(
    tests: pd.DataFrame, boxes: dict, df: pd.DataFrame, codebook, by: str, threshold: int, levels: dict | None = None
) -> pd.DataFrame:
    """Blank the tests whose table has a cell below the threshold, saying why in ``note``.

    Parameters
    ----------
    tests : pandas.DataFrame
        Rows of :func:`peo.stats.groups.chi_square` / ``kruskal`` (``item``, ``test``,
        ``statistic``, ... ``note``).
    boxes : dict
        Row index -> the box the chi-square test collapsed to ("" or missing: not collapsed).
    levels : dict, optional
        Row index -> what the chi-square test compared (``tested``/``level``: ``"answers"``,
        ``"boxes"``, ``"headline"``); see :func:`tested_table`.
    df, codebook, by, threshold
        The respondents, their codebook, the grouping column and the wave's threshold.

    Returns
    -------
    pandas.DataFrame
        A copy with withheld rows blanked (:data:`WITHHELD_COLUMNS`) and the reason in ``note``.
    """
    out = tests.copy()
    reason = phrase("derived_statistics", "withheld", threshold=threshold)
    for i, row in out.iterrows():
        if pd.isna(row.get("statistic")):
            continue
        box = boxes.get(i) or None if row.get("test") == "chi2" else None
        level = (levels or {}).get(i) if row.get("test") == "chi2" else None
        cells = tested_table(df, codebook, row["item"], by, box, level or None).to_numpy()
        if cells.size and (cells < threshold).any():
            for c in WITHHELD_COLUMNS:
                if c in out.columns:
                    out.at[i, c] = np.nan
            note = row.get("note")
            out.at[i, "note"] = reason if pd.isna(note) or not str(note) else f"{note}; {reason}"
    return out


def withhold_small_group_models(
    table: pd.DataFrame,
    df: pd.DataFrame,
    by: str,
    threshold: int,
    hidden_groups: dict | None = None,
    *,
    variables: dict | None = None,
) -> pd.DataFrame:
    """Withhold models over employer type in which a group is too small or hidden.

    Parameters
    ----------
    table : pandas.DataFrame
        Model rows with an ``item`` column (one model per item; e.g. the proportional-odds
        table) or, with ``variables``, any model table (one model).
    df : pandas.DataFrame
        The respondents.
    by : str
        The employer-type column.
    threshold : int
        The wave's disclosure threshold.
    hidden_groups : dict, optional
        The wave's hidden groups (group -> ``"primary"`` / ``"secondary"``).
    variables : dict, optional
        For a table of one model: ``{"model": [columns the model uses]}``; its rows are then
        all withheld or all kept. Default: the model of each row uses its ``item``.

    Returns
    -------
    pandas.DataFrame
        A copy; withheld rows have ``suppressed = True``, ``suppression`` (``primary`` when a
        group has fewer valid answers than the threshold, else ``secondary``), every numeric
        column but ``n`` blanked, and the reason in ``note``.
    """
    out = table.copy()
    hidden_groups = dict(hidden_groups or {})
    if "suppressed" not in out:
        out["suppressed"] = False
    if "suppression" not in out:
        out["suppression"] = ""
    if "note" not in out:
        out["note"] = ""
    stats = [c for c in out.columns if c != "n" and pd.api.types.is_numeric_dtype(out[c]) and c != "suppressed"]
    models = (
        {name: (np.ones(len(out), dtype=bool), list(cols)) for name, cols in variables.items()}
        if variables
        else {item: ((out["item"] == item).to_numpy(), [item]) for item in dict.fromkeys(out["item"])}
    )
    for rows, cols in models.values():
        used = df[[by, *[c for c in cols if c in df.columns]]].dropna()
        sizes = used[by].astype("string").value_counts()
        groups = [g for g in sizes.index if sizes[g] > 0]
        small = [g for g in groups if sizes[g] < threshold]
        hidden = [g for g in groups if g in hidden_groups]
        if not small and not hidden:
            continue
        primary = bool(small) or any(hidden_groups[g] == "primary" for g in hidden)
        reason = phrase("derived_statistics", "model_withheld", threshold=threshold)
        for c in stats:
            out.loc[rows, c] = np.nan
        out.loc[rows, "suppressed"] = True
        out.loc[rows, "suppression"] = "primary" if primary else "secondary"
        out.loc[rows, "note"] = [
            reason if not str(n or "") or str(n) == "nan" else f"{n}; {reason}" for n in out.loc[rows, "note"]
        ]
    return out
