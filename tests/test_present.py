"""Tests of peo.report.present: tables, figures and sentences as the analysis notebooks show them.

Nothing here is a statistic: the module only formats the numbers of protected tables. The
tests check that every shown number is the table's number rounded for display (half up),
that a hidden cell never shows a number, that answers are shown as text (never as Markdown
or HTML), and that every figure carries its alt text into the HTML.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from types import SimpleNamespace

import markdown_it
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from peo.tables import disclosure
from peo.tables.likert import headlines
from peo.tables.sections import theme
from peo.tables.wavedata import Section, load_wave_data
from peo.pipeline import cleaning as pipeline
from peo.report import plots
from peo.report import present  # noqa: E402
from peo.survey.codebook import load_codebook  # noqa: E402
from peo.errors import CodebookError, PeoError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MD = markdown_it.MarkdownIt("commonmark")  # what myst-nb uses for Markdown outputs


@pytest.fixture(scope="module")
def core():
    return load_codebook([ROOT / "codebooks" / "core.yml"])


def _md_text(obj) -> str:
    return obj.data if hasattr(obj, "data") else str(obj)


def _headline_table(**over) -> pd.DataFrame:
    """A by_group table (two groups) as peo.tables.likert makes it; GI's cells hidden."""
    rows = [
        # item, group, box, n, count, share, lo, hi, suppressed
        ("ps_relation", "totaal", "disagree", 148, 71, 71 / 148, 0.4007, 0.5597, False),
        ("ps_relation", "totaal", "rest", 148, 77, 77 / 148, 0.4403, 0.5993, False),
        ("ps_relation", "GI", "disagree", 12, None, None, None, None, True),
        ("ps_relation", "GI", "rest", 12, None, None, None, None, True),
    ]
    df = pd.DataFrame(rows, columns=["item", "group", "box", "n", "count", "share", "ci_low", "ci_high", "suppressed"])
    df["item_label"] = "Ruimte voor de relatie met cliënten"
    df["box_label"] = df["box"].map({"disagree": "(helemaal) oneens", "rest": "overige antwoorden"})
    df["note"] = ""
    # the column order of peo.tables.likert.likert_tables
    df = df[
        [
            "item",
            "item_label",
            "box",
            "box_label",
            "group",
            "n",
            "count",
            "share",
            "ci_low",
            "ci_high",
            "note",
            "suppressed",
        ]
    ]
    for k, v in over.items():
        df[k] = v
    return df


# ============================================================================ formatting


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0004, "< 0,001"),
        (0.001, "0,001"),
        (0.04949, "0,049"),
        (0.0495, "0,050"),
        (1.0, "1,000"),
        (float("nan"), "–"),
        (None, "–"),
    ],
)
def test_format_p(p, text):
    assert present.format_p(p) == text


@pytest.mark.parametrize(
    "text",
    [
        "*nadruk* en _ook_ en `code`",
        "<script>alert(1)</script> &lt;b&gt;vet&lt;/b&gt;",
        "[PERSOON-1] zei [link](https://example.org) en <https://example.org>",
        "# geen kop",
        "- geen lijst",
        "1. geen genummerde lijst",
        "> geen citaat in een citaat",
        "::: geen blok",
        "geen {role}`x` en geen $x$ en ~~doorgehaald~~ | pijp",
    ],
)
def test_md_escape_shows_answers_as_text(text):
    shown = html.unescape(text)
    rendered = MD.render(present.md_escape(text))
    # one paragraph with exactly the characters of the answer: no element made from it
    assert rendered.startswith("<p>") and rendered.count("<p>") == 1
    assert not re.search(r"<(?!/?p>)", rendered), rendered
    assert html.unescape(rendered[3:-5]) == " ".join(shown.split())


def test_md_escape_collapses_white_space_and_handles_missing():
    assert present.md_escape("a\n\n- b\t c") == "a - b c"  # mid-line: no list marker to escape
    assert present.md_escape(None) == "" and present.md_escape(float("nan")) == ""


# ================================================================================= tables


def test_reader_table_formats_for_readers_and_hides_suppressed_cells():
    t = present.reader_table(_headline_table(), threshold=10)
    f = t.frame
    assert list(f.columns) == ["Vraag", "Antwoord", "Groep", "n", "Aantal", "Percentage", "95%-interval"]
    # ids, flags and the empty note column are not shown
    assert not {"item", "box", "suppressed", "note"} & set(f.columns)
    assert f.loc[0].tolist() == [
        "Ruimte voor de relatie met cliënten",
        "(helemaal) oneens",
        "Totaal",
        "148",
        "71",
        "48%",
        "40–56%",
    ]
    # a hidden cell shows no number; n (not hidden) is shown
    assert f.loc[2, ["Aantal", "Percentage", "95%-interval"]].tolist() == ["–", "–", "–"]
    assert f.loc[2, "n"] == "12"
    assert t.footnotes == (
        "– te weinig respondenten (minder dan 10); het aantal en het percentage worden niet getoond.",
    )
    assert "minder dan 10" in t._repr_html_() and "<table" in t._repr_html_()


def test_reader_table_rounds_half_up_only_for_display():
    df = _headline_table().iloc[:2].copy()
    df["share"] = [0.125, 0.875]  # Python's round() gives 12 and 88 (to even); half up gives 13 and 88
    df["ci_low"], df["ci_high"] = [0.0649, 0.8], [0.2, 0.9351]
    f = present.reader_table(df).frame
    assert f["Percentage"].tolist() == ["13%", "88%"]
    assert f["95%-interval"].tolist() == ["6–20%", "80–94%"]
    assert df["share"].tolist() == [0.125, 0.875]  # the table itself is not changed


def test_reader_table_takes_the_threshold_from_a_protected_table():
    raw = pd.DataFrame(
        {
            "item": "q",
            "item_label": "Vraag q",
            "group": "totaal",
            "answer_code": [1, 2, 3],
            "answer_label": ["oneens", "neutraal", "eens"],
            "n": 60,
            "count": [3, 20, 37],
        }
    )
    raw["share"] = raw["count"] / raw["n"]
    protected = disclosure.protect(raw, threshold=5)
    t = present.reader_table(protected)
    assert t.footnotes and "minder dan 5" in t.footnotes[0]
    # the cell of 3 (primary, "–") and one other cell (secondary, "x") are hidden: never a number below 5
    assert list(t.frame["Aantal"]).count("–") == 1 and list(t.frame["Aantal"]).count("x") == 1
    shown = [int(x) for x in t.frame["Aantal"] if x not in ("–", "x")]
    assert all(x >= 5 for x in shown) and len(shown) < 3
    assert "verborgen om een andere cel te beschermen" in t.footnotes[1]


def test_reader_table_statistics_columns():
    tests = pd.DataFrame(
        {
            "family": "f",
            "item": "a",
            "item_label": "Vraag a",
            "test": ["chi2", "kruskal"],
            "statistic": [8.7932, 14.6895],
            "df": [2.0, 2.0],
            "p_value": [0.01232, 0.000646],
            "effect": ["cramers_v", "epsilon_squared"],
            "effect_size": [0.24375, 0.09993],
            "n": 148,
            "note": ["samengevoegd", ""],
            "p_holm": [0.04928, 0.00388],
            "suppressed": False,
        }
    )
    f = present.reader_table(tests).frame
    assert list(f.columns) == [
        "Vraag",
        "Toets",
        "Toetsgrootheid",
        "Vrijheidsgraden",
        "p",
        "p (Holm)",
        "Effectmaat",
        "Effectgrootte",
        "n",
        "Opmerking",
    ]
    assert f.loc[0].tolist() == [
        "Vraag a",
        "chi-kwadraat",
        "8,79",
        "2",
        "0,012",
        "0,049",
        "Cramér's V",
        "0,24",
        "148",
        "samengevoegd",
    ]
    assert f.loc[1, ["Toets", "p", "p (Holm)", "Effectmaat"]].tolist() == [
        "Kruskal-Wallis",
        "< 0,001",
        "0,004",
        "epsilon²",
    ]


def test_reader_table_shows_a_warning_column_only_when_it_says_something():
    base = {
        "outcome": "stay",
        "outcome_label": "Blijven",
        "box": "stays",
        "box_label": "wel",
        "term": "space",
        "term_label": "Ruimte",
        "kind": "predictor",
        "estimate": 0.776,
        "odds_ratio": 2.1727,
        "ci_low": 1.2108,
        "ci_high": 3.8986,
        "p_value": 0.0093,
        "n": 150,
        "suppressed": False,
    }
    quiet = present.reader_table(pd.DataFrame([{**base, "warning": ""}])).frame
    assert "Waarschuwing" not in quiet.columns
    assert quiet.loc[0, "95%-interval"] == "1,21 tot 3,90" and quiet.loc[0, "Odds ratio"] == "2,17"
    loud = present.reader_table(pd.DataFrame([{**base, "warning": "perfecte scheiding"}])).frame
    assert loud.loc[0, "Waarschuwing"] == "perfecte scheiding"


def test_reader_table_unknown_column_is_a_peo_error():
    with pytest.raises(PeoError, match="no column"):
        present.reader_table(_headline_table(), columns=["item_label", "nonsense"])


def test_group_table_is_wide_with_group_names_from_the_codebook(core):
    t = present.group_table(_headline_table(), codebook=core)
    assert list(t.frame.columns) == ["Vraag", "Antwoord", "Totaal", "Gecertificeerde instelling (GI)"]
    assert t.frame.loc[0].tolist() == [
        "Ruimte voor de relatie met cliënten",
        "(helemaal) oneens",
        "48% (40–56%; n = 148)",
        "–",
    ]
    assert len(t.frame) == 1  # the rest box is not repeated
    assert t.footnotes  # a hidden cell: the footnote says why


def test_distribution_table_and_no_valid_answers():
    dist = pd.DataFrame(
        {
            "item": ["a", "a", "b", "b"],
            "item_label": ["Vraag a", "Vraag a", "Vraag b", "Vraag b"],
            "group": "totaal",
            "answer_label": ["oneens", "eens", "oneens", "eens"],
            "n": [40, 40, 0, 0],
            "count": [12, 28, 0, 0],
            "share": [0.3, 0.7, None, None],
            "suppressed": False,
        }
    )
    t = present.distribution_table(dist)
    assert t.frame.to_dict("records") == [
        {"Vraag": "Vraag a", "n": "40", "oneens": "30% (12)", "eens": "70% (28)"},
        {"Vraag": "Vraag b", "n": "0", "oneens": "geen geldige antwoorden", "eens": "geen geldige antwoorden"},
    ]
    assert t.footnotes == ()  # nothing hidden, no footnote
    assert "nan" not in repr(t).lower()


def test_choice_table_has_an_n_row():
    table = pd.DataFrame(
        {
            "theme": ["x", "x", "y", "y"],
            "theme_label": ["X", "X", "Y", "Y"],
            "group": ["totaal", "GI"] * 2,
            "n": [101, 36] * 2,
            "count": [26, 11, 30, None],
            "share": [26 / 101, 11 / 36, 30 / 101, None],
            "suppressed": [False, False, False, True],
        }
    )
    f = present.choice_table(table, threshold=10).frame
    assert f.to_dict("records") == [
        {"Thema": "X", "Totaal": "26% (26)", "GI": "31% (11)"},
        {"Thema": "Y", "Totaal": "30% (30)", "GI": "–"},
        {"Thema": "n", "Totaal": "101", "GI": "36"},
    ]


# ================================================================================ figures


def _figure(alt: str = 'Staafdiagram "x" <y> & z') -> Figure:
    fig = Figure(figsize=(2, 1))
    fig.subplots().bar([0], [1])
    fig.peo_alt_text = alt
    return fig


def test_figure_html_embeds_a_png_with_escaped_alt_text():
    out = present.figure_html(_figure())
    m = re.fullmatch(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)" width="(\d+)" [^>]*/>', out)
    assert m, out
    png = base64.b64decode(m.group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert m.group(2) == html.escape('Staafdiagram "x" <y> & z', quote=True)
    assert html.unescape(m.group(2)) == 'Staafdiagram "x" <y> & z'
    # saved at 200 dpi (SAVEFIG_KWARGS), shown at half the pixel width
    assert int(m.group(3)) == int.from_bytes(png[16:20], "big") // 2


def test_figure_of_a_peo_plot_carries_its_own_alt_text():
    table = _headline_table()
    fig = plots.shares_by_group(headlines(table))
    assert f'alt="{html.escape(plots.alt_text(fig), quote=True)}"' in present.figure_html(fig)


def test_figure_without_alt_text_is_refused():
    with pytest.raises(ValueError, match="alt text"):
        present.figure_html(Figure())


def test_show_figure_displays_html_once_and_closes_the_figure(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    fig = plt.figure()
    fig.subplots().plot([0, 1])
    fig.peo_alt_text = "Lijn"
    present.show_figure(fig)
    assert len(shown) == 1
    bundle = shown[0]._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert 'alt="Lijn"' in bundle["text/html"] and bundle["text/plain"] == "Figuur: Lijn"
    assert not plt.fignum_exists(fig.number)


# ============================================================================== sentences


KEY_FIGURES = {
    "figures": [
        {
            "item": "ps_relation",
            "statement_nl": "bijna de helft (48%) van de professionals mist *ruimte* (71 van 148).",
        },
        {"item": "work_pleasure", "statement_nl": "ongeveer de helft (50%) heeft plezier."},
    ],
    "differences": [{"item": "ps_relation", "statement_nl": "Medewerkers van GI antwoorden het vaakst oneens (64%)."}],
    "associations": [{"outcome": "work_pleasure", "statement_nl": "Wie meer ruimte ervaart, heeft vaker plezier."}],
}


def test_key_statements_select_items_and_escape():
    text = _md_text(present.key_statements(KEY_FIGURES, ["ps_relation"]))
    assert text.splitlines() == [
        "- Bijna de helft (48%) van de professionals mist \\*ruimte\\* (71 van 148).",
        "- Medewerkers van GI antwoorden het vaakst oneens (64%).",
    ]
    outcomes = _md_text(present.key_statements(KEY_FIGURES, pd.DataFrame({"item": ["work_pleasure"]})))
    assert outcomes.splitlines() == [
        "- Ongeveer de helft (50%) heeft plezier.",
        "- Wie meer ruimte ervaart, heeft vaker plezier.",
    ]


def test_headline_statements_never_state_a_hidden_number():
    assert present.headline_statements(_headline_table()) == [
        "Ruimte voor de relatie met cliënten: 48% antwoordt '(helemaal) oneens' (71 van 148; 95%-interval 40–56%)."
    ]
    assert present.headline_statements(_headline_table(), group="GI") == [
        "Ruimte voor de relatie met cliënten: te weinig respondenten om het aandeel '(helemaal) oneens' te tonen."
    ]


def test_tests_summary_uses_holm_p_values():
    tests = pd.DataFrame(
        {
            "family": "fam",
            "item": ["a", "a", "b", "b", "c", "c"],
            "item_label": ["A", "A", "B", "B", "C", "C"],
            "test": ["chi2", "kruskal"] * 3,
            "p_value": [0.01, 0.02, 0.03, 0.2, 0.001, 0.002],
            "p_holm": [0.049, 0.06, 0.09, 0.4, None, None],
            "effect": ["cramers_v", "epsilon_squared"] * 3,
            "effect_size": [0.24, 0.1, 0.2, 0.01, None, None],
            "suppressed": [False] * 4 + [True] * 2,
        }
    )
    lines = _md_text(present.tests_summary(tests)).splitlines()
    assert lines[0] == "- Holm-correctie binnen de familie 'fam' (4 toetsen)."
    assert (
        lines[1].startswith("- Verschil tussen de typen werkgevers")
        and ": A (chi-kwadraat: p (Holm) = 0,049" in lines[1]
    )
    assert "B" not in lines[1]
    assert lines[2] == "- Geen verschil aangetoond: B."
    assert lines[3] == "- Niet getoond (te weinig respondenten): C."


def test_odds_statement_states_the_warning_and_never_a_hidden_number():
    row = {
        "outcome_label": "Blijven",
        "box_label": "wel",
        "term_label": "Ruimte",
        "kind": "predictor",
        "odds_ratio": 2.1727,
        "ci_low": 1.2108,
        "ci_high": 3.8986,
        "p_value": 0.0093,
        "n": 150,
        "warning": "",
        "suppressed": False,
    }
    text = _md_text(present.odds_statement(pd.DataFrame([row])))
    assert "2,17 keer zo groot (95%-interval 1,21 tot 3,90; p = 0,009; n = 150)" in text
    assert "samenhang, geen bewezen oorzaak" in text
    warned = _md_text(present.odds_statement(pd.DataFrame([{**row, "warning": "perfecte scheiding"}])))
    assert "Let op bij 'Blijven': perfecte scheiding" in warned
    hidden = _md_text(present.odds_statement(pd.DataFrame([{**row, "odds_ratio": None, "suppressed": True}])))
    assert "te weinig respondenten" in hidden and "2,17" not in hidden
    assert "geen model" in _md_text(present.odds_statement(None))


def test_by_space_and_reliability_statements():
    by_space = pd.DataFrame(
        {
            "outcome": "w",
            "outcome_label": "Werkplezier",
            "box_label": "(heel) veel",
            "space_level": ["weinig", "veel"],
            "share": [0.2609, None],
            "suppressed": [False, True],
        }
    )
    assert _md_text(present.by_space_statements(by_space)) == (
        "- Werkplezier, aandeel '(heel) veel': weinig 26%, veel te weinig respondenten."
    )
    rel = pd.DataFrame(
        {
            "construct_label": "Ruimte",
            "k": 4,
            "n": 147,
            "alpha": 0.72652,
            "alpha_ci_low": 0.64645,
            "alpha_ci_high": 0.79219,
            "omega": 0.73035,
            "suppressed": False,
        },
        index=[0],
    )
    assert _md_text(present.reliability_statements(rel)) == (
        "- Ruimte (4 vragen, n = 147): Cronbachs alfa 0,73 (95%-interval 0,65 tot 0,79), McDonalds omega 0,73."
    )


def test_wave_summary_hides_small_groups(core):
    wave = SimpleNamespace(
        title="PEO test_meting",
        fieldwork_start=dt.date(2022, 2, 14),
        fieldwork_end=dt.date(2022, 4, 1),
        theme_nl="Werkdruk",
        synthetic=True,
    )
    # as a data package has them (key_figures.json): a group below the threshold is None
    data = SimpleNamespace(
        wave=wave, codebook=core, group_counts={"GI": 12, "JZ": None, "LT": 20}, n_analysed=35, threshold=10
    )
    text = _md_text(present.wave_summary(data, with_theme=True))
    assert "**PEO test\\_meting**" in text
    assert "14 februari tot en met 1 april 2022" in text
    assert "35 respondenten (GI 12, JZ –, LT 20)" in text
    assert "Werkdruk" in text and "synthetische" in text


def test_items_by_scale(core):
    table = pd.DataFrame({"item": ["stay", "work_pleasure", "workload", "ps_general", "ps_relation"]})
    assert present.items_by_scale(table, core) == [
        ["ps_general", "ps_relation"],
        ["work_pleasure"],
        ["workload"],
        ["stay"],
    ]
    with pytest.raises(CodebookError, match="not in the codebook"):
        present.items_by_scale(pd.DataFrame({"item": ["nope"]}), core)


# ======================================================================== theme and open


def test_quotes_markdown_are_escaped_block_quotes():
    quotes = pd.DataFrame(
        {
            "theme": ["a", "a", "b"],
            "theme_label": ["Thema *A*", "Thema *A*", "Thema B"],
            "quote": ["Minder regels &amp; meer [PERSOON-1].", "&lt;script&gt;x&lt;/script&gt; **hard**", "Verborgen"],
        }
    )
    md = _md_text(present.quotes_markdown(quotes, hide_themes=["b"]))
    rendered = MD.render(md)
    assert rendered.count("<blockquote>") == 2
    assert "<script>" not in rendered and "<strong>hard" not in rendered and "<em>" not in rendered
    assert "[PERSOON-1]" in rendered and "&lt;script&gt;" in rendered and "&amp; meer" in rendered
    assert "Verborgen" not in md and "Thema B: geen voorbeelden" in md


def test_coding_table_and_unknown_coding():
    from peo.tables.text import load_themes

    themes = load_themes(ROOT / "codebooks" / "open_themes.yml")
    t = present.coding_table("solutions", themes)
    assert list(t.frame.columns) == ["Thema", "Omschrijving", "Aantal zoekregels"]
    assert t.frame["Thema"].tolist() == [th.nl for th in themes["solutions"].themes]
    assert t.frame["Aantal zoekregels"].iloc[-1] == "0"  # "Overig" has no rules
    with pytest.raises(PeoError, match="no coding 'nope'"):
        present.coding_table("nope", themes)


def test_theme_parts_reject_an_item_type_they_cannot_show(core):
    item = dataclasses.replace(core.item("ps_general"), role="theme", type="ranking")
    cb = dataclasses.replace(core, items=(*core.items, dataclasses.replace(item, id="t_rank")))
    with pytest.raises(PeoError, match="item type\\(s\\) ranking"):
        present.theme_parts(Section(codebook=cb), cb)


def test_theme_parts_without_theme_items_or_with_open_items_only(core):
    none = present.theme_parts(Section(codebook=core), core)
    assert len(none) == 1 and "geen themamodule" in _md_text(none[0])
    open_item = dataclasses.replace(
        core.item("ps_general"),
        id="t_open",
        role="theme",
        type="open",
        response_scale=None,
        short_nl="Opmerking",
        text_nl="Wilt u nog iets kwijt?",
    )
    cb = dataclasses.replace(core, items=(*core.items, open_item))
    parts = present.theme_parts(Section(codebook=cb), cb)
    assert len(parts) == 1
    assert "hoofdstuk Open antwoorden" in _md_text(parts[0]) and "Wilt u nog iets kwijt?" in _md_text(parts[0])


def test_theme_parts_of_a_tiny_wave_hide_everything_without_error(tiny_wave):
    """Three respondents: every cell is below the threshold; the page says so, no figure of nothing."""
    pipeline.clean_wave("9999")
    data = load_wave_data("9999")
    parts = present.theme_parts(theme(data), data.codebook)
    tables = [p for p in parts if isinstance(p, present.ReaderTable)]
    texts = "\n".join(_md_text(p) for p in parts if hasattr(p, "data"))
    assert not any(isinstance(p, Figure) for p in parts)
    assert "Te weinig respondenten" in texts and "hoofdstuk Open antwoorden" in texts
    assert len(tables) == 1 and set(tables[0].frame.drop(columns="Antwoord").to_numpy().ravel()) == {"–"}
    assert tables[0].footnotes


def test_open_parts_without_open_items(core):
    parts = present.open_parts(Section(codebook=core), core)
    assert len(parts) == 1 and "geen open vragen" in _md_text(parts[0])
