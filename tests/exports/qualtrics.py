"""Qualtrics exports of the demo wave: CSV with numeric values, CSV with choice text, SPSS.

What Qualtrics writes (Data & Analysis > Export & Import > Export data; assumptions in
``docs/recipes/qualtrics.md``):

* CSV: UTF-8 with byte-order mark, comma-separated, three header rows: the export tags
  (``ResponseId``, ``Q1``, ``t22_barriers_1``), the question texts (a multiple-choice option
  as ``<question> - <option>``) and the import ids as JSON (``{"ImportId":"QID2"}``);
  administrative columns first (``StartDate`` ... ``RecipientEmail``); times as
  ``2022-02-14 13:27:56`` in the survey's time zone; every recorded response, also those
  closed unfinished (``Finished`` = 0) when "export responses in progress" is not chosen.
* "Use numeric values": the recode values. Without edited recode values Qualtrics numbers
  the options 1, 2, ... in order, so "Weet niet", the option after a five-point scale, is
  6 (after the four-point "stay" scale: 5) and the consent question's "Nee" is 2. With
  "Recode seen but unanswered questions as -99" a closed question that was shown and not
  answered holds ``-99``; with "Recode seen but unanswered multi-value fields as 0" each
  option not chosen of a shown multiple-choice question holds ``0``; a question never shown
  stays empty. Text entry stays as typed (empty when not answered).
* "Use choice text": the option labels; ``Finished`` is ``True``/``False``, ``Status`` is
  ``IP Address``; a chosen option of a multiple-choice question holds its label, an option
  not chosen is empty.
* SPSS: the same variables (names made SPSS-safe: ``Duration__in_seconds_``), the recode
  values with value labels (``6`` = "Weet niet"; ``-99`` has no label), text as string
  variables, times as SPSS date-times, question texts as variable labels.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from exports.common import (
    CONSENT_TEXT,
    DEMO_EXPORT,
    DONT_KNOW,
    Fixture,
    Response,
    demo_responses,
    option_label,
    questions,
)
from peo.ingest.synth.waves import ADMIN_2022
from peo.survey.codebook import Item

__all__ = ["FIXTURES", "write_numeric", "write_choice_text", "write_sav", "NUMERIC_FILE", "TEXT_FILE", "SAV_FILE"]

NUMERIC_FILE = "PEO 2022_1 april 2022_09.00.csv"
TEXT_FILE = "PEO 2022_1 april 2022_09.05.csv"
SAV_FILE = "PEO 2022_1 april 2022_09.10.sav"

#: Qualtrics' own columns: the demo 2022 export's, without its consent question.
ADMIN = tuple(c for c in ADMIN_2022 if c != "Q_consent")
#: The export tag of each item, where it is not the item id (the demo's questionnaire).
TAGS = {"employer_type": "Q1", "function": "Q2", "years_experience": "Q3"}


def _headers() -> list[list[str]]:
    """The three header rows of the demo export (it was written in Qualtrics' shape)."""
    with open(DEMO_EXPORT, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        return [next(reader) for _ in range(3)]


def _time(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _recode(item: Item, answer) -> int:
    """Qualtrics' default recode value of an answer: options numbered 1, 2, ... in order."""
    codes = item.response_scale.valid_codes
    return len(codes) + 1 if answer == DONT_KNOW else codes.index(answer) + 1


def _item_cells(r: Response, item: Item, style: str) -> list[str]:
    """The cells of one item: ``style`` is ``numeric`` or ``text``."""
    a = r.answers[item.id]
    shown = r.shown(item.id)
    if item.type == "multi":
        cells = []
        for c in item.response_scale.codes:
            if c.code in a:
                cells.append("1" if style == "numeric" else c.nl)
            elif shown and style == "numeric":
                cells.append("0")  # "recode seen but unanswered multi-value fields as 0"
            else:
                cells.append("")
        return cells
    if item.type in ("likert", "categorical"):
        if a is None:
            return ["-99" if shown and style == "numeric" else ""]
        return [str(_recode(item, a)) if style == "numeric" else option_label(item, a)]
    return ["" if a is None else str(a)]  # text entry: as typed


def _rows(style: str) -> list[list[str]]:
    out = []
    for r in demo_responses():
        admin = [
            _time(r.started),
            _time(r.ended),
            "0" if style == "numeric" else "IP Address",
            r.ip,
            str(r.progress),
            str(r.duration),
            ("1" if r.finished else "0") if style == "numeric" else str(r.finished),
            _time(r.ended),
            r.response_id,
            r.last_name,
            r.first_name,
            r.email,
        ]
        consent = ("1" if r.consent else "2") if style == "numeric" else ("Ja" if r.consent else "Nee")
        cells = [c for item in questions() for c in _item_cells(r, item, style)]
        out.append(admin + [consent] + cells)
    return out


def _write_csv(folder: Path, name: str, style: str) -> Path:
    path = Path(folder) / name
    headers = _headers()
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerows(headers)
        w.writerows(_rows(style))
    return path


def write_numeric(folder: Path) -> Path:
    """The CSV with numeric values (recode values, ``-99`` and ``0`` for seen but unanswered)."""
    return _write_csv(folder, NUMERIC_FILE, "numeric")


def write_choice_text(folder: Path) -> Path:
    """The CSV with choice text (option labels)."""
    return _write_csv(folder, TEXT_FILE, "text")


# ------------------------------------------------------------------------------------ SPSS

_SPSS_NAMES = {"Duration (in seconds)": "Duration__in_seconds_"}
_STATUS = {
    0: "IP Address",
    1: "Survey Preview",
    2: "Survey Test",
    4: "Imported",
    8: "Spam",
    9: "Survey Preview Spam",
    12: "Imported Spam",
    16: "Offline",
    17: "Offline Survey Preview",
}


def write_sav(folder: Path) -> Path:
    """The SPSS export: recode values with value labels, ``-99`` for seen but unanswered."""
    path = Path(folder) / SAV_FILE
    header1, header2, _ = _headers()
    texts = dict(zip(header1, header2))
    rs = demo_responses()
    cols: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}

    def put(name: str, values, label: str, kind: str, fmt: str | None = None, vl: dict | None = None) -> None:
        cols[name] = values
        labels[name] = label
        measure[name] = kind
        if fmt:
            formats[name] = fmt
        if vl:
            value_labels[name] = vl

    def times(attr: str) -> pd.Series:
        return pd.Series([getattr(r, attr) for r in rs]).astype("datetime64[us]")

    def numbers(values) -> pd.Series:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")

    def strings(values) -> pd.Series:
        return pd.Series(["" if v is None else str(v) for v in values], dtype="str")

    put("StartDate", times("started"), texts["StartDate"], "scale", "DATETIME20")
    put("EndDate", times("ended"), texts["EndDate"], "scale", "DATETIME20")
    put("Status", numbers([0] * len(rs)), texts["Status"], "nominal", "F2.0", _STATUS)
    put("IPAddress", strings([r.ip for r in rs]), texts["IPAddress"], "nominal")
    put("Progress", numbers([r.progress for r in rs]), texts["Progress"], "scale", "F3.0")
    put("Duration__in_seconds_", numbers([r.duration for r in rs]), texts["Duration (in seconds)"], "scale", "F6.0")
    put(
        "Finished",
        numbers([int(r.finished) for r in rs]),
        texts["Finished"],
        "nominal",
        "F1.0",
        {0: "False", 1: "True"},
    )
    put("RecordedDate", times("ended"), texts["RecordedDate"], "scale", "DATETIME20")
    put("ResponseId", strings([r.response_id for r in rs]), texts["ResponseId"], "nominal")
    put("RecipientLastName", strings([r.last_name for r in rs]), texts["RecipientLastName"], "nominal")
    put("RecipientFirstName", strings([r.first_name for r in rs]), texts["RecipientFirstName"], "nominal")
    put("RecipientEmail", strings([r.email for r in rs]), texts["RecipientEmail"], "nominal")
    put("Q_consent", numbers([1 if r.consent else 2 for r in rs]), CONSENT_TEXT, "nominal", "F1.0", {1: "Ja", 2: "Nee"})
    for item in questions():
        tag = TAGS.get(item.id, item.id)
        if item.type == "multi":
            for c in item.response_scale.codes:
                values = [1 if c.code in r.answers[item.id] else (0 if r.shown(item.id) else None) for r in rs]
                put(f"{tag}_{c.code}", numbers(values), texts[f"{tag}_{c.code}"], "nominal", "F1.0", {1: c.nl})
        elif item.type in ("likert", "categorical"):
            values = [
                _recode(item, r.answers[item.id])
                if r.answers[item.id] is not None
                else (-99 if r.shown(item.id) else None)
                for r in rs
            ]
            sc = item.response_scale
            vl = {_recode(item, c.code): c.nl for c in sc.codes}
            if any(m.kind == "dont_know" for m in sc.missing):
                vl[_recode(item, DONT_KNOW)] = option_label(item, DONT_KNOW)
            put(tag, numbers(values), texts[tag], "ordinal" if item.type == "likert" else "nominal", "F3.0", vl)
        else:  # text entry and open answers: string variables
            put(tag, strings([r.answers[item.id] for r in rs]), texts[tag], "nominal")
    df = pd.DataFrame(cols)
    pyreadstat.write_sav(
        df,
        path,
        column_labels=labels,
        variable_value_labels=value_labels,
        variable_measure=measure,
        variable_format=formats,
    )
    return path


FIXTURES = (
    Fixture("qualtrics-numeric", "qualtrics.md", NUMERIC_FILE, write_numeric, same_ids=True),
    Fixture("qualtrics-text", "qualtrics.md", TEXT_FILE, write_choice_text, same_ids=True),
    Fixture("qualtrics-spss", "qualtrics.md", SAV_FILE, write_sav, same_ids=True),
)
