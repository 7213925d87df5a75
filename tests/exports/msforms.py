"""The Microsoft Forms export of the demo wave: ``.xlsx`` (Responses > Open in Excel).

What Microsoft Forms writes (assumptions in ``docs/recipes/msforms.md``):

* one worksheet; row 1 the column names, then one row per **submitted** response: a form
  that was never submitted is not recorded at all, so the demo's unfinished rows are left out;
* the columns ``ID`` (1, 2, ... in order of submission), ``Start time``, ``Completion time``
  (spreadsheet date-times), ``Email`` (``anonymous`` for a form that anyone can answer),
  ``Name`` (empty then), then one column per question headed by the question's title;
* a choice question holds the option's text; a multiple-answer question one cell with the
  chosen options' texts, each followed by ``;`` (``Regels en administratie;Te hoge
  caseload;``); a text question the text as typed, as text (a typed ``=1+1`` is text, not a
  formula); a question not answered or skipped by branching is empty.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from exports.common import CONSENT_TEXT, Fixture, Response, demo_responses, option_label, questions

__all__ = ["FIXTURE", "FILE", "write"]

FILE = "PEO 2022(1-162).xlsx"
ADMIN = ("ID", "Start time", "Completion time", "Email", "Name")


def _left_out(r: Response) -> bool:
    return not r.finished  # only submitted responses exist


def _cells(r: Response) -> list:
    cells: list = ["Ja" if r.consent else "Nee"]
    for item in questions():
        a = r.answers[item.id]
        if item.type == "multi":
            chosen = [c.nl for c in item.response_scale.codes if c.code in a]
            cells.append("".join(f"{label};" for label in chosen) or None)
        elif item.type in ("likert", "categorical"):
            cells.append(None if a is None else option_label(item, a))
        else:
            cells.append(a)
    return cells


def write(folder: Path) -> Path:
    """Write the workbook Microsoft Forms gives for the demo wave."""
    rs = [r for r in demo_responses() if not _left_out(r)]
    path = Path(folder) / FILE.replace("162", str(len(rs)))
    if path.name != FILE:
        raise AssertionError(f"FILE should be {path.name!r}")
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([*ADMIN, CONSENT_TEXT, *(item.text_nl for item in questions())])
    for n, r in enumerate(rs, start=1):
        ws.append([n, r.started, r.ended, "anonymous", None, *_cells(r)])
        row = ws.max_row
        ws.cell(row, 2).number_format = ws.cell(row, 3).number_format = "m/d/yy h:mm:ss"
        for cell in ws[row][len(ADMIN) :]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # answers are text, never formulas
    wb.save(path)
    return path


FIXTURE = Fixture("msforms", "msforms.md", FILE, write, left_out=_left_out)
