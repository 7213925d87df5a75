"""Tests of the open-answers page (peo.report.present.open): no quote twice, each quote under the
theme it was coded to, markup escaped, and a per-group table of mostly hidden cells replaced by
a sentence."""

from __future__ import annotations

import re

import pandas as pd
from markdown_it import MarkdownIt

from peo.report.present import open as open_page

MD = MarkdownIt("commonmark")


def _text(obj) -> str:
    return obj.data if hasattr(obj, "data") else str(obj)


def _quotes(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["theme", "theme_label", "quote"])


def test_no_quote_twice_on_the_page():
    quotes = _quotes(
        [
            ("caseload", "Lagere caseload", "Lagere caseload!"),
            ("caseload", "Lagere caseload", "lagere  caseload"),  # the same words from another respondent
            ("tijd", "Meer tijd", "Meer tijd voor gezinnen."),
        ]
    )
    seen: set = set()
    first = _text(open_page.quotes_markdown(quotes, seen=seen))
    assert first.count("> Lagere caseload") == 1 and first.count(">") == 2
    # a second open question on the same page repeats none of them; a theme left empty has no heading
    again = _quotes([("tijd", "Meer tijd", "Meer tijd voor gezinnen"), ("regels", "Regels", "Minder regels.")])
    second = _text(open_page.quotes_markdown(again, seen=seen))
    assert "Meer tijd" not in second and "> Minder regels." in second


def test_each_quote_stands_under_the_theme_it_was_coded_to():
    quotes = _quotes(
        [
            ("a", "Thema A", "Antwoord een bij A."),
            ("b", "Thema B", "Antwoord bij B."),
            ("a", "Thema A", "Antwoord twee bij A."),
        ]
    )
    text = _text(open_page.quotes_markdown(quotes))
    blocks = re.split(r"\*\*(Thema [AB])\*\*", text)[1:]
    under = {blocks[i]: blocks[i + 1] for i in range(0, len(blocks), 2)}
    assert "Antwoord een bij A." in under["Thema A"] and "Antwoord twee bij A." in under["Thema A"]
    assert "bij A" not in under["Thema B"] and "Antwoord bij B." in under["Thema B"]


def test_markup_in_an_answer_is_shown_as_typed():
    quotes = _quotes([("a", "Thema A", "Dit is &lt;b&gt;vet&lt;/b&gt; en *schuin* en [link](http://x)")])
    rendered = MD.render(_text(open_page.quotes_markdown(quotes)))
    assert "<b>" not in rendered and "<em>" not in rendered and "<a " not in rendered
    assert "&lt;b&gt;vet&lt;/b&gt;" in rendered and "*schuin*" in rendered


def _open_table(hidden_groups: int) -> pd.DataFrame:
    rows = []
    for theme, label in (("a", "Thema A"), ("b", "Thema B")):
        rows.append((theme, label, "totaal", 120, 40, 40 / 120, False))
        for k, g in enumerate(("GI", "JZ", "LT")):
            hide = k < hidden_groups
            rows.append((theme, label, g, 40, None if hide else 12, None if hide else 0.3, hide))
    return pd.DataFrame(rows, columns=["theme", "theme_label", "group", "n", "count", "share", "suppressed"])


def test_a_per_group_table_that_is_mostly_hidden_becomes_a_sentence():
    from peo.report.present.tables import ReaderTable

    parts = open_page._theme_table(_open_table(hidden_groups=2), None)
    assert len(parts) == 2
    assert "alleen alle professionals samen" in _text(parts[0]) and "(4 van de 6 cellen)" in _text(parts[0])
    table = parts[1]
    assert isinstance(table, ReaderTable) and len(table.frame.columns) == 2  # theme and the total only
    # one group hidden of three: the table per group stays
    (kept,) = open_page._theme_table(_open_table(hidden_groups=1), None)
    assert list(kept.frame.columns)[-3:] == ["GI", "JZ", "LT"]


def test_download_names_shown_to_readers_are_dutch():
    from pathlib import Path

    from peo.report.appendix import download_title
    from peo.survey.codebook import load_codebook

    repo = Path(__file__).resolve().parent.parent
    cb = load_codebook([repo / "codebooks" / "core.yml", repo / "data" / "raw" / "2022" / "theme.yml"])
    assert download_title("space_by_group.csv", cb) == "Professionele ruimte per type werkgever"
    assert download_title("t22_barriers.csv", cb) == "Themamodule: Belangrijkste oorzaken van werkdruk"
    assert download_title("open_t22_open_solution.csv", cb).startswith("Open antwoorden, thema's: ")
    assert download_title("quotes_t22_open_solution.csv", cb).startswith("Open antwoorden, voorbeelden: ")
