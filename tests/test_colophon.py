"""Tests of the colophon page, the note on rerunning a chapter (peo.report.colophon) and the
bibliography (book/references.bib)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import nbformat
import pytest

from peo.report import book, colophon
from peo.survey.schema.publication import Publication

from test_book import REPO, key_figures, wave


def test_colophon_gives_what_wave_yml_gives_and_says_what_it_does_not():
    pub = Publication(
        authors=["Suzanne Rutz", "Rob Gilsing", "Rosita Paulo"],
        organisation="Kennisnetwerk Jeugd Haaglanden",
        date=dt.date(2022, 11, 1),
        isbn="9789083280103",
        contact="info@example.org",
    )
    page = colophon.colophon_page(wave("2022"), key_figures(), pub, repository="https://example.org/peo")
    assert page.startswith("# Colofon (2022)\n")
    assert "| Auteurs | Suzanne Rutz, Rob Gilsing en Rosita Paulo |" in page
    assert "| Datum van publicatie | 1 november 2022 |" in page
    assert "| ISBN | 9789083280103 |" in page
    assert "| Webadres | niet opgegeven |" in page  # not in wave.yml: not invented
    assert "| Repository | <https://example.org/peo> |" in page
    # how to cite, from the same fields
    assert (
        "Suzanne Rutz, Rob Gilsing en Rosita Paulo (2022). *PEO 2022, tweede meting: professionele ruimte en "
        "werkdruk*. Kennisnetwerk Jeugd Haaglanden. ISBN 9789083280103." in page
    )
    # licences: CC BY 4.0 for text and tables, MIT for the code
    assert "CC BY 4.0" in page and "MIT-licentie" in page and "`LICENSE`" in page
    # a synthetic wave says that it is a demonstration
    assert "synthetische demonstratiegegevens" in page


def test_colophon_without_publication_details_uses_the_build_date_and_invents_nothing():
    page = colophon.colophon_page(wave("2021", synthetic=False), key_figures(synthetic=False), build_date="2023-11-14")
    assert "| Auteurs | niet opgegeven |" in page and "| ISBN | niet opgegeven |" in page
    assert "| Datum van publicatie | 14 november 2023 |" in page
    assert "CITATION.cff" in page  # where the repository's address will be given
    assert "synthetische" not in page


def test_repository_url_comes_from_citation_cff(tmp_path):
    assert colophon.repository_url(tmp_path) is None
    (tmp_path / "CITATION.cff").write_text("cff-version: 1.2.0\nrepository-code: 'https://example.org/peo'\n")
    assert colophon.repository_url(tmp_path) == "https://example.org/peo"
    # the repository's own CITATION.cff: the field is absent until the repository is public
    assert colophon.repository_url(REPO) is None or colophon.repository_url(REPO).startswith("https://")


@pytest.mark.parametrize(
    ("name", "wave_id", "says"),
    [
        ("02_professional_space", "2022", "leest alleen het\ndatapakket van de meting (`data/processed/2022/tables/`"),
        ("01_clean", "2022", "leest de ruwe\nexport van de meting"),
        ("10_trends", None, "gepubliceerde tabellen van alle metingen"),
    ],
)
def test_each_chapter_ends_with_how_to_rerun_it(name, wave_id, says):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Hoofdstuk"), nbformat.v4.new_code_cell("1")]
    params = {"wave": wave_id} if wave_id else {"waves": ""}
    book.finish_notebook(nb, params, name)
    book.finish_notebook(nb, params, name)  # idempotent
    notes = [c for c in nb.cells if book.RERUN_TAG in c.metadata.get("tags", [])]
    assert len(notes) == 1
    text = notes[0].source
    assert f"`notebooks/{name}.ipynb`" in text and "`make lab`" in text and "kernel `peo`" in text
    assert says in text


def test_every_bibliography_entry_has_a_title_and_a_description_says_so():
    bib = (REPO / "book" / "references.bib").read_text(encoding="utf-8")
    entries = re.findall(r"^@\w+\{([^,]+),\n(.*?)^\}", bib, re.MULTILINE | re.DOTALL)
    assert len(entries) > 25
    for key, body in entries:
        title = re.search(r"^\s*title\s*=\s*\{(.*)\},?$", body, re.MULTILINE)
        assert title, f"{key} has no title"
        if title.group(1).startswith("["):
            # a title the sources do not give is a description, in brackets, and says so
            assert title.group(1).endswith("]") and "een omschrijving" in body, key


def test_isbn_in_wave_yml_is_checked(tiny_wave):
    from peo.survey import schema

    with open(tiny_wave.config, "a", encoding="utf-8") as fh:
        fh.write("publication:\n  authors: [A. Auteur]\n  isbn: 978-90-832801-0-4\n")
    problems = schema.check_wave(tiny_wave.dir)[1]
    assert [(p.path, p.line) for p in problems] == [("publication.isbn", 13)]
    assert "not a valid ISBN" in problems[0].reason


def test_the_book_has_a_colophon_per_wave(tmp_path):
    from peo.survey.codebook import load_codebook

    cb = load_codebook(REPO / "codebooks" / "core.yml")
    out = book.book_sources(
        [wave("2022")], {"2022": key_figures()}, {}, {"2022": cb}, reproduce={"build_date": "2022-12-01"}
    )
    assert "waves/2022/colofon" in out["_toc.yml"]
    assert "| Datum van publicatie | 1 december 2022 |" in out["waves/2022/colofon.md"]
    assert Path("waves/2022/colofon.md").name in {Path(k).name for k in out}


# ------------------------------------------------------------------ what changed between waves


def _change(p_holm_needed: float) -> "object":
    import pandas as pd

    rows = []
    for item, label, p in (("ps_needed", "Ruimte om te doen wat nodig is", p_holm_needed), ("stay", "Blijven", 0.6)):
        for group in ("totaal", "GI"):
            rows.append(
                {
                    "item": item,
                    "item_label": label,
                    "group": group,
                    "wave_from": "2021",
                    "wave_to": "2022",
                    "p_holm": p if group == "totaal" else 0.001,
                    "claim_nl": f"Claim {item} {group}.",
                }
            )
    return pd.DataFrame(rows)


def test_landing_names_only_the_changes_the_tests_support():
    from peo.report import changes

    assert changes.landing_sentences(_change(0.01)) == ["Claim ps_needed totaal."]
    # none supported: one sentence that says so, no claim (the GI rows are not the total)
    assert changes.landing_sentences(_change(0.2)) == [
        "Tussen 2021 en 2022 is bij geen van de kerncijfers van alle professionals een verandering aangetoond."
    ]
    assert changes.landing_sentences(_change(0.01).iloc[0:0]) == []


def test_trends_chapter_ends_with_what_changed_and_what_did_not():
    from peo.report import changes

    text = changes.trends_conclusion(_change(0.01))
    assert "### Van 2021 naar 2022" in text
    assert "- Claim ps\\_needed totaal." in text
    assert "Geen verandering aangetoond bij: blijven." in text
    assert "Claim stay" not in text
