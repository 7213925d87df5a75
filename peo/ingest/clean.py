"""Cleaning a wave, with an account for every respondent.

:func:`clean_frame` turns the raw export of a wave (as :func:`peo.ingest.load.read_wave` reads
it) into analysis-ready respondent data. Nothing is dropped silently:

* every row of the export either becomes an analysed respondent or appears once in the
  exclusions, with the flow step at which it left and why;
* every answer in an analysed respondent that is not a valid answer is set to missing
  and listed in the recodes, with what was found and what was expected;
* answers that *mean* missing ("weet niet", "geen antwoord": the codebook's missing
  codes) become missing as well, but are answers, not errors: they are counted per item
  and code in ``missing_codes`` instead.

The respondent flow, in order (a row leaves at the first step it fails):

``received``
    every row of the export.
``consented``
    the consent column holds one of the wave's ``consent_yes`` values; else
    ``no_consent``. Without a consent column (``columns.consent`` not set) every row
    counts as consented.
``completed``
    the response is complete by the wave's ``completion`` rule (a finished flag, a
    filled submit date, or every row: :mod:`peo.ingest.completion`), and every item the
    codebook marks ``required`` has an answer: a code of its scale (a missing code such
    as "weet niet" counts: the respondent answered), a number within range, at least one
    option of a multiple-choice item, or text; else ``incomplete``.
``valid``
    not the same respondent id as an earlier kept row (``duplicate_id``), not the same
    answers on all items as an earlier kept row (``duplicate_pattern``), and not faster
    than the wave's ``cleaning.min_duration_seconds`` (``speeder``). "Kept" means a row
    that passed every check so far, so the first complete, non-speeding response of a
    person is the one analysed. The duration is the export's duration column, or the
    end time minus the start time; where neither is known the row is not judged a
    speeder.
``analysed``
    a valid answer on the grouping item (employer type); else ``no_group``.

How raw values are read
-----------------------
The same way :mod:`peo.ingest.validate` checks them (both use :func:`peo.ingest.load.as_number` and
:func:`peo.ingest.load.is_yes`), so that every value validation warns about is a recode or an
exclusion here. The raw frame has its answers mapped to codebook codes already
(:func:`peo.ingest.load.read_wave` applies ``answers`` of ``wave.yml``, see
:mod:`peo.ingest.mapping`). Coded items hold the numeric code (``4``, ``4.0``, ``" 4 "``); numbers may
use a decimal comma (``2,5``), as Dutch spreadsheet exports do. A cell of a
multiple-choice option is chosen when it holds ``1``, not chosen when it is ``0`` or
empty. Consent and finished flags are compared loosely with the wave's ``consent_yes``
values (``1``, ``"1"``, ``True``, ``"true"`` are the same). Start and end times are read
by :mod:`peo.ingest.dates` (ISO, Excel serials, the tools' day-first and 12-hour formats,
or ``raw.date_format``). A column of an
optional item that the export lacks (validation warns about it) counts as unanswered.

The output tables and their columns are documented in ``docs/processed-data.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from peo.survey.codebook import Codebook, categories
from peo.survey.config import Wave
from peo.errors import ValidationError
from peo.ingest.cells import _MISSING_CODE, _VALID, _answered, _as_found, _canon, _durations, _expected, _parse_item
from peo.ingest.completion import flag_complete, not_complete_text, require_completion
from peo.ingest.load import is_yes
from peo.survey.wording import wording

__all__ = [
    "CleanResult",
    "clean_frame",
    "STEPS",
    "REASONS",
    "RECODE_REASONS",
    "EXCLUSION_COLUMNS",
    "RECODE_COLUMNS",
    "FLOW_COLUMNS",
    "MISSING_CODE_COLUMNS",
    "flow_table",
    "exclusion_counts",
    "recode_counts",
    "missing_code_counts",
    "validation_table",
    "labels",
]


def labels(kind: str) -> dict[str, Any]:
    """Dutch wording of cleaning from ``peo/data/wording.yml`` (section ``cleaning``).

    ``kind`` is ``steps`` (flow steps), ``reasons`` (exclusion reasons), ``recodes`` (why an
    answer was set to missing), ``details`` (the detail of an exclusion), ``problems`` and
    ``severities`` (of a validation report) or ``columns`` (the cleaning chapter's tables).
    """
    return wording("cleaning")[kind]


#: The steps of the respondent flow, in order (their Dutch labels: ``labels("steps")``).
STEPS = ("received", "consented", "completed", "valid", "analysed")
#: Exclusion reasons and the step at which a row with that reason leaves the flow
#: (their Dutch labels: ``labels("reasons")``).
REASONS = {
    "no_consent": "consented",
    "incomplete": "completed",
    "duplicate_id": "valid",
    "duplicate_pattern": "valid",
    "speeder": "valid",
    "no_group": "analysed",
}
#: Reasons why an answer of an analysed respondent is set to missing (``labels("recodes")``).
RECODE_REASONS = ("out_of_range", "not_a_number", "impossible")

EXCLUSION_COLUMNS = ["pid", "raw_row", "step", "reason", "detail"]
RECODE_COLUMNS = ["pid", "raw_row", "item", "value", "action", "reason", "expected"]
FLOW_COLUMNS = ["step", "label_nl", "n", "excluded", "reasons"]
MISSING_CODE_COLUMNS = ["item", "code", "kind", "label_nl", "count"]


@dataclass(frozen=True)
class CleanResult:
    """The outcome of cleaning one wave (columns: ``docs/processed-data.md``).

    Attributes
    ----------
    respondents : pandas.DataFrame
        The analysed respondents: ``pid`` and one column per codebook item (multiple
        choice: one ``boolean`` column per option).
    exclusions : pandas.DataFrame
        ``pid``, ``raw_row``, ``step``, ``reason``, ``detail``: every row left out.
    recodes : pandas.DataFrame
        ``pid``, ``raw_row``, ``item``, ``value``, ``action``, ``reason``, ``expected``:
        every answer of an analysed respondent set to missing because it was not valid.
    flow : pandas.DataFrame
        ``step``, ``label_nl``, ``n``, ``excluded``, ``reasons``: the respondent flow.
    missing_codes : pandas.DataFrame
        ``item``, ``code``, ``kind``, ``label_nl``, ``count``: how often analysed
        respondents gave each missing code ("weet niet", ...), per item.
    validation : pandas.DataFrame or None
        The validation report of the raw export, when the pipeline validated it.
    """

    respondents: pd.DataFrame
    exclusions: pd.DataFrame
    recodes: pd.DataFrame
    flow: pd.DataFrame
    missing_codes: pd.DataFrame
    validation: pd.DataFrame | None = None


# ----------------------------------------------------------------------------- cleaning


def _check_columns(raw: pd.DataFrame, codebook: Codebook, wave: Wave) -> None:
    dup = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if dup:
        raise ValidationError(
            f"The export of wave {wave.id} has the column name(s) {', '.join(map(str, dup))} more than once. "
            "Give every column a unique name in the export (or via 'rename' in wave.yml)."
        )
    cols = wave.columns
    # As in peo.ingest.validate: these admin columns and required items must be there; an
    # absent duration or start/end time only means no speeder check, an absent optional
    # item counts as unanswered.
    rule = require_completion(wave)
    admin = {"respondent_id": cols.respondent_id, "consent": cols.consent, "completion": rule.column}
    missing_admin = [f"{k} ({v!r})" for k, v in admin.items() if v and v not in raw.columns]
    missing_items = [c for i in codebook.items if i.required for c in i.raw_columns if c not in raw.columns]
    if missing_admin or missing_items:
        parts = []
        if missing_admin:
            parts.append("the columns named under 'columns' in wave.yml: " + ", ".join(missing_admin))
        if missing_items:
            parts.append("the columns of required items: " + ", ".join(missing_items))
        raise ValidationError(
            f"The export of wave {wave.id} lacks " + "; and ".join(parts) + ". "
            "Check the spelling in the export, 'columns' and 'rename' in wave.yml, and the codebook ids "
            f"(python -m peo validate --wave {wave.id} lists every problem)."
        )


def clean_frame(raw: pd.DataFrame, codebook: Codebook, wave: Wave) -> CleanResult:
    """Clean the raw export of one wave, accounting for every row.

    Parameters
    ----------
    raw : pandas.DataFrame
        The export as :func:`peo.ingest.load.read_wave` returns it: raw values as found (text,
        or numbers for SPSS files), the wave's ``rename`` applied, and the index holding
        the row number in the raw file (``raw_row``), in file order.
    codebook : Codebook
        The wave's merged codebook.
    wave : Wave
        The wave's configuration (id, administrative columns, ``consent_yes``,
        ``min_duration_seconds``).

    Returns
    -------
    CleanResult
        Respondents, exclusions, recodes, flow and missing-code counts, with the columns
        documented in ``docs/processed-data.md``. Respondent ids are
        ``<wave>-<nnnn>``, numbered in file order over all rows received, so exclusions
        and respondents share one numbering.

    Raises
    ------
    ValidationError
        If a column named in the wave configuration or the codebook is not in the
        export, a column name occurs twice, the answer mapping found an error
        (``raw.attrs["answer_problems"]``), or no row would be analysed.
    ValueError
        If the index of ``raw`` has repeated row numbers (a bug in the reader).
    RuntimeError
        If the respondent flow does not add up (a bug in this function, not in the data).
    """
    if not raw.index.is_unique:
        raise ValueError("clean_frame needs one index value (raw_row) per row; the index has repeated values.")
    errors = [p for p in raw.attrs.get("answer_problems") or () if p.get("severity") == "error"]
    if errors:
        first = errors[0]
        raise ValidationError(
            f"The export of wave {wave.id} ({raw.attrs.get('source', wave.raw.file)}) does not reach the codebook: "
            f"{len(errors)} answer mapping problem(s), the first: column {first['column']!r}, value "
            f"{first['value']!r}: {first['problem']}; expected {first['expected']}. Nothing was cleaned; "
            f"python -m peo validate --wave {wave.id} lists them all.",
            report=pd.DataFrame(errors),
        )
    _check_columns(raw, codebook, wave)
    source = raw.attrs.get("source", wave.raw.file)
    raw = raw.copy()
    # The reader's attrs (question texts, value labels, the answer mapping's report) are not
    # needed from here on, and pandas deep-copies them into every column and cell taken
    # from the frame (a millisecond each: seconds over the rows visited below).
    raw.attrs = {}
    for c in codebook.raw_columns():
        if c not in raw.columns:  # an optional item the export lacks: unanswered
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    n_rows = len(raw)
    pids = pd.Series([f"{wave.id}-{n:04d}" for n in range(1, n_rows + 1)], index=raw.index, dtype="string")
    raw_rows = pd.Series(np.asarray(raw.index), index=raw.index)
    parsed = {item.id: _parse_item(raw, item) for item in codebook.items}
    cell = _cells(raw)
    cols = wave.columns

    # Every row gets exactly one fate: None (still in) or (step, reason, detail).
    fate: dict[Any, tuple[str, str, str]] = {}

    def exclude(idx, reason: str, detail: str) -> None:
        fate[idx] = (REASONS[reason], reason, detail)

    details = labels("details")

    # consented
    if cols.consent:
        consent = is_yes(raw[cols.consent], wave.consent_yes)
        for idx in raw.index[~consent.to_numpy()]:
            found = cell(idx, cols.consent)
            exclude(idx, "no_consent", details["no_consent"].format(answer=_shown(found, details)))

    # completed
    # The completion rule of wave.yml, read as peo.ingest.validate reads it.
    flag_column = wave.completion.column
    finished = flag_complete(raw, wave)
    required = [i for i in codebook.items if i.required]
    unanswered = {i.id: (~_answered(parsed[i.id], i)).to_numpy(dtype=bool) for i in required}
    # Whole columns are checked at once; only the rows with a problem are visited (a
    # loop over every row with label look-ups took seconds per 10,000 rows).
    not_finished = ~finished.to_numpy(dtype=bool)
    problem = not_finished | np.logical_or.reduce([*unanswered.values(), np.zeros(len(raw), dtype=bool)])
    for pos in np.flatnonzero(problem):
        idx = raw.index[pos]
        if idx in fate:
            continue
        why = []
        if not_finished[pos]:
            found = cell(idx, flag_column)
            why.append(
                details["not_finished"].format(
                    rule=not_complete_text(wave), column=flag_column, answer=_shown(found, details)
                )
            )
        missing = [iid for iid, un in unanswered.items() if un[pos]]
        if missing:
            why.append(details["required_unanswered"].format(items=", ".join(missing)))
        if why:
            exclude(idx, "incomplete", "; ".join(why))

    # valid: duplicates (against rows kept so far) and speeders
    all_columns = [c for item in codebook.items for c in parsed[item.id]]
    # The answer pattern of every row as a tuple (missing as None), built column-wise.
    pattern_cols = []
    for c in all_columns:
        values = c.canon.to_numpy(dtype=object, copy=True)
        values[pd.isna(c.canon).to_numpy()] = None
        pattern_cols.append(values.tolist())
    patterns = list(zip(*pattern_cols)) if pattern_cols else [()] * len(raw)
    ids = (
        [_canon(v) for v in raw[cols.respondent_id].astype(object).tolist()]
        if cols.respondent_id
        else [None] * len(raw)
    )
    seconds = _durations(raw, wave).to_numpy(dtype=float, na_value=np.nan)
    pid_list = pids.tolist()
    limit = wave.min_duration_seconds
    kept_ids: dict[str, str] = {}
    kept_patterns: dict[tuple, str] = {}
    for pos, idx in enumerate(raw.index):
        if idx in fate:
            continue
        rid = ids[pos]
        pattern = patterns[pos]
        if rid is not None and rid in kept_ids:
            exclude(idx, "duplicate_id", details["duplicate_id"].format(first=kept_ids[rid]))
        elif pattern in kept_patterns:
            exclude(idx, "duplicate_pattern", details["duplicate_pattern"].format(first=kept_patterns[pattern]))
        elif limit is not None and not np.isnan(seconds[pos]) and seconds[pos] < limit:
            exclude(idx, "speeder", details["speeder"].format(seconds=seconds[pos], limit=limit))
        else:
            if rid is not None:
                kept_ids[rid] = pid_list[pos]
            kept_patterns[pattern] = pid_list[pos]

    # analysed: a valid answer on the grouping item
    group = codebook.group_item
    gcol = parsed[group.id][0]
    for idx, status in zip(raw.index, gcol.status.tolist()):
        if idx not in fate and status != _VALID:
            found = cell(idx, group.id)
            exclude(idx, "no_group", details["no_group"].format(item=group.short_nl, answer=_shown(found, details)))

    analysed = raw.index[[idx not in fate for idx in raw.index]]
    exclusions = pd.DataFrame(
        [
            {"pid": pid, "raw_row": raw_row, "step": s, "reason": r, "detail": d}
            for idx, pid, raw_row in zip(raw.index, pid_list, raw_rows.tolist())
            if idx in fate
            for s, r, d in [fate[idx]]
        ],
        columns=EXCLUSION_COLUMNS,
    )
    exclusions = _typed(exclusions, {"raw_row": "Int64"})

    respondents, recodes, missing_codes = _respondents(raw, codebook, parsed, analysed, pids, raw_rows, cell)
    flow = _flow(n_rows, exclusions)
    _check_flow(flow, exclusions, respondents, pids)
    if respondents.empty:
        raise ValidationError(
            f"Wave {wave.id} would be analysed with 0 respondents: all {n_rows} rows of "
            f"{source} were excluded ({flow['reasons'].str.cat(sep='; ') or 'no rows'}). "
            "Nothing was written. Check consent, completion and the answer mapping in wave.yml "
            f"(python -m peo validate --wave {wave.id} shows why)."
        )
    return CleanResult(respondents, exclusions, recodes, flow, missing_codes)


def _cells(raw: pd.DataFrame):
    """``cell(idx, column)``: the same as ``raw.at[idx, column]``, with each column taken from
    the frame once (``raw.at`` makes a column each time: milliseconds per cell)."""
    position = {idx: pos for pos, idx in enumerate(raw.index)}
    columns: dict[str, list] = {}

    def cell(idx, column: str):
        if column not in columns:
            columns[column] = raw[column].tolist()
        return columns[column][position[idx]]

    return cell


def _shown(found: Any, details: dict[str, str]) -> str:
    """A value as an exclusion's detail names it: its repr, or the word for empty."""
    return details["empty"] if _canon(found) is None else repr(_as_found(found))


def _typed(df: pd.DataFrame, special: dict[str, str]) -> pd.DataFrame:
    return df.astype({c: special.get(c, "string") for c in df.columns})


def _respondents(raw, codebook, parsed, analysed, pids, raw_rows, cell):
    # rows by a boolean mask (the index is unique and analysed in its order): a look-up of
    # 100,000 labels per column took seconds; cell: clean_frame's reader of raw cells (_cells)
    analysed = raw.index.isin(analysed)
    out = {"pid": pids[analysed].to_numpy()}
    recode_rows = []
    missing_rows = []
    for item in codebook.items:
        cols = parsed[item.id]
        expected = _expected(item)
        for col in cols:
            status = col.status[analysed]
            for idx in status.index[status.isin(RECODE_REASONS).to_numpy()]:
                raw_name = col.name
                recode_rows.append(
                    {
                        "pid": pids[idx],
                        "raw_row": raw_rows[idx],
                        "item": raw_name,
                        "value": _as_found(cell(idx, raw_name)),
                        "action": "set_missing",
                        "reason": status[idx],
                        "expected": expected,
                    }
                )
        if item.type in ("likert", "categorical"):
            col = cols[0]
            cats = categories(item)
            valid = col.status[analysed].eq(_VALID).to_numpy()
            values = col.value[analysed].to_numpy(dtype=float, na_value=np.nan)
            # the category of each valid code, column-wise (-1: missing)
            positions = np.full(len(values), -1, dtype=np.int64)
            for k, c in enumerate(item.response_scale.codes):
                positions[valid & (values == float(c.code))] = k
            out[item.id] = pd.Categorical.from_codes(positions, categories=cats, ordered=True)
            codes = col.value[analysed][col.status[analysed].eq(_MISSING_CODE).to_numpy()]
            counts = codes.astype(int).value_counts()
            for m in item.response_scale.missing:
                missing_rows.append(
                    {
                        "item": item.id,
                        "code": m.code,
                        "kind": m.kind,
                        "label_nl": m.nl,
                        "count": int(counts.get(m.code, 0)),
                    }
                )
        elif item.type == "numeric":
            col = cols[0]
            out[item.id] = (
                col.value[analysed].where(col.status[analysed].eq(_VALID).to_numpy()).astype("Float64").to_numpy()
            )
        elif item.type == "multi":
            block = pd.concat([c.value[analysed].rename(c.name) for c in cols], axis=1).astype("boolean")
            nothing = ~block.eq(True).any(axis=1).to_numpy()
            block.loc[nothing, :] = pd.NA
            for c in cols:
                out[c.name] = block[c.name].to_numpy()
        else:
            out[item.id] = cols[0].value[analysed].to_numpy()
    respondents = pd.DataFrame(out)
    dtypes = {"pid": "string"}
    for item in codebook.items:
        if item.type == "numeric":
            dtypes[item.id] = "Float64"
        elif item.type == "multi":
            dtypes.update({c: "boolean" for c in item.raw_columns})
        elif item.type == "open":
            dtypes[item.id] = "string"
    respondents = respondents.astype(dtypes)
    recodes = _typed(pd.DataFrame(recode_rows, columns=RECODE_COLUMNS), {"raw_row": "Int64"})
    missing_codes = _typed(
        pd.DataFrame(missing_rows, columns=MISSING_CODE_COLUMNS), {"code": "Int64", "count": "Int64"}
    )
    return respondents, recodes, missing_codes


def _flow(n_rows: int, exclusions: pd.DataFrame) -> pd.DataFrame:
    rows = []
    n = n_rows
    for step in STEPS:
        left = exclusions[exclusions["step"] == step]
        counts = left["reason"].value_counts()
        reasons = "; ".join(f"{r}: {counts[r]}" for r in REASONS if r in counts.index)
        n -= len(left)
        rows.append(
            {"step": step, "label_nl": labels("steps")[step], "n": n, "excluded": len(left), "reasons": reasons}
        )
    return _typed(pd.DataFrame(rows, columns=FLOW_COLUMNS), {"n": "Int64", "excluded": "Int64"})


def _check_flow(flow: pd.DataFrame, exclusions: pd.DataFrame, respondents: pd.DataFrame, pids: pd.Series) -> None:
    """Raise ``RuntimeError`` unless every row is accounted for exactly once."""
    problems = []
    n = flow["n"].tolist()
    excluded = flow["excluded"].tolist()
    if n[0] != len(pids) or excluded[0] != 0:
        problems.append(f"received is {n[0]} (excluded {excluded[0]}), expected {len(pids)} (excluded 0)")
    for i in range(1, len(n)):
        if n[i] != n[i - 1] - excluded[i]:
            problems.append(f"step {flow['step'][i]}: {n[i]} != {n[i - 1]} - {excluded[i]}")
    if n[-1] != len(respondents):
        problems.append(f"analysed is {n[-1]} but there are {len(respondents)} respondents")
    accounted = exclusions["pid"].tolist() + respondents["pid"].tolist()
    if len(accounted) != len(set(accounted)) or set(accounted) != set(pids):
        problems.append("not every received row is either excluded or analysed exactly once")
    if problems:
        raise RuntimeError(
            "Internal error in peo.ingest.clean: the respondent flow does not add up: " + "; ".join(problems)
        )


# ------------------------------------------------------------------ tables for the notebook


def flow_table(flow: pd.DataFrame) -> pd.DataFrame:
    """The respondent flow with Dutch column names and reasons, for display.

    Returns
    -------
    pandas.DataFrame
        Columns ``Stap``, ``Aantal``, ``Uitgevallen`` (left out before this step) and
        ``Redenen`` (Dutch reason labels with counts), one row per flow step.
    """

    reason_nl, col = labels("reasons"), labels("columns")

    def dutch(reasons) -> str:
        if not isinstance(reasons, str) or not reasons:
            return ""
        parts = [p.split(": ") for p in reasons.split("; ")]
        return "; ".join(f"{reason_nl.get(r, r)}: {k}" for r, k in parts)

    return pd.DataFrame(
        {
            col["step"]: flow["label_nl"].astype("string"),
            col["count"]: flow["n"].astype("Int64"),
            col["left"]: flow["excluded"].astype("Int64"),
            col["reasons"]: flow["reasons"].map(dutch).astype("string"),
        }
    )


def exclusion_counts(exclusions: pd.DataFrame) -> pd.DataFrame:
    """How many rows left the flow for each reason (counts only, no respondents).

    Every reason is listed, also those that did not occur (count 0), so the reader sees
    what was checked.

    Returns
    -------
    pandas.DataFrame
        Columns ``Stap`` (Dutch step label), ``Reden`` (Dutch reason label), ``Aantal``.
    """
    counts = exclusions["reason"].value_counts()
    steps, reasons, col = labels("steps"), labels("reasons"), labels("columns")
    rows = [
        {col["step"]: steps[step], col["reason"]: reasons[reason], col["count"]: int(counts.get(reason, 0))}
        for reason, step in REASONS.items()
    ]
    return pd.DataFrame(rows).astype({col["step"]: "string", col["reason"]: "string", col["count"]: "Int64"})


def recode_counts(recodes: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """How many answers were set to missing, per item and reason (counts only).

    Returns
    -------
    pandas.DataFrame
        Columns ``Vraag`` (the item's Dutch short label), ``Kolom`` (column in the data),
        ``Reden`` (Dutch reason label), ``Aantal``; only combinations that occurred, in
        codebook order.
    """
    order = {c: n for n, c in enumerate(codebook.raw_columns())}
    short = {c: i.short_nl for i in codebook.items for c in i.raw_columns}
    col = labels("columns")
    columns = [col["item"], col["column"], col["reason"], col["count"]]
    if recodes.empty:
        return pd.DataFrame(columns=columns).astype({c: "string" for c in columns[:3]} | {columns[3]: "Int64"})
    g = recodes.groupby(["item", "reason"], sort=False).size().reset_index(name="_n")
    g["_order"] = g["item"].map(order)
    g = g.sort_values(["_order", "reason"], kind="stable")
    out = pd.DataFrame(
        {
            col["item"]: g["item"].map(short).astype("string"),
            col["column"]: g["item"].astype("string"),
            col["reason"]: g["reason"].map(labels("recodes")).astype("string"),
            col["count"]: g["_n"].astype("Int64"),
        }
    )
    return out.reset_index(drop=True)


def missing_code_counts(missing_codes: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """How often "weet niet", "geen antwoord" and the like were answered, per item.

    Returns
    -------
    pandas.DataFrame
        Columns ``Vraag`` (Dutch short label), ``Antwoord`` (the missing code's Dutch
        label), ``Aantal``; only answers given at least once, in codebook order.
    """
    short = {i.id: i.short_nl for i in codebook.items}
    used = missing_codes[missing_codes["count"] > 0]
    col = labels("columns")
    return pd.DataFrame(
        {
            col["item"]: used["item"].map(short).astype("string"),
            col["answer"]: used["label_nl"].astype("string"),
            col["count"]: used["count"].astype("Int64"),
        }
    ).reset_index(drop=True)


def validation_table(report: pd.DataFrame) -> pd.DataFrame:
    """The validation report summed up per problem and column, in Dutch (counts only).

    Built on :func:`peo.ingest.validate_report.summary`, without its example row numbers: a page that
    may be published shows no rows of the raw export.

    Returns
    -------
    pandas.DataFrame
        Columns ``Probleem``, ``Ernst`` (``fout``: the export cannot be used;
        ``waarschuwing``: the cleaning handles it), ``Kolom`` (as named in the export)
        and ``Aantal rijen``; errors first.
    """
    from peo.ingest.validate_report import summary

    s = summary(report)
    problems, severities, col = labels("problems"), labels("severities"), labels("columns")
    return pd.DataFrame(
        {
            col["problem"]: s["problem"].map(lambda p: problems.get(p, p)).astype("string"),
            col["severity"]: s["severity"].map(lambda v: severities.get(v, v)).astype("string"),
            col["column"]: s["column"].astype("string"),
            col["rows"]: s["n_rows"].astype("Int64"),
        }
    )
