"""Disclosure control: every published table passes through this module.

Respondents are professionals in a small region. A table cell with a handful of people in
it, or a zero that says "none of the GI staff answered X", can tell a reader something
about one identifiable person. Every table in ``data/processed/<wave>/tables/`` is therefore
made safe here, by the same rule in every wave, and written only by :func:`publish`, which
refuses a table that did not pass through :func:`protect` or :func:`protect_rows` (or was
changed afterwards).

Reference: ACRO
---------------
The rules follow ACRO, the output checker of the SACRO project (AI-SDC/ACRO, also on PyPI
as ``acro``): its defaults (``acro/default.yaml``) are ``safe_threshold: 10`` and
``zeros_are_disclosive: True``, and its frequency tables flag every cell whose count is
below the threshold (``t_values < THRESHOLD`` in ``acro_tables.py``), after deleting rows
and columns that are empty. We follow these rules and do not depend on ACRO: ACRO pins
``pandas <= 2.3.3`` while this project runs pandas 3; it checks tables that it builds
itself from microdata inside its own session object, whereas our tables are tidy,
already aggregated frames; and with margins it recomputes the totals from the cells it
kept, whereas the PEO publishes the true totals ("totaal"), which is why secondary
suppression is needed here.

The rules
---------
``threshold`` is the wave's ``disclosure.threshold`` (:attr:`peo.survey.config.Wave.threshold`,
default 10); the same rules apply in every wave.

1. **Small counts.** A cell whose count is below the threshold is suppressed
   (``0 < count < threshold``).
2. **Zeros are disclosive** (ACRO's default). A zero cell is suppressed too: "nobody in
   this group chose X" says something about every member of the group. Exception, as in
   ACRO, which deletes empty rows: an answer that nobody chose in any group (zero in every
   group and in the total) is published as 0, because the answer list is public and
   deleting the row would say the same. ``zeros_are_disclosive=False`` publishes zeros.
3. **Small groups.** A group whose ``n`` is below the threshold is suppressed as a whole:
   its ``n`` and every count, share and interval of that group.
4. **Secondary suppression.** Each sub-table (one per value of ``table_keys``, e.g. one per
   item) is a two-way table of cells (rows) by groups (columns), with the "totaal" column
   as row margin (the total is the sum over the groups) and the ``n`` row as column margin
   (``n`` is the sum over the answers). A suppressed value that is the only one hidden in
   its row or column could be recovered by subtraction; then the next-smallest value in
   that row or column is suppressed too, repeated until no row or column has exactly one
   hidden value. Then every hidden value is audited with linear programming
   (``scipy.optimize.linprog``: the smallest and largest value it can take given every
   published number and every margin): if the two coincide, the value can still be
   recovered (e.g. through a chain of rows and columns), and the next-smallest value in
   its row or column is suppressed as well, until every hidden value has a feasible
   interval of positive width.
5. **Shares and intervals follow their count and n.** ``share`` and ``ci_low``/``ci_high``
   give back the count when ``n`` is known, and ``n`` when the count is known; they are
   blanked wherever the count or the ``n`` of their row is hidden.
6. **Rows that stand alone** (tests per item, numeric summaries): :func:`protect_rows`
   blanks every statistic of a row whose ``n`` is below the threshold. When a "totaal"
   row pools the groups, one hidden group could be recovered from the total and the other
   groups, so a second group is hidden as well (or the total, if there is no other).
7. **Forbidden crossings.** No table crosses employer type with function or years of
   experience: these cells can identify a person in a small region. :func:`protect` and
   :func:`protect_rows` raise :class:`~peo.errors.DisclosureError` for such a table.

Margins that are not exact: when the cells of a column do not add up to ``n`` (a share
table with only the "agree" and "disagree" boxes: the neutral answers are not in it), the
remainder is treated as a hidden, non-negative cell that is not in the table; when they
add up to more than ``n`` (multiple choice: one respondent, several options) the column
has no margin. The same holds for the "totaal" column.

What this module does not do: it protects one table at a time. Two tables that publish
the same respondents in different cuts (a distribution of answers and the box shares
built from it) can be subtracted from each other; publish such pairs only when the finer
table is protected with the coarser one in mind. The sum of the hidden cells of a row or
column can always be read from its margin. ACRO's dominance rules (p-ratio, n-k) are for
magnitude tables (sums of incomes) and are not used: PEO statistics are counts, shares and
means of bounded answer scales.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_integer_dtype, is_numeric_dtype
from scipy.optimize import linprog

from peo.survey.codebook import groups
from peo.survey.config import DEFAULT_THRESHOLD
from peo.errors import DisclosureError

__all__ = [
    "EMPLOYER_TYPE",
    "FORBIDDEN_WITH_EMPLOYER_TYPE",
    "Finding",
    "NOTES_NL",
    "ProtectedTable",
    "TOTAL_GROUP",
    "check_published",
    "for_figure",
    "protect",
    "protect_rows",
    "protection",
    "publish",
    "restore",
]

#: The value of the group column for "all respondents" (``totaal``, from the codebook).
TOTAL_GROUP = groups().total
#: Column names that stand for the employer type (besides a ``group`` column of GI/JZ/LT).
EMPLOYER_TYPE = ("employer_type",)
#: Codebook ids that must never be crossed with employer type (``<id>_...`` included).
FORBIDDEN_WITH_EMPLOYER_TYPE = ("function", "years_experience", "years_experience_class")
#: Dutch notes under a figure for a group left out (figure wording, kept in one place).
NOTES_NL = {
    "group": "{group}: te weinig respondenten om te tonen (minder dan {threshold})",
    "group_items": "{group} bij {items}: te weinig respondenten om te tonen (minder dan {threshold})",
}

_CROSSING_MESSAGE = (
    "No table crosses employer type with function or years of experience: "
    "these cells can identify a person in a small region."
)
# A per-process key seals protected tables: a table sealed in another process (pickled,
# read back from disk) must pass through protect() again before it is published.
_KEY = secrets.token_bytes(32)


# --------------------------------------------------------------------------------------
# The protected table
# --------------------------------------------------------------------------------------
class ProtectedTable(pd.DataFrame):
    """A table that passed disclosure control: a DataFrame with a seal.

    Only :func:`protect` and :func:`protect_rows` make a valid one. It behaves like any
    DataFrame, but the seal covers its columns, types and values: after any change (an
    edited value, a dropped row, a concatenation) :func:`publish` refuses it and the table
    must pass through :func:`protect` again (which is idempotent). A plain DataFrame is
    never protected, even when its values are the same.
    """

    _metadata = ["_peo_seal", "_peo_threshold", "_peo_bars", "_peo_group", "_peo_counts"]
    _peo_seal: str | None = None
    _peo_threshold: int | None = None
    _peo_bars: tuple = ()
    _peo_group: str | None = None
    _peo_counts: tuple = ()

    @property
    def _constructor(self):
        return ProtectedTable

    @property
    def threshold(self) -> int | None:
        """The threshold this table was protected with."""
        return self._peo_threshold

    def is_sealed(self) -> bool:
        """Whether the table is unchanged since it was protected (in this process)."""
        if self._peo_seal is None or self._peo_threshold is None:
            return False
        expected = _seal(self, self._peo_threshold, self._peo_bars, self._peo_group, self._peo_counts)
        return hmac.compare_digest(self._peo_seal, expected)


def _fingerprint(frame: pd.DataFrame) -> bytes:
    plain = pd.DataFrame(frame)
    h = hashlib.sha256()
    h.update(repr([str(c) for c in plain.columns]).encode())
    h.update(repr([str(t) for t in plain.dtypes]).encode())
    h.update(repr(len(plain)).encode())
    if len(plain.columns):
        h.update(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
    return h.digest()


def _seal(frame: pd.DataFrame, threshold: int, bars: tuple, group: str | None, counts: tuple) -> str:
    msg = _fingerprint(frame) + repr((int(threshold), tuple(bars), group, tuple(counts))).encode()
    return hmac.new(_KEY, msg, hashlib.sha256).hexdigest()


def _sealed(frame: pd.DataFrame, threshold: int, bars: tuple, group: str | None, counts: tuple) -> ProtectedTable:
    """Seal a protected frame. ``counts``: its (count columns, respondent columns)."""
    out = ProtectedTable(frame)
    out._peo_threshold = int(threshold)
    out._peo_bars = tuple(bars)
    out._peo_group = group
    out._peo_counts = tuple(tuple(c) for c in counts)
    out._peo_seal = _seal(out, threshold, bars, group, out._peo_counts)
    return out


def _require_protected(table, what: str) -> ProtectedTable:
    if not isinstance(table, ProtectedTable) or table._peo_seal is None:
        raise DisclosureError(
            f"{what}: this table did not pass disclosure control. "
            "Pass it through peo.tables.disclosure.protect() (cell tables) or protect_rows() "
            "(one row per test or summary) first."
        )
    if not table.is_sealed():
        raise DisclosureError(
            f"{what}: this table was changed after it passed disclosure control (or was "
            "protected in another process). Make every change first, then call "
            "peo.tables.disclosure.protect() or protect_rows() on the final table."
        )
    return table


# --------------------------------------------------------------------------------------
# Checks shared by protect and protect_rows
# --------------------------------------------------------------------------------------
def _check_threshold(threshold) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise DisclosureError(
            f"The disclosure threshold must be a whole number of at least 1, not {threshold!r}; "
            "set 'disclosure: threshold:' in the wave's wave.yml (default 10)."
        )
    return int(threshold)


def _check_columns(table: pd.DataFrame, columns, what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise DisclosureError(f"{what}: expected a pandas DataFrame, got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DisclosureError(
            f"{what}: the table has no column {', '.join(map(repr, missing))} "
            f"(columns: {', '.join(map(str, table.columns))}). Pass the right column names."
        )


def _is_forbidden_name(name) -> bool:
    name = str(name)
    return any(name == f or name.startswith(f + "_") for f in FORBIDDEN_WITH_EMPLOYER_TYPE)


def _check_crossing(table: pd.DataFrame, group: str | None, key_cols, by_employer_type: bool) -> None:
    """Raise when the table crosses employer type with function or years of experience."""
    employer = [c for c in table.columns if c in EMPLOYER_TYPE]
    if group is not None and group in table.columns and not _is_forbidden_name(group):
        values = table[group].dropna().astype(str)
        if (values != TOTAL_GROUP).any():
            employer.append(f"{group} (employer types {', '.join(sorted(set(values) - {TOTAL_GROUP}))})")
    if by_employer_type:
        employer.append("by_employer_type=True")
    if not employer:
        return
    crossing = [f"column {c!r}" for c in table.columns if _is_forbidden_name(c)]
    for col in dict.fromkeys(k for k in key_cols if k in table.columns):
        values = table[col].dropna()
        hits = sorted({str(v) for v in values if _is_forbidden_name(v)})
        crossing += [f"{col} = {v!r}" for v in hits]
    if crossing:
        raise DisclosureError(
            f"{_CROSSING_MESSAGE} This table has employer type ({'; '.join(employer)}) and "
            f"{', '.join(crossing)}. Publish function and years of experience for all "
            f"respondents only (group {TOTAL_GROUP!r})."
        )


def _stat_columns(table: pd.DataFrame, exclude) -> list[str]:
    """Numeric and boolean columns that are not keys: the statistics to blank."""
    exclude = set(exclude)
    return [c for c in table.columns if c not in exclude and (is_numeric_dtype(table[c]) or is_bool_dtype(table[c]))]


def _nullable(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Give the columns a dtype that can hold a missing value, whether or not one is hidden."""
    for c in columns:
        s = frame[c]
        if is_bool_dtype(s):
            frame[c] = s.astype("boolean")
        elif is_integer_dtype(s):
            frame[c] = s.astype("Int64")
        elif s.dtype == object:
            frame[c] = pd.to_numeric(s)
    return frame


def _blank(frame: pd.DataFrame, mask: np.ndarray, columns) -> None:
    if mask.any():
        for c in columns:
            frame.loc[mask, c] = pd.NA


# --------------------------------------------------------------------------------------
# Cell tables: primary and secondary suppression
# --------------------------------------------------------------------------------------
@dataclass
class _Line:
    """One linear relation of the two-way table: sum(inner) + slack = margin."""

    entries: list  # (i, j) grid positions
    coefs: list  # +1 for the inner cells, -1 for the margin
    slack: float = 0.0  # > 0: an implicit hidden non-negative remainder


@dataclass
class _Grid:
    values: np.ndarray  # float, NaN where the value is unknown (hidden before)
    hidden: np.ndarray  # bool
    exempt: np.ndarray  # bool: cells of rows that are zero everywhere (published as 0)
    margin: np.ndarray  # bool: totaal column or n row
    lines: list = field(default_factory=list)


def _candidate_key(grid: _Grid, e):
    v = grid.values[e]
    return (v == 0, v, bool(grid.margin[e]), e[0], e[1])


def _open_candidates(grid: _Grid, entries) -> list:
    return [e for e in entries if not grid.hidden[e] and not grid.exempt[e] and not np.isnan(grid.values[e])]


def _alone(grid: _Grid, line: _Line) -> bool:
    """Whether one published-table value is the only unknown of its line."""
    n = sum(1 for e in line.entries if grid.hidden[e] and not grid.exempt[e])
    return n == 1 and line.slack == 0  # an implicit remainder is a second unknown


def _line_rule(grid: _Grid) -> None:
    """Hide the next-smallest value of every line with exactly one hidden value."""
    changed = True
    while changed:
        changed = False
        for line in grid.lines:
            if _alone(grid, line):
                cands = _open_candidates(grid, line.entries)
                if cands:
                    grid.hidden[min(cands, key=lambda e: _candidate_key(grid, e))] = True
                    changed = True


def _on_free_rectangle(grid: _Grid, e, sign: np.ndarray) -> bool:
    """Cheap sufficient test: a rectangle of hidden values along which e can move.

    Adding +t, -t, -t, +t around the corners of a rectangle (with the sign flipped on
    margins, which enter their relations with -1) keeps every row and column relation;
    the move is feasible for a small t > 0 when every corner that decreases is positive.
    """
    i, j = e
    open_ = grid.hidden & ~grid.exempt & ~np.isnan(grid.values)
    for j2 in np.flatnonzero(open_[i]):
        if j2 == j:
            continue
        for i2 in np.flatnonzero(open_[:, j]):
            if i2 == i or not open_[i2, j2]:
                continue
            corners = [(i, j), (i, j2), (i2, j), (i2, j2)]
            step = np.array([1.0, -1.0, -1.0, 1.0]) * np.array([sign[c] for c in corners])
            vals = np.array([grid.values[c] for c in corners])
            if np.all(vals[step < 0] > 0) or np.all(vals[step > 0] > 0):
                return True
    return False


def _exposed(grid: _Grid, audited: set) -> list:
    """Hidden values whose feasible interval, given everything published, has width 0."""
    variables = sorted({e for line in grid.lines for e in line.entries if grid.hidden[e] and not grid.exempt[e]})
    if not variables:
        return []
    index = {e: k for k, e in enumerate(variables)}
    slacks = [k for k, line in enumerate(grid.lines) if line.slack > 0]
    nvar = len(variables) + len(slacks)
    a_eq = np.zeros((len(grid.lines), nvar))
    b_eq = np.zeros(len(grid.lines))
    truth = np.zeros(nvar)
    for k, e in enumerate(variables):
        truth[k] = grid.values[e]
    for r, line in enumerate(grid.lines):
        for e, coef in zip(line.entries, line.coefs):
            if e in index:
                a_eq[r, index[e]] = coef
            else:
                value = 0.0 if grid.exempt[e] else grid.values[e]
                b_eq[r] -= coef * value
        if line.slack > 0:
            s = len(variables) + slacks.index(r)
            a_eq[r, s] = 1.0
            truth[s] = line.slack
    tol = 1000 * _tolerance(grid.values)
    sign = np.where(grid.margin, -1.0, 1.0)
    if grid.margin[-1, :].all() and grid.margin[:, -1].all():
        sign[-1, -1] = 1.0  # the grand total is the margin of two margins
    exposed = []
    for e in variables:
        if e in audited:  # widths only grow as more values are hidden
            continue
        if _on_free_rectangle(grid, e, sign):
            audited.add(e)
            continue
        k = index[e]
        cost = np.zeros(nvar)
        cost[k] = -1.0
        top = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if top.status == 3 or (top.status == 0 and -top.fun > truth[k] + tol):
            audited.add(e)
            continue
        cost[k] = 1.0
        low = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and low.fun < truth[k] - tol:
            audited.add(e)
            continue
        if top.status not in (0, 3) or low.status != 0:  # pragma: no cover - consistent by construction
            raise DisclosureError(
                "Disclosure control could not solve the margins of a table "
                f"({top.message}; {low.message}). Check that the totals equal the sums of their cells."
            )
        exposed.append(e)
    return exposed


def _secondary(grid: _Grid) -> None:
    """Secondary suppression: the line rule, then the LP audit, until stable."""
    audited: set = set()
    while True:
        _line_rule(grid)
        exposed = _exposed(grid, audited)
        if not exposed:
            return
        added = False
        touched: set = set()
        for e in exposed:
            lines = [line for line in grid.lines if e in line.entries]
            if any(t in line.entries for line in lines for t in touched):
                continue  # a value hidden this round may already protect this one
            cands = _open_candidates(grid, [x for line in lines for x in line.entries])
            if not cands:
                cands = _open_candidates(grid, list(zip(*np.nonzero(~grid.hidden))))
            if cands:
                pick = min(cands, key=lambda x: _candidate_key(grid, x))
                grid.hidden[pick] = True
                touched.add(pick)
                added = True
        if not added:  # pragma: no cover - cannot happen: hiding everything protects everything
            return


def _tolerance(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return 1e-9 * max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)


def _build_lines(grid: _Grid, n_rows: int, n_cols: int, has_total_col: bool, has_n_row: bool) -> None:
    """The row relations (totaal = sum of groups) and column relations (n = sum of cells)."""
    R, C = n_rows, n_cols
    T, N = C, R
    tol = _tolerance(grid.values)

    def add(entries, coefs):
        vals = []
        for e in entries:
            if grid.exempt[e]:
                vals.append(0.0)
            elif np.isnan(grid.values[e]):
                return  # a value hidden before: the remainder of this line is unknown
            else:
                vals.append(grid.values[e])
        rest = -float(np.dot(coefs, vals))  # margin - sum(inner)
        if rest < -tol:
            return  # cells overlap (multiple choice): no linear relation
        grid.lines.append(_Line(list(entries), list(coefs), rest if rest > tol else 0.0))

    if has_total_col and C >= 1:
        rows = [i for i in range(R) if not grid.exempt[i, 0]]
        if has_n_row:
            rows.append(N)
        for i in rows:
            add([(i, g) for g in range(C)] + [(i, T)], [1.0] * C + [-1.0])
    if has_n_row and R >= 1:
        for j in range(C + (1 if has_total_col else 0)):
            add([(i, j) for i in range(R)] + [(N, j)], [1.0] * R + [-1.0])


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

    Returns
    -------
    ProtectedTable
        The same rows in the same order (with a fresh index), with ``count``, ``n`` and
        the statistics set to missing where hidden, integer columns as ``Int64``, and a
        boolean column ``suppressed``: True when the count, the ``n`` or a statistic of
        the row is hidden.

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
    frame = frame.drop(columns=["suppressed"], errors="ignore")
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
            threshold=threshold,
            cells=cells,
            group=group,
            zeros_are_disclosive=zeros_are_disclosive,
            keys=keys,
        )

    hide_count |= np.isnan(counts)
    if ns is not None:
        hide_n |= np.isnan(ns)
    _blank(frame, hide_count, [count, *stats])
    if total is not None:
        _blank(frame, hide_n, [total, *stats])
    frame["suppressed"] = hide_count | hide_n
    bars = tuple(dict.fromkeys((*table_keys, *([group] if group else []))))
    return _sealed(frame, threshold, bars, group, ((count,), (total,) if total is not None else ()))


def _describe(frame: pd.DataFrame, row: int, keys) -> str:
    return ", ".join(f"{k}={frame.at[row, k]!r}" for k in frame.columns if k in keys)


def _protect_subtable(
    frame, idx, counts, ns, hide_count, hide_n, *, threshold, cells, group, zeros_are_disclosive, keys
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
        hidden[:, small_group] = True
    cellvals = values[:R]
    small = (cellvals > 0) & (cellvals < threshold)
    if zeros_are_disclosive:
        small |= cellvals == 0
    hidden[:R] |= small & ~exempt[:R]

    grid = _Grid(values=values, hidden=hidden, exempt=exempt, margin=margin)
    _build_lines(grid, R, C, has_total_col, has_n_row)
    _secondary(grid)

    for i in range(R):
        for j in range(len(cols)):
            pos = where[i, j]
            if grid.hidden[i, j] and not exempt[i, j]:
                hide_count[pos] = True
            if exempt[i, j] and small_group[j]:
                hide_count[pos] = True  # the whole small group is hidden, zeros included
            if has_n_row and grid.hidden[R, j]:
                hide_n[pos] = True


# --------------------------------------------------------------------------------------
# Tables whose rows stand alone
# --------------------------------------------------------------------------------------
def protect_rows(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    count_cols=("n",),
    *,
    group: str | None = "group",
    table_keys=("item",),
    keep=(),
    by_employer_type: bool = False,
    also_hide=None,
) -> ProtectedTable:
    """Blank the statistics of rows based on fewer respondents than the threshold.

    For tables where each row stands alone: tests per item, numeric summaries per item and
    group. A row with any of ``count_cols`` below the threshold (or missing) has those
    columns and every statistic blanked (rule 6). When the table has a group column with a
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
    also_hide : sequence of bool, optional
        Rows whose statistics are hidden for another reason (secondary suppression: they
        would give back a cell hidden in another table). Their counts stay, because they are
        published elsewhere; ``suppressed`` is True.

    Returns
    -------
    ProtectedTable
        The same rows in the same order, statistics missing where hidden, integer columns
        as ``Int64``, and a boolean column ``suppressed``.

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

    frame = pd.DataFrame(table).reset_index(drop=True).drop(columns=["suppressed"], errors="ignore")
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

    _blank(frame, hide, [*count_cols, *stats])
    if also_hide is not None and len(frame):
        extra = np.asarray(also_hide, dtype=bool) & ~hide
        _blank(frame, extra, stats)
        hide = hide | extra
    frame["suppressed"] = hide
    bars = tuple(dict.fromkeys((*table_keys, *([grp] if grp else []))))
    return _sealed(frame, threshold, bars, grp, ((), count_cols))


# --------------------------------------------------------------------------------------
# Publishing, checking, figures
# --------------------------------------------------------------------------------------
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


def for_figure(protected: ProtectedTable, *, notes_nl: dict | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Leave suppressed groups out of a figure, with a Dutch note for each.

    A bar (one value of the table keys × one group, e.g. item × GI) with any suppressed
    row is left out whole: a bar with a hidden segment would still show the hidden share
    as the gap.

    Parameters
    ----------
    protected : ProtectedTable
        The result of :func:`protect` or :func:`protect_rows`, unchanged since.
    notes_nl : dict, optional
        The note templates, default :data:`NOTES_NL`: ``"group"`` when a group is left out
        of every bar, ``"group_items"`` when only of some (``{items}`` lists their labels).

    Returns
    -------
    plot_frame : pandas.DataFrame
        The rows that can be drawn (a plain DataFrame, for plotting only).
    notes : list of str
        One Dutch note per group left out, e.g. "LT: te weinig respondenten om te tonen
        (minder dan 10)".

    Raises
    ------
    DisclosureError
        If the table did not pass disclosure control or was changed since.
    """
    table = _require_protected(protected, "Cannot prepare this table for a figure")
    templates = {**NOTES_NL, **(notes_nl or {})}
    frame = pd.DataFrame(table).reset_index(drop=True)
    bars = [b for b in table._peo_bars if b in frame.columns]
    group = table._peo_group
    if not bars:
        bars_id = pd.Series(0, index=frame.index)
    else:
        bars_id = frame.groupby(bars, sort=False, dropna=False).ngroup()
    bad_bar = frame["suppressed"].astype(bool).groupby(bars_id).transform("any").to_numpy()
    plot_frame = frame.loc[~bad_bar].drop(columns=["suppressed"]).reset_index(drop=True)
    notes: list[str] = []
    if bad_bar.any():
        subject = frame[group].astype(str) if group else pd.Series("alle respondenten", index=frame.index)
        keys = [b for b in bars if b != group]
        label_col = "item_label" if "item_label" in frame.columns else (keys[0] if keys else None)
        for g in dict.fromkeys(subject[bad_bar]):
            mine = (subject == g).to_numpy()
            if mine[~bad_bar].any() and label_col is not None:
                labels = list(dict.fromkeys(frame.loc[mine & bad_bar, label_col].astype(str)))
                items = ", ".join(f"'{x}'" for x in labels)
                notes.append(templates["group_items"].format(group=g, items=items, threshold=table.threshold))
            else:
                notes.append(templates["group"].format(group=g, threshold=table.threshold))
    return plot_frame, notes


# --------------------------------------------------------------------------------------
# Protection metadata: written beside a published table, restored when it is read back
# --------------------------------------------------------------------------------------
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
