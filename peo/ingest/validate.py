"""Validation of a raw export against its codebook, without side effects.

The checks are a :class:`pandera.DataFrameSchema` built from the codebook and the wave's
``wave.yml`` (:func:`schema_for`); pandera runs them lazily and its failure cases become a
tidy report (:func:`validate_frame`) that a researcher can act on: file, row, column, the
value as found, the problem and what was expected.

Two severities:

* ``error``: the file cannot be used as it is (a required column is missing or misspelt);
  ``python -m peo validate`` exits 1;
* ``warning``: a bad row or value that the cleaning handles with a stated reason (a code
  outside the answer scale, text in a numeric column, a duplicate respondent, no consent,
  an incomplete response); the file is usable and the command exits 0.

A file that cannot be read at all raises :class:`peo.errors.ReadError` from
:mod:`peo.ingest.load` (exit 2). Nothing in this module writes a file.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from peo.survey import config
from peo.survey.codebook import Codebook, Item, ResponseScale
from peo.errors import ConfigError, ReadError
from peo.ingest.completion import expected_text, flag_complete, require_completion
from peo.ingest.load import apply_rename, as_number, is_yes, read_export, read_wave

__all__ = [
    "REPORT_COLUMNS",
    "PROBLEMS",
    "ValidationResult",
    "schema_for",
    "validate_frame",
    "validate_path",
    "summary",
    "format_report",
    "main",
]

#: Columns of the report returned by :func:`validate_frame`.
REPORT_COLUMNS = ["file", "row", "column", "value", "problem", "expected", "severity"]

#: Problem keys of the report, with what each means.
PROBLEMS = {
    "missing_column": "a column the codebook or wave.yml expects is not in the file",
    "not_a_code": "a value that is not a code of the item's answer scale",
    "not_a_number": "text where a number is expected",
    "out_of_range": "a number outside the item's allowed range",
    "duplicate_id": "a respondent id that occurred on an earlier row",
    "no_consent": "the respondent did not give consent",
    "incomplete": "the response was not finished",
    "missing_answer": "a finished, consented response without an answer to a required item",
}

#: Printing limits of :func:`format_report`.
MAX_GROUPS = 40
MAX_ROWS_LISTED = 12
MAX_VALUES_LISTED = 6

_SEVERITY_ORDER = {"error": 0, "warning": 1}


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of validating one raw export.

    Attributes
    ----------
    report : pandas.DataFrame
        One row per problem, columns :data:`REPORT_COLUMNS` (see :func:`validate_frame`).
    usable : bool
        True when the report has no ``error`` rows.
    n_rows : int
        Data rows in the file.
    wave : peo.survey.config.Wave
        The wave whose codebook and settings were used.
    file : str
        The file that was validated.
    n_columns : int
        Columns in the file.
    """

    report: pd.DataFrame
    usable: bool
    n_rows: int
    wave: config.Wave
    file: str = ""
    n_columns: int = 0


# ----------------------------------------------------------------------------- the schema


def _span(codes: list[int]) -> str:
    """'1-5' for a run of consecutive codes, '0, 1' otherwise."""
    if len(codes) >= 3 and codes == list(range(codes[0], codes[0] + len(codes))):
        return f"{codes[0]}-{codes[-1]}"
    return ", ".join(str(c) for c in codes)


def expected_codes(scale: ResponseScale) -> str:
    """Human text of the codes an item of this scale may hold.

    For example ``"one of 1-5, or 8 (Weet niet), 9 (Geen antwoord)"``.
    """
    text = f"one of {_span(scale.valid_codes)}"
    if scale.missing:
        text += ", or " + ", ".join(f"{m.code} ({m.nl})" for m in scale.missing)
    return text


def _rule(problem: str, expected: str, severity: str = "warning") -> dict:
    return {"problem": problem, "expected": expected, "severity": severity}


def _codes_check(allowed: set[int]) -> pa.Check:
    def ok(s: pd.Series) -> pd.Series:
        n = as_number(s)
        return (n.notna() & (n % 1 == 0) & n.isin(sorted(allowed))).fillna(False).astype(bool)

    return pa.Check(ok, name="not_a_code")


def _number_check() -> pa.Check:
    return pa.Check(lambda s: as_number(s).notna().astype(bool), name="not_a_number")


def _range_check(lo: float | None, hi: float | None) -> pa.Check:
    def ok(s: pd.Series) -> pd.Series:
        n = as_number(s)
        good = pd.Series(True, index=s.index)
        if lo is not None:
            good &= ~(n < lo).fillna(False)
        if hi is not None:
            good &= ~(n > hi).fillna(False)
        return good.astype(bool)

    return pa.Check(ok, name="out_of_range")


def _yes_check(yes_values, name: str) -> pa.Check:
    return pa.Check(lambda s: is_yes(s, yes_values), name=name, ignore_na=False)


def _complete_check(wave) -> pa.Check:
    return pa.Check(lambda s: flag_complete(s.to_frame(wave.completion.column), wave), name="incomplete", ignore_na=False)


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"a number from {lo:g} to {hi:g}"
    if lo is not None:
        return f"a number of at least {lo:g}"
    if hi is not None:
        return f"a number of at most {hi:g}"
    return "a number"


def _item_columns(item: Item) -> dict[str, pa.Column]:
    """The pandera columns of one codebook item (several for a multiple-choice item)."""
    label = f"{item.short_nl} ({item.id})"
    required = item.required
    missing_rule = _rule(
        "missing_column",
        f"{'required' if required else 'optional'} item '{item.short_nl}'",
        "error" if required else "warning",
    )
    cols: dict[str, pa.Column] = {}
    if item.type == "multi":
        for c in item.response_scale.codes:
            col = f"{item.id}_{c.code}"
            expected = f"0 or 1 (1 = chose '{c.nl}')"
            cols[col] = pa.Column(
                None,
                checks=[_codes_check({0, 1})],
                nullable=True,
                required=True,
                metadata={
                    "label": f"{item.short_nl}: {c.nl} ({col})",
                    "missing": _rule("missing_column", f"option {c.code} ('{c.nl}') of {missing_rule['expected']}",
                                     missing_rule["severity"]),
                    "rules": {"not_a_code": _rule("not_a_code", expected)},
                },
            )
        return cols
    rules: dict[str, dict] = {}
    checks: list[pa.Check] = []
    sc = item.response_scale
    if item.type == "numeric" or (sc is not None and sc.type == "numeric"):
        lo, hi = item.bounds
        expected = _range_text(lo, hi) + (f" ({item.unit_nl})" if item.unit_nl else "")
        checks = [_number_check(), _range_check(lo, hi)]
        rules = {"not_a_number": _rule("not_a_number", expected), "out_of_range": _rule("out_of_range", expected)}
    elif sc is not None and sc.codes:
        checks = [_codes_check(set(sc.valid_codes) | set(sc.missing_codes))]
        rules = {"not_a_code": _rule("not_a_code", expected_codes(sc))}
    if required:
        rules["not_nullable"] = _rule("missing_answer", f"an answer to required item {label}")
    cols[item.id] = pa.Column(
        None,
        checks=checks,
        nullable=not required,
        required=True,
        metadata={"label": label, "missing": missing_rule, "rules": rules},
    )
    return cols


def _admin_columns(wave: config.Wave) -> dict[str, pa.Column]:
    """The pandera columns of the administrative columns named in ``wave.yml``."""
    c = wave.columns
    yes = ", ".join(dict.fromkeys(_as_text(v).lower() for v in wave.consent_yes))
    cols: dict[str, pa.Column] = {}

    def need(role: str, severity: str) -> dict:
        return _rule("missing_column", f"the {role} (named under columns: in wave.yml)", severity)

    if c.respondent_id:
        cols[c.respondent_id] = pa.Column(
            None,
            nullable=True,
            required=True,
            unique=True,
            report_duplicates="exclude_first",
            metadata={
                "label": f"respondent id ({c.respondent_id})",
                "missing": need("respondent id", "error"),
                "rules": {"field_uniqueness": _rule("duplicate_id", "a respondent id that occurs once")},
            },
        )
    if c.consent:
        cols[c.consent] = pa.Column(
            None,
            checks=[_yes_check(wave.consent_yes, "no_consent")],
            nullable=True,
            required=True,
            metadata={
                "label": f"consent ({c.consent})",
                "missing": need("consent", "error"),
                "rules": {"no_consent": _rule("no_consent", f"consent given: one of {yes}")},
            },
        )
    rule = require_completion(wave)
    if rule.column:
        yes_done = ", ".join(dict.fromkeys(_as_text(v).lower() for v in (rule.yes or wave.consent_yes)))
        cols[rule.column] = pa.Column(
            None,
            checks=[_complete_check(wave)],
            nullable=True,
            required=True,
            metadata={
                "label": f"completion ({rule.column})",
                "missing": _rule("missing_column", "the completion column (completion.column in wave.yml)", "error"),
                "rules": {"incomplete": _rule("incomplete", expected_text(wave, yes_done))},
            },
        )
    if c.duration:
        cols[c.duration] = pa.Column(
            None,
            checks=[_number_check(), _range_check(0, None)],
            nullable=True,
            required=True,
            metadata={
                "label": f"duration ({c.duration})",
                "missing": need("duration", "warning"),
                "rules": {
                    "not_a_number": _rule("not_a_number", "a duration in seconds"),
                    "out_of_range": _rule("out_of_range", "a duration of 0 seconds or more"),
                },
            },
        )
    for role, name in (("start time", c.started), ("end time", c.ended)):
        if name:
            cols[name] = pa.Column(
                None,
                nullable=True,
                required=True,
                metadata={"label": f"{role} ({name})", "missing": need(role, "warning"), "rules": {}},
            )
    return cols


def schema_for(codebook: Codebook, wave: config.Wave) -> pa.DataFrameSchema:
    """Build the pandera schema of a wave's raw export from its codebook and ``wave.yml``.

    Columns are the raw columns of every item (``<id>_<code>`` per option of a
    multiple-choice item) under their item ids (after ``rename``), plus the
    administrative columns named in ``wave.yml``. Checks:

    * coded items (likert, categorical) hold a valid or missing code of their answer
      scale (text ``"3"``, ``"3.0"`` or a number); multiple-choice columns hold 0 or 1;
    * numeric items hold numbers within their ``min``/``max``;
    * required items have an answer; the respondent id is unique;
    * consent holds one of ``cleaning.consent_yes`` of ``wave.yml``; the completion
      column is complete by the ``completion`` rule (:mod:`peo.ingest.completion`).

    Every column is marked required in pandera so that a missing one is reported; its
    ``metadata`` says how a problem is reported: ``label``, ``missing`` (problem,
    expected, severity when the column is absent) and ``rules`` (per pandera check name).

    Parameters
    ----------
    codebook : peo.survey.codebook.Codebook
    wave : peo.survey.config.Wave

    Returns
    -------
    pandera.DataFrameSchema
    """
    columns: dict[str, pa.Column] = {}
    for item in codebook.items:
        columns.update(_item_columns(item))
    columns.update(_admin_columns(wave))
    return pa.DataFrameSchema(columns, strict=False, name=f"raw export of wave {wave.id}")


# ----------------------------------------------------------------------------- the report


def _as_text(value) -> str:
    """A raw value as text, as a researcher would see it ('' for missing)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _suggest(name: str, candidates: list[str]) -> str | None:
    """The closest existing column name to a missing one (difflib), or None."""
    lower = {c.lower(): c for c in candidates}
    hit = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    return lower[hit[0]] if hit else None


def _empty_report() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": pd.Series(dtype="str"),
            "row": pd.Series(dtype="Int64"),
            "column": pd.Series(dtype="str"),
            "value": pd.Series(dtype="str"),
            "problem": pd.Series(dtype="str"),
            "expected": pd.Series(dtype="str"),
            "severity": pd.Series(dtype="str"),
        }
    )


def validate_frame(df: pd.DataFrame, codebook: Codebook, wave: config.Wave) -> pd.DataFrame:
    """Check a raw export (as read by :mod:`peo.ingest.load`) against the codebook.

    Parameters
    ----------
    df : pandas.DataFrame
        The export, columns renamed to item ids (:func:`peo.ingest.load.read_wave`), index
        ``raw_row``; ``df.attrs["source"]`` names the file.
    codebook : peo.survey.codebook.Codebook
    wave : peo.survey.config.Wave

    Returns
    -------
    pandas.DataFrame
        One row per problem, sorted by severity (errors first), column order and row:

        ``file``
            the file (``df.attrs["source"]``);
        ``row``
            ``raw_row`` of the value (``Int64``; missing for a missing column);
        ``column``
            the column as named in the file (before ``rename``);
        ``value``
            the value as found, as text (``""`` when empty);
        ``problem``
            a key of :data:`PROBLEMS`;
        ``expected``
            what was expected, in words (with a suggestion for a misspelt column);
        ``severity``
            ``"error"`` (the file cannot be used) or ``"warning"`` (cleaning handles it).

        A row that lacks consent or is incomplete is not also reported for its missing
        answers (``missing_answer``).
    """
    schema = schema_for(codebook, wave)
    source = str(df.attrs.get("source", ""))
    try:
        schema.validate(df, lazy=True)
        return _empty_report()
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    raw_name = {new: old for old, new in wave.rename.items()}
    expected_cols = set(schema.columns)
    extra = [c for c in df.columns if c not in expected_cols]
    order: dict[str, int] = {}  # file order, then columns the file lacks
    for c in [*df.columns, *schema.columns]:
        order.setdefault(c, len(order))
    rows = []
    # Values are looked up by position in whole columns, fetched once per column (a
    # ``df.at`` per failure case took seconds for a large export with many incomplete rows).
    position = pd.Series(np.arange(len(df)), index=df.index)
    position = position[~position.index.duplicated()].to_dict()
    columns: dict[str, list] = {}

    def value_at(idx, col: str):
        if col not in columns:
            columns[col] = df[col].tolist()
        return columns[col][position[idx]] if idx in position else df.at[idx, col]

    first_row: dict[str, dict] = {}

    def first_with(idx, col: str):
        """The first row with the same value as row ``idx`` of ``col``."""
        if col not in first_row:
            firsts: dict = {}
            for i, v in zip(df.index, df[col].tolist()):
                if not pd.isna(v):
                    firsts.setdefault(v, i)
            first_row[col] = firsts
        value = value_at(idx, col)
        try:
            return first_row[col][value]
        except (KeyError, TypeError):
            return df.index[df[col] == df.at[idx, col]][0]

    for r in fc.itertuples(index=False):
        check = str(r.check)
        if check == "column_in_dataframe":
            col = str(r.failure_case)
            meta = schema.columns[col].metadata or {}
            rule = dict(meta.get("missing") or _rule("missing_column", "this column", "error"))
            shown = raw_name.get(col, col)
            renamed = f" (renamed to {col} by rename: in wave.yml)" if shown != col else ""
            expected = f"a column '{shown}'{renamed} for {rule['expected']}"
            guess = _suggest(shown, extra) or (_suggest(col, extra) if shown != col else None)
            if guess:
                expected += f"; did you mean '{guess}' -> '{shown}'? Rename the column in the export or map it under rename: in wave.yml"
            rows.append({"row": pd.NA, "col": col, "column": shown, "value": "", **rule, "expected": expected})
            continue
        col = str(r.column)
        meta = schema.columns[col].metadata if col in schema.columns else {}
        rule = (meta or {}).get("rules", {}).get(check)
        if rule is None:  # a pandera check without a rule: report it as it comes
            rule = _rule(check, "", "warning")
        idx = r.index
        if idx is None or pd.isna(idx):
            rows.append({"row": pd.NA, "col": col, "column": raw_name.get(col, col),
                         "value": _as_text(r.failure_case), **rule})
            continue
        rule = dict(rule)
        if rule["problem"] == "duplicate_id":
            rule["expected"] += f" (row {first_with(idx, col)} has the same id)"
        rows.append({"row": idx, "col": col, "column": raw_name.get(col, col), "value": _as_text(value_at(idx, col)), **rule})
    out = pd.DataFrame(rows)
    if out.empty:
        return _empty_report()
    flagged = set(out.loc[out["problem"].isin(["no_consent", "incomplete"]), "row"].dropna())
    out = out[~((out["problem"] == "missing_answer") & out["row"].isin(flagged))]
    out = out.assign(
        _sev=out["severity"].map(_SEVERITY_ORDER).fillna(9),
        _col=out["col"].map(order).fillna(len(order)),
        _row=pd.to_numeric(out["row"], errors="coerce").fillna(-1),
    ).sort_values(["_sev", "_col", "_row"], kind="stable")
    out["file"] = source
    out["row"] = out["row"].astype("Int64")
    for c in ("file", "column", "value", "problem", "expected", "severity"):
        out[c] = out[c].astype("str")
    return out[REPORT_COLUMNS].reset_index(drop=True)


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
        out.append({
            "problem": problem,
            "severity": severity,
            "column": column,
            "n_rows": len(rows),
            "example_rows": ", ".join(str(r) for r in rows.head(examples)),
        })
    res = pd.DataFrame(out)
    res["n_rows"] = res["n_rows"].astype("Int64")
    res = res.assign(_s=res["severity"].map(_SEVERITY_ORDER).fillna(9)).sort_values(["_s"], kind="stable")
    return res[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------- files and waves


def _wave_of(path: Path) -> config.Wave:
    """The wave of a file: the nearest folder above it that holds a ``wave.yml``."""
    for folder in [path.parent, *path.parent.parents]:
        if (folder / "wave.yml").is_file():
            return config.load_wave_dir(folder)
    raise ConfigError(
        f"{path} is not inside a wave folder (no wave.yml in its folder or above it), so its codebook is unknown. "
        f"Say which wave's codebook to use: python -m peo validate {path} --wave <id>."
    )


def validate_path(path: str | Path | None = None, wave_id: str | None = None) -> ValidationResult:
    """Validate a raw export file against its wave's codebook. Writes nothing.

    Parameters
    ----------
    path : str or Path, optional
        The export. Alone: its wave is the nearest folder holding a ``wave.yml``.
    wave_id : str, optional
        Alone: validate that wave's raw file. With ``path``: read ``path`` (format from its
        suffix) with that wave's reading settings and codebook.

    Returns
    -------
    ValidationResult

    Raises
    ------
    WaveNotFoundError
        If ``wave_id`` is not a wave under ``data/raw``.
    ConfigError
        If neither argument is given, or ``path`` lies in no wave folder.
    CodebookError
        If the wave's codebook is malformed.
    ReadError
        If the file cannot be read (see :func:`peo.ingest.load.read_export`).
    """
    if path is None and wave_id is None:
        raise ConfigError("Give a raw export or a wave to validate, e.g. python -m peo validate --wave 2022.")
    wave = config.load_wave(str(wave_id)) if wave_id is not None else None
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise ReadError(f"{path} does not exist. Check the path of the raw export.")
        if path.is_dir():
            raise ReadError(f"{path} is a folder, not a file. Give the path of the raw export itself.")
        if wave is None:
            wave = _wave_of(path.resolve())
    codebook = wave.codebook()
    if path is None or path.resolve() == Path(wave.raw.file).resolve():
        df = read_wave(wave)
    else:
        raw = wave.raw
        df = read_export(path, None, encoding=raw.encoding, delimiter=raw.delimiter,
                         header_rows=raw.header_rows, sheet=raw.sheet)
        df = apply_rename(df, wave.rename, where=str(wave.config_path))
    report = validate_frame(df, codebook, wave)
    return ValidationResult(
        report=report,
        usable=not (report["severity"] == "error").any(),
        n_rows=len(df),
        wave=wave,
        file=str(df.attrs.get("source", path or wave.raw.file)),
        n_columns=df.shape[1],
    )


# ----------------------------------------------------------------------------- printing


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
        f"  codebooks: {', '.join(Path(p).name for p in w.codebook_paths)}",
        f"  {result.n_rows} data rows, {result.n_columns} columns",
        "",
    ]
    if n_err:
        lines.append(f"Result: NOT USABLE: {n_err} error(s) and {n_warn} warning(s). Fix the errors below and validate again.")
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
    counts = counts.assign(_s=counts["severity"].map(_SEVERITY_ORDER)).sort_values(["_s", "count"], ascending=[True, False])
    lines += ["", "Problems:"]
    lines += [f"  {r.severity:<8} {r.problem:<16} {r.count:>5}" for r in counts.itertuples()]
    groups = list(rep.groupby(["severity", "problem", "column", "expected"], sort=False))
    for sev in ("error", "warning"):
        sel = [(k, g) for k, g in groups if k[0] == sev]
        if not sel:
            continue
        lines += ["", "Errors (the file cannot be used until these are fixed):" if sev == "error"
                  else "Warnings (the file is usable; cleaning handles these rows):"]
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
            lines.append(f"  ... and {len(sel) - MAX_GROUPS} more groups ({more} problems); "
                         "peo.ingest.validate.summary() gives them all.")
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
