"""Tests of the one-page factsheet (peo.report.factsheet): size, reproducible bytes, content."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from peo.report.summary import SYNTHETIC_NOTICE
from peo.survey.codebook import load_codebook
from peo.report.factsheet import (
    A4_INCHES,
    FACTSHEET_SAVE_KWARGS,
    factsheet,
    factsheet_alt_text,
    render_factsheet,
)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_book import key_figures  # noqa: E402  (the same fake key figures as the book tests)


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(REPO / "codebooks" / "core.yml")


def likert_table(codebook) -> pd.DataFrame:
    """A distribution table as published (one row per item and answer, group totaal)."""
    counts = {"ps_general": [2, 4, 9, 80, 53], "ps_relation": [20, 50, 30, 40, 9]}
    rows = []
    for item_id, cs in counts.items():
        item = codebook.item(item_id)
        n = sum(cs)
        for code, c in zip(item.response_scale.codes, cs):
            rows.append(
                {
                    "item": item_id,
                    "item_label": item.short_nl,
                    "group": "totaal",
                    "answer_code": code.code,
                    "answer_label": code.nl,
                    "n": n,
                    "count": c,
                    "share": c / n,
                    "suppressed": False,
                }
            )
    return pd.DataFrame(rows)


def group_table() -> pd.DataFrame:
    rows = []
    for g, share in {"GI": 0.58, "JZ": 0.36, "LT": 0.38, "totaal": 0.44}.items():
        rows.append(
            {
                "item": "ps_needed",
                "item_label": "Ruimte om te doen wat nodig is",
                "group": g,
                "box": "disagree",
                "box_label": "(helemaal) oneens",
                "n": 50,
                "count": round(share * 50),
                "share": share,
                "ci_low": share - 0.13,
                "ci_high": share + 0.13,
                "suppressed": False,
            }
        )
    return pd.DataFrame(rows)


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_factsheet_is_one_a4_portrait_page(codebook):
    fig = factsheet(key_figures(), likert_table(codebook), group_table(), codebook=codebook)
    assert tuple(fig.get_size_inches()) == pytest.approx(A4_INCHES)
    assert A4_INCHES == (8.27, 11.69)
    pdf, png = render_factsheet(fig)
    # A4 in PDF points (72 per inch), one page
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert (float(box.group(1)), float(box.group(2))) == pytest.approx((8.27 * 72, 11.69 * 72))
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    # PNG preview at 100 dpi: 827 x 1169 pixels (width and height in the IHDR chunk)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (827, 1169)


def test_saving_twice_gives_identical_bytes(codebook):
    fig = factsheet(key_figures(), likert_table(codebook), group_table(), codebook=codebook)
    first = render_factsheet(fig)
    assert render_factsheet(fig) == first
    # a second figure from the same key figures: the same bytes too
    assert render_factsheet(factsheet(key_figures(), likert_table(codebook), group_table(), codebook=codebook)) == first
    pdf, png = first
    # no timestamps or software versions in the files
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf and b"/Creator" not in pdf
    assert b"Software" not in png and b"tIME" not in png
    # saving with the published keyword arguments directly gives the same bytes
    buf = io.BytesIO()
    fig.savefig(buf, **FACTSHEET_SAVE_KWARGS["png"])
    assert buf.getvalue() == png


def test_bytes_are_identical_in_a_fresh_process(tmp_path):
    """Another interpreter (other hash seed, fresh font cache state) writes the same files."""
    script = (
        "import sys; sys.path.insert(0, 'tests');"
        "from test_book import key_figures; from peo.report.factsheet import factsheet, render_factsheet;"
        "pdf, png = render_factsheet(factsheet(key_figures()));"
        f"open({str(tmp_path / 'a.pdf')!r}, 'wb').write(pdf); open({str(tmp_path / 'a.png')!r}, 'wb').write(png)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "MPLBACKEND": "agg"}
    subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, check=True, timeout=120)
    pdf, png = render_factsheet(factsheet(key_figures()))
    assert (tmp_path / "a.pdf").read_bytes() == pdf
    assert (tmp_path / "a.png").read_bytes() == png


def test_factsheet_text_carries_the_key_numbers(codebook):
    kf = key_figures()
    fig = factsheet(kf, likert_table(codebook), group_table(), codebook=codebook)
    t = texts(fig)
    # headline figures: share 0.8986 -> 90%, interval 84-94%, n = 148; share 0.4698 -> 47%
    for expected in ["90%", "95%-BI 84–94%", "n = 148", "47%", "95%-BI 39–55%", "n = 149"]:
        assert expected in t, expected
    assert kf["figures"][0]["statement_nl"][:30] in t.replace("\n", " ")
    # the suppressed figure is not on the page
    assert "Ruimte voor reflectie en intervisie" not in t
    # response numbers, fieldwork, wave, theme, threshold
    assert "151 professionals in de analyse (GI 52, JZ 49, LT 50), van 163 ontvangen" in t
    assert "14 februari tot en met 1 april 2022" in t and "Werkdruk en oplossingen" in t
    assert "Aantallen onder 10 worden niet getoond" in t.replace("\n", " ")
    # group labels come from the codebook
    assert "Gecertificeerde instelling (GI)" in t


def test_synthetic_notice_only_for_synthetic_data():
    assert SYNTHETIC_NOTICE in texts(factsheet(key_figures(synthetic=True)))
    assert SYNTHETIC_NOTICE not in texts(factsheet(key_figures(synthetic=False)))
    assert SYNTHETIC_NOTICE in factsheet_alt_text(key_figures(synthetic=True))
    assert SYNTHETIC_NOTICE not in factsheet_alt_text(key_figures(synthetic=False))


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]


def test_likert_bars_match_the_distribution_table(codebook):
    table = likert_table(codebook)
    fig = factsheet(key_figures(), table, None, codebook=codebook)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == codebook.item("ps_general").response_scale.labels()
    for item_id, y in (("ps_general", 1), ("ps_relation", 0)):  # first item drawn on top
        shares = table[table["item"] == item_id].set_index("answer_code")["share"]
        bars = [b for b in _bars(ax) if abs(b.get_y() + b.get_height() / 2 - y) < 1e-9]
        assert sum(b.get_width() for b in bars) == pytest.approx(1.0)
        # left of zero: disagree (codes 1, 2) and half of neutral (3) - Heiberger & Robbins
        left = -min(b.get_x() for b in bars)
        assert left == pytest.approx(shares[1] + shares[2] + shares[3] / 2)
        right = max(b.get_x() + b.get_width() for b in bars)
        assert right == pytest.approx(shares[4] + shares[5] + shares[3] / 2)


def test_group_dots_are_the_shares_per_employer_type(codebook):
    fig = factsheet(key_figures(), None, group_table(), codebook=codebook)
    ax = fig.axes[1]
    dots = sorted(
        float(line.get_xdata()[0]) for line in ax.get_lines() if line.get_marker() == "o" and len(line.get_xdata())
    )
    # totaal is not a group; GI, JZ, LT are
    assert dots == pytest.approx(sorted([0.58, 0.36, 0.38]))


def test_without_tables_the_page_shows_the_headlines_and_differences():
    fig = factsheet(key_figures())
    t = texts(fig)
    assert "Kerncijfers met 95%-betrouwbaarheidsinterval" in t
    assert "Medewerkers van GI's missen het vaakst ruimte" in t.replace("\n", " ")
    widths = sorted(b.get_width() for b in _bars(fig.axes[0]))
    assert widths == pytest.approx(sorted([0.8986, 0.4698]))


def test_tables_without_the_needed_columns_are_refused(codebook):
    with pytest.raises(ValueError, match="answer_code"):
        factsheet(key_figures(), likert_table(codebook).drop(columns="answer_code"))
    with pytest.raises(ValueError, match="group"):
        factsheet(key_figures(), None, group_table().drop(columns="group"))


def test_alt_text_names_the_numbers():
    alt = factsheet_alt_text(key_figures(synthetic=False))
    assert "90% (helemaal) eens (n = 148)" in alt
    assert "151 professionals in de analyse" in alt
    assert "\n" not in alt
    assert np.all([s in alt for s in ("Veldwerk 14 februari", "Medewerkers van GI's")])
