"""Protection metadata: written beside a published table, restored when it is read back."""

from __future__ import annotations

import pandas as pd

from peo.errors import DisclosureError
from peo.tables.disclosure.published import check_published
from peo.tables.disclosure.rules import _check_threshold
from peo.tables.disclosure.sealed import ProtectedTable, _require_protected, _sealed

__all__ = ["protection", "restore"]


def protection(table: ProtectedTable) -> dict:
    """The protection metadata of a sealed table, to store beside its CSV.

    Returns
    -------
    dict
        ``threshold``, ``table_keys`` (the columns of its sub-tables and group),
        ``group`` (the group column or None), ``count_columns`` and ``respondent_columns``.

    Raises
    ------
    DisclosureError
        If the table did not pass disclosure control or was changed since.
    """
    protected = _require_protected(table, "protection")
    counts, totals = protected._peo_counts
    return {
        "threshold": int(protected.threshold),
        "table_keys": list(protected._peo_bars),
        "group": protected._peo_group,
        "count_columns": list(counts),
        "respondent_columns": list(totals),
    }


def restore(frame: pd.DataFrame, meta: dict, what: str) -> ProtectedTable:
    """Seal a published table read back from its CSV, after checking it once more.

    ``meta`` is what :func:`protection` gave when the table was published. The table must
    still pass :func:`check_published` with its threshold; it then behaves as the table the
    results step wrote (``threshold``, the seal). ``what`` names the table in an error.

    Raises
    ------
    DisclosureError
        If the metadata is incomplete, the table has no ``suppressed`` column, or a visible
        number is below the threshold.
    """
    try:
        threshold = _check_threshold(meta["threshold"])
        bars, group = tuple(meta["table_keys"]), meta["group"]
        counts, totals = tuple(meta["count_columns"]), tuple(meta["respondent_columns"])
    except (KeyError, TypeError) as err:
        raise DisclosureError(f"{what}: its protection metadata is incomplete ({err!r}); publish it again.") from None
    if "suppressed" not in frame.columns:
        raise DisclosureError(f"{what}: the table has no 'suppressed' column, so it did not pass disclosure control.")
    findings = check_published(
        frame,
        threshold,
        count_cols=[c for c in ("count", *counts) if c in frame.columns],
        total_cols=[c for c in ("n", *totals) if c in frame.columns],
    )
    if findings:
        raise DisclosureError(f"{what}: {len(findings)} problem(s) against its threshold, first: {findings[0]}")
    return _sealed(pd.DataFrame(frame).reset_index(drop=True), threshold, bars, group, (counts, totals))
