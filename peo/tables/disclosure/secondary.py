"""Secondary suppression of one two-way table (rule 4): the line rule and the LP audit."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from peo.errors import DisclosureError

__all__: list[str] = []  # internal to peo.tables.disclosure


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
    # scipy.optimize is imported where it is used: the chapter notebooks import the disclosure
    # package for its ProtectedTable only.
    from scipy.optimize import linprog

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
