"""Writing a protected table, and checking a published one once more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from peo.errors import DisclosureError
from peo.tables.disclosure.rules import _check_threshold
from peo.tables.disclosure.sealed import ProtectedTable, _require_protected

__all__ = ["Finding", "check_published", "publish"]


def publish(table: ProtectedTable, path) -> Path:
    """Write a protected table as CSV: the only way a table is written for publication.

    The file is deterministic: UTF-8, ``\\n`` line ends, no index, missing values empty.
    Before writing, the table is checked once more with :func:`check_published`.

    Parameters
    ----------
    table : ProtectedTable
        The result of :func:`protect` or :func:`protect_rows`, unchanged since.
    path : str or pathlib.Path
        Where to write the CSV; parent folders are created.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    DisclosureError
        If the table did not pass through :func:`protect` or :func:`protect_rows`, was
        changed afterwards, or still shows a count or ``n`` below its threshold.
    """
    path = Path(path)
    protected = _require_protected(table, f"Refusing to publish {path.name}")
    counts, totals = protected._peo_counts
    findings = check_published(
        pd.DataFrame(protected),
        protected.threshold,
        count_cols=[c for c in ("count", *counts) if c in protected.columns],
        total_cols=[c for c in ("n", *totals) if c in protected.columns],
    )
    if findings:
        raise DisclosureError(
            f"Refusing to publish {path.name}: {len(findings)} problem(s) after disclosure "
            f"control, first: {findings[0]}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(protected).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Finding:
    """One problem in a published table.

    Attributes
    ----------
    row : int
        Row number in the table (0-based, header not counted).
    column : str
        The column concerned.
    value : float
        The value found.
    message : str
        What is wrong, in English.
    """

    row: int
    column: str
    value: float
    message: str

    def __str__(self) -> str:
        return self.message


_SHARE_COLS = ("share", "ci_low", "ci_high")


def check_published(frame_or_csv, threshold: int, *, count_cols=None, total_cols=None) -> list[Finding]:
    """Re-check a published table: nothing below the threshold may be visible.

    Used by :func:`publish` and by the privacy scan over ``data/processed/*/tables``.

    Parameters
    ----------
    frame_or_csv : pandas.DataFrame or str or pathlib.Path
        The table, or the path of its CSV.
    threshold : int
        The wave's disclosure threshold.
    count_cols : sequence of str, optional
        Count columns; default every column named ``count`` or ``count_*``.
    total_cols : sequence of str, optional
        Columns with numbers of respondents; default ``n`` and ``n_*``.

    Returns
    -------
    list of Finding
        Empty when the table is safe: no visible count with ``0 < count < threshold``, no
        visible ``n`` below the threshold, no share or interval shown where its count or
        its ``n`` is hidden (it would give them back).

    Raises
    ------
    DisclosureError
        If the threshold is not a positive integer or the CSV cannot be read.
    """
    threshold = _check_threshold(threshold)
    if isinstance(frame_or_csv, pd.DataFrame):
        frame = pd.DataFrame(frame_or_csv).reset_index(drop=True)
        where = "table"
    else:
        try:
            frame = pd.read_csv(frame_or_csv)
        except (OSError, ValueError) as err:
            raise DisclosureError(f"Cannot read the published table {frame_or_csv}: {err}") from err
        where = str(frame_or_csv)
    cols = [str(c) for c in frame.columns]
    if count_cols is None:
        count_cols = [c for c in cols if c == "count" or c.startswith("count_")]
    if total_cols is None:
        total_cols = [c for c in cols if c == "n" or c.startswith("n_")]
    findings: list[Finding] = []

    def num(c):
        return pd.to_numeric(frame[c], errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)

    for c in count_cols:
        v = num(c)
        for row in np.flatnonzero((v > 0) & (v < threshold)):
            findings.append(
                Finding(
                    int(row),
                    c,
                    float(v[row]),
                    f"{where}, row {row}: {c} = {v[row]:g} is below the threshold {threshold}",
                )
            )
    for c in total_cols:
        v = num(c)
        for row in np.flatnonzero(v < threshold):
            findings.append(
                Finding(
                    int(row),
                    c,
                    float(v[row]),
                    f"{where}, row {row}: {c} = {v[row]:g} is below the threshold {threshold}",
                )
            )
    shown = [c for c in _SHARE_COLS if c in cols]
    if shown and "count" in cols and "n" in cols:
        cnt, n = num("count"), num("n")
        for c in shown:
            s = num(c)
            for row in np.flatnonzero(~np.isnan(s) & (np.isnan(cnt) ^ np.isnan(n))):
                gone = "count" if np.isnan(cnt[row]) else "n"
                findings.append(
                    Finding(
                        int(row),
                        c,
                        float(s[row]),
                        f"{where}, row {row}: {c} is shown while {gone} is hidden; "
                        f"together with the other number it gives {gone} back",
                    )
                )
    return sorted(findings, key=lambda f: (f.row, f.column))
