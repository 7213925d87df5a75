"""The report PDF (peo.report.pdf): which pages, how a built page is made fit for print, and a
tagged PDF/UA with title, author, language, bookmarks and embedded fonts (checked with poppler's
``pdfinfo``/``pdffonts``/``pdftotext``, which ``make test`` installs with tools/install_frog.sh).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from peo.errors import ConfigError
from peo.report import pdf

TOC = {
    "format": "jb-book",
    "root": "index",
    "parts": [
        {
            "caption": "Rapport",
            "chapters": [
                {
                    "file": "waves/2022/index",
                    "sections": [
                        {"file": "waves/2022/02_professional_space"},
                        {"file": "waves/2022/colophon"},
                        {"file": "waves/2022/factsheet"},
                    ],
                },
                {"file": "waves/2021/index", "sections": [{"file": "waves/2021/02_professional_space"}]},
            ],
        },
        {"caption": "Trends", "chapters": [{"file": "waves/trends"}]},
        {
            "caption": "Bijlagen",
            "chapters": [
                {"file": "appendix/methods"},
                {
                    "file": "generated/codebook",
                    "sections": [{"file": "generated/codebook_2022"}, {"file": "generated/codebook_2021"}],
                },
                {"file": "generated/flow"},
                {"file": "generated/downloads"},
                {"file": "generated/reproduce"},
                {"file": "appendix/bibliography"},
            ],
        },
    ],
}


def test_wave_documents_in_book_order_with_the_colophon_first_and_no_web_only_pages():
    docs = pdf.wave_documents(TOC, "2022", ["2021", "2022"])
    assert docs == [
        "waves/2022/colophon",
        "waves/2022/index",
        "waves/2022/02_professional_space",
        "waves/2022/factsheet",
        "appendix/methods",
        "generated/codebook",
        "generated/codebook_2022",
        "generated/flow",
        "appendix/bibliography",
    ]
    assert "generated/codebook_2022" not in pdf.wave_documents(TOC, "2021", ["2021", "2022"])


def test_a_wave_without_chapter_is_a_config_error():
    with pytest.raises(ConfigError, match="waves/2030/index"):
        pdf.wave_documents(TOC, "2030", ["2022", "2030"])


PAGE = """<!DOCTYPE html><html lang="nl"><head><title>x</title><script>bad()</script></head><body>
<nav class="bd-sidebar">Navigatie</nav>
<main><article class="bd-article" role="main">
<section id="kop"><h1>Professionele ruimte<a class="headerlink" href="#kop">#</a></h1>
<p>Zie <a class="reference internal" href="../2021/index.html">de vorige meting</a> en
<a href="https://example.org/">de website</a>.</p>
<div class="cell tag_hide-input"><details class="hide above-input"><summary>Toon de code</summary>
<div class="cell_input"><pre>import peo</pre></div></details>
<div class="cell_output"><img alt="Figuur met aandelen" src="../../_images/fig.png"></div></div>
<img alt="elders" src="https://example.org/x.png">
<p class="peo-web-only">Het hele rapport als pdf: <a href="peo-2022-rapport.pdf" download>rapport</a>.</p>
<ul><li><a class="reference internal" href="03_outcomes.html">Werkplezier</a></li>
<li><a class="reference download internal" href="../../_downloads/x.csv"><code>x.csv</code></a></li></ul>
<ul><li>Regels en administratie: 70%</li></ul>
<img alt="Figuur in de pagina" src="data:image/png;base64,iVBORw0KGgo=">
</section></article></main></body></html>"""


def test_article_keeps_the_body_and_outputs_and_drops_navigation_code_and_remote_images(tmp_path):
    page = tmp_path / "waves" / "2022" / "02_professional_space.html"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE, encoding="utf-8")
    img = tmp_path / "_images" / "fig.png"
    img.parent.mkdir()
    img.write_bytes(b"png")
    text, images = pdf.article(page, 3)
    assert "Professionele ruimte" in text and "Navigatie" not in text and "bad()" not in text
    assert "import peo" not in text and "Toon de code" not in text and "headerlink" not in text
    assert images == [img.resolve()]
    assert f'src="{img.resolve().as_uri()}"' in text and 'alt="Figuur met aandelen"' in text
    assert "example.org/x.png" not in text
    assert '<span class="link">de vorige meting</span>' in text
    assert '<a href="https://example.org/">de website</a>' in text
    assert 'id="p3-kop"' in text
    assert "Het hele rapport" not in text  # web-only
    assert "Werkplezier" not in text and "x.csv" not in text  # a list of links only
    assert "Regels en administratie: 70%" in text
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in text  # embedded figures stay


def test_the_wave_page_links_its_report_pdf_for_the_web_only():
    from peo.report.pages import wave_index_page

    page = wave_index_page("2022", {"wave": "2022", "response": {}})
    assert '<p class="peo-web-only">' in page
    assert '<a href="peo-2022-rapport.pdf" download>' in page


def test_a_page_without_article_is_a_config_error(tmp_path):
    page = tmp_path / "x.html"
    page.write_text("<html><body><p>leeg</p></body></html>", encoding="utf-8")
    with pytest.raises(ConfigError, match="no <article>"):
        pdf.article(page, 1)


def _objects(data: bytes) -> bytes:
    """The PDF with its compressed object streams inflated (the catalog sits in one)."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def bookmarks(data: bytes) -> list[str]:
    """The titles of the PDF's outline entries (bookmarks): ``/Title`` beside ``/Parent``."""
    out = []
    for m in re.finditer(rb"<<([^<>]*?/Parent [^<>]*?)>>", _objects(data)):
        t = re.search(rb"/Title (\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]*>)", m.group(1))
        if not t:
            continue
        raw = t.group(1)
        if raw.startswith(b"<"):
            out.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16"))
        else:
            out.append(raw[1:-1].decode("latin-1"))
    return out


def _poppler(tool: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} (poppler-utils) is missing: install it with tools/install_frog.sh"
    return exe


def test_render_pdf_is_tagged_with_metadata_bookmarks_and_embedded_fonts(tmp_path):
    doc = pdf.report_html(
        "PEO 2022, tweede meting",
        "Kennisnetwerk Jeugd Haaglanden",
        '<section class="cover"><h1>PEO 2022</h1><p>Voorblad</p></section>',
        [
            '<section class="page"><h1>Samenvatting</h1><p>Negen op de tien (90%) vinden genoeg ruimte.</p>'
            "<h2>Werkdruk</h2><p>Tekst.</p></section>"
        ],
    )
    data = pdf.render_pdf(doc, tmp_path)
    assert data == pdf.render_pdf(doc, tmp_path)  # byte-identical for the same document
    out = tmp_path / "r.pdf"
    out.write_bytes(data)
    info = subprocess.run([_poppler("pdfinfo"), str(out)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Title:           PEO 2022, tweede meting" in info
    assert "Author:          Kennisnetwerk Jeugd Haaglanden" in info
    assert b"/Lang (nl)" in _objects(data)
    assert b"/Outlines" in _objects(data)
    assert {"PEO 2022", "Samenvatting", "Werkdruk"} <= set(bookmarks(data))
    fonts = subprocess.run([_poppler("pdffonts"), str(out)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts  # column "emb"
    text = subprocess.run([_poppler("pdftotext"), str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Negen op de tien (90%)" in text


def test_report_pdf_name_is_dutch_and_per_wave():
    assert pdf.report_pdf_name("2022") == "peo-2022-rapport.pdf"
    assert Path(pdf.report_pdf_name("2023-2")).suffix == ".pdf"


# ------------------------------------------------------------------ the demo book (slow)

WAVES = ("2021", "2022", "2023")


def _run(tool: str, *args: str) -> str:
    return subprocess.run([_poppler(tool), *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
@pytest.mark.parametrize("wave", WAVES)
def test_every_wave_has_a_tagged_report_pdf_with_its_key_figures(built_demo, wave):
    import json

    from peo.report.summary import headlines

    html = built_demo / "book" / "_build" / "html" / "waves" / wave
    target = html / pdf.report_pdf_name(wave)
    assert target.is_file(), f"no report PDF for wave {wave}"
    assert f'href="{pdf.report_pdf_name(wave)}"' in (html / "index.html").read_text(encoding="utf-8")
    kf = json.loads((built_demo / "data/processed" / wave / "tables/key_figures.json").read_text(encoding="utf-8"))
    data = target.read_bytes()
    info = _run("pdfinfo", str(target))
    assert "Tagged:          yes" in info
    assert f"Title:           {kf['title']}" in info
    assert "Author:          Kennisnetwerk Jeugd Haaglanden" in info
    assert b"/Lang (nl)" in _objects(data)
    marks = bookmarks(data)
    assert kf["title"] in marks and len(marks) >= 10, marks
    fonts = _run("pdffonts", str(target)).splitlines()[2:]
    assert fonts and all(r.split()[-5] == "yes" for r in fonts), fonts
    text = " ".join(_run("pdftotext", str(target), "-").split())
    figures = headlines(kf, None)
    assert figures, f"wave {wave} has no key figures to check"
    for f in figures:  # every key figure, with its number, exactly as key_figures.json says it
        assert " ".join(f["statement_nl"].split()) in text, f["statement_nl"]
    assert "synthetische demonstratiegegevens" in text


@pytest.mark.slow
def test_the_report_pdf_is_not_rendered_again_when_nothing_changed(built_demo, monkeypatch):
    from peo.pipeline import bookbuild
    from peo.survey import config

    waves = [config.load_wave(w, built_demo / "data" / "raw") for w in WAVES]
    html = built_demo / "book" / "_build" / "html"
    before = {w: (html / "waves" / w / pdf.report_pdf_name(w)).read_bytes() for w in WAVES}

    def no_render(job):
        raise AssertionError(f"rendered again: {job[1][0]}")

    monkeypatch.setattr(pdf, "_render_wave", no_render)
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 1)  # render, if at all, in this process
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # as the build had it (cover date)
    written = bookbuild.write_pdfs(built_demo, waves, html)
    assert len(written) == 3
    assert {w: (html / "waves" / w / pdf.report_pdf_name(w)).read_bytes() for w in WAVES} == before
