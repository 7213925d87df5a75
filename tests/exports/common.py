"""The demo wave 2022 as a survey tool holds it, for the tool-export writers.

:func:`demo_responses` reads the committed demo export ``data/raw/2022/peo2022_export.csv``
(a Qualtrics-shaped CSV) with the wave's codebooks and turns every row into a
:class:`Response`: what the respondent did (consent, finished, times) and what they answered,
per question, in the tool's terms: a chosen answer option, "Weet niet", a typed text, a set
of chosen options, or nothing. Each writer (one module per tool) then writes those responses
the way its tool does.

What a survey tool cannot write
-------------------------------
The demo export is messy on purpose (``peo.ingest.synth``). Most of the mess is what a real
tool writes too and stays in every fixture: rows without consent, unfinished responses, a
finished response without employer type, speeders, a second response with the same answers,
text typed into a number field ("tien", "5 jaar"), impossible numbers (72 years), open answers
with HTML, spreadsheet formulas and line breaks. Two kinds of mess no tool can produce:

* an answer code outside the answer options of a closed question (``6``, ``0``, ``99`` in
  four cells): a tool only writes its own options. A fixture writes such a cell as the tool
  writes a question that was seen and not answered. Cleaning sets both to missing, so the
  analysed answers are the same; only ``recodes.csv`` of the demo lists four more cells
  (:func:`out_of_range` names them, and the tests check exactly that difference);
* three rows that repeat an earlier row with the same response id (two downloads pasted
  together). Tools with their own ids keep them as in the demo (Qualtrics) or give each row
  the next id (LimeSurvey, Microsoft Forms); cleaning then finds them as the same answers
  instead of the same id, and excludes the same rows.

Which questions a respondent saw
--------------------------------
Tools write "seen but not answered" differently from "never shown" (Qualtrics ``-99`` against
empty, LimeSurvey ``""`` against ``NULL``). A respondent without consent saw only the consent
question; a finished respondent saw every question; an unfinished one saw every question up
to the last one answered (questionnaire order: the codebook's item order, one page per block,
see :data:`PAGES`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd

from peo.ingest.load import read_export
from peo.survey.codebook import Codebook, Item, load_codebook

__all__ = [
    "REPO",
    "DEMO_DIR",
    "DEMO_EXPORT",
    "DONT_KNOW",
    "PAGES",
    "out_of_range",
    "CONSENT_TEXT",
    "Response",
    "Fixture",
    "demo_codebook",
    "demo_responses",
    "questions",
    "page_of",
    "option_label",
    "stable_number",
]

REPO = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO / "data" / "raw" / "2022"
DEMO_EXPORT = DEMO_DIR / "peo2022_export.csv"
#: The demo's raw column of an item that the wave renames (raw -> item id in the demo wave.yml).
DEMO_RENAME = {"Q1": "employer_type", "Q2": "function", "Q3": "years_experience"}
#: The consent question as the respondent read it (without Qualtrics' " - Ja / Nee" suffix).
CONSENT_TEXT = "Ik heb de informatie over het onderzoek gelezen en doe vrijwillig mee."

DONT_KNOW = "dont_know"
"""The answer "Weet niet": the option after the scale in every tool (codebook code 8)."""

#: The pages of the questionnaire: a block of item ids per page (page 1 is the consent).
PAGES: tuple[tuple[str, ...], ...] = (
    ("consent",),
    ("employer_type", "function", "years_experience"),
    ("ps_general", "ps_relation", "ps_needed", "ps_reflection"),
    (
        "asp_autonomy",
        "asp_learning",
        "asp_competence",
        "asp_craft",
        "asp_fit",
        "asp_reflection",
        "asp_change",
        "asp_rules",
    ),
    ("work_pleasure", "workload", "stay"),
    ("t22_workload_clients", "t22_overtime", "t22_caseload", "t22_barriers", "t22_solutions", "t22_open_solution"),
)

_OUT_OF_RANGE: list[tuple[int, str, str]] = []  # filled by demo_responses()


def page_of(question: str) -> int:
    """The page number (1-based) of a question (``consent`` or an item id)."""
    for n, block in enumerate(PAGES, start=1):
        if question in block:
            return n
    raise KeyError(question)


@lru_cache(maxsize=1)
def demo_codebook() -> Codebook:
    """The merged codebook of the demo wave 2022 (core and theme)."""
    return load_codebook([REPO / "codebooks" / "core.yml", DEMO_DIR / "theme.yml"])


def questions() -> list[Item]:
    """The items of the demo wave in questionnaire order."""
    cb = demo_codebook()
    order = [q for block in PAGES for q in block if q != "consent"]
    if sorted(order) != sorted(cb.ids()):
        raise AssertionError(f"PAGES do not list the demo codebook's items: {sorted(set(order) ^ set(cb.ids()))}")
    return [cb.item(q) for q in order]


def option_label(item: Item, code: int | str) -> str:
    """The Dutch label of an answer option of a closed item (``DONT_KNOW``: "Weet niet")."""
    sc = item.response_scale
    if code == DONT_KNOW:
        return next(m.nl for m in sc.missing if m.kind == "dont_know")
    return next(c.nl for c in sc.codes if c.code == code)


def stable_number(*parts: object, digits: int = 9) -> int:
    """A number that depends only on ``parts`` (for tool ids and seeds; no random state)."""
    h = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return int(h, 16) % 10**digits


@dataclass(frozen=True)
class Response:
    """One row of the demo export, as the survey tool recorded it.

    ``answers`` maps every item id to the answer: for a closed single-choice item an option
    code (``int``) or :data:`DONT_KNOW`; for a number or text item the text as typed; for a
    multiple-choice item the ``frozenset`` of chosen option codes; ``None`` where the
    respondent gave no answer. ``seen`` holds the questions (``consent`` and item ids) that
    were shown.
    """

    row: int  # 1-based data row of the demo export (its order is kept in every fixture)
    raw_row: int  # line in the demo file (the demo's ``raw_row``)
    response_id: str
    started: dt.datetime
    ended: dt.datetime
    duration: int
    progress: int
    finished: bool
    consent: bool
    ip: str
    first_name: str
    last_name: str
    email: str
    answers: dict[str, object] = field(default_factory=dict)
    seen: frozenset[str] = frozenset()

    @property
    def last_page(self) -> int:
        return max(page_of(q) for q in self.seen)

    def shown(self, question: str) -> bool:
        return question in self.seen


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    s = str(value)
    return s if s.strip() else None


def _closed(item: Item, value: str | None, raw_row: int) -> object:
    if value is None:
        return None
    sc = item.response_scale
    try:
        code = int(value)
    except ValueError:
        raise AssertionError(f"demo line {raw_row}: {item.id} holds {value!r}, not a code") from None
    if code in sc.valid_codes:
        return code
    dont_know = [m.code for m in sc.missing if m.kind == "dont_know"]
    if code in dont_know:
        return DONT_KNOW
    if code in sc.missing_codes:  # "Geen antwoord" as an option: the demo has none
        raise AssertionError(f"demo line {raw_row}: {item.id} holds the no-answer code {code}; no fixture writes it")
    _OUT_OF_RANGE.append((raw_row, item.id, value))
    return None


@lru_cache(maxsize=1)
def demo_responses() -> tuple[Response, ...]:
    """Every row of the demo export as a :class:`Response`, in file order."""
    raw = read_export(DEMO_EXPORT, "csv", header_rows=3).rename(columns=DEMO_RENAME)
    items = questions()
    _OUT_OF_RANGE.clear()
    out = []
    for n, (raw_row, r) in enumerate(raw.iterrows(), start=1):
        answers: dict[str, object] = {}
        for item in items:
            if item.type in ("likert", "categorical"):
                answers[item.id] = _closed(item, _text(r[item.id]), raw_row)
            elif item.type == "multi":
                chosen = set()
                for c in item.response_scale.codes:
                    v = _text(r[f"{item.id}_{c.code}"])
                    if v not in (None, "1"):
                        raise AssertionError(f"demo line {raw_row}: {item.id}_{c.code} holds {v!r}")
                    if v == "1":
                        chosen.add(c.code)
                answers[item.id] = frozenset(chosen)
            else:
                answers[item.id] = _text(r[item.id])
        consent = _text(r["Q_consent"]) == "1"
        finished = _text(r["Finished"]) == "1"
        if not consent:
            seen = {"consent"}
        elif finished:
            seen = {"consent", *(i.id for i in items)}
        else:
            answered = [k for k, i in enumerate(items) if answers[i.id] not in (None, frozenset())]
            last = max(answered) if answered else -1
            seen = {"consent", *(i.id for i in items[: last + 1])}
        out.append(
            Response(
                row=n,
                raw_row=int(raw_row),
                response_id=str(r["ResponseId"]),
                started=dt.datetime.fromisoformat(str(r["StartDate"])),
                ended=dt.datetime.fromisoformat(str(r["EndDate"])),
                duration=int(r["Duration (in seconds)"]),
                progress=int(r["Progress"]),
                finished=finished,
                consent=consent,
                ip=str(r["IPAddress"]),
                first_name=_text(r["RecipientFirstName"]) or "",
                last_name=_text(r["RecipientLastName"]) or "",
                email=_text(r["RecipientEmail"]) or "",
                answers=answers,
                seen=frozenset(seen),
            )
        )
    return tuple(out)


def out_of_range() -> list[tuple[int, int, str, str]]:
    """The cells of the demo export that hold a code outside the answer options, which no
    tool can write (see the module docstring): (data row, line in the file, item, value)."""
    demo_responses()
    first = demo_responses()[0]
    return [(raw_row - first.raw_row + 1, raw_row, item, value) for raw_row, item, value in _OUT_OF_RANGE]


@dataclass(frozen=True)
class Fixture:
    """One tool export of the demo wave and the recipe that reads it.

    Attributes
    ----------
    name : str
        Short id, e.g. ``qualtrics-numeric``.
    recipe : str
        The docs page under ``docs/recipes/`` whose YAML block configures this export.
    file : str
        The export's file name (as the recipe's ``raw.file`` names it).
    write : callable
        ``write(folder) -> Path`` writes the export into ``folder``.
    left_out : callable
        ``left_out(response) -> bool``: rows of the demo the tool never exports (only
        submitted responses for the Forms tools).
    open_text : callable
        How the tool changes an open answer on export (LimeSurvey's SPSS export flattens
        line breaks and HTML); the identity for the others.
    same_ids : bool
        Whether the export keeps the demo's response ids (so exclusions give the same
        reason, ``duplicate_id``, rather than ``duplicate_pattern``).
    """

    name: str
    recipe: str
    file: str
    write: Callable[[Path], Path]
    left_out: Callable[[Response], bool] = lambda r: False
    open_text: Callable[[str], str] = lambda s: s
    same_ids: bool = False

    def responses(self) -> list[Response]:
        """The demo rows this export holds, in order."""
        return [r for r in demo_responses() if not self.left_out(r)]
