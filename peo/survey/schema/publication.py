"""Schemas of a wave's publication details and of the researchers' text.

Two parts of ``wave.yml`` (both optional): ``publication:`` (authors, organisation, date of
publication, ISBN, contact, web address: the colophon of the wave's report) and ``report:``
(the files of the researchers' text, relative to the wave folder). And the YAML front matter
of each researchers' text file (``data/raw/<wave>/report/*.md``), checked by
:mod:`peo.report.researchers` with :class:`ReportText`; the format of the text itself (the
references to key figures and table cells) is documented in ``docs/researchers-text.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, ValidationInfo, field_validator

from peo.survey.schema.types import Closed, Flag, Label, Text, problem, refs_of

__all__ = ["Publication", "ReportFiles", "ReportText", "TEXT_KINDS", "MAX_FACTSHEET_LINES", "MAX_FACTSHEET_CHARS"]

#: The kinds of researchers' text, in the order of the report.
TEXT_KINDS = ("samenvatting", "conclusies", "aanbevelingen", "summary_en")
#: Recommendations shown on the factsheet: at most this many lines of at most this many characters.
MAX_FACTSHEET_LINES = 3
MAX_FACTSHEET_CHARS = 160


def _no_number_date(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise problem("date_type", "a date written as YYYY-MM-DD", "a number is not a date")
    return value


Date = Annotated[dt.date, BeforeValidator(_no_number_date, json_schema_input_type=dt.date)]


def _isbn_ok(digits: str) -> bool:
    """The check digit of an ISBN-13 (or ISBN-10) is right."""
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] in "Xx"):
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = 10 if digits[9] in "Xx" else int(digits[9])
        return (total + check) % 11 == 0
    return False


class Publication(Closed):
    """How the wave's report is published: its colophon (all optional)."""

    authors: list[Label] = Field(default_factory=list, description="Authors of the wave's report, in order.")
    organisation: Text | None = Field(
        None, description="Publishing organisation (default: the organisations named in the wording file)."
    )
    date: Date | None = Field(None, description="Date of publication, YYYY-MM-DD (default: the build date).")
    isbn: Text | None = Field(None, description="ISBN of the report (13 or 10 digits; hyphens allowed).")
    contact: Text | None = Field(None, description="Contact address for questions about the report (e-mail or web).")
    url: Text | None = Field(None, description="Web address where the report is published.")

    @field_validator("isbn")
    @classmethod
    def _isbn(cls, value: str | None) -> str | None:
        if value is None:
            return value
        digits = re.sub(r"[\s-]", "", value)
        if not _isbn_ok(digits):
            raise problem(
                "isbn",
                "an ISBN of 13 digits (or 10) whose check digit is right, hyphens allowed",
                f"{value!r} is not a valid ISBN",
            )
        return value


def _report_file(name: str | None, info: ValidationInfo) -> str | None:
    refs = refs_of(info)
    if name is not None and refs is not None and refs.wave_dir is not None and not (refs.wave_dir / name).is_file():
        raise problem(
            "missing_file",
            f"the path of a Markdown file relative to {refs.wave_dir}",
            f"the researchers' text {name!r} does not exist in {refs.wave_dir}",
        )
    return name


ReportPath = Annotated[Text, StringConstraints(pattern=r"\.md$")]


class ReportFiles(Closed):
    """The files of the researchers' text, relative to the wave folder.

    A file named here must exist. A key left out takes its default file
    (``report/<kind>.md``) when that exists; a wave without any text builds, with a notice.
    """

    samenvatting: ReportPath | None = Field(None, description="The summary (default report/samenvatting.md).")
    conclusies: ReportPath | None = Field(None, description="The conclusions (default report/conclusies.md).")
    aanbevelingen: ReportPath | None = Field(
        None, description="The recommendations per audience (default report/aanbevelingen.md)."
    )
    summary_en: ReportPath | None = Field(None, description="The English summary (default report/summary_en.md).")

    @field_validator("samenvatting", "conclusies", "aanbevelingen", "summary_en")
    @classmethod
    def _exists(cls, name: str | None, info: ValidationInfo) -> str | None:
        return _report_file(name, info)


class ReportText(Closed):
    """The YAML front matter of one file of the researchers' text (``data/raw/<wave>/report/*.md``).

    The body below the front matter is Markdown; numbers in it are references such as
    ``{{ kf:ps_needed.share }}``, filled in at build time (``docs/researchers-text.md``).
    """

    kind: Literal["samenvatting", "conclusies", "aanbevelingen", "summary_en"] = Field(
        description="What the file is; must match the key of wave.yml report: it is named under."
    )
    title: Label | None = Field(None, description="Heading of the section (default from the wording file).")
    demo: Flag = Field(
        False, description="true for a demo text (not written by the researchers): the page says so visibly."
    )
    audiences: list[Label] = Field(
        default_factory=list,
        description="Level-2 headings (## ...) the text must have, one per audience of the recommendations.",
    )
    factsheet: list[Annotated[Label, StringConstraints(max_length=MAX_FACTSHEET_CHARS)]] = Field(
        default_factory=list,
        max_length=MAX_FACTSHEET_LINES,
        description=f"Up to {MAX_FACTSHEET_LINES} short lines (at most {MAX_FACTSHEET_CHARS} characters each) "
        "for the factsheet; references allowed.",
    )
