"""The pandera schema of a raw export, built from the codebook and ``wave.yml``.

:func:`schema_for` says, column by column, what the export must hold after the answers
are mapped (:mod:`peo.ingest.mapping`): the codes of each item, numbers within range,
answers to required items, a unique respondent id, consent and completion. Each column's
``metadata`` says how a failure is reported (problem, expected, severity);
:func:`peo.ingest.validate.validate_frame` turns pandera's failure cases into the report.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from peo.survey import config
from peo.survey.codebook import Codebook, Item, ResponseScale
from peo.ingest.completion import expected_text, flag_complete, require_completion
from peo.ingest.load import as_number, is_yes

__all__ = ["schema_for", "expected_codes"]


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
        return (n.notna() & (n % 1 == 0) & n.isin(sorted(map(float, allowed)))).fillna(False).astype(bool)

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
    return pa.Check(
        lambda s: flag_complete(s.to_frame(wave.completion.column), wave), name="incomplete", ignore_na=False
    )


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
                    "missing": _rule(
                        "missing_column",
                        f"option {c.code} ('{c.nl}') of {missing_rule['expected']}",
                        missing_rule["severity"],
                    ),
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
