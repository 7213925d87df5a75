"""Attacks on the published numbers of a wave: can a hidden cell be worked out?

Disclosure control hides cells one table at a time; an attacker uses all published numbers
at once. Two attacks, each run on the published tables of a wave
(``data/processed/<wave>/tables/*.csv``) and its ``key_figures.json``:

(b) **Linear relations.** Every published count becomes a variable: ``count`` of an item,
    answer (box, answer code or theme) and group; ``n`` of an item and group; the analysed
    respondents per group (``key_figures.json``). The same cell in different tables is one
    variable. Relations: the groups add up to the total (counts, n's, respondents); a count
    is at most its n; an n is at most the group's respondents; the answers of a
    single-choice item in a distribution table add up to its n. For each hidden cell the
    smallest and largest integer value consistent with everything shown are found by
    mixed-integer linear programming (:func:`scipy.optimize.milp`, HiGHS). A hidden cell whose
    smallest and largest value are equal is determined: a finding.

(a) **Test statistics.** A chi-square test of an item by employer type over the headline
    box against the rest (``df`` = groups - 1) is computed on a table whose cells may be
    hidden. With the ranges of its cells from (b), every integer table consistent with the
    published margins and shown cells is enumerated, its Pearson X² computed
    (:func:`scipy.stats.chi2_contingency`, no continuity correction, as the tests are made)
    and compared with the published statistic at its published precision (half a unit of
    its last decimal). A hidden cell that has one value in every table that fits is pinned:
    a finding.

(c) **The merge rule.** An item and group published by answer with a hidden cell and also
    merged (headline box and rest, both shown) is a finding (:func:`merge_findings`): the
    difference of the two can give the hidden cell back.

The findings name the file, the table row and the cell. A pattern of constraints that no
table satisfies (published numbers that contradict each other) is reported as a note, and
the linear attack is then made without the family of relations that contradicts.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Cell", "Finding", "read_cells", "linear_attack", "chi_square_attack", "merge_findings", "attack_wave"]

GROUPS_TOTAL = "totaal"
_CATEGORY_COLUMNS = ("box", "answer_code", "theme", "level", "answer")
_REST = "rest"  # the box "overige antwoorden": headline box and rest add up to the n
_MAX_TABLES = 2_000_000  # largest number of candidate tables enumerated for one statistic


@dataclass(frozen=True)
class Cell:
    """One published number: its key (what it counts), value (None when hidden) and place."""

    key: tuple
    value: float | None
    file: str
    row: int  # 1-based data row (line row + 1 in the CSV)
    column: str
    merged: bool = False  # a row of answers published merged (column ``merged``: headline box and rest)


@dataclass(frozen=True)
class Finding:
    """A hidden cell that the published numbers give back."""

    file: str
    location: str
    finding: str


@dataclass
class _Model:
    cells: list[Cell] = field(default_factory=list)
    tests: list[dict] = field(default_factory=list)
    single_choice_tables: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _num(v) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        v = v.strip()
        if v in ("", "–", "-", "nan", "NaN", "None"):
            return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def read_cells(tables_dir: Path, key_figures: Path | None = None, *, partition_tables: Iterable[str] = ()) -> _Model:
    """Every published count of a wave as :class:`Cell` s, and its chi-square tests.

    Parameters
    ----------
    tables_dir : Path
        ``data/processed/<wave>/tables`` (or a folder of such CSVs).
    key_figures : Path, optional
        The wave's ``key_figures.json``: the analysed respondents per group.
    partition_tables : iterable of str
        Stems of tables whose categories (per item and group) are all the answers of a
        single-choice item: they add up to the n. Default: tables named ``*_distribution``.
    """
    m = _Model()
    partition = set(partition_tables)
    for path in sorted(Path(tables_dir).glob("*.csv")):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (ValueError, pd.errors.ParserError):
            m.notes.append(f"{path.name}: not a readable CSV table, not attacked")
            continue
        name = path.name
        cols = set(frame.columns)
        if "statistic" in cols and "df" in cols and "item" in cols:
            for i, r in frame.iterrows():
                m.tests.append({"file": name, "row": i + 1, **r.to_dict()})
            continue
        if "item" not in cols or not ({"n", "count"} & cols):
            continue
        if cols & {"odds_ratio", "estimate", "lr_statistic", "rho", "effect_size"}:
            continue  # a model's or correlation's n is the n of the model, not of a cell
        cat_col = next((c for c in _CATEGORY_COLUMNS if c in cols), None)
        if (
            path.stem.endswith("_distribution")
            or path.stem in partition
            or (cat_col is not None and (frame[cat_col] == _REST).any())
        ):
            m.single_choice_tables.add(name)
        for i, r in frame.iterrows():
            # A table over several waves (the trends) holds the same item once per wave:
            # the wave is part of the cell's identity.
            item = f"{r['wave']}:{r['item']}" if "wave" in cols else r["item"]
            group = r.get("group", GROUPS_TOTAL) or GROUPS_TOTAL
            if "n" in cols:
                m.cells.append(Cell(("n", item, group), _num(r["n"]), name, i + 1, "n"))
            if "count" in cols and cat_col is not None:
                merged = str(r.get("merged", "")).strip().lower() == "true"
                m.cells.append(Cell(("count", item, r[cat_col], group), _num(r["count"]), name, i + 1, "count", merged))
    if key_figures is not None and Path(key_figures).is_file():
        kf = json.loads(Path(key_figures).read_text(encoding="utf-8"))
        resp = kf.get("response") or {}
        name = Path(key_figures).name
        if "analysed" in resp:
            m.cells.append(Cell(("resp", GROUPS_TOTAL), _num(resp.get("analysed")), name, 0, "response.analysed"))
        for g, v in (resp.get("by_group") or {}).items():
            m.cells.append(Cell(("resp", g), _num(v), name, 0, f"response.by_group.{g}"))
    return m


# ============================================================================ (b) linear relations


def _relations(m: _Model) -> dict[str, list[tuple[dict, str, float]]]:
    """Families of relations: name -> list of (coefficients by key, sense '=' or '<=', rhs)."""
    keys = {c.key for c in m.cells}
    # The groups are those of the respondent counts (key_figures.json): a table may leave a
    # group out, and then its groups do not add up to its total.
    groups = sorted({k[1] for k in keys if k[0] == "resp"} - {GROUPS_TOTAL})
    fam: dict[str, list] = defaultdict(list)
    # The groups add up to the total.
    by_margin: dict[tuple, list] = defaultdict(list)
    for k in keys:
        if k[-1] != GROUPS_TOTAL:
            by_margin[k[:-1]].append(k)
    for base, parts in by_margin.items():
        total = base + (GROUPS_TOTAL,)
        if total in keys and len(parts) == len(groups) and len(groups) > 1:
            coef = {p: 1.0 for p in parts}
            coef[total] = -1.0
            fam["groups add up to the total"].append((coef, "=", 0.0))
    # A count is at most its n; an n at most the group's respondents.
    for k in keys:
        if k[0] == "count" and ("n", k[1], k[3]) in keys:
            fam["a count is at most its n"].append(({k: 1.0, ("n", k[1], k[3]): -1.0}, "<=", 0.0))
        if k[0] == "n" and ("resp", k[2]) in keys:
            fam["an n is at most the respondents"].append(({k: 1.0, ("resp", k[2]): -1.0}, "<=", 0.0))
    # The answers of a single-choice item add up to its n (distribution tables).
    # Per table and level: the answers by box add up to the n, and so do the merged ones
    # (headline box and rest) of a table that publishes some items merged.
    cats: dict[tuple, set] = defaultdict(set)
    for c in m.cells:
        if c.file in m.single_choice_tables and c.key[0] == "count":
            cats[(c.file, c.key[1], c.key[3], c.merged)].add(c.key)
    for (_, item, group, _merged), ks in cats.items():
        if ("n", item, group) in keys and len(ks) > 1:
            coef = {k: 1.0 for k in ks}
            coef[("n", item, group)] = -1.0
            fam["the answers add up to the n"].append((coef, "=", 0.0))
    return fam


def _known_and_hidden(m: _Model) -> tuple[dict, dict, list[str]]:
    known: dict[tuple, float] = {}
    hidden: dict[tuple, list[Cell]] = defaultdict(list)
    notes = []
    for c in m.cells:
        if c.value is not None:
            if c.key in known and abs(known[c.key] - c.value) > 1e-9:
                notes.append(
                    f"{c.file} row {c.row}: {c.column} = {c.value:g} differs from the same cell elsewhere "
                    f"({known[c.key]:g}); the first value is used"
                )
                continue
            known.setdefault(c.key, c.value)
    for c in m.cells:
        if c.value is None and c.key not in known:
            hidden[c.key].append(c)
    return known, dict(hidden), notes


def _bounds(m: _Model, known: dict, hidden: dict, families: dict) -> tuple[dict | None, list[str]]:
    """Smallest and largest integer value of each hidden key; None if no relation applies."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    order = list(hidden)
    index = {k: i for i, k in enumerate(order)}
    upper = max([v for v in known.values()] + [1.0]) * 4 + 10
    rows, lo, hi = [], [], []
    for coef, sense, rhs in (r for fam in families.values() for r in fam):
        if not any(k in index for k in coef):
            continue
        a = np.zeros(len(order))
        b = rhs
        for k, v in coef.items():
            if k in index:
                a[index[k]] += v
            elif k in known:
                b -= v * known[k]
            else:
                break
        else:
            rows.append(a)
            lo.append(b if sense == "=" else -np.inf)
            hi.append(b)
    if not order:
        return {}, []
    cons = [LinearConstraint(np.array(rows), lo, hi)] if rows else []
    integrality = np.ones(len(order))
    bounds = Bounds(np.zeros(len(order)), np.full(len(order), upper))
    out: dict[tuple, tuple[float, float]] = {}
    for i, k in enumerate(order):
        c = np.zeros(len(order))
        ends = []
        for sign in (1.0, -1.0):
            c[i] = sign
            res = milp(c, constraints=cons, integrality=integrality, bounds=bounds)
            if res.status != 0:
                return None, [f"the published numbers admit no table ({res.message})"]
            ends.append(sign * res.fun)
        out[k] = (round(ends[0]), round(ends[1]))
    return out, []


def linear_attack(m: _Model) -> tuple[list[Finding], dict, list[str]]:
    """Attack (b): hidden cells determined by the linear relations between published counts.

    Returns
    -------
    findings, ranges, notes
        ``ranges`` maps every hidden key to its (smallest, largest) consistent integer value
        (used by :func:`chi_square_attack`).
    """
    known, hidden, notes = _known_and_hidden(m)
    families = _relations(m)
    ranges, why = _bounds(m, known, hidden, families)
    # Drop a family that contradicts the rest (e.g. n's that are not the same across tables).
    for name in list(families):
        if ranges is not None:
            break
        notes.append(f"relations '{name}' left out: {why[0]}")
        families.pop(name)
        ranges, why = _bounds(m, known, hidden, families)
    if ranges is None:
        return [], {}, notes + why
    findings = []
    shown_at = {}
    for c in m.cells:
        if c.value is not None:
            shown_at.setdefault(c.key, c)
    for c in m.cells:
        if c.value is None and c.key in known:
            s = shown_at[c.key]
            findings.append(
                Finding(
                    c.file,
                    f"row {c.row}, column {c.column}",
                    f"hidden {_describe(c.key)} is shown in {s.file} (row {s.row}, {s.column})",
                )
            )
    for key, (lo, hi) in ranges.items():
        if lo == hi:
            for c in hidden[key]:
                findings.append(
                    Finding(
                        c.file,
                        f"row {c.row}, column {c.column}",
                        f"hidden {_describe(key)} is determined by the published counts "
                        f"(totals, margins, other tables): it must be {lo}",
                    )
                )
    return findings, ranges, notes


def merge_findings(m: _Model) -> list[Finding]:
    """The merge rule: an item is published either by its answers or merged, never both.

    When the answers of an item and group (a single-choice table, by box) have a hidden cell
    and the same item and group is also published merged (its headline box and the ``rest``
    of the answers, both shown, in any table), the difference of the two can give the hidden
    cell back. Such a pair is a finding whether or not the linear attack pins the cell: it
    is the rule :func:`peo.tables.likert.likert_tables` follows.
    """
    rest_shown: dict[tuple, Cell] = {}
    for c in m.cells:
        if c.key[0] == "count" and c.key[2] == _REST and c.value is not None:
            rest_shown.setdefault((c.key[1], c.key[3]), c)
    findings = []
    for c in m.cells:
        if (
            c.key[0] != "count"
            or c.value is not None
            or c.merged
            or c.key[2] == _REST
            or c.file not in m.single_choice_tables
        ):
            continue
        r = rest_shown.get((c.key[1], c.key[3]))
        if r is not None:
            findings.append(
                Finding(
                    c.file,
                    f"row {c.row}, column {c.column}",
                    f"hidden {_describe(c.key)} is published by answer while the same item and group is also "
                    f"published merged ({r.file} row {r.row}: the rest of the answers, {r.value:g}); publish one or "
                    "the other",
                )
            )
    return findings


def _describe(key: tuple) -> str:
    if key[0] == "count":
        return f"count of item {key[1]}, answer {key[2]}, group {key[3]}"
    if key[0] == "n":
        return f"n of item {key[1]}, group {key[2]}"
    return f"number of respondents of group {key[1]}"


# ============================================================================ (a) test statistics


def _decimals(text: str) -> int:
    text = str(text).strip().lower()
    if "e" in text:
        mant, exp = text.split("e")
        return max(0, len(mant.split(".")[1]) if "." in mant else 0) - int(exp)
    return len(text.split(".")[1]) if "." in text else 0


def _pearson(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pearson X² of 2 x G tables (rows: headline, rest), vectorised over candidates (rows of a, n)."""
    rest = n - a
    N = n.sum(axis=1, keepdims=True)
    A = a.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = n * A / N
        e2 = n * (N - A) / N
        x = np.where(e1 > 0, (a - e1) ** 2 / e1, 0) + np.where(e2 > 0, (rest - e2) ** 2 / e2, 0)
    return x.sum(axis=1)


def chi_square_attack(m: _Model, ranges: dict, groups: list[str] | None = None) -> tuple[list[Finding], list[str]]:
    """Attack (a): hidden cells of a headline-vs-rest chi-square table pinned by its statistic."""
    known, hidden, _ = _known_and_hidden(m)
    findings: list[Finding] = []
    notes: list[str] = []
    all_groups = (
        groups
        or sorted({c.key[-1] for c in m.cells if c.key[0] == "resp"} - {GROUPS_TOTAL})
        or sorted({c.key[2] for c in m.cells if c.key[0] == "n"} - {GROUPS_TOTAL})
    )
    for t in m.tests:
        stat, df = _num(t.get("statistic")), _num(t.get("df"))
        if (
            stat is None
            or df is None
            or int(df) != len(all_groups) - 1
            or "chi" not in str(t.get("test", "chi")).lower()
        ):
            continue
        item = t["item"]
        boxes = {
            c.key[2]
            for c in m.cells
            if c.key[0] == "count"
            and c.key[1] == item
            and c.key[3] != GROUPS_TOTAL
            and c.file.endswith("_by_group.csv")
        } - {_REST}
        if len(boxes) != 1:
            continue
        box = boxes.pop()
        keys_a = [("count", item, box, g) for g in all_groups]
        keys_n = [("n", item, g) for g in all_groups]
        if not any(k in hidden for k in keys_a + keys_n):
            continue

        def values(k):
            if k in known:
                return np.array([known[k]])
            if k in ranges:
                lo, hi = ranges[k]
                return np.arange(lo, hi + 1)
            return None

        choices = [values(k) for k in keys_a + keys_n]
        if any(v is None for v in choices):
            continue
        size = math.prod(len(v) for v in choices)
        if size > _MAX_TABLES:
            notes.append(f"{t['file']} row {t['row']}: {size} candidate tables for the test of {item}, not enumerated")
            continue
        grid = np.array(list(itertools.product(*choices)), dtype=float)
        G = len(all_groups)
        a, n = grid[:, :G], grid[:, G:]
        ok = (a <= n).all(axis=1)
        total_a, total_n = known.get(("count", item, box, GROUPS_TOTAL)), known.get(("n", item, GROUPS_TOTAL))
        if total_a is not None:
            ok &= a.sum(axis=1) == total_a
        if total_n is not None:
            ok &= n.sum(axis=1) == total_n
        a, n = a[ok], n[ok]
        if not len(a):
            continue
        tol = 0.5 * 10 ** (-_decimals(t["statistic"])) + 1e-9 * max(1.0, abs(stat))
        fit = np.abs(_pearson(a, n) - stat) <= tol
        a, n = a[fit], n[fit]
        if not len(a):
            continue
        for j, k in enumerate(keys_a + keys_n):
            if k not in hidden:
                continue
            col = (a if j < G else n)[:, j % G]
            vals = np.unique(col)
            if len(vals) == 1:
                for c in hidden[k]:
                    findings.append(
                        Finding(
                            c.file,
                            f"row {c.row}, column {c.column}",
                            f"hidden {_describe(k)} is pinned to {int(vals[0])} by the chi-square statistic "
                            f"{t['statistic']} of {t['file']} row {t['row']} with the published margins "
                            f"({len(a)} of the consistent tables fit)",
                        )
                    )
    return findings, notes


def attack_wave(tables_dir: Path, key_figures: Path | None = None) -> tuple[list[Finding], list[str]]:
    """Both attacks on one wave's published tables; findings and notes."""
    m = read_cells(tables_dir, key_figures)
    lin, ranges, notes = linear_attack(m)
    chi, notes2 = chi_square_attack(m, ranges)
    found = list(lin)
    for f in [*chi, *merge_findings(m)]:
        if (f.file, f.location) not in {(g.file, g.location) for g in found}:
            found.append(f)
    return found, m.notes + notes + notes2
