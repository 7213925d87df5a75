"""Trend and ranked figures tell primary from secondary suppression (issue 11, part 4), in the
note under the plot and in the alt text, as the Likert and group bars do."""

from __future__ import annotations

import pandas as pd

from peo.report import plots

PRIMARY = "(te weinig respondenten)"
SECONDARY = "(verborgen om een andere cel te beschermen)"


def _notes(fig) -> str:
    return " ".join(t.get_text().replace("\n", " ") for t in fig.texts)


def _trend(hidden: dict) -> pd.DataFrame:
    rows = []
    for wave in ("2021", "2022", "2023"):
        for group in ("totaal", "GI", "JZ", "LT"):
            why = hidden.get((wave, group), "")
            rows.append(
                {"wave": wave, "item": "stay", "item_label": "Blijven", "box": "stays", "box_label": "wel"}
                | {"group": group, "n": 50, "share": None if why else 0.8, "ci_low": None if why else 0.7}
                | {"ci_high": None if why else 0.9, "suppressed": bool(why), "suppression": why}
            )
    return pd.DataFrame(rows)


def test_trend_note_tells_primary_from_secondary():
    fig = plots.trend_lines(_trend({("2021", "JZ"): "primary", ("2021", "LT"): "secondary"}))
    notes = _notes(fig)
    assert f"Niet getoond: JZ bij Blijven (2021) {PRIMARY}" in notes, notes
    assert f"Niet getoond: LT bij Blijven (2021) {SECONDARY}" in notes, notes
    alt = plots.alt_text(fig)
    assert PRIMARY in alt and SECONDARY in alt and "LT bij Blijven (2021) (te weinig" not in alt


def test_trend_note_names_a_group_hidden_in_every_wave():
    fig = plots.trend_lines(_trend({(w, "GI"): "secondary" for w in ("2021", "2022", "2023")}))
    assert f"Niet getoond: GI {SECONDARY}" in _notes(fig)
    assert PRIMARY not in _notes(fig)


def _multi(hidden: dict) -> pd.DataFrame:
    rows = []
    for group in ("totaal", "GI", "JZ", "LT"):
        for k, answer in enumerate(("Regels", "Tijd", "Caseload")):
            why = hidden.get((group, answer), "")
            rows.append(
                {"item": "t22_barriers", "item_label": "Oorzaken", "answer_code": k + 1, "answer_label": answer}
                | {"group": group, "n": 50, "count": None if why else 20 + k, "share": None if why else 0.4 + k / 10}
                | {"suppressed": bool(why), "suppression": why}
            )
    return pd.DataFrame(rows)


def test_ranked_note_tells_primary_from_secondary():
    fig = plots.multi_choice(_multi({("JZ", "Tijd"): "primary", ("JZ", "Regels"): "secondary"}))
    notes = _notes(fig)
    assert f"Niet getoond: JZ bij Tijd {PRIMARY}" in notes, notes
    assert f"Niet getoond: JZ bij Regels {SECONDARY}" in notes, notes
    assert SECONDARY in plots.alt_text(fig) and PRIMARY in plots.alt_text(fig)


def test_ranked_group_hidden_only_to_protect_another_is_not_called_too_small():
    hidden = {("LT", a): "secondary" for a in ("Regels", "Tijd", "Caseload")}
    fig = plots.theme_bars(
        _multi(hidden).rename(columns={"answer_label": "theme_label"}).drop(columns=["item", "item_label"])
    )
    notes = _notes(fig)
    assert f"Niet getoond: LT {SECONDARY}" in notes and PRIMARY not in notes, notes
    assert len(fig.axes) == 3  # the hidden group has no panel
