"""Tests of the researchers' text (peo.report.researchers, peo.report.references) and the pages
built on it (peo.report.textpages, the chapter opening and the landing page).

The key figures and tables are small and made here; the text files are written to a
temporary wave folder. Every bad input must fail with the file and the line.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from peo.errors import ConfigurationInvalid, ResearchersTextError
from peo.report import book, pages, references, researchers, textpages
from peo.survey import schema

from test_book import REPO, flow, key_figures

# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def core_codebook():
    from peo.survey.codebook import load_codebook

    return load_codebook(REPO / "codebooks" / "core.yml")


def _table() -> pd.DataFrame:
    """A published table: one shown row per group, GI hidden."""
    return pd.DataFrame(
        {
            "item": ["ps_needed"] * 4,
            "group": ["totaal", "GI", "JZ", "LT"],
            "box": ["disagree"] * 4,
            "n": pd.array([150, 8, 71, 71], dtype="Int64"),
            "count": pd.array([66, None, 21, 23], dtype="Int64"),
            "share": [0.44, None, 0.2958, 0.3239],
            "rho": [0.351, None, None, None],
            "suppressed": [False, True, False, False],
        }
    )


def _sources(**kw) -> references.Sources:
    tables = {"space_by_group": _table()}

    def table(name):
        if name not in tables:
            from peo.errors import PackageError

            raise PackageError(f"no table {name!r}")
        return tables[name]

    return references.Sources(key_figures=kw.get("kf", key_figures()), table=table, threshold=10)


def _fill(text: str, **kw) -> str:
    return references.fill(text, _sources(**kw), path="tekst.md", first_line=kw.get("first_line", 5))


def _wave(tmp_path: Path, report: str = "") -> SimpleNamespace:
    """A wave folder with a wave.yml (optionally a report: part) and an empty report/ folder."""
    folder = tmp_path / "2022"
    (folder / "report").mkdir(parents=True, exist_ok=True)
    (folder / "wave.yml").write_text('id: "2022"\ntitle: PEO 2022\n' + report, encoding="utf-8")
    return SimpleNamespace(
        id="2022", title="PEO 2022, meting", dir=folder, config_path=folder / "wave.yml", synthetic=True
    )


def _write(wave, name: str, text: str) -> Path:
    path = wave.dir / "report" / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


SUMMARY = """
---
kind: samenvatting
demo: true
---
In het algemeen zegt {{ kf:ps_general.share | words }} genoeg ruimte te hebben.

Van de professionals mist {{ kf:ps_relation.share }} ruimte voor de relatie.
"""

RECOMMENDATIONS = """
---
kind: aanbevelingen
audiences: [Gemeenten, Professionals]
factsheet:
  - "Maak ruimte voor de relatie ({{ kf:ps_relation.share }} mist die nu)."
  - Bespreek in het team wat nodig is.
---
## Gemeenten

- Maak ruimte.

## Professionals

- Bespreek wat nodig is.
"""


# ------------------------------------------------------------------------------ references


def test_key_figure_references_are_filled_in_through_the_formatting_module():
    # 0.8986 -> 90% (half up), in words "9 op de 10 (90%)" from analysis.yml's fraction words
    assert _fill("{{ kf:ps_general.share }}") == "90%"
    assert _fill("{{kf:ps_general.share|words}}") == "9 op de 10 (90%)"
    assert _fill("{{ kf:ps_relation.ci }}") == "39–55%"
    assert _fill("{{ kf:ps_relation.n }} en {{ kf:ps_relation.count }}") == "149 en 70"
    assert _fill("{{ kf:ps_relation.disagree.share }}") == "47%"
    assert _fill("{{ kf:response.analysed }} van {{ kf:response.received }}; GI {{ kf:response.GI }}") == (
        "151 van 163; GI 52"
    )


def test_table_references_pick_exactly_one_row_and_format_by_column():
    assert _fill("{{ table:space_by_group[item=ps_needed,group=totaal].share }}") == "44%"
    assert _fill("{{ table:space_by_group[item=ps_needed, group='JZ'].count }}") == "21"
    assert _fill("{{ table:space_by_group[group=totaal].rho }}") == "0,35"
    assert _fill("{{ table:space_by_group[group=LT].share | words }}") == "bijna een derde (32%)"


def test_claim_references_take_the_test_gated_sentences_of_the_key_figures():
    kf = key_figures()
    sources = researchers._sources(kf, None)
    text = references.fill("{{ claim:ps_relation }} {{ claim:work_pleasure }}", sources, path="t.md")
    assert text == (
        "Medewerkers van GI's missen het vaakst ruimte voor de relatie met cliënten. "
        "Meer ervaren ruimte gaat samen met meer werkplezier."
    )
    with pytest.raises(
        ResearchersTextError, match=r"t\.md:1: .*no claim 'ps_needed' \(claims: ps_relation, work_pleasure\)"
    ):
        references.fill("{{ claim:ps_needed }}", sources, path="t.md")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ kf:ps_unknown.share }}", r"no key figure 'ps_unknown'.*ps_general, ps_reflection, ps_relation"),
        ("{{ kf:ps_general.mean }}", r"no field 'mean'"),
        ("{{ kf:response.XX }}", r"kf:response has no 'XX'"),
        ("{{ table:nope[item=a].share }}", r"no published table 'nope'"),
        ("{{ table:space_by_group[item=ps_needed].share }}", r"4 rows of table 'space_by_group' match"),
        ("{{ table:space_by_group[item=ps_other].share }}", r"no row of table 'space_by_group' matches"),
        ("{{ table:space_by_group[group=totaal].mean }}", r"no column 'mean'"),
        ("{{ kf:ps_general.share | round }}", r"unknown filter 'round'"),
        ("{{ ps_general.share }}", r"is not a reference"),
    ],
)
def test_an_unknown_reference_fails_with_file_and_line(text, message):
    with pytest.raises(ResearchersTextError, match=r"^tekst\.md:7: .*" + message):
        _fill("Eerste regel.\n\n" + text, first_line=5)


def test_a_reference_to_a_hidden_cell_fails():
    # the suppressed row of GI, and the suppressed key figure of ps_reflection
    with pytest.raises(ResearchersTextError, match=r"tekst\.md:5: .*hidden cell \(a count below the threshold of 10\)"):
        _fill("{{ table:space_by_group[item=ps_needed,group=GI].share }}")
    with pytest.raises(ResearchersTextError, match=r"hidden cell"):
        _fill("{{ kf:ps_reflection.share }}")
    kf = key_figures()
    kf["response"]["by_group"]["GI"] = None
    with pytest.raises(ResearchersTextError, match=r"hidden cell"):
        _fill("{{ kf:response.GI }}", kf=kf)


def test_a_typed_percentage_fails_and_a_year_does_not():
    with pytest.raises(ResearchersTextError, match=r"tekst\.md:6: the number '47%' is typed"):
        _fill("In 2022 zei\nbijna de helft (47%) dat.")
    with pytest.raises(ResearchersTextError, match="typed"):
        _fill("Dat is 12 procent.")
    assert _fill("In 2022 en 2023, met {{ kf:ps_general.share }}.") == "In 2022 en 2023, met 90%."


def test_filled_values_are_escaped_for_markdown_but_not_for_the_factsheet():
    kf = key_figures()
    kf["figures"][0]["statement_nl"] = "Een *ster* en <b>vet</b>."
    sources = researchers._sources(kf, None)
    assert (
        references.fill("{{ kf:ps_general.statement }}", sources, path="t") == "Een \\*ster\\* en \\<b\\>vet\\</b\\>."
    )
    assert (
        references.fill("{{ kf:ps_general.statement }}", sources, path="t", markdown=False)
        == kf["figures"][0]["statement_nl"]
    )


# ------------------------------------------------------------------------------ files


def test_a_wave_text_is_read_and_filled_in(tmp_path):
    w = _wave(tmp_path)
    _write(w, "samenvatting.md", SUMMARY)
    _write(w, "aanbevelingen.md", RECOMMENDATIONS)
    text = researchers.load_text(w, key_figures())
    assert not text.missing and text.demo
    assert text.get("samenvatting").body == (
        "In het algemeen zegt 9 op de 10 (90%) genoeg ruimte te hebben.\n\n"
        "Van de professionals mist 47% ruimte voor de relatie."
    )
    assert text.get("conclusies") is None
    assert text.get("aanbevelingen").factsheet == (
        "Maak ruimte voor de relatie (47% mist die nu).",
        "Bespreek in het team wat nodig is.",
    )


def test_recommendations_for_the_factsheet(tmp_path):
    w = _wave(tmp_path)
    _write(w, "aanbevelingen.md", RECOMMENDATIONS)
    assert researchers.recommendations(w, key_figures(), package=tmp_path / "none") == [
        "Maak ruimte voor de relatie (47% mist die nu).",
        "Bespreek in het team wat nodig is.",
    ]
    (w.dir / "report" / "aanbevelingen.md").unlink()
    assert researchers.recommendations(w, key_figures(), package=tmp_path / "none") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Geen front matter.\n", r"aanbevelingen\.md:1: the file must start with a front matter"),
        ("---\nkind: aanbevelingen\nGeen einde.\n", r"aanbevelingen\.md:1: the front matter is not closed"),
        ("---\nkind: [aanbevelingen\n---\n", r"aanbevelingen\.md:\d: the front matter is not valid YAML"),
        ("---\n- kind\n---\n", r"aanbevelingen\.md:2: the front matter must be a mapping"),
        ("---\nkind: aanbevelingen\ndemo: ja\n---\n", r"aanbevelingen\.md:3: demo"),
        ("---\nkind: aanbevelingen\nauteurs: [A]\n---\n", r"aanbevelingen\.md:3: auteurs: unknown key"),
        ("---\nkind: conclusies\n---\n", r"aanbevelingen\.md:2: the front matter says kind: conclusies"),
        (
            "---\nkind: aanbevelingen\naudiences: [Gemeenten]\n---\n## Professionals\n",
            r"aanbevelingen\.md:5: .*audience 'Gemeenten'.*no section '## Gemeenten'",
        ),
        (
            "---\nkind: aanbevelingen\nfactsheet: [a, b, c, d]\n---\n",
            r"aanbevelingen\.md:3: factsheet",
        ),
    ],
)
def test_a_malformed_front_matter_fails_with_file_and_line(tmp_path, text, message):
    w = _wave(tmp_path)
    (w.dir / "report" / "aanbevelingen.md").write_text(text, encoding="utf-8")
    with pytest.raises(ResearchersTextError, match=message):
        researchers.load_text(w, key_figures())


def test_a_bad_reference_names_the_file_and_its_line(tmp_path):
    w = _wave(tmp_path)
    path = _write(w, "conclusies.md", "---\nkind: conclusies\n---\nEerste regel.\n\nMet {{ kf:ps_nope.share }}.\n")
    with pytest.raises(
        ResearchersTextError, match=rf"^{path}:6: \{{\{{ kf:ps_nope.share \}}\}}: there is no key figure"
    ):
        researchers.load_text(w, key_figures())


def test_a_file_named_in_wave_yml_must_exist(tmp_path, tiny_wave):
    # the loader's schema check says so with wave.yml's line ...
    with open(tiny_wave.config, "a", encoding="utf-8") as fh:
        fh.write("report:\n  conclusies: report/conclusies.md\n")
    _files, problems = schema.check_wave(tiny_wave.dir)
    assert [(p.path, p.line) for p in problems] == [("report.conclusies", 12)]
    assert "does not exist" in problems[0].reason
    with pytest.raises(ConfigurationInvalid, match=r"wave\.yml:12: report\.conclusies"):
        schema.raise_for(problems)
    # ... and so does the text loader, should the file disappear after the check
    w = _wave(tmp_path / "other", report="report:\n  conclusies: report/weg.md\n")
    with pytest.raises(ResearchersTextError, match=r"wave\.yml:4: report\.conclusies names 'report/weg\.md'"):
        researchers.text_files(w)


def test_a_file_named_in_wave_yml_replaces_the_default(tmp_path):
    w = _wave(tmp_path, report="report:\n  samenvatting: teksten/kort.md\n")
    (w.dir / "teksten").mkdir()
    (w.dir / "teksten" / "kort.md").write_text("---\nkind: samenvatting\n---\nKort.\n", encoding="utf-8")
    _write(w, "samenvatting.md", SUMMARY)
    assert researchers.text_files(w) == {"samenvatting": w.dir / "teksten" / "kort.md"}


def test_the_front_matter_schema_is_in_the_configuration_reference():
    from peo.survey.schema import docs

    assert "report_text" in schema.KINDS
    page = docs.reference_page()
    assert "## report_text: `data/raw/<wave>/report/*.md (front matter)`" in page
    assert "| `publication.isbn` |" in page and "| `report.aanbevelingen` |" in page


def test_isbn_check_digit():
    from peo.survey.schema.publication import Publication

    assert Publication(isbn="978-90-832801-0-3").isbn == "978-90-832801-0-3"  # the PEO 2022 report
    with pytest.raises(Exception, match="not a valid ISBN"):
        Publication(isbn="9789083280104")


# ------------------------------------------------------------------------------ pages


def test_a_wave_without_text_builds_with_a_notice(tmp_path, core_codebook):
    w = _wave(tmp_path)
    text = researchers.load_text(w, key_figures())
    assert text.missing
    out = book.book_sources(
        [w], {"2022": key_figures()}, {"2022": flow()}, {"2022": core_codebook}, texts={"2022": text}
    )
    notice = "De tekst van de onderzoekers (samenvatting, conclusies en aanbevelingen) ontbreekt nog"
    for page in ("waves/2022/index.md", "waves/2022/conclusies.md", "index.md"):
        assert notice in out[page], page
    assert "The researchers' text for this wave is not written yet" in out["waves/2022/summary_en.md"]
    # the key figures are still there, in plain Dutch, one number each
    assert (
        "- **90%** van de professionals vindt dat zij in het algemeen genoeg professionele ruimte hebben."
        in (out["waves/2022/index.md"])
    )


def test_the_chapter_opens_with_the_summary_and_ends_with_recommendations(tmp_path, core_codebook):
    w = _wave(tmp_path)
    _write(w, "samenvatting.md", SUMMARY)
    _write(w, "conclusies.md", "---\nkind: conclusies\n---\n**Ruimte.** {{ claim:ps_relation }}\n")
    _write(w, "aanbevelingen.md", RECOMMENDATIONS)
    text = researchers.load_text(w, key_figures())
    out = book.book_sources(
        [w], {"2022": key_figures()}, {"2022": flow()}, {"2022": core_codebook}, texts={"2022": text}
    )
    index = out["waves/2022/index.md"]
    assert index.index(":::{admonition} Demotekst") < index.index("## Samenvatting") < index.index("## Kerncijfers")
    assert "Van de professionals mist 47% ruimte voor de relatie." in index
    conclusions = out["waves/2022/conclusies.md"]
    assert conclusions.startswith("# Conclusies en aanbevelingen (2022)\n")
    assert (
        conclusions.index("## Conclusies")
        < conclusions.index("## Aanbevelingen")
        < conclusions.index("### Gemeenten")
        < conclusions.index("### Professionals")
    )
    assert "Medewerkers van GI's missen het vaakst ruimte voor de relatie met cliënten." in conclusions
    toc = out["_toc.yml"]
    assert (
        toc.index("waves/2022/05_open_answers") < toc.index("waves/2022/conclusies") < toc.index("waves/2022/factsheet")
    )
    # the cleaning notebook is accounted for in the appendix, under the respondent flow
    assert toc.index("generated/flow") < toc.index("waves/2022/01_clean")


def test_landing_page_gives_one_number_per_sentence(tmp_path):
    text = pages.landing_page(key_figures(), ["2021", "2022"])
    assert "95%-BI" not in text and "n = " not in text and "Spearman" not in text
    for line in text.splitlines():
        if line.startswith("- **"):
            assert len(set(__import__("re").findall(r"\d+%", line))) == 1, line


def test_english_summary_from_the_key_figures_english_labels(tmp_path, core_codebook):
    page = textpages.english_summary_page("2022", key_figures(), None, core_codebook)
    assert page.startswith("# Summary in English (2022)\n")
    assert '<div lang="en">' in page and page.rstrip().endswith("</div>")
    assert "**90%** answered '(strongly) agree' to:" in page
    assert "Fieldwork 14 February 2022 to 1 April 2022" in page


def test_a_bad_text_fails_the_book_sources_before_anything_is_written(tmp_path, core_codebook):
    root = tmp_path / "repo"
    (root / "book").mkdir(parents=True)
    (root / "book" / "_config.yml").write_text("title: x\n", encoding="utf-8")
    w = _wave(root / "data" / "raw")
    _write(w, "samenvatting.md", "---\nkind: samenvatting\n---\n{{ kf:ps_reflection.share }}\n")
    with pytest.raises(ResearchersTextError, match=r"samenvatting\.md:4: .*hidden cell"):
        book.write_book_sources(
            root, [w], {"2022": key_figures()}, {"2022": flow()}, {"2022": core_codebook}, factsheets=False
        )
    assert sorted(p.name for p in (root / "book").iterdir()) == ["_config.yml"]


def test_title_cells_put_the_wave_in_the_title_once():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Professionele ruimte\n\nTekst."), nbformat.v4.new_code_cell("1")]
    book.finish_notebook(nb, {"wave": "2022"})
    book.finish_notebook(nb, {"wave": "2022"})
    assert nb.cells[0].source == "# Professionele ruimte (2022)\n\nTekst."
    assert "hide-input" in nb.cells[1].metadata["tags"]
