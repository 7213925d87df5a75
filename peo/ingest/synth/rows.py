"""The rows of a synthetic export, in export order, before they are formatted.

:func:`build_rows` draws a wave's valid respondents (:mod:`.model`, :mod:`.open_answers`),
makes some of their answers messy in ways cleaning sets to missing, adds the rows cleaning
must exclude (incomplete, speeders, no employer type, no consent, duplicates), and gives every
row timestamps, a respondent id and fake administrative personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from peo.ingest.synth.model import GROUPS
from peo.ingest.synth.model import answers as draw_answers
from peo.ingest.synth.open_answers import open_answers, plant
from peo.ingest.synth.waves import WaveSpec
from peo.survey.codebook import Codebook

__all__ = ["Row", "build_rows"]

# Fake names for the administrative columns (none of them is in demo_pii.yml).
_FIRST = (
    "Lisa",
    "Sophie",
    "Emma",
    "Anne",
    "Laura",
    "Sarah",
    "Eva",
    "Fleur",
    "Iris",
    "Noor",
    "Thomas",
    "Daan",
    "Tim",
    "Lars",
    "Bas",
    "Youssef",
    "Ayse",
    "Priya",
    "Kevin",
    "Esther",
    "Marloes",
    "Nadia",
    "Rachid",
    "Lotte",
    "Femke",
    "Jeroen",
    "Maaike",
    "Samira",
    "Wouter",
    "Joyce",
)
_LAST = (
    "de Jong",
    "van Dijk",
    "Visser",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van den Berg",
    "Dekker",
    "Dijkstra",
    "Kaya",
    "Bouali",
    "Koster",
    "Brouwer",
    "de Wit",
    "Vermeulen",
    "Postma",
    "Kramer",
    "Prins",
    "Huisman",
    "Veenstra",
)
# Hour of the day a response starts, and its probability (office hours and evenings).
_START_HOURS = {
    8: 0.05,
    9: 0.10,
    10: 0.12,
    11: 0.10,
    12: 0.08,
    13: 0.10,
    14: 0.12,
    15: 0.10,
    16: 0.08,
    19: 0.06,
    20: 0.05,
    21: 0.04,
}
_MAIL_DOMAINS = ("example.org", "example.com", "example.net")  # reserved for examples (RFC 2606)
_IP_NETS = ("192.0.2", "198.51.100", "203.0.113")  # reserved for documentation (RFC 5737)


@dataclass
class Row:
    """One row of an export before it is formatted: item values plus admin fields."""

    kind: str  # valid, no_consent, incomplete, speeder, no_group, exact_duplicate, pattern_duplicate
    values: dict  # raw column -> int, float, str or None
    consent: bool = True
    finished: bool = True
    progress: int = 100
    start: dt.datetime | None = None
    duration: int = 0
    source: Row | None = None  # exact duplicates: the row exported twice
    admin: dict = field(default_factory=dict)  # fake IP, name, e-mail
    rid: str | int | None = None


def _messy_values(
    rng: np.random.Generator, codebook: Codebook, spec: WaveSpec, valid: list[dict], csv_export: bool
) -> None:
    """Make valid respondents' answers messy in ways cleaning sets to missing (not excludes)."""
    n = len(valid)
    # optional items left blank (a multiple-choice item: nothing chosen at all)
    for item in codebook.items:
        if item.required or item.type == "open" or item.role == "group":
            continue
        for i in np.flatnonzero(rng.random(n) < 0.025):
            for c in item.raw_columns:
                valid[i][c] = None
    # "weet niet" and other missing codes on Likert items whose scale has them
    likert = [i for i in codebook.by_type("likert")]
    dont_know = [i for i in likert if any(m.kind == "dont_know" for m in i.response_scale.missing)]
    for _ in range(8):
        item = dont_know[int(rng.integers(len(dont_know)))]
        code = next(m.code for m in item.response_scale.missing if m.kind == "dont_know")
        valid[int(rng.integers(n))][item.id] = code
    # out-of-range codes, on optional items only: on a required item an invalid code
    # leaves the item unanswered, and cleaning would exclude the respondent as incomplete
    optional = [i for i in likert if not i.required]
    for bad in (6, 0, 99, 6):
        item = optional[int(rng.integers(len(optional)))]
        valid[int(rng.integers(n))][item.id] = bad
    # "geen antwoord" code on the function question (SPSS only: the tool exports leave it blank)
    if not csv_export and "function" in codebook:
        scale = codebook.item("function").response_scale
        no_answer = [m.code for m in scale.missing if m.kind == "no_answer"]
        if no_answer:
            for i in rng.choice(n, size=2, replace=False):
                valid[int(i)]["function"] = no_answer[0]
    # years of experience: an impossible value and, in the CSV exports, text
    if "years_experience" in codebook:
        picks = [int(i) for i in rng.choice(n, size=1 + len(spec.years_text), replace=False)]
        valid[picks[0]]["years_experience"] = 72
        if csv_export:
            for i, text in zip(picks[1:], spec.years_text):
                valid[i]["years_experience"] = text
    # numeric theme items: one value above the maximum
    for item in codebook.by_type("numeric"):
        if item.role == "theme":
            lo, hi = item.bounds
            valid[int(rng.integers(n))][item.id] = int(hi + rng.integers(5, 30))


def _blank(codebook: Codebook) -> dict:
    return {c: None for c in codebook.raw_columns()}


def build_rows(rng: np.random.Generator, spec: WaveSpec, codebook: Codebook, fw: tuple[dt.date, dt.date]) -> list[Row]:
    """All rows of one wave's export, in export order, before formatting."""
    csv_export = not spec.file.endswith(".sav")
    # employer types: evenly split among the valid respondents, random for the others
    base = np.repeat(np.arange(3), spec.n_valid // 3)
    base = np.concatenate([base, rng.permutation(3)[: spec.n_valid - len(base)]])
    valid_groups = [GROUPS[i] for i in rng.permutation(base)]
    n_extra = spec.n_incomplete + spec.n_speeders + spec.n_no_group
    extra_groups = [GROUPS[i] for i in rng.integers(0, 3, n_extra)]
    answers = draw_answers(rng, codebook, spec.wave, np.array(valid_groups + extra_groups), spec.n_valid)
    valid, extra = answers[: spec.n_valid], answers[spec.n_valid :]

    open_answers(rng, codebook, spec, valid)
    plant(rng, codebook, spec, valid)
    _messy_values(rng, codebook, spec, valid, csv_export)

    rows = [Row("valid", v) for v in valid]
    # incomplete: stopped part-way; everything after the stopping point is blank
    item_order = [i for i in codebook.items]
    first_required = min(n for n, i in enumerate(item_order) if i.required and i.role != "group")
    stops = [first_required + 1]  # the first one stops before a required core item
    for _ in range(spec.n_incomplete - 1):
        stops.append(int(rng.integers(first_required + 1, len(item_order))))
    for k, stop in enumerate(stops):
        v = extra[k]
        for item in item_order[stop:]:
            for c in item.raw_columns:
                v[c] = None
        rows.append(Row("incomplete", v, finished=False, progress=int(round(100 * stop / len(item_order)))))
    k = spec.n_incomplete
    # speeders: finished in under two minutes; the first one also straight-lines
    for s in range(spec.n_speeders):
        v = extra[k + s]
        if s == 0:
            for item in codebook.by_type("likert"):
                if item.role in ("core", "outcome"):
                    valid_codes = item.response_scale.valid_codes
                    v[item.id] = item.response_scale.neutral or valid_codes[len(valid_codes) // 2]
        rows.append(Row("speeder", v))
    k += spec.n_speeders
    # no employer type: otherwise complete
    for s in range(spec.n_no_group):
        v = extra[k + s]
        v[codebook.group_item.id] = None
        open_answers(rng, codebook, spec, [v])
        rows.append(Row("no_group", v))
    # no consent: answered nothing else
    for _ in range(spec.n_no_consent):
        rows.append(Row("no_consent", _blank(codebook), consent=False))

    # timestamps and durations
    n_days = (fw[1] - fw[0]).days + 1
    for r in rows:
        day = fw[0] + dt.timedelta(days=int(rng.integers(n_days)))
        hour = int(rng.choice(list(_START_HOURS), p=list(_START_HOURS.values())))
        r.start = dt.datetime.combine(day, dt.time(hour, int(rng.integers(60)), int(rng.integers(60))))
        if r.kind == "speeder":
            r.duration = int(rng.integers(45, 111))
        elif r.kind == "no_consent":
            r.duration = int(rng.integers(8, 41))
        elif r.kind == "incomplete":
            r.duration = int(rng.integers(60, 601))
        else:
            r.duration = int(np.clip(np.round(np.exp(np.log(540) + 0.45 * rng.standard_normal())), 150, 5400))
    rows.sort(key=lambda r: r.start)

    # pattern duplicates: a new respondent with a copy of an earlier valid respondent's answers
    valid_pos = [n for n, r in enumerate(rows) if r.kind == "valid"]
    for _ in range(spec.n_pattern_duplicates):
        src = rows[valid_pos[int(rng.integers(len(valid_pos) // 2))]]
        copy = Row("pattern_duplicate", dict(src.values))
        copy.start = src.start + dt.timedelta(days=int(rng.integers(1, 8)), minutes=int(rng.integers(0, 600)))
        end_limit = dt.datetime.combine(fw[1], dt.time(22, 0))
        if copy.start > end_limit:
            copy.start = end_limit - dt.timedelta(minutes=int(rng.integers(30, 300)))
        copy.duration = int(rng.integers(240, 900))
        rows.append(copy)
    rows.sort(key=lambda r: r.start)

    # fake administrative personal data
    for r in rows:
        first = _FIRST[int(rng.integers(len(_FIRST)))]
        last = _LAST[int(rng.integers(len(_LAST)))]
        has_mail = rng.random() < 0.9
        domain = _MAIL_DOMAINS[int(rng.integers(len(_MAIL_DOMAINS)))]
        mail = f"{first[0].lower()}.{last.replace(' ', '').lower()}@{domain}" if has_mail else ""
        ip = f"{_IP_NETS[int(rng.integers(len(_IP_NETS)))]}.{int(rng.integers(1, 255))}"
        r.admin = {"first": first, "last": last, "email": mail, "ip": ip}

    # exact duplicates: the same row (same respondent id) exported twice
    valid_pos = [n for n, r in enumerate(rows) if r.kind == "valid"]
    picks = rng.choice(valid_pos[: len(valid_pos) * 2 // 3], size=spec.n_exact_duplicates, replace=False)
    for src in [rows[int(i)] for i in sorted(picks)]:
        dup = Row(
            "exact_duplicate",
            dict(src.values),
            src.consent,
            src.finished,
            src.progress,
            src.start,
            src.duration,
            source=src,
            admin=dict(src.admin),
        )
        after = next(n for n, r in enumerate(rows) if r is src)
        rows.insert(int(rng.integers(after + 1, len(rows) + 1)), dup)

    # respondent ids, in export order; exact duplicates repeat their source's id
    next_num = 40211 if spec.wave == "2023" else 1
    for r in rows:
        if r.kind == "exact_duplicate":
            continue
        if spec.wave == "2022":
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            r.rid = "R_" + "".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), 15))
        else:
            r.rid = next_num
            next_num += 1 if spec.wave == "2021" else int(rng.integers(1, 4))
    for r in rows:
        if r.source is not None:
            r.rid = r.source.rid
    return rows
