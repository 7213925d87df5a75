"""Writing synthetic rows in each demo wave's export shape.

* 2021: an SPSS ``.sav`` file with value labels and variable labels (its header stamped with a
  fixed creation time, so the file is byte-identical on every run);
* 2022: a survey-tool (Qualtrics) CSV: UTF-8 with BOM, three header rows;
* 2023: a plain semicolon-separated cp1252 CSV with Dutch column names.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from peo.errors import PeoError
from peo.ingest.synth.rows import Row
from peo.ingest.synth.waves import ADMIN_2021, ADMIN_2022, ADMIN_2023
from peo.survey.codebook import Codebook

__all__ = ["write_export"]

# Qualtrics' second and third header rows of its administrative columns.
_QUALTRICS_ADMIN = {
    "StartDate": ("Start Date", {"ImportId": "startDate", "timeZone": "Europe/Amsterdam"}),
    "EndDate": ("End Date", {"ImportId": "endDate", "timeZone": "Europe/Amsterdam"}),
    "Status": ("Response Type", {"ImportId": "status"}),
    "IPAddress": ("IP Address", {"ImportId": "ipAddress"}),
    "Progress": ("Progress", {"ImportId": "progress"}),
    "Duration (in seconds)": ("Duration (in seconds)", {"ImportId": "duration"}),
    "Finished": ("Finished", {"ImportId": "finished"}),
    "RecordedDate": ("Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/Amsterdam"}),
    "ResponseId": ("Response ID", {"ImportId": "_recordId"}),
    "RecipientLastName": ("Recipient Last Name", {"ImportId": "recipientLastName"}),
    "RecipientFirstName": ("Recipient First Name", {"ImportId": "recipientFirstName"}),
    "RecipientEmail": ("Recipient Email", {"ImportId": "recipientEmail"}),
    "Q_consent": (
        "Ik heb de informatie over het onderzoek gelezen en doe vrijwillig mee. - Ja / Nee",
        {"ImportId": "QID1"},
    ),
}

_SAV_ADMIN_LABELS = {
    "resp_id": "Respondentnummer",
    "consent": "Toestemming voor deelname",
    "finished": "Vragenlijst afgerond",
    "start_time": "Begintijd",
    "end_time": "Eindtijd",
    "ip_address": "IP-adres",
    "email": "E-mailadres",
}


def _fmt_time(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _write_sav(path: Path, rows: list[Row], codebook: Codebook, fw_end: dt.date) -> None:
    """Write the 2021 SPSS export, then stamp the header with a fixed creation date and time."""
    items = codebook.raw_columns()
    data: dict[str, list] = {c: [] for c in ADMIN_2021 + tuple(items)}
    for r in rows:
        data["resp_id"].append(float(r.rid))
        data["consent"].append(1.0 if r.consent else 0.0)
        data["finished"].append(1.0 if r.finished else 0.0)
        data["start_time"].append(r.start)
        data["end_time"].append(r.start + dt.timedelta(seconds=r.duration))
        data["ip_address"].append(r.admin["ip"])
        data["email"].append(r.admin["email"])
        for c in items:
            data[c].append(r.values[c])
    df = pd.DataFrame({c: data[c] for c in ADMIN_2021})
    df["start_time"] = pd.to_datetime(df["start_time"]).astype("datetime64[us]")
    df["end_time"] = pd.to_datetime(df["end_time"]).astype("datetime64[us]")
    labels = dict(_SAV_ADMIN_LABELS)
    value_labels: dict[str, dict] = {"consent": {0: "Nee", 1: "Ja"}, "finished": {0: "Nee", 1: "Ja"}}
    measure = {c: "nominal" for c in ("resp_id", "consent", "finished", "ip_address", "email")}
    formats = {"resp_id": "F5.0", "consent": "F1.0", "finished": "F1.0"}
    for item in codebook.items:
        sc = item.response_scale
        if item.type == "open":
            df[item.id] = pd.Series([v if v is not None else "" for v in data[item.id]], dtype="str")
            labels[item.id] = item.text_nl
            measure[item.id] = "nominal"
            continue
        if item.type == "multi":
            for c in sc.codes:
                col = f"{item.id}_{c.code}"
                df[col] = pd.Series([np.nan if v is None else float(v) for v in data[col]], dtype="float64")
                labels[col] = f"{item.text_nl} - {c.nl}"
                value_labels[col] = {1: c.nl}
                measure[col] = "nominal"
                formats[col] = "F1.0"
            continue
        df[item.id] = pd.Series([np.nan if v is None else float(v) for v in data[item.id]], dtype="float64")
        labels[item.id] = item.text_nl
        if sc is not None and sc.codes:
            value_labels[item.id] = {c.code: c.nl for c in sc.codes} | {m.code: m.nl for m in sc.missing}
            measure[item.id] = "ordinal" if item.type == "likert" else "nominal"
            formats[item.id] = "F2.0"
        else:
            measure[item.id] = "scale"
            formats[item.id] = "F3.0"
    pyreadstat.write_sav(
        df,
        path,
        file_label="PEO 2021 (synthetische demodata)",
        column_labels=labels,
        variable_value_labels=value_labels,
        variable_measure=measure,
        variable_format=formats,
    )
    _stamp_sav_header(path, dt.datetime.combine(fw_end, dt.time(0, 0, 0)))


# The SAV file header (IBM SPSS Statistics "System File Format", record type 1): rec_type
# (4 bytes), prod_name (60), layout_code, nominal_case_size, compression, weight_index,
# ncases (4 each), bias (8), then creation_date (9, "dd Mmm yy") and creation_time (8,
# "hh:mm:ss"): bytes 92 to 109.
_SAV_DATE_OFFSET = 92


def _stamp_sav_header(path: Path, when: dt.datetime) -> None:
    """Overwrite the creation date and time that readstat writes into a SAV header.

    readstat stamps the wall-clock time of writing into the header, so two runs would
    give different bytes. Replacing it with a fixed moment (the end of the fieldwork)
    makes the export byte-identical on every run, so its checksum in
    ``data/raw/MANIFEST.sha256`` and the regeneration test stay valid.
    """
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    stamp = f"{when.day:02d} {months[when.month - 1]} {when.year % 100:02d}{when:%H:%M:%S}".encode("ascii")
    with open(path, "r+b") as fh:
        head = fh.read(_SAV_DATE_OFFSET + 17)
        found = head[_SAV_DATE_OFFSET:]
        if not (head[:4] == b"$FL2" and re.fullmatch(rb"\d\d [A-Z][a-z]{2} \d\d\d\d:\d\d:\d\d", found)):
            raise PeoError(
                f"{path}: the SPSS header has no creation date at byte {_SAV_DATE_OFFSET} ({found!r}); "
                "pyreadstat's file layout changed. Check _SAV_DATE_OFFSET in peo/ingest/synth/writers.py."
            )
        fh.seek(_SAV_DATE_OFFSET)
        fh.write(stamp)


def _write_qualtrics(path: Path, rows: list[Row], codebook: Codebook, rename: dict[str, str]) -> None:
    """Write the 2022 survey-tool export: UTF-8 with BOM, three header rows."""
    raw_name = {v: k for k, v in rename.items()}  # codebook id -> raw column (employer_type -> Q1)
    header1, header2, header3 = [], [], []
    for c in ADMIN_2022:
        text, imp = _QUALTRICS_ADMIN[c]
        header1.append(c)
        header2.append(text)
        header3.append(json.dumps(imp, separators=(",", ":")))
    qid = 2
    item_cols = []
    for item in codebook.items:
        if item.type == "multi":
            for c in item.response_scale.codes:
                header1.append(f"{raw_name.get(item.id, item.id)}_{c.code}")
                header2.append(f"{item.text_nl} - {c.nl}")
                header3.append(json.dumps({"ImportId": f"QID{qid}_{c.code}"}, separators=(",", ":")))
                item_cols.append(f"{item.id}_{c.code}")
        else:
            header1.append(raw_name.get(item.id, item.id))
            header2.append(item.text_nl)
            imp = {"ImportId": f"QID{qid}_TEXT" if item.type == "open" else f"QID{qid}"}
            header3.append(json.dumps(imp, separators=(",", ":")))
            item_cols.append(item.id)
        qid += 1
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerows([header1, header2, header3])
        for r in rows:
            end = r.start + dt.timedelta(seconds=r.duration)
            admin = [
                _fmt_time(r.start),
                _fmt_time(end),
                "0",
                r.admin["ip"],
                str(r.progress),
                str(r.duration),
                "1" if r.finished else "0",
                _fmt_time(end),
                r.rid,
                r.admin["last"],
                r.admin["first"],
                r.admin["email"],
                "1" if r.consent else "0",
            ]
            w.writerow(admin + [_fmt(r.values[c]) for c in item_cols])


def _write_plain(path: Path, rows: list[Row], codebook: Codebook) -> None:
    """Write the 2023 plain export: cp1252, semicolon-separated, one header row."""
    items = codebook.raw_columns()
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(list(ADMIN_2023) + items)
        for r in rows:
            end = r.start + dt.timedelta(seconds=r.duration)
            admin = [
                str(r.rid),
                "ja" if r.consent else "nee",
                "1" if r.finished else "0",
                _fmt_time(r.start),
                _fmt_time(end),
                r.admin["ip"],
                f"{r.admin['first']} {r.admin['last']}",
                r.admin["email"],
            ]
            w.writerow(admin + [_fmt(r.values[c]) for c in items])


def write_export(
    wave: str, target: Path, rows: list[Row], codebook: Codebook, cfg: dict, fw: tuple[dt.date, dt.date]
) -> None:
    """Write one wave's rows in that wave's export shape (SPSS, survey-tool CSV, plain CSV)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if wave == "2021":
        _write_sav(target, rows, codebook, fw[1])
    elif wave == "2022":
        _write_qualtrics(target, rows, codebook, {str(k): str(v) for k, v in (cfg.get("rename") or {}).items()})
    else:
        _write_plain(target, rows, codebook)
