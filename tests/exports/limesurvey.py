"""LimeSurvey exports of the demo wave: CSV with answer codes, CSV with full answers, SPSS.

What LimeSurvey writes (Responses > Export > Export responses; the writers are
``application/helpers/admin/export/CsvWriter.php``, ``Writer.php``, ``SurveyObj.php`` and
``application/helpers/export_helper.php`` of LimeSurvey; assumptions in
``docs/recipes/limesurvey.md``):

* question codes start with a letter and hold letters and digits only (``Q1``,
  ``psgeneral``); a subquestion of a multiple-choice question is headed
  ``<code>[<subquestion code>]`` (``t22barriers[SQ001]``) with "Question code" headings;
* the response table's own columns come first: ``id`` (a number per response, in order),
  ``submitdate`` (empty: never submitted), ``lastpage``, ``startlanguage``, ``seed``,
  ``startdate`` and ``datestamp`` (the last action), as ``2022-02-14 13:27:56`` (with "Date
  stamp" on in the survey settings; ``ipaddr`` only with "Save IP address" on);
* CSV: UTF-8 with byte-order mark, every value in double quotes, CRLF line ends and one empty
  line at the end, comma-separated (the "CSV field separator" option);
* "Answer codes": a list question holds the option's code (LimeSurvey 3 numbers them ``A1``,
  ``A2``, ...; "Weet niet" is the next one, ``A6``), a yes/no question ``Y``/``N``, a chosen
  subquestion ``Y``; a question not answered or not shown is empty;
* "Full answers": the option texts, ``Ja``/``Nee`` for yes/no; a multiple-choice
  subquestion holds ``Ja`` when chosen, ``Nee`` when shown and not chosen and ``N.v.t.``
  (LimeSurvey's Dutch "N/A") when never shown;
* SPSS (the syntax file and data file, opened in SPSS and saved as ``.sav``): variables named
  by question code (subquestions ``t22barriers_SQ001``); a yes/no question 1 = "Ja", 2 =
  "Nee"; a list question with letter codes stays a string variable (``A1``) with value labels
  on those codes; a multiple-choice subquestion 1 = "Ja", 0 = "Niet geselecteerd", missing
  when never shown; numbers as numbers; times as SPSS date-times; text with HTML tags removed
  and line breaks taken out (``stripTagsFull``).
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from exports.common import (
    CONSENT_TEXT,
    DONT_KNOW,
    Fixture,
    Response,
    demo_responses,
    option_label,
    questions,
    stable_number,
)
from peo.survey.codebook import Item

__all__ = ["FIXTURES", "CODE", "SURVEY_ID", "write_codes", "write_full", "write_sav", "flatten_text"]

SURVEY_ID = 482913
CSV_FILE = f"results-survey{SURVEY_ID}.csv"
SAV_FILE = f"survey_{SURVEY_ID}_SPSS.sav"
#: The question code of each item in the LimeSurvey questionnaire (letters and digits only).
CODE = {"employer_type": "Q1", "function": "Q2", "years_experience": "Q3"}
ADMIN = ("id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp")
NOT_SHOWN = "N.v.t."  # the Dutch translation of LimeSurvey's "N/A"


def code(item: Item) -> str:
    """The item's LimeSurvey question code."""
    return CODE.get(item.id, item.id.replace("_", ""))


def subquestion(n: int) -> str:
    """LimeSurvey's default code of the n-th subquestion (``SQ001``)."""
    return f"SQ{n:03d}"


def answer_code(item: Item, answer) -> str:
    """LimeSurvey 3's default code of an answer option: ``A1``, ``A2``, ... in order."""
    codes = item.response_scale.valid_codes
    return f"A{len(codes) + 1 if answer == DONT_KNOW else codes.index(answer) + 1}"


def _time(t) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _text(value) -> str:
    """LimeSurvey's CSV writer turns every line break into ``\\n``."""
    return "" if value is None else re.sub(r"\r\n|\r", "\n", str(value))


def _header() -> list[str]:
    head = list(ADMIN) + ["consent"]
    for item in questions():
        if item.type == "multi":
            head += [f"{code(item)}[{subquestion(k)}]" for k, _ in enumerate(item.response_scale.codes, start=1)]
        else:
            head.append(code(item))
    return head


def _row(n: int, r: Response, full: bool) -> list[str]:
    cells = [
        str(n),
        _time(r.ended) if r.finished else "",
        str(r.last_page),
        "nl",
        str(stable_number("seed", n)),
        _time(r.started),
        _time(r.ended),
    ]
    cells.append(("Ja" if r.consent else "Nee") if full else ("Y" if r.consent else "N"))
    for item in questions():
        a = r.answers[item.id]
        if item.type == "multi":
            for c in item.response_scale.codes:
                if c.code in a:
                    cells.append("Ja" if full else "Y")
                elif full:
                    cells.append("Nee" if r.shown(item.id) else NOT_SHOWN)
                else:
                    cells.append("")
        elif item.type in ("likert", "categorical"):
            cells.append("" if a is None else (option_label(item, a) if full else answer_code(item, a)))
        else:
            cells.append(_text(a))
    return cells


def _write_csv(folder: Path, full: bool) -> Path:
    path = Path(folder) / CSV_FILE
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        w.writerow(_header())
        for n, r in enumerate(demo_responses(), start=1):
            w.writerow(_row(n, r, full))
        fh.write("\r\n")  # CsvWriter::close() ends the file with an empty line
    return path


def write_codes(folder: Path) -> Path:
    """The CSV with answer codes (``A1`` ... and ``Y``/``N``)."""
    return _write_csv(folder, full=False)


def write_full(folder: Path) -> Path:
    """The CSV with full answers (option texts, ``Ja``/``Nee``)."""
    return _write_csv(folder, full=True)


# ------------------------------------------------------------------------------------ SPSS


def flatten_text(value: str) -> str:
    """A text as LimeSurvey's SPSS export writes it: line breaks taken out, HTML tags removed,
    entities decoded, surrounding space trimmed (``stripTagsFull``, then ``trim``)."""
    s = html.unescape(str(value))
    s = s.replace("\r\n", "").replace("\r", "").replace("\n", "")
    s = re.sub(r"<[^>]*>", "", s)
    return s.strip()


def write_sav(folder: Path) -> Path:
    """The SPSS data of LimeSurvey's SPSS export, as SPSS saves it (``.sav``)."""
    path = Path(folder) / SAV_FILE
    rs = demo_responses()
    cols: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict] = {}
    formats: dict[str, str] = {}

    def numbers(values) -> pd.Series:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")

    def strings(values) -> pd.Series:
        return pd.Series(["" if v is None else str(v) for v in values], dtype="str")

    def times(values) -> pd.Series:
        return pd.Series(values, dtype="object").astype("datetime64[us]")

    cols["id"] = numbers(range(1, len(rs) + 1))
    formats["id"] = "F7.0"
    cols["submitdate"] = times([r.ended if r.finished else None for r in rs])
    cols["lastpage"] = numbers([r.last_page for r in rs])
    formats["lastpage"] = "F7.0"
    cols["startlanguage"] = strings(["nl"] * len(rs))
    cols["seed"] = strings([str(stable_number("seed", n)) for n in range(1, len(rs) + 1)])
    cols["startdate"] = times([r.started for r in rs])
    cols["datestamp"] = times([r.ended for r in rs])
    for c in ("submitdate", "startdate", "datestamp"):
        formats[c] = "DATETIME23.2"
    for c in ADMIN:
        labels[c] = c
    cols["consent"] = numbers([1 if r.consent else 2 for r in rs])
    labels["consent"] = CONSENT_TEXT
    value_labels["consent"] = {1: "Ja", 2: "Nee"}
    formats["consent"] = "F1.0"
    for item in questions():
        name = code(item)
        if item.type == "multi":
            for k, c in enumerate(item.response_scale.codes, start=1):
                var = f"{name}_{subquestion(k)}"
                cols[var] = numbers(
                    [1 if c.code in r.answers[item.id] else (0 if r.shown(item.id) else None) for r in rs]
                )
                labels[var] = f"[{c.nl}] {item.text_nl}"
                value_labels[var] = {1: "Ja", 0: "Niet geselecteerd"}
                formats[var] = "F1.0"
        elif item.type in ("likert", "categorical"):
            cols[name] = strings(
                [None if r.answers[item.id] is None else answer_code(item, r.answers[item.id]) for r in rs]
            )
            labels[name] = item.text_nl
            sc = item.response_scale
            vl = {answer_code(item, c.code): c.nl for c in sc.codes}
            if any(m.kind == "dont_know" for m in sc.missing):
                vl[answer_code(item, DONT_KNOW)] = option_label(item, DONT_KNOW)
            value_labels[name] = vl
        elif item.id == "t22_caseload":  # a numerical input question
            values = [r.answers[item.id] for r in rs]
            if any(v is not None and not str(v).strip().isdigit() for v in values):
                raise AssertionError("the demo's caseload holds text; a LimeSurvey numerical input cannot")
            cols[name] = numbers(values)
            labels[name] = item.text_nl
            formats[name] = "F3.0"
        else:  # short and long free text
            cols[name] = strings([None if r.answers[item.id] is None else flatten_text(r.answers[item.id]) for r in rs])
            labels[name] = item.text_nl
    pyreadstat.write_sav(
        pd.DataFrame(cols), path, column_labels=labels, variable_value_labels=value_labels, variable_format=formats
    )
    return path


FIXTURES = (
    Fixture("limesurvey-codes", "limesurvey.md", CSV_FILE, write_codes),
    Fixture("limesurvey-full", "limesurvey.md", CSV_FILE, write_full),
    Fixture("limesurvey-spss", "limesurvey.md", SAV_FILE, write_sav, open_text=flatten_text),
)
