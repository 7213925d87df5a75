"""Tables whose rows stand alone (tests, summaries): rule 6."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from peo.survey.config import DEFAULT_THRESHOLD
from peo.tables.disclosure.rules import (
    TOTAL_GROUP,
    _blank,
    _check_columns,
    _check_crossing,
    _check_threshold,
    _nullable,
    _stat_columns,
)
from peo.tables.disclosure.cells import reasons
from peo.tables.disclosure.groups import PRIMARY, SECONDARY
from peo.tables.disclosure.sealed import ProtectedTable, _sealed

__all__ = ["protect_rows"]


def protect_rows(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    count_cols=("n",),
    *,
    group: str | None = "group",
    table_keys=("item",),
    keep=(),
    by_employer_type: bool = False,
    hidden_groups: Mapping | None = None,
    also_hide=None,
) -> ProtectedTable:
    """Blank the statistics of rows based on fewer respondents than the threshold.

    For tables where each row stands alone: tests per item, numeric summaries per item and
    group. A row with any of ``count_cols`` below the threshold (or missing) has those
    columns and every statistic blanked (rule 6). A row that comes with ``suppressed = True``
    (hidden in the table it was taken from) stays hidden, with the reason of its
    ``suppression`` column (primary when it has none). When the table has a group column with a
    "totaal" row per ``table_keys``, the total pools the groups: if exactly one group of it
    is hidden, the group with the next-smallest ``n`` is hidden too (or the total, if there
    is no other group), so the hidden one cannot be recovered from the total.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per test or summary, with the documented columns of its module.
    threshold : int, default 10
        The wave's disclosure threshold (:attr:`peo.survey.config.Wave.threshold`).
    count_cols : sequence of str, default ("n",)
        The columns with numbers of respondents (e.g. ``("n",)`` or ``("n_GI", "n_JZ",
        "n_LT")`` for a test between groups).
    group : str or None, default "group"
        The group column, if the table has one (ignored when absent).
    table_keys : sequence of str, default ("item",)
        The columns that identify what a row is about (kept; used for the pooling rule).
    keep : sequence of str, default ()
        Numeric columns that are not statistics and stay as they are.
    by_employer_type : bool, default False
        Set True when the rows compare employer types without a group column (a test
        between GI, JZ and LT): used for the forbidden-crossing check.
    hidden_groups : mapping, optional
        Groups hidden in every table of the wave (rule 8, :func:`peo.tables.disclosure.group_sizes`):
        group -> ``"primary"`` or ``"secondary"``; their rows are blanked.
    also_hide : sequence of bool, optional
        Rows whose statistics are hidden for another reason (secondary suppression: they
        would give back a cell hidden in another table). Their counts stay, because they are
        published elsewhere; ``suppressed`` is True and ``suppression`` secondary.

    Returns
    -------
    ProtectedTable
        The same rows in the same order, statistics missing where hidden, integer columns
        as ``Int64``, a boolean column ``suppressed`` and ``suppression`` (``"primary"``:
        too few respondents, ``"secondary"``: hidden to protect another row, ``""``: shown).

    Raises
    ------
    DisclosureError
        If a count column is missing, the threshold is not a positive integer, or the
        table crosses employer type with function or years of experience.
    """
    threshold = _check_threshold(threshold)
    count_cols = tuple(count_cols)
    table_keys = tuple(k for k in table_keys if isinstance(table, pd.DataFrame) and k in table.columns)
    _check_columns(table, count_cols, "protect_rows")
    grp = group if group is not None and group in table.columns else None
    _check_crossing(table, grp, (*table_keys, "item"), by_employer_type=by_employer_type)

    frame = pd.DataFrame(table).reset_index(drop=True)
    # A row hidden before (in the wave table it comes from) stays hidden, with its reason.
    before = (
        frame["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "suppressed" in frame
        else np.zeros(len(frame), dtype=bool)
    )
    before_primary = before & (
        (frame["suppression"].astype("string").fillna("") != SECONDARY).to_numpy(dtype=bool)
        if "suppression" in frame
        else True
    )
    frame = frame.drop(columns=["suppressed", "suppression"], errors="ignore")
    keys = set(table_keys) | ({grp} if grp else set())
    stats = [c for c in _stat_columns(frame, keys | set(count_cols) | set(keep))]
    frame = _nullable(frame, [*count_cols, *stats])
    nvals = (
        np.column_stack(
            [pd.to_numeric(frame[c]).astype("Float64").to_numpy(dtype=float, na_value=np.nan) for c in count_cols]
        )
        if len(frame)
        else np.zeros((0, len(count_cols)))
    )
    hide = np.isnan(nvals).any(axis=1) | (nvals < threshold).any(axis=1)
    primary = hide.copy() & ~(before & ~before_primary)
    if grp is not None and hidden_groups:
        reason = frame[grp].astype(str).map({str(g): str(r) for g, r in hidden_groups.items()})
        hide |= reason.notna().to_numpy()
        primary |= (reason == PRIMARY).to_numpy()
    # The counts are blanked where they are small or their group is hidden; a row hidden
    # before for another reason (its cell in the wave table) keeps its n, which is shown there.
    hide_n = hide.copy()
    hide |= before
    primary |= before_primary

    if grp is not None and len(frame):
        size = np.where(np.isnan(nvals), np.inf, nvals).min(axis=1) if nvals.shape[1] else np.zeros(len(frame))
        parts = (
            frame.groupby(list(table_keys), sort=False, dropna=False).indices
            if table_keys
            else {(): np.arange(len(frame))}
        )
        for idx in parts.values():
            idx = np.asarray(idx)
            is_total = (frame[grp].iloc[idx].astype(str) == TOTAL_GROUP).to_numpy()
            if not is_total.any() or hide[idx[is_total]].all():
                continue
            members = idx[~is_total]
            if hide[members].sum() == 1:
                others = [k for k in members if not hide[k]]
                if others:
                    pick = min(others, key=lambda k: (size[k], k))
                else:
                    pick = idx[is_total][0]
                hide[pick] = True
                hide_n[pick] = True

    if also_hide is not None and len(frame):
        hide = hide | (np.asarray(also_hide, dtype=bool) & ~hide)  # secondary, counts kept
    _blank(frame, hide_n, list(count_cols))
    _blank(frame, hide, stats)
    frame["suppressed"] = hide
    frame["suppression"] = reasons(hide, primary)
    bars = tuple(dict.fromkeys((*table_keys, *([grp] if grp else []))))
    return _sealed(frame, threshold, bars, grp, ((), count_cols))
