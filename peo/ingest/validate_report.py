"""The validation report for people: counts for the cleaning notebook and the text that
``python -m peo validate`` prints.

:mod:`peo.ingest.validate` finds the problems and returns them as a tidy report
(:class:`~peo.ingest.validate.ValidationResult`); this module only summarises and words it.
Nothing here writes a file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from peo.errors import ConfigError
from peo.ingest.validate import SEVERITY_ORDER, ValidationResult, validate_path
from peo.survey import config

__all__ = [
    "MAX_GROUPS",
    "MAX_ROWS_LISTED",
    "MAX_VALUES_LISTED",
    "MAX_MATCHES_LISTED",
    "summary",
    "format_report",
    "main",
]

#: At most this many groups of problems, rows per group and distinct values per group are
#: printed, and this many answer mappings.
MAX_GROUPS = 40
MAX_ROWS_LISTED = 12
MAX_VALUES_LISTED = 6
MAX_MATCHES_LISTED = 60


def summary(report: pd.DataFrame, examples: int = 5) -> pd.DataFrame:
    """Count the problems of a validation report, for the cleaning notebook.

    Parameters
    ----------
    report : pandas.DataFrame
        As returned by :func:`validate_frame`.
    examples : int, default 5
        How many row numbers to give as examples.

    Returns
    -------
    pandas.DataFrame
        One row per problem, severity and column, errors first: ``problem``,
        ``severity``, ``column``, ``n_rows`` (rows with that problem; 0 for a missing
        column), ``example_rows`` (the first row numbers, comma-separated text).
    """
    cols = ["problem", "severity", "column", "n_rows", "example_rows"]
    if report.empty:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "n_rows" else "str") for c in cols})
    out = []
    for (problem, severity, column), g in report.groupby(["problem", "severity", "column"], sort=False):
        rows = g["row"].dropna().astype(int).drop_duplicates().sort_values()
        out.append(
            {
                "problem": problem,
                "severity": severity,
                "column": column,
                "n_rows": len(rows),
                "example_rows": ", ".join(str(r) for r in rows.head(examples)),
            }
        )
    res = pd.DataFrame(out)
    res["n_rows"] = res["n_rows"].astype("Int64")
    res = res.assign(_s=res["severity"].map(SEVERITY_ORDER).fillna(9)).sort_values(["_s"], kind="stable")
    return res[cols].reset_index(drop=True)


def _quote_list(values: list[str], limit: int) -> str:
    shown = ", ".join(repr(v) if v != "" else "(empty)" for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def format_report(result: ValidationResult) -> str:
    """The validation report as readable text (what ``python -m peo validate`` prints).

    Problems are grouped by severity, problem, column and expectation; each group lists
    its row numbers and distinct values, capped at :data:`MAX_ROWS_LISTED` and
    :data:`MAX_VALUES_LISTED`; at most :data:`MAX_GROUPS` groups are listed.
    """
    rep = result.report
    w = result.wave
    n_err = int((rep["severity"] == "error").sum())
    n_warn = int((rep["severity"] == "warning").sum())
    lines = [
        f"Validating {result.file}",
        f"  wave {w.id}: {w.title}",
        "  codebooks:",
        *[f"    {Path(p)}" for p in w.codebook_paths],
        f"  {result.n_rows} data rows, {result.n_columns} columns"
        + (f"; cleaning would analyse {result.n_analysed}" if result.n_analysed is not None else ""),
    ]
    m = result.matches
    if m is not None and not m.empty:
        lines.append(
            f"  answers mapped to codebook codes ({len(m)} value(s); answers: in wave.yml, labels matched automatically):"
        )
        for r in m.head(MAX_MATCHES_LISTED).itertuples(index=False):
            code = "" if pd.isna(r.code) else f" -> {r.code}"
            lines.append(f"    {r.column}: {r.value!r}{code} ({r.how}, {r.cells} cell(s))")
        if len(m) > MAX_MATCHES_LISTED:
            lines.append(f"    ... and {len(m) - MAX_MATCHES_LISTED} more (ValidationResult.matches has them all)")
    if result.unused_columns:
        lines.append(
            f"  columns with data that nothing uses ({len(result.unused_columns)}): "
            + ", ".join(result.unused_columns)
            + ". If one holds answers, map it (rename: or the codebook); if it is tool metadata, list it under "
            "columns.ignore (personal data under columns.drop) in wave.yml."
        )
    lines.append("")
    if n_err:
        lines.append(
            f"Result: NOT USABLE: {n_err} error(s) and {n_warn} warning(s). Fix the errors below and validate again."
        )
    elif n_warn:
        lines.append(
            f"Result: usable, with {n_warn} warning(s). Cleaning handles each of these rows with a stated reason "
            "(an exclusion or a value set to missing)."
        )
    else:
        lines.append("Result: usable, no problems found.")
    if rep.empty:
        return "\n".join(lines)
    counts = rep.groupby(["severity", "problem"], sort=False).size().rename("count").reset_index()
    counts = counts.assign(_s=counts["severity"].map(SEVERITY_ORDER)).sort_values(
        ["_s", "count"], ascending=[True, False]
    )
    lines += ["", "Problems:"]
    lines += [f"  {r.severity:<8} {r.problem:<16} {r.count:>5}" for r in counts.itertuples()]
    groups = list(rep.groupby(["severity", "problem", "column", "expected"], sort=False))
    for sev in ("error", "warning"):
        sel = [(k, g) for k, g in groups if k[0] == sev]
        if not sel:
            continue
        lines += [
            "",
            "Errors (the file cannot be used until these are fixed):"
            if sev == "error"
            else "Warnings (the file is usable; cleaning handles these rows):",
        ]
        for (severity, problem, column, expected), g in sel[:MAX_GROUPS]:
            rows = [int(r) for r in g["row"].dropna()]
            if not rows:
                lines.append(f"  - {problem}: column '{column}'. Expected: {expected}.")
                continue
            shown_rows = ", ".join(str(r) for r in rows[:MAX_ROWS_LISTED])
            if len(rows) > MAX_ROWS_LISTED:
                shown_rows += f" and {len(rows) - MAX_ROWS_LISTED} more"
            values = list(dict.fromkeys(g["value"].tolist()))
            lines.append(
                f"  - {problem}: column '{column}', {len(rows)} row(s): {shown_rows}; "
                f"value(s) {_quote_list(values, MAX_VALUES_LISTED)}. Expected: {expected}."
            )
        if len(sel) > MAX_GROUPS:
            more = sum(len(g) for _, g in sel[MAX_GROUPS:])
            lines.append(
                f"  ... and {len(sel) - MAX_GROUPS} more groups ({more} problems); "
                "peo.ingest.validate_report.summary() gives them all."
            )
    return "\n".join(lines)


def main(args) -> int:
    """``python -m peo validate [PATH] [--wave W]``: print the report; write nothing.

    Without PATH and ``--wave`` every wave under ``data/raw`` is validated.

    Returns
    -------
    int
        0 when every validated file is usable (warnings are listed), 1 when not.

    Raises
    ------
    PeoError
        Reading, configuration and codebook problems (the command line prints the
        message and exits 2).
    """
    path = getattr(args, "path", None)
    wave_id = getattr(args, "wave", None)
    if path is None and wave_id is None:
        waves = config.list_waves()
        if not waves:
            raise ConfigError(f"There are no waves under {config.paths.raw_dir()}; nothing to validate.")
        results = [validate_path(wave_id=w.id) for w in waves]
    else:
        results = [validate_path(path, wave_id)]
    for k, res in enumerate(results):
        if k:
            print()
        print(format_report(res))
    bad = [r.file for r in results if not r.usable]
    if bad:
        print(f"error: not usable: {', '.join(bad)} (see the errors above).", file=sys.stderr)
        return 1
    return 0
