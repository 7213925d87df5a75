"""Schema of a wave's configuration, ``data/raw/<wave>/wave.yml``.

The fields are documented in ``data/raw/README.md`` and, generated from this module, in
``docs/configuration.md``. :func:`peo.survey.config.load_wave_dir` parses a file after it
passed this schema. Checked besides types: the raw export and the codebooks exist, the
fieldwork dates are in order and plausible, the population keys are employer-type codes
of the wave's codebooks, and renamed columns become items that exist.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from peo.errors import ConfigError
from peo.survey.schema.answers import Answers, Completion, Rule
from peo.survey.schema.publication import Publication, ReportFiles
from peo.survey.schema.types import (
    Closed,
    Count,
    Flag,
    Identifier,
    Label,
    Number,
    PositiveCount,
    Text,
    problem,
    reference_error,
    refs_of,
)

__all__ = ["WaveConfig", "RawSpec", "Columns", "Fieldwork", "FORMATS", "EARLIEST_FIELDWORK", "MAX_FIELDWORK_DAYS"]

FORMATS = ("csv", "xlsx", "sav")
#: No fieldwork before the Youth Act (Jeugdwet) of 1 January 2015: the PEO asks about the
#: youth-care system that started then, so an earlier date is a typing error.
EARLIEST_FIELDWORK = dt.date(2015, 1, 1)
#: A half-yearly survey's fieldwork lasts weeks; more than a year is a typing error.
MAX_FIELDWORK_DAYS = 366
#: How far ahead a planned fieldwork may end (days after today).
MAX_DAYS_AHEAD = 366
#: Names of a CSV delimiter that ``peo.ingest.load`` understands besides the character itself.
DELIMITER_NAMES = ("auto", "tab", "\\t", "comma", "semicolon", "pipe")


def _no_number_date(value: Any) -> Any:
    """pydantic reads a number as seconds since 1970; a date in wave.yml is YYYY-MM-DD."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise problem("date_type", "a date written as YYYY-MM-DD", "a number is not a date")
    return value


Date = Annotated[dt.date, BeforeValidator(_no_number_date, json_schema_input_type=dt.date)]


class RawSpec(Closed):
    """How to read the raw export."""

    file: Label = Field(description="File name of the export, in the wave folder.")
    format: Literal["csv", "xlsx", "sav"] | None = Field(
        None, validate_default=True, description="csv, xlsx or sav (default: from the file extension)."
    )
    encoding: Text = Field("auto", description="Text encoding of a CSV (utf-8, cp1252; default auto: detected).")
    delimiter: Text = Field("auto", description='Separator of a CSV ("," or ";"; tab; default auto: detected).')
    header_rows: PositiveCount = Field(1, description="Header rows before the data; the first holds the column names.")
    sheet: Text | Count = Field(0, description="Sheet name or number (0 is the first) of an xlsx export.")
    date_format: Text = Field(
        "auto", description="How start and end times are written: auto, or a strptime format (docs/wave-config.md)."
    )

    @field_validator("file")
    @classmethod
    def _exists(cls, name: str, info: ValidationInfo) -> str:
        refs = refs_of(info)
        if refs is not None and refs.wave_dir is not None and not (refs.wave_dir / name).is_file():
            raise problem(
                "missing_file",
                f"the name of a file in {refs.wave_dir}",
                f"the raw export {name!r} does not exist in {refs.wave_dir}",
            )
        return name

    @field_validator("format")
    @classmethod
    def _format(cls, fmt: str | None, info: ValidationInfo) -> str | None:
        name = info.data.get("file")
        if fmt is None and name is not None:
            suffix = Path(name).suffix.lstrip(".").lower()
            if suffix not in FORMATS:
                raise problem(
                    "unknown_format",
                    f"one of {', '.join(FORMATS)}",
                    f"the format cannot be told from the extension of {name!r}; raw.format {suffix!r} is not supported",
                )
        return fmt

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, name: str) -> str:
        if name != "auto":
            try:
                codecs.lookup(name)
            except LookupError:
                raise problem(
                    "unknown_encoding",
                    "auto, or an encoding such as utf-8 or cp1252",
                    f"{name!r} is not a known text encoding",
                ) from None
        return name

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str) -> str:
        if len(value) != 1 and value.lower() not in DELIMITER_NAMES:
            raise problem(
                "delimiter",
                f"one character, or one of {', '.join(DELIMITER_NAMES)}",
                f"{value!r} is not a single separator character",
            )
        return value


class Columns(Closed):
    """Names of the administrative columns in the raw export."""

    respondent_id: Text | None = Field(None, description="Column of the respondent id (duplicate check).")
    consent: Text | None = Field(None, description="Column of the consent answer (no consent: excluded).")
    finished: Text | None = Field(
        None, description="Column of the tool's finished flag; replaced by 'completion' where the loader says so."
    )
    started: Text | None = Field(None, description="Column of the start time.")
    ended: Text | None = Field(
        None, description="Column of the end time (duration = end - start without a duration column)."
    )
    duration: Text | None = Field(None, description="Column of the duration in seconds, if the export has one.")
    drop: list[Text] = Field(
        default_factory=list, description="Columns with personal data, never read beyond the raw export."
    )
    ignore: list[Text] = Field(
        default_factory=list, description="Columns with data that nothing uses, on purpose (tool metadata)."
    )


class Fieldwork(Closed):
    """First and last day of the fieldwork."""

    start: Date | None = Field(None, description="First day, YYYY-MM-DD (not before 2015-01-01, the Youth Act).")
    end: Date | None = Field(
        None, description="Last day, YYYY-MM-DD: on or after the start, within a year of it, at most a year from today."
    )

    @field_validator("start")
    @classmethod
    def _start(cls, start: dt.date | None) -> dt.date | None:
        if start is not None and start < EARLIEST_FIELDWORK:
            raise problem(
                "implausible_date",
                f"a date from {EARLIEST_FIELDWORK.isoformat()} on",
                "the PEO asks about youth care under the Youth Act of 2015; check the year",
            )
        return start

    @field_validator("end")
    @classmethod
    def _end(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if end is None:
            return None
        start = info.data.get("start")
        latest = dt.date.today() + dt.timedelta(days=MAX_DAYS_AHEAD)
        if start is not None and end < start:
            raise problem(
                "order",
                f"a date on or after fieldwork.start ({start.isoformat()})",
                "the fieldwork ends before it starts; are start and end swapped?",
            )
        if start is not None and (end - start).days > MAX_FIELDWORK_DAYS:
            raise problem(
                "implausible_date",
                f"at most {MAX_FIELDWORK_DAYS} days after fieldwork.start ({start.isoformat()})",
                f"a fieldwork of {(end - start).days} days is implausible; check the year",
            )
        if end < EARLIEST_FIELDWORK or end > latest:
            raise problem(
                "implausible_date",
                f"a date from {EARLIEST_FIELDWORK.isoformat()} to {latest.isoformat()}",
                "the date is outside the plausible range; check the year",
            )
        return end


class Theme(Closed):
    """The theme of the thematic module."""

    nl: Text = Field("", description="Dutch name of the theme.")
    en: Text = Field("", description="English name of the theme.")


class Cleaning(Closed):
    """Settings of the cleaning step."""

    min_duration_seconds: Number | None = Field(
        None, ge=0, description="Responses faster than this are excluded as speeders (demo waves: 120)."
    )
    consent_yes: list[Text | int | bool] | None = Field(
        None,
        min_length=1,
        description='Values that mean "yes" for consent and finished (default 1, "1", ja, Ja, yes, Yes, true).',
    )
    max_excluded_share: Number = Field(
        0.5, ge=0, le=1, description="validate calls an export unusable when cleaning would exclude more of its rows."
    )
    unknown_code_share: Number = Field(
        0.05, ge=0, le=1, description="An out-of-scale value in more of a scale's answered cells is a mapping problem."
    )
    unknown_code_min_cells: PositiveCount = Field(
        5, description="... when it also stands in at least this many cells (a few typos in a small wave stay typos)."
    )


class Disclosure(Closed):
    """Disclosure control of the published tables."""

    threshold: PositiveCount = Field(
        10, description="Smallest count that may be published; smaller cells are suppressed."
    )


def _employer_code(code: str, info: ValidationInfo) -> str:
    refs = refs_of(info)
    if refs is not None and refs.employer_codes is not None and code not in refs.employer_codes:
        raise reference_error(
            "employer type",
            code,
            refs.employer_codes,
            "population keys are the values of the group item's codes in the codebook",
        )
    return code


def _item_id(target: str, info: ValidationInfo) -> str:
    refs = refs_of(info)
    if refs is not None and refs.items is not None and target not in refs.items:
        raise reference_error("item", target, refs.items, "rename a raw column to an item id of the wave's codebooks")
    return target


def _codebook_file(name: str, info: ValidationInfo) -> str:
    refs = refs_of(info)
    if refs is None or refs.resolve_codebook is None:
        return name
    try:
        refs.resolve_codebook(name)
    except ConfigError as exc:  # the loader's own rule and message (peo.survey.config)
        raise problem("missing_file", "the name of an existing codebook file", str(exc).split(": ", 1)[-1]) from None
    return name


class WaveConfig(Closed):
    """The configuration of one wave (``data/raw/<wave>/wave.yml``)."""

    id: Identifier = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        description='The wave id, e.g. "2022" (quoted: it is text); unique over all waves; letters, digits, - and _.',
    )
    title: Label = Field(description="Dutch title of the wave, used in the book.")
    title_en: Text | None = Field(None, description="English title (default: title).")
    synthetic: Flag = Field(
        False, description="true for the demo waves: the book then carries a synthetic-data notice."
    )
    fieldwork: Fieldwork = Field(default_factory=Fieldwork, description="First and last day of the fieldwork.")
    theme: Theme = Field(default_factory=Theme, description="The theme of the thematic module.")
    raw: RawSpec = Field(description="The raw export and how to read it.")
    codebooks: list[Annotated[Label, AfterValidator(_codebook_file)]] = Field(
        min_length=1,
        description="Codebook files, core first, merged in this order; where each is looked up: data/raw/README.md.",
    )
    columns: Columns = Field(default_factory=Columns, description="Administrative columns of the export.")
    rename: dict[Text, Annotated[Identifier, AfterValidator(_item_id)]] = Field(
        default_factory=dict, description="Raw column name -> codebook item id (Q1: employer_type)."
    )
    completion: Rule | Completion | None = Field(
        None, description="When a response counts as complete: a rule, or {rule, column, yes} (docs/wave-config.md)."
    )
    answers: Answers = Field(
        default_factory=Answers, description="How the export writes answers (docs/wave-config.md)."
    )
    cleaning: Cleaning = Field(default_factory=Cleaning, description="Settings of the cleaning step.")
    disclosure: Disclosure = Field(default_factory=Disclosure, description="Disclosure control.")
    population: dict[Annotated[Identifier, AfterValidator(_employer_code)], PositiveCount] = Field(
        default_factory=dict,
        description="Professionals per employer type (GI, JZ, LT) in the region, where known; may be empty.",
    )
    publication: Publication = Field(
        default_factory=Publication, description="The colophon of the wave's report (all optional)."
    )
    report: ReportFiles = Field(
        default_factory=ReportFiles,
        description="The researchers' text (summary, conclusions, recommendations): docs/researchers-text.md.",
    )
