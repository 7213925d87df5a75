"""Cell tables (counts by group): primary and secondary suppression (rules 1 to 5 and 7)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from peo.errors import DisclosureError
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
from peo.tables.disclosure.groups import PRIMARY, SECONDARY
from peo.tables.disclosure.sealed import ProtectedTable, _sealed
from peo.tables.disclosure.secondary import _build_lines, _Grid, _secondary

__all__ = ["protect"]


def protect(
    table: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    count: str = "count",
    total: str | None = "n",
    cells=("item", "answer_code"),
    group: str | None = "group",
    table_keys=("item",),
    zeros_are_disclosive: bool = True,
    keep=(),
    hidden_groups: Mapping | None = None,
) -> ProtectedTable:
    """Suppress the cells of a count table that could disclose a respondent.

    Applies rules 1 to 5 and 7 of the module docstring to every sub-table (one per value of
    ``table_keys``): small counts, zeros, small groups, secondary suppression against the
    "totaal" column and the ``n`` row, and the shares and intervals that go with them.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy table, one row per cell × group, e.g. a distribution table (``item``,
        ``item_label``, ``group``, ``answer_code``, ``answer_label``, ``n``, ``count``,
        ``share``) or a box-share table (``item``, ``box``, ``group``, ``n``, ``count``,
        ``share``, ``ci_low``, ``ci_high``). Every cell must be present for every group
        (a count of 0 where nobody answered). A table that was protected before may come
        back (after a subset or a concatenation): its hidden values stay hidden.
    threshold : int, default 10
        The wave's disclosure threshold (:attr:`peo.survey.config.Wave.threshold`).
    count : str, default "count"
        The column with the count of each cell.
    total : str or None, default "n"
        The column with the group's number of valid answers (the same on every row of a
        group within a sub-table). ``None`` when the table has no ``n``.
    cells : sequence of str, default ("item", "answer_code")
        The columns that identify a cell within a group (``("item", "box")`` for a share
        table).
    group : str or None, default "group"
        The column with the employer type (``GI``, ``JZ``, ``LT``) or ``"totaal"``.
        ``None`` when the table is not split by group.
    table_keys : sequence of str, default ("item",)
        The columns that split the table into independent sub-tables.
    zeros_are_disclosive : bool, default True
        ACRO's setting: suppress zero cells (except answers nobody chose at all).
    keep : sequence of str, default ()
        Numeric columns that are not statistics (e.g. a sort order) and stay as they are.
        Every other numeric or boolean column that is not a key is treated as a statistic
        of its row and blanked with its count.
    hidden_groups : mapping, optional
        Groups hidden in every table of the wave (rule 8, :func:`peo.tables.disclosure.group_sizes`):
        group -> ``"primary"`` or ``"secondary"``. Their ``n`` and every cell are hidden.

    Returns
    -------
    ProtectedTable
        The same rows in the same order (with a fresh index), with ``count``, ``n`` and
        the statistics set to missing where hidden, integer columns as ``Int64``, and a
        boolean column ``suppressed``: True when the count, the ``n`` or a statistic of
        the row is hidden, and a column ``suppression`` that says why: ``"primary"`` (too
        few respondents: the row's own count or ``n`` is below the threshold, or zero),
        ``"secondary"`` (hidden only to protect another cell) or ``""`` (shown).

    Raises
    ------
    DisclosureError
        If the table crosses employer type with function or years of experience; if a
        column is missing; if a cell appears twice or is missing for a group; if a count
        or ``n`` is missing in a row that was not suppressed before; if ``n`` differs
        within a group of a sub-table; or if the threshold is not a positive integer.

    Examples
    --------
    >>> protected = protect(distribution, threshold=wave.threshold)  # doctest: +SKIP
    >>> publish(protected, tables_dir / "distribution.csv")  # doctest: +SKIP
    """
    threshold = _check_threshold(threshold)
    cells = tuple(cells)
    table_keys = tuple(table_keys)
    needed = [count, *cells, *table_keys] + ([total] if total is not None else [])
    needed += [group] if group is not None else []
    _check_columns(table, dict.fromkeys(needed), "protect")
    _check_crossing(table, group, (*table_keys, *cells, "item"), by_employer_type=False)

    frame = pd.DataFrame(table).reset_index(drop=True)
    before = frame["suppressed"].fillna(False).astype(bool).to_numpy() if "suppressed" in frame else None
    # A row hidden before keeps its reason (secondary unless it says primary).
    before_primary = (
        (frame["suppression"].astype("string").fillna("") == PRIMARY).to_numpy()
        if "suppression" in frame
        else np.zeros(len(frame), dtype=bool)
    )
    frame = frame.drop(columns=["suppressed", "suppression"], errors="ignore")
    hidden_groups = {str(g): str(r) for g, r in (hidden_groups or {}).items()}
    keys = {*cells, *table_keys} | ({group} if group else set())
    stats = [c for c in _stat_columns(frame, keys | {count, total} | set(keep)) if c not in keys]
    frame = _nullable(frame, [count, *([total] if total else []), *stats])

    counts = pd.to_numeric(frame[count]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ns = (
        pd.to_numeric(frame[total]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        if total is not None
        else None
    )
    was_hidden = before if before is not None else np.zeros(len(frame), dtype=bool)
    for name, arr in ((count, counts), (total, ns)):
        if arr is None:
            continue
        bad = np.isnan(arr) & ~was_hidden
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DisclosureError(
                f"protect: column {name!r} is missing in row {row} ({_describe(frame, row, keys)}) "
                "that was not suppressed before. Give every cell its count (0 for an answer "
                "nobody gave) and every group its n."
            )
        if (arr < 0).any():
            row = int(np.flatnonzero(arr < 0)[0])
            raise DisclosureError(f"protect: column {name!r} is negative in row {row}; counts cannot be negative.")

    hide_count = np.zeros(len(frame), dtype=bool)
    hide_n = np.zeros(len(frame), dtype=bool)
    primary = before_primary & was_hidden
    parts = (
        frame.groupby(list(table_keys), sort=False, dropna=False).indices if table_keys else {(): np.arange(len(frame))}
    )
    for key, idx in parts.items():
        _protect_subtable(
            frame,
            np.asarray(idx),
            counts,
            ns,
            hide_count,
            hide_n,
            primary,
            threshold=threshold,
            cells=cells,
            group=group,
            zeros_are_disclosive=zeros_are_disclosive,
            keys=keys,
            hidden_groups=hidden_groups,
        )

    hide_count |= np.isnan(counts)
    if ns is not None:
        hide_n |= np.isnan(ns)
    _blank(frame, hide_count, [count, *stats])
    if total is not None:
        _blank(frame, hide_n, [total, *stats])
    frame["suppressed"] = hide_count | hide_n
    frame["suppression"] = reasons(frame["suppressed"].to_numpy(), primary)
    bars = tuple(dict.fromkeys((*table_keys, *([group] if group else []))))
    return _sealed(frame, threshold, bars, group, ((count,), (total,) if total is not None else ()))


def _describe(frame: pd.DataFrame, row: int, keys) -> str:
    return ", ".join(f"{k}={frame.at[row, k]!r}" for k in frame.columns if k in keys)


def reasons(hidden: np.ndarray, primary: np.ndarray) -> list[str]:
    """The ``suppression`` column: ``"primary"``, ``"secondary"`` or ``""`` per row."""
    return [PRIMARY if p else (SECONDARY if h else "") for h, p in zip(hidden, primary & hidden)]


def _protect_subtable(
    frame,
    idx,
    counts,
    ns,
    hide_count,
    hide_n,
    primary,
    *,
    threshold,
    cells,
    group,
    zeros_are_disclosive,
    keys,
    hidden_groups,
):
    sub = frame.loc[idx]
    row_labels = list(sub[list(cells)].itertuples(index=False, name=None))
    col_labels = list(sub[group]) if group is not None else [TOTAL_GROUP] * len(sub)
    rows = list(dict.fromkeys(row_labels))
    groups = [g for g in dict.fromkeys(col_labels) if g != TOTAL_GROUP]
    has_total_col = TOTAL_GROUP in col_labels
    has_n_row = ns is not None
    R, C = len(rows), len(groups)
    cols = groups + ([TOTAL_GROUP] if has_total_col else [])
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: j for j, c in enumerate(cols)}
    shape = (R + (1 if has_n_row else 0), len(cols))
    values = np.full(shape, np.nan)
    where = np.full(shape, -1, dtype=int)
    for pos, (rl, cl) in zip(idx, zip(row_labels, col_labels)):
        i, j = ri[rl], ci[cl]
        if where[i, j] >= 0:
            raise DisclosureError(
                f"protect: the cell {dict(zip(cells, rl))} appears twice for group {cl!r} "
                f"(rows {where[i, j]} and {pos}). Each cell must be one row per group."
            )
        where[i, j] = pos
        values[i, j] = counts[pos]
    missing = [(rows[i], cols[j]) for i in range(R) for j in range(len(cols)) if where[i, j] < 0]
    if missing:
        cell, grp = missing[0]
        raise DisclosureError(
            f"protect: the table is incomplete: cell {dict(zip(cells, cell))} has no row for group "
            f"{grp!r} ({len(missing)} missing in all). Include every cell for every group, with "
            "count 0 where nobody answered (e.g. groupby(..., observed=False))."
        )
    if has_n_row:
        for j, c in enumerate(cols):
            col_n = ns[where[:R, j]]
            known = col_n[~np.isnan(col_n)]
            if len(known) and (np.isnan(col_n).any() or (known != known[0]).any()):
                raise DisclosureError(
                    f"protect: n is not the same on every row of group {c!r} "
                    f"({_describe(frame, int(where[0, j]), keys)}): found {sorted(set(col_n.tolist()))}. "
                    "n is the group's number of valid answers to the item."
                )
            values[R, j] = known[0] if len(known) else np.nan

    margin = np.zeros(shape, dtype=bool)
    if has_total_col:
        margin[:, len(cols) - 1] = True
    if has_n_row:
        margin[R, :] = True
    # Rows that are zero in every group (ACRO deletes them): published as 0, not checked.
    if has_total_col:
        empty_rows = values[:R, len(cols) - 1] == 0
    else:
        empty_rows = np.array([np.all(values[i, :] == 0) for i in range(R)], dtype=bool)
    exempt = np.zeros(shape, dtype=bool)
    exempt[:R][empty_rows] = True

    hidden = np.isnan(values)
    hidden[exempt] = False
    small_group = np.zeros(len(cols), dtype=bool)
    if has_n_row:
        small_group = values[R, :] < threshold  # NaN compares False
    first = np.zeros(shape, dtype=bool)  # primary suppression: the cell's own number is small
    first[:, small_group] = True
    # Groups hidden in every table of the wave (rule 8), with the wave's reason.
    wave_group = np.array([c in hidden_groups for c in cols], dtype=bool)
    first[:, np.array([hidden_groups.get(c) == PRIMARY for c in cols], dtype=bool)] = True
    small_group |= wave_group
    hidden[:, small_group] = True
    cellvals = values[:R]
    small = (cellvals > 0) & (cellvals < threshold)
    if zeros_are_disclosive:
        small |= cellvals == 0
    hidden[:R] |= small & ~exempt[:R]
    first[:R] |= small & ~exempt[:R]

    grid = _Grid(values=values, hidden=hidden, exempt=exempt, margin=margin)
    _build_lines(grid, R, C, has_total_col, has_n_row)
    _secondary(grid)

    for i in range(R):
        for j in range(len(cols)):
            pos = where[i, j]
            if grid.hidden[i, j] and not exempt[i, j]:
                hide_count[pos] = True
            # A row nobody chose at all is published as 0 in every group (the zero rule's
            # exception): the 0 of a hidden group follows from the total's 0 anyway.
            if has_n_row and grid.hidden[R, j]:
                hide_n[pos] = True
            if first[i, j] or (has_n_row and first[R, j]):
                primary[pos] = True
