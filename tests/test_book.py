"""Tests of the generated book sources (peo.report.book and the page modules) and one real Jupyter Book build.

The key figures, flows, tables and executed notebooks are made here, small and fake; the
codebook is the real core module. The slow test builds a minimal book with the project's
jupyter-book exactly as the pipeline does (``-n -W --keep-going``: warnings are errors).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
import yaml

from peo.report import appendix, book, layout, markdown, pages, reproduce, sphinx_ext, summary
from peo.report import format as fmt
from peo.survey.codebook import load_codebook
from peo.errors import ConfigError, ManifestError

REPO = Path(__file__).resolve().parent.parent
STATIC = ["_config.yml", "references.bib", "appendix/methods.md", "appendix/bibliography.md"]


# ------------------------------------------------------------------------------ fixtures


def wave(wid: str, synthetic: bool = True) -> SimpleNamespace:
    return SimpleNamespace(id=wid, title=f"PEO {wid}, meting", synthetic=synthetic, theme_nl=f"Thema {wid}")


def key_figures(wid: str = "2022", synthetic: bool = True) -> dict:
    return {
        "wave": wid,
        "title": f"PEO {wid}, tweede meting: professionele ruimte en werkdruk",
        "theme_nl": "Werkdruk en oplossingen",
        "synthetic": synthetic,
        "threshold": 10,
        "fieldwork": {"start": f"{wid}-02-14", "end": f"{wid}-04-01"},
        "response": {"received": 163, "analysed": 151, "by_group": {"GI": 52, "JZ": 49, "LT": 50}},
        "figures": [
            {
                "id": "ps_general.agree.totaal",
                "item": "ps_general",
                "item_label": "In het algemeen genoeg ruimte",
                "box": "agree",
                "box_label": "(helemaal) eens",
                "group": "totaal",
                "n": 148,
                "count": 133,
                "share": 0.8986,
                "ci_low": 0.8372,
                "ci_high": 0.9378,
                "suppressed": False,
                "statement_nl": "9 op de 10 professionals vinden dat zij in het algemeen genoeg professionele ruimte hebben.",
            },
            {
                "id": "ps_relation.disagree.totaal",
                "item": "ps_relation",
                "item_label": "Ruimte voor de relatie met cliënten",
                "box": "disagree",
                "box_label": "(helemaal) oneens",
                "group": "totaal",
                "n": 149,
                "count": 70,
                "share": 0.4698,
                "ci_low": 0.3915,
                "ci_high": 0.5495,
                "suppressed": False,
                "statement_nl": "Bijna de helft heeft onvoldoende ruimte om te investeren in de relatie met cliënten.",
            },
            {
                "id": "ps_reflection.disagree.totaal",
                "item": "ps_reflection",
                "item_label": "Ruimte voor reflectie en intervisie",
                "box": "disagree",
                "box_label": "(helemaal) oneens",
                "group": "totaal",
                "n": 8,
                "count": None,
                "share": None,
                "ci_low": None,
                "ci_high": None,
                "suppressed": True,
                "statement_nl": "",
            },
        ],
        "differences": [
            {
                "item": "ps_relation",
                "box": "disagree",
                "highest_group": "GI",
                "statement_nl": "Medewerkers van GI's missen het vaakst ruimte voor de relatie met cliënten.",
            },
        ],
        "associations": [
            {
                "outcome": "work_pleasure",
                "measure": "spearman",
                "estimate": 0.3512,
                "ci_low": 0.2049,
                "ci_high": 0.4824,
                "direction": "positief",
                "statement_nl": "Meer ervaren ruimte gaat samen met meer werkplezier.",
            },
        ],
    }


def flow(received: int = 163) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": ["received", "consented", "completed", "valid", "analysed"],
            "label_nl": ["Ontvangen", "Toestemming", "Afgerond", "Geldig", "In de analyse"],
            "n": [received, received - 4, received - 9, received - 11, received - 12],
            "excluded": [0, 4, 5, 2, 1],
            "reasons": [None, "no_consent: 4", "incomplete: 5", "speeder: 1; duplicate_id: 1", "no_group: 1"],
        }
    ).astype({"n": "Int64", "excluded": "Int64"})


@pytest.fixture(scope="module")
def core_codebook():
    return load_codebook(REPO / "codebooks" / "core.yml")


# ------------------------------------------------------------------------------- pure pages


def test_toc_lists_every_wave_chapter_and_the_appendices():
    text = layout.toc([wave("2021"), wave("2023"), wave("2022")])
    data = yaml.safe_load(text)
    assert data["format"] == "jb-book" and data["root"] == "index"
    assert [p["caption"] for p in data["parts"]] == ["Rapport", "Trends", "Bijlagen"]
    report = data["parts"][0]["chapters"]
    # newest first
    assert [c["file"] for c in report] == ["waves/2023/index", "waves/2022/index", "waves/2021/index"]
    for c in report:
        wid = c["file"].split("/")[1]
        # the results, then conclusions and recommendations, factsheet, English summary, colophon
        assert [s["file"] for s in c["sections"]] == [
            *(f"waves/{wid}/{nb}" for nb in layout.WAVE_NOTEBOOKS if nb != "01_clean"),
            f"waves/{wid}/conclusies",
            f"waves/{wid}/factsheet",
            f"waves/{wid}/summary_en",
            f"waves/{wid}/colofon",
        ]
    assert data["parts"][1]["chapters"] == [{"file": "waves/trends"}]
    appendix = [c["file"] for c in data["parts"][2]["chapters"]]
    assert appendix == [
        "appendix/methods",
        "generated/codebook",
        "generated/flow",
        "generated/downloads",
        "generated/reproduce",
        "appendix/bibliography",
    ]
    # how the data were cleaned is accounted for in the appendix, under the respondent flow
    assert data["parts"][2]["chapters"][2]["sections"] == [
        {"file": f"waves/{w}/01_clean"} for w in ("2023", "2022", "2021")
    ]
    codebooks = data["parts"][2]["chapters"][1]["sections"]
    assert [s["file"] for s in codebooks] == [
        "generated/codebook_2023",
        "generated/codebook_2022",
        "generated/codebook_2021",
    ]


def test_toc_refuses_duplicate_and_missing_waves():
    with pytest.raises(ConfigError, match="2022"):
        layout.toc([wave("2022"), wave("2022")])
    with pytest.raises(ConfigError, match="no wave"):
        layout.toc([])


def test_landing_page_numbers_equal_the_key_figures():
    kf = key_figures()
    text = pages.landing_page(kf, [wave("2021"), wave("2022")])
    # plain Dutch, one number per sentence: 0.8986 -> 90% (rounded for presentation only)
    assert "- **90%** van de professionals vindt dat zij in het algemeen genoeg professionele ruimte hebben." in text
    assert "- **47%** heeft te weinig ruimte om te investeren in de relatie met cliënten." in text
    # response numbers and fieldwork
    assert "151 professionals in de analyse (GI 52, JZ 49, LT 50), van 163 ontvangen" in text
    assert "14 februari tot en met 1 april 2022" in text
    # the suppressed figure shows no number
    assert "- Ruimte voor reflectie en intervisie: niet getoond, omdat te weinig professionals antwoordden." in text
    # intervals, n and test statistics live in the chapters, not on the landing page
    assert "BI" not in text and "n = " not in text and "ρ" not in text
    # every percentage on the page comes from a share in the key figures
    shares = {fmt.pct(f["share"]) for f in kf["figures"] if f["share"] is not None}
    assert set(re.findall(r"\*\*(\d+%)\*\*", text)) == shares
    # waves listed newest first with links
    assert text.index("</waves/2022/index>") < text.index("</waves/2021/index>")


def test_format_pct_rounds_half_up_for_presentation():
    assert fmt.pct(0.125) == "13%"  # Python's round() would give 12
    assert fmt.pct(0.8986) == "90%"
    assert fmt.pct(None) == "–"
    assert fmt.decimal(-0.355) == "−0,36"


def test_announcement_present_iff_synthetic():
    assert sphinx_ext.announcement([wave("2021", False), wave("2022", True)]) == summary.SYNTHETIC_NOTICE
    assert sphinx_ext.announcement([wave("2021", False), wave("2022", False)]) == ""
    # synthetic key figures count too
    assert (
        sphinx_ext.announcement([wave("2022", False)], {"2022": key_figures(synthetic=True)})
        == summary.SYNTHETIC_NOTICE
    )
    on = json.loads(sphinx_ext.settings([wave("2022", True)]))
    off = json.loads(sphinx_ext.settings([wave("2022", False)], {"2022": key_figures(synthetic=False)}))
    assert on["announcement"] == summary.SYNTHETIC_NOTICE and off["announcement"] == ""


def test_announcement_reaches_the_theme_only_when_set(tmp_path):
    def run(settings_text):
        (tmp_path / "generated").mkdir(exist_ok=True)
        if settings_text is not None:
            (tmp_path / "generated" / "settings.json").write_text(settings_text, encoding="utf-8")
        config = SimpleNamespace(html_theme_options={"search_bar_text": "Search"}, peo_search_bar_text="Zoek")
        sphinx_ext._apply_settings(SimpleNamespace(srcdir=str(tmp_path)), config)
        return config.html_theme_options

    assert run(sphinx_ext.settings([wave("2022", True)]))["announcement"] == summary.SYNTHETIC_NOTICE
    assert "announcement" not in run(sphinx_ext.settings([wave("2022", False)]))
    assert run(sphinx_ext.settings([wave("2022", False)]))["search_bar_text"] == "Zoek"


def test_codebook_page_contains_every_item(core_codebook):
    text = appendix.codebook_page(core_codebook, "2022")
    for item in core_codebook.items:
        assert f"`{item.id}`" in text
        assert markdown.md(item.text_en) in text
    assert "Kernmodule professionele ruimte" in text
    # the reverse-coded item is marked
    row = next(line for line in text.splitlines() if "`asp_rules`" in line)
    assert row.rstrip().endswith("| ja |")


def test_flow_page_shows_counts_only_newest_first():
    text = appendix.flow_page({"2021": flow(180), "2022": flow(163)})
    assert text.index("## Meting 2022") < text.index("## Meting 2021")
    # Issue 11: process counts under the threshold. Every step loses fewer than 10, so the
    # steps are merged into one: 12 left, each reason "minder dan 10"; no count below 10.
    assert "| In de analyse | 151 | 12 | geen toestemming: minder dan 10; " in text
    assert "te snel ingevuld: minder dan 10; dubbel (zelfde id): minder dan 10" in text
    assert "| Toestemming | samengevoegd met de volgende stap | – | – |" in text
    assert "| Ontvangen | 163 | – | – |" in text
    assert not re.search(r"\| [1-9] \|", text) and ": 1 " not in text and ": 4" not in text
    with pytest.raises(ConfigError, match="excluded"):
        appendix.flow_page({"2022": flow().drop(columns="excluded")})


def test_downloads_page_links_only_existing_files():
    files = {"2022": ["core_shares.csv", "space_by_group.csv", "datapackage.json"]}
    text = appendix.downloads_page([wave("2021"), wave("2022")], files)
    # readers see Dutch names, the file name beside it
    assert (
        "{download}`Beschrijving van alle tabellen (Frictionless Data Package) <downloads/2022/datapackage.json>` "
        "(`datapackage.json`)" in text
    )
    assert "{download}`Professionele ruimte per type werkgever <downloads/2022/space_by_group.csv>`" in text
    assert "{download}`core shares <downloads/2022/core_shares.csv>`" in text  # unknown: the name itself
    # datapackage first; a wave without files says so instead of linking
    assert text.index("datapackage.json>") < text.index("core_shares.csv>")
    assert "Voor deze meting zijn geen tabellen gepubliceerd." in text.split("## Meting 2021")[1]


def test_reproduce_info_reads_manifest_lock_and_source_date_epoch(tmp_path, monkeypatch):
    (tmp_path / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    a, b = "a" * 64, "b" * 64
    (raw / "MANIFEST.sha256").write_text(f"{b}  2022/peo2022_export.csv\n{a}  2021/peo2021_export.sav\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    info = reproduce.reproduce_info(tmp_path)
    assert info["commit"] == "onbekend"  # tmp_path is no git repository
    # sha256 of b"pandas==3.1.1\n", computed independently with hashlib
    import hashlib

    assert info["lock_sha256"] == hashlib.sha256(b"pandas==3.1.1\n").hexdigest()
    assert info["raw_checksums"] == [
        {"sha256": a, "path": "2021/peo2021_export.sav"},
        {"sha256": b, "path": "2022/peo2022_export.csv"},
    ]
    assert (info["build_date"], info["build_date_source"]) == ("2023-11-14", "SOURCE_DATE_EPOCH")
    page = reproduce.reproduce_page(info, [wave("2022")])
    assert "14 november 2023" in page and f"`{a}`" in page and "`2021/peo2021_export.sav`" in page
    assert "make book" in page and "make test" in page and "python -m peo build --wave 2022" in page

    (raw / "MANIFEST.sha256").write_text("not a checksum line\n")
    with pytest.raises(ManifestError, match="line 1"):
        reproduce.reproduce_info(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    (raw / "MANIFEST.sha256").unlink()
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        reproduce.reproduce_info(tmp_path)


def test_reproduce_info_uses_the_git_commit_of_the_repository(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    info = reproduce.reproduce_info(REPO)
    if head.returncode == 0:
        assert info["commit"] == head.stdout.strip()
        assert info["build_date_source"] == "git"
    else:  # an exported tree without .git
        assert info["commit"] == "onbekend"


def test_hide_code_cells_tags_code_only_and_is_idempotent():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Titel"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("y = 2", metadata={"tags": ["remove-input"]}),
        ]
    )
    book.hide_code_cells(book.hide_code_cells(nb))
    assert "tags" not in nb.cells[0].metadata
    assert nb.cells[1].metadata["tags"] == ["hide-input"]
    assert nb.cells[2].metadata["tags"] == ["remove-input"]


def test_every_reference_is_cited_and_every_citation_exists():
    """-W only catches missing keys; an uncited entry would silently drop from the list."""
    from pybtex.database import parse_file

    keys = set(parse_file(str(REPO / "book" / "references.bib")).entries)
    cited = set()
    for page in (REPO / "book").rglob("*.md"):
        if "_build" in page.parts:
            continue
        for group in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", page.read_text(encoding="utf-8")):
            cited.update(k.strip() for k in group.split(","))
    assert cited == keys
    # the literature named in DOMAIN.md, by family name and year
    text = (REPO / "book" / "references.bib").read_text(encoding="utf-8")
    for who, year in [
        ("Vermeulen", 2017),
        ("Berens and Abrahamse", 2017),
        ("Kwaliteitskader Jeugd", 2016),
        ("{Van der Pas} and {Van der Voet}", 2016),
        ("Eilander and Nootboom", 2016),
        ("Eilander and Nootboom", 2017),
        ("Steijn and {Van der Voet}", 2016),
        ("Steijn and {Van der Voet}", 2017),
        ("Westerhof", 2016),
        ("Bunt and Stavenuiter", 2016),
        ("Bunt and Stavenuiter", 2017),
        ("{Van der Voet} and Steijn and Kuipers", 2016),
        ("{Van den Bemd} and Waasdorp", 2017),
        ("Beroepscode {NVO}", 2009),
        ("Beroepscode {NIP}", 2014),
        ("Beroepscode voor de Maatschappelijk Werker", 2014),
        ("Berger and Kleine", 2014),
        ("Nootboom and Eilander", 2017),
        ("9789083280103", 2022),
    ]:
        entry = next((e for e in text.split("\n@") if who in e and f"{{{year}}}" in e), None)
        assert entry is not None, (who, year)


# ------------------------------------------------------------------------- writing and build


def make_fake_repo(root: Path, waves, synthetic: bool = True) -> dict:
    """A minimal repository copy: static book sources, executed notebooks, tables, manifest."""
    for rel in STATIC:
        dest = root / "book" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "book" / rel, dest)
    (root / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "MANIFEST.sha256").write_text(
        "".join(f"{str(i) * 64}  {w.id}/export.csv\n" for i, w in enumerate(waves, start=1))
    )

    def notebook(path: Path, title: str) -> None:
        nb = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell(f"# {title}\n\nDe uitkomsten in het kort."),
                nbformat.v4.new_code_cell(
                    "print('aandeel eens: 90%')",
                    execution_count=1,
                    outputs=[nbformat.v4.new_output("stream", name="stdout", text="aandeel eens: 90%\n")],
                ),
            ]
        )
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        book.hide_code_cells(nb)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)

    for w in waves:
        for name in layout.WAVE_NOTEBOOKS:
            notebook(root / "book" / "waves" / w.id / f"{name}.ipynb", f"{name} {w.id}")
        tables = root / "data" / "processed" / w.id / "tables"
        tables.mkdir(parents=True)
        (tables / "core_shares.csv").write_text("item,group,n,count,share\nps_general,totaal,148,133,0.8986\n")
        (tables / "datapackage.json").write_text(json.dumps({"name": f"peo-{w.id}", "resources": []}))
    notebook(root / "book" / "waves" / "trends.ipynb", "Trends")
    return {"waves": waves}


def test_write_book_sources_is_deterministic_and_removes_stale_files(tmp_path, core_codebook, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    waves = [wave("2021"), wave("2022")]
    make_fake_repo(tmp_path, waves)
    stale = tmp_path / "book" / "generated" / "codebook_2019.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# oud\n")
    args = (
        tmp_path,
        waves,
        {w.id: key_figures(w.id) for w in waves},
        {w.id: flow() for w in waves},
        {w.id: core_codebook for w in waves},
    )
    written = book.write_book_sources(*args)
    first = {p: p.read_bytes() for p in written}
    assert not stale.exists()
    b = tmp_path / "book"
    for rel in [
        "_toc.yml",
        "index.md",
        "waves/2022/index.md",
        "waves/2022/factsheet.md",
        "waves/2022/factsheet.pdf",
        "waves/2022/factsheet.png",
        "generated/codebook_2021.md",
        "generated/flow.md",
        "generated/downloads/2022/datapackage.json",
        "generated/reproduce.md",
        "generated/settings.json",
    ]:
        assert (b / rel) in first, rel
    second = book.write_book_sources(*args)
    assert {p: p.read_bytes() for p in second} == first
    assert json.loads((b / "generated" / "settings.json").read_text())["announcement"] == summary.SYNTHETIC_NOTICE


def test_write_book_sources_needs_key_figures_for_every_wave(tmp_path, core_codebook):
    waves = [wave("2021"), wave("2022")]
    make_fake_repo(tmp_path, waves)
    with pytest.raises(ConfigError, match="2021"):
        book.write_book_sources(tmp_path, waves, {"2022": key_figures()}, {}, {w.id: core_codebook for w in waves})


@pytest.mark.slow
def test_minimal_book_builds_without_warnings(tmp_path, core_codebook, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    waves = [wave("2021"), wave("2022")]
    make_fake_repo(tmp_path, waves)
    book.write_book_sources(
        tmp_path,
        waves,
        {w.id: key_figures(w.id) for w in waves},
        {w.id: flow() for w in waves},
        {w.id: core_codebook for w in waves},
    )
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run(
        [str(jb), "build", str(tmp_path / "book"), "-n", "-W", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    html_dir = tmp_path / "book" / "_build" / "html"
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    assert 'lang="nl"' in index
    banner = f'<div class="bd-header-announcement__content">{summary.SYNTHETIC_NOTICE}</div>'
    assert banner in index
    assert "90%" in index
    # the notice is on every page, code sits behind a toggle, downloads and citations resolve
    chapter = (html_dir / "waves" / "2022" / "01_clean.html").read_text(encoding="utf-8")
    assert banner in chapter and "Toon de code" in chapter and "aandeel eens: 90%" in chapter
    assert list((html_dir / "_downloads").rglob("datapackage.json"))
    assert list((html_dir / "_downloads").rglob("factsheet.pdf"))
    methods = (html_dir / "appendix" / "methods.html").read_text(encoding="utf-8")
    assert "bibliography.html#id" in methods
    plain = re.sub(r"<[^>]+>", "", methods)
    # Dutch author-year citations (peo_author_year): textual and parenthetical
    assert "volgens Wilson (1927)" in plain and "(Agresti, 2013)" in plain and "Rutz e.a. (2022)" in plain
    bibliography = re.sub(r"<[^>]+>", "", (html_dir / "appendix" / "bibliography.html").read_text("utf-8"))
    assert "Heiberger en Robbins, 2014" in bibliography and "3e druk" in bibliography
    from peo.report.pdf import report_pdf_name

    report_pdfs = {report_pdf_name(w): {w.id} for w in waves}
    assert 'href="peo-2022-rapport.pdf"' in (html_dir / "waves" / "2022" / "index.html").read_text("utf-8")
    for page in html_dir.rglob("*.html"):
        if "_static" in page.relative_to(html_dir).parts:  # theme templates, not pages
            continue
        text = page.read_text("utf-8")
        # nothing is fetched from elsewhere when a page is opened
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', text)
        assert not remote, (page, remote)
        # every local link and image resolves (downloads, factsheets, executed notebooks); links with
        # a scheme (https:, mailto:) are not local
        for target in re.findall(r'(?:src|href)="(?![a-z]+:)([^"#?]+)[^"]*"', text):
            if target in report_pdfs and page.name == "index.html" and page.parent.name in report_pdfs[target]:
                # The report PDF is rendered from the built pages after Sphinx, by the pipeline's
                # book step (peo.pipeline.bookbuild.write_pdfs; tested in test_report_pdf.py).
                continue
            assert (page.parent / target).exists(), (page, target)


# ------------------------------------------------------------------------ module structure


def test_sphinx_extension_imports_without_pandas_or_matplotlib():
    """Sphinx loads peo.report.sphinx_ext in its own process: it must stay light."""
    code = (
        "import sys; import peo.report.sphinx_ext; "
        "bad = [m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def _report_imports() -> dict[str, set[str]]:
    """Every peo.report module and the peo.report modules it imports (top level or inside a function)."""
    import ast

    graph = {}
    paths = sorted((REPO / "peo" / "report").rglob("*.py"))
    names = set()
    for path in paths:
        parts = path.relative_to(REPO).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    for path in paths:
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module in ("peo.report", "peo.report.plots", "peo.report.present"):
                    deps |= {f"{node.module}.{a.name}" for a in node.names} & set(names)
                    deps |= {node.module} if node.module != "peo.report" else set()
                elif node.module.startswith("peo.report."):
                    deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("peo.report.")}
        graph[name] = (deps & names) - {name}
    return graph


def test_report_modules_have_no_import_cycle():
    graph = _report_imports()
    assert "peo.report.book" not in graph["peo.report.factsheet"]  # the old book <-> factsheet cycle
    state: dict[str, int] = {}

    def visit(node, path):
        if state.get(node) == 1:
            raise AssertionError("import cycle: " + " -> ".join(path + [node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            visit(dep, path + [node])
        state[node] = 2

    for module in graph:
        visit(module, [])


def test_report_modules_are_small_and_declare_their_names():
    import importlib

    for path in sorted((REPO / "peo" / "report").rglob("*.py")):
        if path.name == "__init__.py" and path.parent.name == "report":
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 650, f"{path} has {lines} lines"
        parts = path.relative_to(REPO).with_suffix("").parts
        module = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        assert module.__all__ and all(hasattr(module, n) for n in module.__all__), path.name
