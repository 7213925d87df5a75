"""Tests of the one-page factsheet (peo.report.factsheet): one A4 page, every key figure, the
space-and-outcomes finding, the theme's top answers, the recommendations hook, no text over
other text or out of its box (bounding boxes from matplotlib's renderer), a tagged PDF with
title, author and language, and the same bytes on every build.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import types
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from peo.errors import ConfigError
from peo.report import factsheet as fs
from peo.report.factsheet import A4_INCHES, factsheet, factsheet_text, render_factsheet, text_boxes
from peo.report.summary import SYNTHETIC_NOTICE

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_book import key_figures  # noqa: E402  (the same fake key figures as the book tests)
from test_report_pdf import _objects  # noqa: E402  (inflates a PDF's object streams)


def _figure(item: str, label: str, box: str, share: float, statement: str) -> dict:
    return {
        "id": f"{item}.{box}.totaal",
        "item": item,
        "item_label": label,
        "box": box,
        "box_label": box,
        "group": "totaal",
        "n": 150,
        "count": round(share * 150),
        "share": share,
        "ci_low": share - 0.07,
        "ci_high": share + 0.07,
        "suppressed": False,
        "statement_nl": statement,
    }


def full_key_figures() -> dict:
    """Seven key figures as a wave has them, intention to stay last (the old limit of six dropped it)."""
    kf = key_figures()
    kf["figures"] = [f for f in kf["figures"] if not f["suppressed"]] + [
        _figure("ps_needed", "Ruimte om te doen wat nodig is", "(helemaal) oneens", 0.44, "Ruim vier op de tien (44%) zegt niet genoeg ruimte te hebben om te doen wat nodig is voor jeugdigen en ouders (66 van 150)."),
        _figure("ps_reflection", "Reflectie", "(helemaal) oneens", 0.36, "Meer dan een derde (36%) ervaart te weinig ruimte voor reflectie en intervisie (53 van 149)."),
        _figure("work_pleasure", "Werkplezier", "(heel) veel", 0.50, "Ongeveer de helft (50%) heeft (heel) veel plezier in het werk (75 van 150)."),
        _figure("workload", "Werkdruk", "(veel) te hoog", 0.60, "6 op de 10 (60%) ervaart de werkdruk als (veel) te hoog (90 van 150)."),
        _figure("stay", "Over een jaar nog in de jeugdhulp", "(waarschijnlijk) wel", 0.82, "8 op de 10 (82%) ziet zichzelf over een jaar nog in de jeugdhulp werken (123 van 150)."),
    ]  # fmt: skip
    kf["differences"] = [
        {"item": "ps_relation", "item_label": "Ruimte voor de relatie met cliënten", "supported": True},
        {"item": "ps_reflection", "item_label": "Ruimte voor reflectie", "supported": False},
    ]
    return kf


def space_outcomes() -> pd.DataFrame:
    """The published outcome_by_space table (the 2022 demo's shares)."""
    levels = ["weinig ruimte (score < 3)", "gemiddeld (3 tot 4)", "veel ruimte (score 4 of hoger)"]
    rows = []
    for outcome, label, box, shares in (
        ("work_pleasure", "Werkplezier", "(heel) veel", (0.26, 0.55, 0.73)),
        ("workload", "Ervaren werkdruk", "(veel) te hoog", (0.83, 0.59, 0.30)),
        ("stay", "Over een jaar nog in de jeugdhulp", "(waarschijnlijk) wel", (0.70, 0.85, 0.94)),
    ):
        for level, share in zip(levels, shares):
            rows.append(
                {"outcome": outcome, "outcome_label": label, "box": "x", "box_label": box, "space_level": level}
                | {"n": 50, "count": round(share * 50), "share": share, "suppressed": False}
            )
    return pd.DataFrame(rows)


def multi(item: str, label: str, answers: dict[str, float], hidden: str | None = None) -> pd.DataFrame:
    rows = []
    for code, (answer, share) in enumerate(answers.items(), start=1):
        for group in ("totaal", "GI"):
            rows.append(
                {"item": item, "item_label": label, "group": group, "answer_code": code, "answer_label": answer}
                | {"n": 146, "share": share if group == "totaal" else 0.99, "suppressed": answer == hidden}
            )
    return pd.DataFrame(rows)


BARRIERS = {"Wachtlijsten": 0.38, "Regels en administratie": 0.70, "Te hoge caseload": 0.58, "Te weinig tijd": 0.63}
SOLUTIONS = {"Lagere caseload": 0.58, "Sterke, stabiele teams": 0.62, "Betere ondersteuning": 0.55, "Geheim": 0.9}
RECS = [
    "Gemeenten: maak ruimte voor wat professionals nodig vinden, met heldere en haalbare afspraken.",
    "Aanbieders: geef sterke, stabiele teams tijd en aandacht voor reflectie.",
]


def sheet(kf: dict | None = None, **kw) -> object:
    args = {
        "space_outcomes": space_outcomes(),
        "theme_tables": [
            multi("t22_barriers", "Belangrijkste oorzaken van werkdruk", BARRIERS),
            multi("t22_solutions", "Voorgestelde oplossingen", SOLUTIONS, hidden="Geheim"),
        ],
        "recommendations": RECS,
        "publication": {
            "organisation": "Kennisnetwerk Jeugd Haaglanden",
            "date": "1 juni 2022",
            "url": "https://peo.example",
        },
        "total": "totaal",
    } | kw
    return factsheet(kf or full_key_figures(), **args)


def texts(fig) -> str:
    return " ".join(" ".join(t.get_text().split()) for t in fig.texts)


def assert_no_text_overlaps_or_leaves_its_box(fig) -> int:
    """Every text within its box and the page, and no two texts overlapping (renderer extents,
    measured in the style the sheet is rendered in)."""
    with fs._rc():
        renderer = FigureCanvasAgg(fig).get_renderer()
        extents = [(t, box, t.get_window_extent(renderer)) for t, box in text_boxes(fig)]
    page = fig.bbox
    boxes = []
    for t, (x0, x1), bb in extents:
        name = t.get_text()[:40]
        assert bb.x0 >= x0 * page.width - 0.5 and bb.x1 <= x1 * page.width + 0.5, f"{name!r} leaves its box"
        assert bb.y0 >= 0 and bb.y1 <= page.height, f"{name!r} leaves the page"
        boxes.append((name, bb))
    assert len(boxes) == len([t for t in fig.texts if t.get_text().strip()]), "a text without its box"
    for (a, ba), (b, bb) in combinations(boxes, 2):
        overlap_x = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        overlap_y = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        assert overlap_x <= 0.5 or overlap_y <= 0.5, f"{a!r} overlaps {b!r}"
    return len(boxes)


# ------------------------------------------------------------------------------ content


def test_every_key_figure_is_on_the_sheet_intention_to_stay_included():
    kf = full_key_figures()
    t = texts(sheet(kf))
    shown = [f for f in kf["figures"] if not f["suppressed"]]
    assert len(shown) == 7
    for f in shown:
        assert " ".join(f["statement_nl"].split()) in t
    assert "82%" in t and "8 op de 10 (82%) ziet zichzelf over een jaar" in t
    assert "Ruimte voor reflectie en intervisie" not in t  # the suppressed figure of the fixture


def test_space_and_outcomes_finding_with_the_association_sentences():
    t = texts(sheet())
    for row in (("Werkplezier", "26%", "55%", "73%"), ("Ervaren werkdruk", "83%", "59%", "30%")):
        at = t.index(row[0] + ":")
        for part in row[1:]:  # label, then low, middle, high space, each the next number
            nxt = t.index(part, at)
            assert "%" not in t[at + len(row[0]) : nxt].replace(part, ""), row
            at = nxt
    assert "70%" in t and "94%" in t
    assert "Meer ervaren ruimte gaat samen met meer werkplezier." in t  # from key_figures.json, not composed here


def test_the_themes_three_most_chosen_answers_of_all_respondents():
    t = texts(sheet())
    assert "Belangrijkste oorzaken van werkdruk" in t and "Voorgestelde oplossingen" in t
    assert t.index("70% Regels en administratie") < t.index("63% Te weinig tijd") < t.index("58% Te hoge caseload")
    assert "Wachtlijsten" not in t  # fourth
    assert "90% Geheim" not in t and "99%" not in t  # suppressed answer, other group's share
    # The hidden answer is named with its reason, never silently left out (issue 11, part 4).
    assert "Niet getoond, te weinig respondenten (minder dan 10): Geheim." in t


def test_differences_are_the_sentence_the_tests_support():
    from peo.tables.claims import differences_line

    kf = full_key_figures()
    line = differences_line(kf["differences"])
    assert line and " ".join(line.split()) in texts(sheet(kf))


def test_recommendations_organisation_date_and_address():
    t = texts(sheet())
    for r in RECS:
        assert r in t
    assert "Kennisnetwerk Jeugd Haaglanden" in t and "1 juni 2022" in t and "https://peo.example" in t


def test_without_the_researchers_text_the_sheet_says_that_recommendations_are_missing(monkeypatch):
    monkeypatch.setattr(fs, "RESEARCHERS_MODULE", "peo.report.no_such_module")
    assert fs.recommendation_lines("2022", key_figures()) is None
    assert fs.publication_details("2022") == {"organisation": fs._t("organisation")}
    t = texts(sheet(recommendations=None))
    assert fs._t("recommendations_missing") in t
    assert fs._t("recommendations_none") in texts(sheet(recommendations=[]))


def test_the_hook_reads_the_recommendations_of_the_researchers_text(monkeypatch):
    fake = types.ModuleType("peo_fake_researchers")
    fake.recommendations = lambda wave, kf, package: ["Een.", "Twee.", "Drie.", "Vier."]
    monkeypatch.setitem(sys.modules, "peo_fake_researchers", fake)
    monkeypatch.setattr(fs, "RESEARCHERS_MODULE", "peo_fake_researchers")
    assert fs.recommendation_lines("2022", key_figures()) == ["Een.", "Twee.", "Drie."]


def test_synthetic_notice_only_for_synthetic_data():
    assert SYNTHETIC_NOTICE in texts(sheet(key_figures(synthetic=True)))
    assert SYNTHETIC_NOTICE not in texts(sheet(key_figures(synthetic=False)))


# ------------------------------------------------------------------------------- layout


def test_no_text_overlaps_another_or_leaves_its_box():
    assert assert_no_text_overlaps_or_leaves_its_box(sheet()) > 40


def test_long_content_is_set_smaller_and_still_fits():
    kf = full_key_figures()
    for f in kf["figures"]:
        f["statement_nl"] = f["statement_nl"] + " " + "Een langere toelichting die de regel vult." * 3
    kf["figures"] += copy.deepcopy(kf["figures"][:3])  # ten key figures
    recs = [r + " " + "Met een uitgebreide toelichting voor elke doelgroep." * 2 for r in RECS + RECS[:1]]
    fig = sheet(kf, recommendations=recs)
    assert assert_no_text_overlaps_or_leaves_its_box(fig) > 50
    sizes = {round(t.get_fontsize(), 2) for t in fig.texts}
    assert max(sizes) < 19  # the key-figure numbers were set smaller than normal


def test_content_that_cannot_fit_is_a_config_error_naming_what_to_shorten():
    with pytest.raises(ConfigError, match="aanbevelingen.md"):
        sheet(recommendations=["Een heel lange aanbeveling. " * 120] * 3)


def test_a_word_longer_than_its_box_is_cut_not_run_out():
    kf = full_key_figures()
    kf["figures"][0]["statement_nl"] = "x" * 200
    assert_no_text_overlaps_or_leaves_its_box(sheet(kf))


# ---------------------------------------------------------------------------------- files


def _pdf_tool(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} (poppler-utils) is missing: install it with tools/install_frog.sh"
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


def test_one_a4_page_tagged_with_title_author_language_and_its_text(tmp_path):
    kf = full_key_figures()
    fig = sheet(kf)
    assert tuple(fig.get_size_inches()) == pytest.approx(A4_INCHES)
    pdf, png = render_factsheet(fig, kf)
    path = tmp_path / "factsheet.pdf"
    path.write_bytes(pdf)
    info = _pdf_tool("pdfinfo", str(path))
    assert "Pages:           1" in info and "(A4)" in info
    assert "Tagged:          yes" in info
    assert f"Title:           Factsheet {kf['title']}" in info
    assert "Author:          Kennisnetwerk Jeugd Haaglanden" in info
    assert b"/Lang (nl)" in _objects(pdf)
    fonts = _pdf_tool("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(r.split()[-5] == "yes" for r in fonts)
    text = " ".join(_pdf_tool("pdftotext", str(path), "-").split())
    for f in kf["figures"]:
        if not f["suppressed"]:
            assert " ".join(f["statement_nl"].split()) in text  # searchable text, not outlines
    alt = factsheet_text(fig)
    assert alt.startswith(fs._t("banner").split()[0]) and "82%" in alt
    # PNG preview at 100 dpi: 827 x 1169 pixels (IHDR)
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (827, 1169)


def test_rendering_twice_gives_identical_bytes_without_dates():
    kf = full_key_figures()
    first = render_factsheet(sheet(kf), kf)
    assert render_factsheet(sheet(kf), kf) == first
    pdf, png = first
    assert b"CreationDate" not in _objects(pdf) and b"ModDate" not in _objects(pdf)
    assert b"tIME" not in png and b"Software" not in png


def test_bytes_are_identical_in_a_fresh_process(tmp_path):
    """Another interpreter (other hash seed, fresh font cache state) writes the same files."""
    script = (
        "import sys; sys.path.insert(0, 'tests');"
        "from test_factsheet import sheet, full_key_figures; from peo.report.factsheet import render_factsheet;"
        "kf = full_key_figures(); pdf, png = render_factsheet(sheet(kf), kf);"
        f"open({str(tmp_path / 'a.pdf')!r}, 'wb').write(pdf); open({str(tmp_path / 'a.png')!r}, 'wb').write(png)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "MPLBACKEND": "agg"}
    subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, check=True, timeout=300)
    kf = full_key_figures()
    pdf, png = render_factsheet(sheet(kf), kf)
    assert (tmp_path / "a.pdf").read_bytes() == pdf
    assert (tmp_path / "a.png").read_bytes() == png


def test_the_pdf_page_has_no_text_outside_the_margins(tmp_path):
    """The PDF's text (WeasyPrint's fonts) stays inside the page margins too (pdftotext -bbox)."""
    kf = full_key_figures()
    path = tmp_path / "f.pdf"
    path.write_bytes(render_factsheet(sheet(kf), kf)[0])
    html = _pdf_tool("pdftotext", "-bbox", str(path), "-")
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', html)]
    assert right and max(right) <= 0.945 * A4_INCHES[0] * 72


@pytest.mark.slow
@pytest.mark.parametrize("wave", ["2021", "2022", "2023"])
def test_the_demo_factsheets_fit_and_are_tagged(built_demo, wave):
    """The sheet of every demo wave, from its published data package: no text over other text or
    out of its box, and the published PDF tagged with its title."""
    import json

    from peo.survey.codebook import load_codebook

    tables = built_demo / "data" / "processed" / wave / "tables"
    kf = json.loads((tables / "key_figures.json").read_text(encoding="utf-8"))
    theme = load_codebook([built_demo / "codebooks" / "core.yml", built_demo / "data" / "raw" / wave / "theme.yml"])
    multi = [pd.read_csv(tables / f"{i.id}.csv") for i in theme.by_role("theme") if i.type == "multi"]
    fig = factsheet(kf, pd.read_csv(tables / "outcome_by_space.csv"), multi, recommendations=None)
    assert assert_no_text_overlaps_or_leaves_its_box(fig) > 30
    info = _pdf_tool("pdfinfo", str(tables / "factsheet.pdf"))
    assert "Tagged:          yes" in info and f"Title:           Factsheet {kf['title']}" in info
    text = " ".join(_pdf_tool("pdftotext", str(tables / "factsheet.pdf"), "-").split())
    for f in kf["figures"]:
        if not f.get("suppressed") and f.get("group") == "totaal":
            assert " ".join(f["statement_nl"].split()) in text


# ------------------------------------------------------------------------------ hidden numbers


def test_hidden_cells_read_dash_or_x_with_their_reason_never_blank():
    """Issue 11, part 4: a hidden cell is marked, primary and secondary apart, and explained."""
    table = space_outcomes()
    table["suppression"] = ""
    first = (table["outcome"] == "stay") & (table["space_level"].str.startswith("weinig"))
    second = (table["outcome"] == "stay") & (table["space_level"].str.startswith("gemiddeld"))
    table.loc[first | second, ["suppressed", "share"]] = [True, None]
    table.loc[first, "suppression"] = "primary"
    table.loc[second, "suppression"] = "secondary"
    fig = sheet(space_outcomes=table)
    t = texts(fig)
    cells = [x.get_text() for x in fig.texts]
    assert "85%" not in cells and "94%" in cells
    assert "–" in cells and "x" in cells
    assert "– = te weinig respondenten (minder dan 10) · x = verborgen om een andere cel te beschermen" in t
    assert_no_text_overlaps_or_leaves_its_box(fig)
    # Nothing hidden: no legend of marks.
    assert "verborgen om een andere cel" not in texts(sheet())


def test_a_hidden_key_figure_is_named_with_its_reason():
    by_group = pd.DataFrame(
        [
            {"item": "stay", "item_label": "Blijven", "box": "stays", "box_label": "wel", "group": "totaal"}
            | {"n": 150, "count": None, "share": None, "suppressed": True, "suppression": "secondary"},
            {"item": "stay", "item_label": "Blijven", "box": "rest", "box_label": "overig", "group": "totaal"}
            | {"n": 150, "count": None, "share": None, "suppressed": True, "suppression": "primary"},
        ]
    )
    fig = sheet(by_group_tables=[by_group])
    t = texts(fig)
    assert "Niet getoond, verborgen om een andere cel te beschermen: Blijven: wel." in t
    assert "overig" not in t  # the rest is not a key figure
    assert_no_text_overlaps_or_leaves_its_box(fig)
