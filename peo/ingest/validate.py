"""Validation of a raw export against its codebook, without side effects.

The checks are a :class:`pandera.DataFrameSchema` built from the codebook and the wave's
``wave.yml`` (:func:`schema_for`); pandera runs them lazily and its failure cases become a
tidy report (:func:`validate_frame`) that a researcher can act on: file, row, column, the
value as found, the problem and what was expected.

The answers are mapped to codebook codes first (:mod:`peo.ingest.mapping`); what the
mapping found (an unmatched label, value labels that contradict the codebook, a
systematic unknown code, an unknown option of a joined multiple-choice cell) joins the
report as errors. :func:`validate_path` also runs the cleaning without writing anything
and refuses an export that would give 0 respondents or exclude more than
``cleaning.max_excluded_share`` of its rows; it lists the columns that hold data nothing
uses.

Two severities:

* ``error``: the file cannot be used as it is (a required column is missing or misspelt,
  answers that do not reach the codebook); ``python -m peo validate`` exits 1;
* ``warning``: a bad row or value that the cleaning handles with a stated reason (a code
  outside the answer scale, text in a numeric column, a duplicate respondent, no consent,
  an incomplete response); the file is usable and the command exits 0.

A file that cannot be read at all raises :class:`peo.errors.ReadError` from
:mod:`peo.ingest.load` (exit 2). Nothing in this module writes a file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from peo.survey import config
from peo.survey.codebook import Codebook
from peo.errors import ConfigError, ReadError, ValidationError
from peo.ingest.load import apply_rename, read_export, read_wave
from peo.ingest.clean import clean_frame
from peo.ingest.dates import read_times
from peo.ingest.labels import problem as report_row
from peo.ingest.mapping import MATCH_COLUMNS, apply_answers
from peo.ingest.schema import _as_text, _rule, expected_codes, schema_for

__all__ = [
    "REPORT_COLUMNS",
    "PROBLEMS",
    "SEVERITY_ORDER",
    "ValidationResult",
    "schema_for",
    "expected_codes",
    "validate_frame",
    "validate_path",
    "unused_columns",
]

#: Errors before warnings, wherever problems are listed.
SEVERITY_ORDER = {"error": 0, "warning": 1}

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
    "unmatched_label": "text in a coded column that matches no label of the answer scale and no mapping",
    "ambiguous_label": "text that is the label of two codes",
    "same_label_two_codes": "two raw values with the same label that became different codes",
    "label_conflict": "a value label of the export that names another code than the one its value maps to",
    "unknown_code": "a value outside the answer scale in many cells, or with its own value label",
    "unknown_option": "a joined multiple-choice cell with a part that is no option of the item",
    "mostly_not_codes": "a required item whose answered cells are mostly no codes",
    "not_a_date": "a start or end time that cannot be read",
    "no_respondents": "cleaning would analyse 0 respondents",
    "too_many_excluded": "cleaning would exclude more than cleaning.max_excluded_share of the rows",
}

#: Printing limits of :func:`format_report`.


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
    matches : pandas.DataFrame or None
        What the answer mapping matched: ``column``, ``value``, ``code``, ``how``, ``cells``.
    unused_columns : tuple of str
        Columns holding data that nothing uses (no item, administrative, dropped or
        ignored column).
    n_analysed : int or None
        Respondents the cleaning would analyse (None when it was not run: errors first).
    """

    report: pd.DataFrame
    usable: bool
    n_rows: int
    wave: config.Wave
    file: str = ""
    n_columns: int = 0
    matches: pd.DataFrame | None = None
    unused_columns: tuple[str, ...] = ()
    n_analysed: int | None = None


# ----------------------------------------------------------------------------- the report


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
    raw_name = {new: old for old, new in wave.rename.items()}
    extra_rows = [
        {**p, "col": p["column"], "column": raw_name.get(p["column"], p["column"])}
        for p in [*(df.attrs.get("answer_problems") or ()), *_date_problems(df, wave, source)]
    ]
    try:
        schema.validate(df, lazy=True)
        fc = pd.DataFrame(columns=["check", "failure_case", "column", "index"])
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
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
            rows.append(
                {"row": pd.NA, "col": col, "column": raw_name.get(col, col), "value": _as_text(r.failure_case), **rule}
            )
            continue
        rule = dict(rule)
        if rule["problem"] == "duplicate_id":
            rule["expected"] += f" (row {first_with(idx, col)} has the same id)"
        rows.append(
            {"row": idx, "col": col, "column": raw_name.get(col, col), "value": _as_text(value_at(idx, col)), **rule}
        )
    out = pd.DataFrame(rows + extra_rows)
    if out.empty:
        return _empty_report()
    # a value that the answer mapping reports as an error is not also warned about per cell
    cols, values = out["col"].tolist(), out["value"].tolist()
    refused = {(c, v) for c, v, s in zip(cols, values, out["severity"].tolist()) if s == "error"}
    out = out[~((out["severity"] == "warning") & pd.Series(list(zip(cols, values)), index=out.index).isin(refused))]
    flagged = set(out.loc[out["problem"].isin(["no_consent", "incomplete"]), "row"].dropna())
    out = out[~((out["problem"] == "missing_answer") & out["row"].isin(flagged))]
    out = out.assign(
        _sev=out["severity"].map(SEVERITY_ORDER).fillna(9),
        _col=out["col"].map(order).fillna(len(order)),
        _row=pd.to_numeric(out["row"], errors="coerce").fillna(-1),
    ).sort_values(["_sev", "_col", "_row"], kind="stable")
    out["file"] = source
    out["row"] = out["row"].astype("Int64")
    for c in ("file", "column", "value", "problem", "expected", "severity"):
        out[c] = out[c].astype("str")
    return out[REPORT_COLUMNS].reset_index(drop=True)


def _date_problems(df: pd.DataFrame, wave: config.Wave, source: str) -> list[dict]:
    """Start and end times that cannot be read (``raw.date_format``), one row per cell."""
    out = []
    fmt = wave.raw.date_format
    expected = (
        "a date and time as the survey tools write them (ISO, Excel serial, 14-2-2022 13:27:56, "
        "2022/02/14 1:27:56 p.m. CET)"
        if fmt == "auto"
        else f"a date and time in the format {fmt!r}"
    )
    expected += "; set raw.date_format in wave.yml to the export's format (docs/wave-config.md)"
    for col in dict.fromkeys(c for c in (wave.columns.started, wave.columns.ended) if c and c in df.columns):
        _, bad = read_times(df[col], fmt)
        for idx in df.index[bad.to_numpy()]:
            out.append(report_row(source, col, _as_text(df.at[idx, col]), "not_a_date", expected, row=idx))
    return out


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
        df = read_wave(wave, codebook)
    else:
        raw = wave.raw
        df = read_export(
            path, None, encoding=raw.encoding, delimiter=raw.delimiter, header_rows=raw.header_rows, sheet=raw.sheet
        )
        df = apply_answers(apply_rename(df, wave.rename, where=str(wave.config_path)), codebook, wave)
    report = validate_frame(df, codebook, wave)
    n_analysed = None
    if not (report["severity"] == "error").any():
        n_analysed, outcome = _dry_clean(df, codebook, wave)
        if outcome:
            report = pd.concat([pd.DataFrame(outcome).astype(report.dtypes.to_dict()), report], ignore_index=True)
    matches = pd.DataFrame(df.attrs.get("answer_matches") or [], columns=MATCH_COLUMNS)
    return ValidationResult(
        report=report,
        usable=not (report["severity"] == "error").any(),
        n_rows=len(df),
        wave=wave,
        file=str(df.attrs.get("source", path or wave.raw.file)),
        n_columns=df.shape[1],
        matches=matches,
        unused_columns=unused_columns(df, codebook, wave),
        n_analysed=n_analysed,
    )


def unused_columns(df: pd.DataFrame, codebook: Codebook, wave: config.Wave) -> tuple[str, ...]:
    """Columns of the export that hold data but that nothing uses, as named in the file.

    Used are the item columns of the codebooks, the administrative columns and the
    completion column of ``wave.yml``; ``columns.drop`` and ``columns.ignore`` are known
    and left alone on purpose.
    """
    c = wave.columns
    used = set(codebook.raw_columns()) | {c.respondent_id, c.consent, c.started, c.ended, c.duration}
    used |= {wave.completion.column if wave.completion else None} | set(c.drop) | set(c.ignore)
    raw_name = {new: old for old, new in wave.rename.items()}
    out = []
    for col in df.columns:
        if col in used or raw_name.get(col, col) in used:
            continue
        s = df[col]
        filled = (
            s.notna() if pd.api.types.is_numeric_dtype(s.dtype) else s.astype("string").str.strip().fillna("").ne("")
        )
        if bool(filled.any()):
            out.append(raw_name.get(col, col))
    return tuple(out)


def _dry_clean(df: pd.DataFrame, codebook: Codebook, wave: config.Wave) -> tuple[int | None, list[dict]]:
    """Clean without writing: how many respondents would be analysed, and a refusal if
    none would, or if more than ``cleaning.max_excluded_share`` of the rows would go."""
    source = str(df.attrs.get("source", ""))
    try:
        res = clean_frame(df, codebook, wave)
    except ValidationError as exc:
        if "0 respondents" not in str(exc):
            raise
        return 0, [report_row(source, "", "", "no_respondents", f"at least one analysed respondent; {exc}")]
    n = len(res.respondents)
    excluded = len(df) - n
    if len(df) and excluded / len(df) > wave.max_excluded_share:
        reasons = res.flow["reasons"].str.cat(sep="; ")
        return n, [
            report_row(
                source,
                "",
                "",
                "too_many_excluded",
                f"at most {wave.max_excluded_share:.0%} of the rows excluded (cleaning.max_excluded_share); cleaning would "
                f"exclude {excluded} of {len(df)} rows ({reasons}). Check consent, completion and the answer mapping in "
                "wave.yml; raise cleaning.max_excluded_share only if the exclusions are right",
            )
        ]
    return n, []


# ----------------------------------------------------------------------------- printing
