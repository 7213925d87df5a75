"""The Google Forms export of the demo wave: CSV (Responses > Download responses (.csv)).

What Google Forms writes (assumptions in ``docs/recipes/googleforms.md``):

* only **submitted** responses (the demo's unfinished rows are left out); Google Forms keeps
  no start time, so a response's duration is unknown and no speeder can be found: the demo's
  two speeders are left out of this fixture, as if they had not taken part (a real wave
  would analyse them; the recipe says so);
* UTF-8 without byte-order mark, comma-separated, quotes only where needed;
* the first column ``Tijdstempel`` (``Timestamp`` in an English account), the moment of
  submission as ``2022/02/14 1:27:56 p.m. CET`` (Dutch locale: year first, a 12-hour clock
  with ``a.m.``/``p.m.``, the zone name: ``CET`` in winter, ``CEST`` from 27 March 2022); then
  one column per question headed by the question's title (no ``E-mailadres`` column when the
  form does not collect e-mail addresses);
* a choice question holds the option's text; a checkbox question one cell with the chosen
  options' texts joined by ``", "`` in the form's order, even where an option's text itself
  contains ``", "`` ("Sterke, stabiele teams met ruimte voor reflectie"); a question not
  answered is empty.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from exports.common import CONSENT_TEXT, Fixture, Response, demo_responses, option_label, questions

__all__ = ["FIXTURE", "FILE", "write", "timestamp"]

FILE = "PEO 2022.csv"
#: Central European Summer Time began on 27 March 2022 at 02:00 local time.
SUMMER_TIME = dt.datetime(2022, 3, 27, 2, 0, 0)


def timestamp(t: dt.datetime) -> str:
    """Google Forms' Dutch timestamp: ``2022/02/14 1:27:56 p.m. CET``."""
    hour = t.hour % 12 or 12
    half = "a.m." if t.hour < 12 else "p.m."
    zone = "CEST" if t >= SUMMER_TIME else "CET"
    return f"{t:%Y/%m/%d} {hour}:{t:%M:%S} {half} {zone}"


def _left_out(r: Response) -> bool:
    # Never submitted, or a speeder that Google Forms gives no means to recognise (see above;
    # the demo wave's cleaning.min_duration_seconds is 120).
    return not r.finished or (r.consent and r.duration < 120)


def _cells(r: Response) -> list[str]:
    cells = ["Ja" if r.consent else "Nee"]
    for item in questions():
        a = r.answers[item.id]
        if item.type == "multi":
            cells.append(", ".join(c.nl for c in item.response_scale.codes if c.code in a))
        elif item.type in ("likert", "categorical"):
            cells.append("" if a is None else option_label(item, a))
        else:
            cells.append("" if a is None else str(a))
    return cells


def write(folder: Path) -> Path:
    """Write the CSV Google Forms gives for the demo wave."""
    path = Path(folder) / FILE
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["Tijdstempel", CONSENT_TEXT, *(item.text_nl for item in questions())])
        for r in demo_responses():
            if not _left_out(r):
                w.writerow([timestamp(r.ended), *_cells(r)])
    return path


FIXTURE = Fixture("googleforms", "googleforms.md", FILE, write, left_out=_left_out)
