"""The privacy scan of everything published (peo.checks.publication, `python -m peo check-publication`).

Each test builds a small fake publication in ``tmp_path`` (an HTML page, a tables CSV, a
notebook with outputs, key figures), plants one kind of identifying detail, and checks that
the scan finds it, names the file and never prints the value in full; the clean tree gives
no finding and exit code 0. The last test runs the scan over the real demo build.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from peo.checks import publication
from peo.checks.publication import mask, scan

CLEAN_PAGE = textwrap.dedent(
    """\
    <!DOCTYPE html>
    <html lang="nl">
    <head>
      <meta name="generator" content="Docutils 0.21.2: https://docutils.sourceforge.io/" />
      <title>Open antwoorden</title>
      <script>var DOCUMENTATION_OPTIONS = {VERSION: '1.0.4.1', contact: 'dev@theme.example.org'};
              var ip = "10.0.0.1";</script>
      <style>.x { width: 192.168.1.1px }</style>
    </head>
    <body>
    <h1>Open antwoorden</h1>
    <p>De professionals werken in de regio Haaglanden (Den Haag en omliggende gemeenten),
       gemeten van 2021-2023; het veldwerk begon op 2022-02-14. Gebouwd met versie 1.0.4.1.</p>
    <p>Controlegetal: <code>a3f0612345678b9c2022d0012e</code>, 0,0612345678 en 0.0612345678.</p>
    <div class="cell_output docutils container">
    <blockquote><div><p>Meer tijd voor de gezinnen, minder [PERSOON-1] en [LOCATIE-1].</p></div></blockquote>
    </div>
    <img src="fig.png" alt="Staafdiagram: aandeel professionals met genoeg ruimte per type werkgever" />
    <table>
      <thead><tr><th>group</th><th>n</th><th>count</th><th>share</th></tr></thead>
      <tbody>
        <tr><td>GI</td><td>50</td><td>12</td><td>0.24</td></tr>
        <tr><td>JZ</td><td></td><td></td><td></td></tr>
      </tbody>
    </table>
    </body>
    </html>
    """
)

CLEAN_CSV = (
    "item,item_label,group,n,count,share,ci_low,ci_high,note,suppressed\n"
    "ps_general,In het algemeen genoeg ruimte,GI,50,45,0.9,0.0612345678,0.95,,False\n"
    "ps_general,In het algemeen genoeg ruimte,JZ,,,,,,te weinig respondenten,True\n"
    "ps_general,In het algemeen genoeg ruimte,totaal,150,135,0.9,0.84,0.94,,False\n"
)

CLEAN_KEY_FIGURES = {
    "wave": "2022",
    "threshold": 10,
    "fieldwork": {"start": "2022-02-14", "end": "2022-04-01"},
    "response": {"received": 169, "analysed": 150, "by_group": {"GI": 50, "JZ": 50, "LT": 50}},
    "figures": [
        {
            "id": "ps_general.agree.totaal",
            "group": "totaal",
            "n": 150,
            "count": 135,
            "share": 0.9,
            "statement_nl": "9 op de 10 (90%) van de professionals vindt ...",
        },
    ],
}


def _dataframe_html(rows: list[tuple[str, int, int]], index_name: str | None = None) -> str:
    head = "<thead><tr><th></th><th>group</th><th>n</th><th>count</th></tr>"
    if index_name:
        head += f"<tr><th>{index_name}</th><th></th><th></th><th></th></tr>"
    head += "</thead>"
    body = "".join(f"<tr><th>{i}</th><td>{g}</td><td>{n}</td><td>{c}</td></tr>" for i, (g, n, c) in enumerate(rows))
    return f'<div><table class="dataframe">{head}<tbody>{body}</tbody></table></div>'


def _notebook(
    markdown: str = "# Uitkomsten\n\nIn Den Haag en omgeving.",
    stream: str = "n = 150\n",
    html_rows=(("GI", 50, 45), ("totaal", 150, 135)),
    index_name: str | None = None,
) -> str:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("tabel = uitkomsten(data)\ntabel", execution_count=1)
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=stream),
        nbformat.v4.new_output(
            "execute_result",
            execution_count=1,
            data={"text/plain": "  group    n  count", "text/html": _dataframe_html(list(html_rows), index_name)},
        ),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), code]
    return nbformat.writes(nb)


def _pdf(path: Path, text: str) -> None:
    """A one-page PDF with a line of text (matplotlib's PDF backend, fonts embedded)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8, 2))
    fig.text(0.05, 0.5, text, fontsize=9)
    fig.savefig(path, format="pdf")
    plt.close(fig)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A clean fake publication in ``tmp_path/pub``; PEO_ROOT is an empty folder (no raw data)."""
    empty = tmp_path / "emptyroot"
    empty.mkdir()
    monkeypatch.setenv("PEO_ROOT", str(empty))
    pub = tmp_path / "pub"
    (pub / "html" / "waves" / "2022").mkdir(parents=True)
    (pub / "html" / "_static").mkdir()
    (pub / "tables").mkdir()
    (pub / "html" / "waves" / "2022" / "05_open_answers.html").write_text(CLEAN_PAGE, encoding="utf-8")
    (pub / "html" / "_static" / "LICENSE.txt").write_text("Copyright: Jane Theme <jane@theme.example.org>, v1.2.3.4\n")
    (pub / "html" / "_static" / "theme.js").write_text("var a = 'x@y.org'; var ip = '192.0.2.1';\n")
    (pub / "html" / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (pub / "tables" / "space_by_group.csv").write_text(CLEAN_CSV, encoding="utf-8")
    (pub / "tables" / "key_figures.json").write_text(json.dumps(CLEAN_KEY_FIGURES), encoding="utf-8")
    _pdf(pub / "tables" / "factsheet.pdf", "Factsheet PEO 2022: 9 op de 10 professionals hebben genoeg ruimte.")
    (pub / "waves" / "2022").mkdir(parents=True)
    (pub / "waves" / "2022" / "03_outcomes.ipynb").write_text(_notebook(), encoding="utf-8")
    return pub


def _main(path: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = publication.main(argparse.Namespace(path=str(path)))
    out, err = capsys.readouterr()
    return code, out + err


def _write_page(tree: Path, body: str, name: str = "page.html") -> Path:
    p = tree / "html" / name
    p.write_text(f"<html lang='nl'><body>{body}</body></html>", encoding="utf-8")
    return p


# ------------------------------------------------------------------------------ clean tree


def test_clean_tree_has_no_findings_and_exits_0(tree, capsys):
    findings = scan([tree])
    assert list(findings.columns) == publication.FINDING_COLUMNS
    assert findings.empty, findings.to_string()
    files = findings.attrs["files"]
    assert files["html"] == 1 and files["csv"] == 1 and files["json"] == 1 and files["notebook"] == 1
    assert files["pdf"] == 1 and files["image"] == 1 and files["asset"] == 1
    code, out = _main(tree, capsys)
    assert code == 0
    assert "No findings" in out
    assert "1 HTML page(s)" in out and "1 notebook(s)" in out and "1 CSV table(s)" in out
    assert "PDF" in out and "image" in out


# ------------------------------------------------------------------------------ planted name


def test_planted_name_in_an_open_answer_quote_fails_and_names_the_file(tree, capsys):
    page = tree / "html" / "waves" / "2022" / "05_open_answers.html"
    page.write_text(
        CLEAN_PAGE.replace("minder [PERSOON-1]", "minder gedoe, vraag maar aan Jan de Vries"), encoding="utf-8"
    )
    findings = scan([tree])
    hit = findings[findings["kind"] == "person"]
    assert len(hit) == 1
    assert hit["file"].iloc[0] == "html/waves/2022/05_open_answers.html"
    assert hit["location"].iloc[0].startswith("line ")
    code, out = _main(tree, capsys)
    assert code == 1
    assert "html/waves/2022/05_open_answers.html" in out
    assert "[person]" in out
    assert "Jan de Vries" not in out and "Vries" not in out  # the value is never printed in full
    assert "J*** d*** V***" in out


def test_surname_with_particle_and_other_spelling_is_found(tree):
    _write_page(tree, "<blockquote><p>Mevrouw VAN LEEUWEN en\nmeneer de  Vries hielpen.</p></blockquote>")
    findings = scan([tree])
    assert (findings["kind"] == "person").sum() == 2


def test_place_is_a_finding_in_a_quote_but_not_in_narrative(tree):
    _write_page(
        tree,
        "<p>De regio Delft en Zoetermeer.</p><blockquote><p>Wij in Zoetermeer wachten lang.</p></blockquote>"
        "<table><tr><th>x</th></tr><tr><td>Youz</td></tr></table>",
    )
    findings = scan([tree])
    assert sorted(findings["kind"]) == ["organisation", "place"]
    assert set(findings["file"]) == {"html/page.html"}


def test_place_in_a_notebook_output_but_not_in_a_markdown_cell(tree):
    nb = tree / "waves" / "2022" / "03_outcomes.ipynb"
    nb.write_text(_notebook(stream="Antwoord: het team in Rijswijk\n"), encoding="utf-8")
    findings = scan([tree])
    assert list(findings["kind"]) == ["place"]
    assert findings["location"].iloc[0] == "cell 2 output 1"


# ------------------------------------------------------------------------------ small counts


def test_group_of_six_respondents_in_a_table_fails(tree, capsys):
    (tree / "tables" / "outcome_by_group.csv").write_text(
        CLEAN_CSV.replace("JZ,,,,,,te weinig respondenten,True", "JZ,6,6,1.0,0.61,1.0,,False"), encoding="utf-8"
    )
    findings = scan([tree])
    small = findings[findings["kind"] == "small-count"]
    assert set(small["file"]) == {"tables/outcome_by_group.csv"}
    assert {"n=6", "count=6"} <= set(small["excerpt"])
    assert small["location"].str.contains("line 3").all()  # header is line 1, GI line 2, JZ line 3
    code, out = _main(tree, capsys)
    assert code == 1
    assert "tables/outcome_by_group.csv" in out and "below the disclosure threshold 10" in out


def test_group_of_six_in_key_figures_and_in_a_notebook_table(tree):
    kf = json.loads(json.dumps(CLEAN_KEY_FIGURES))
    kf["response"]["by_group"]["LT"] = 6
    (tree / "tables" / "key_figures.json").write_text(json.dumps(kf), encoding="utf-8")
    (tree / "waves" / "2022" / "03_outcomes.ipynb").write_text(
        _notebook(html_rows=(("LT", 6, 6), ("totaal", 150, 135))), encoding="utf-8"
    )
    findings = scan([tree])
    small = findings[findings["kind"] == "small-count"]
    assert set(small["file"]) == {"tables/key_figures.json", "waves/2022/03_outcomes.ipynb"}


def test_threshold_given_by_the_caller(tree):
    # 45 of 50 in the clean CSV is fine at 10 but not at 46.
    assert scan([tree], threshold=46)["kind"].eq("small-count").any()
    with pytest.raises(publication.PublicationScanError, match="threshold"):
        scan([tree], threshold=0)


# ------------------------------------------------------------------------------ identifiers


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        ("mail gerust naar k.jansen@voorbeeld-team.nl", "email"),
        ("mail fatima.elamrani@gmail.com", "email"),
        ("bel 06-87654321", "phone"),
        ("bel (070) 765 4321 of", "phone"),
        ("bel +31 6 11223344", "phone"),
        ("bel 0612345678", "phone"),  # planted as 06-12345678: matched on its digits
        ("bel 06 98 76 54 32", "phone"),  # planted as +31 6 98765432
        ("ingevuld vanaf 203.0.113.7.", "ip-address"),
        ("respondent 2022-0012 zei", "respondent-level"),
        ("respondent 2031-0144 zei", "respondent-level"),
        ("begonnen 2022-02-14 13:19:12", "timestamp"),
        ("id R_LpWOHkw6gklE1Xt", "raw-id"),
    ],
)
def test_identifying_detail_in_a_page_is_found(tree, planted, kind):
    _write_page(tree, f"<p>{planted}</p>")
    findings = scan([tree])
    assert list(findings["kind"]) == [kind], findings.to_string()
    value = planted.split(" ", 1)[1]
    assert value not in findings["excerpt"].iloc[0]


@pytest.mark.parametrize("column", ["pid", "ResponseId", "resp_id", "IPAddress", "StartDate", "naam", "raw_row"])
def test_respondent_level_column_in_a_csv(tree, column):
    (tree / "tables" / "extra.csv").write_text(f"{column},group\nx,GI\n", encoding="utf-8")
    findings = scan([tree])
    assert list(findings["kind"]) == ["respondent-level"]
    assert findings["file"].iloc[0] == "tables/extra.csv"
    assert column in findings["finding"].iloc[0]


def test_respondent_level_dataframe_in_a_notebook(tree):
    (tree / "waves" / "2022" / "03_outcomes.ipynb").write_text(_notebook(index_name="pid"), encoding="utf-8")
    findings = scan([tree])
    assert list(findings["kind"]) == ["respondent-level"]
    assert "'pid'" in findings["finding"].iloc[0]


def test_respondent_level_column_in_a_datapackage(tree):
    package = {"resources": [{"name": "x", "schema": {"fields": [{"name": "group"}, {"name": "ip_address"}]}}]}
    (tree / "tables" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert list(scan([tree])["kind"]) == ["respondent-level"]


def test_private_file_among_the_published_is_a_finding_but_not_at_home(tree, tmp_path):
    (tree / "html" / "_downloads").mkdir()
    (tree / "html" / "_downloads" / "respondents.parquet").write_bytes(b"PAR1")
    findings = scan([tree])
    assert list(findings["kind"]) == ["private-file"]
    # In its own place (data/processed/<wave>/) a private file is not published and not read.
    home = tmp_path / "other" / "processed" / "2022"
    home.mkdir(parents=True)
    (home / "exclusions.csv").write_text("pid,raw_row\n2022-0012,15\n", encoding="utf-8")
    (home / "tables").mkdir()
    (home / "tables" / "space_by_group.csv").write_text(CLEAN_CSV, encoding="utf-8")
    result = scan([tmp_path / "other"])
    assert result.empty and result.attrs["files"]["not-published"] == 1


def test_raw_export_values_are_searched_for(tiny_wave):
    # The raw export's ids (6+ characters) and a name from a column the wave drops.
    tiny_wave.config.write_text(
        tiny_wave.config.read_text(encoding="utf-8") + "  drop: [naam]\ndisclosure:\n  threshold: 5\n", encoding="utf-8"
    )
    tiny_wave.write(
        "resp_id,naam,consent,finished,employer_type,ps_general,years_experience,causes_1,causes_2,remark\n"
        "RSP778899,Noor Brouwer,1,1,1,4,3,1,0,Prima\n"
        "12,,1,1,2,2,12.5,0,1,\n"
    )
    html = tiny_wave.root / "book" / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>Met dank aan noor  brouwer (rsp778899); 12 reacties.</p>", encoding="utf-8")
    tables = tiny_wave.root / "data" / "processed" / "9999" / "tables"
    tables.mkdir(parents=True)
    (tables / "t.csv").write_text("group,n,count\nGI,6,6\n", encoding="utf-8")  # 6 >= this wave's threshold 5
    (tables.parent / "respondents.parquet").write_bytes(b"PAR1")  # private, in its place
    findings = scan()  # the repository of PEO_ROOT
    assert sorted(findings["kind"]) == ["raw-id", "raw-id"]
    assert set(findings["file"]) == {"book/_build/html/index.html"}
    assert "Noor" not in " ".join(findings["excerpt"])
    # With the default threshold the table of 6 is a finding again.
    assert scan(threshold=10)["kind"].eq("small-count").any()


def test_raw_ids_of_an_spss_export_are_searched_for(tiny_wave):
    # Issue 11: a wave read from SPSS had 0 ids searched, its ids are numbers (123456.0).
    import pyreadstat

    frame = pd.DataFrame(
        {
            "resp_id": [123456.0, 7.0],
            "consent": [1.0, 1.0],
            "finished": [1.0, 1.0],
            "employer_type": [1.0, 2.0],
            "ps_general": [4.0, 2.0],
            "years_experience": [3.0, 12.5],
            "causes_1": [1.0, 0.0],
            "causes_2": [0.0, 1.0],
            "remark": ["Prima", ""],
        }
    )
    pyreadstat.write_sav(frame, str(tiny_wave.dir / "export.sav"))
    tiny_wave.config.write_text(
        tiny_wave.config.read_text(encoding="utf-8").replace(
            "file: export.csv\n  format: csv", "file: export.sav\n  format: sav"
        ),
        encoding="utf-8",
    )
    html = tiny_wave.root / "book" / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>Respondent 123456 schreef dit; 7 reacties.</p>", encoding="utf-8")
    findings = scan()
    assert list(findings["kind"]) == ["raw-id"] and "123456" not in " ".join(findings["excerpt"])
    note = next(n for n in findings.attrs["notes"] if n.startswith("wave 9999:"))
    assert note.startswith("wave 9999: 1 id(s)") and "1 value(s) shorter than 6 characters" in note


def test_planted_list_from_a_mapping(tree):
    _write_page(tree, "<blockquote><p>Groeten van Bertus Blom uit Oosterhout</p></blockquote>")
    findings = scan([tree], pii={"persons": ["Bertus Blom"], "places": ["Oosterhout"]})
    assert sorted(findings["kind"]) == ["person", "place"]
    # Without the list, the residual-identifier detector still sees a place by its shape
    # ("-hout"); the name "Bertus Blom" without a cue is left to the list.
    assert sorted(scan([tree], pii={})["kind"]) == ["identifier"]
    assert scan([tree], pii={}, detect=False).empty


# ------------------------------------------------------------------------------ CLI and errors


def test_cli_exit_codes(tree, run_cli, tmp_path):
    code, out, err = run_cli("check-publication", tree)
    assert code == 0 and "No findings" in out
    _write_page(tree, "<p>mail j.devries@jeugdteam-voorbeeld.nl</p>")
    code, out, err = run_cli("check-publication", tree)
    assert code == 1 and "html/page.html" in out and "[email]" in out
    assert "j.devries@jeugdteam-voorbeeld.nl" not in out
    code, out, err = run_cli("check-publication", tmp_path / "nowhere")
    assert code == 2 and "does not exist" in err and "Traceback" not in out + err
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli("check-publication", tmp_path / "empty")
    assert code == 2 and "nothing published to scan" in err


def test_mask_keeps_only_the_shape():
    assert mask("Jan de Vries") == "J*** d*** V***"
    assert mask("06-12345678") == "0***-1***"
    assert mask("192.0.2.40") == "1***.*.*.4***"


# ------------------------------------------------------------------------------ the real build


@pytest.mark.slow
def test_the_demo_build_is_clean(built_demo):
    """The published demo book, tables and notebooks identify no one (0 findings)."""
    findings = scan([built_demo])
    assert findings.empty, publication.report(findings)
    files = findings.attrs["files"]
    assert files.get("html", 0) > 10 and files.get("notebook", 0) > 0 and files.get("csv", 0) > 10
    # The raw exports were searched for, too.
    assert any("from the raw export searched for" in n for n in findings.attrs["notes"])


# ------------------------------------------------------------------------------ issue 11: attacks and detector


@pytest.mark.parametrize(
    "detail",
    [
        "Team Zeester",
        "Gezinsteam De Vlinder",
        "het Picasso Lyceum",
        "de Houtwijk",
        "de Laakhaven",
        "collega ilse",
        "postcode 2543 AB",
    ],
)
def test_unlisted_detail_in_a_quote_is_found_by_the_detector(tree, detail):
    """Details on no list (issue 11: 11 of 43 were published as quotes) are found by their shape."""
    _write_page(tree, f"<blockquote><p>Ik werk samen met {detail} en dat gaat goed.</p></blockquote>")
    findings = scan([tree], raw=False)
    hits = findings[(findings["file"] == "html/page.html") & (findings["kind"] == "identifier")]
    assert len(hits) == 1, publication.report(findings)


def test_detector_leaves_narrative_alone(tree):
    _write_page(
        tree,
        "<p>Het team van de Kennisnetwerk Jeugd Haaglanden schreef dit rapport met collega's.</p>"
        "<blockquote><p>Te veel regels, onderweg naar huisbezoeken verlies ik tijd.</p></blockquote>",
    )
    findings = scan([tree], raw=False)
    assert findings.empty, publication.report(findings)


def test_name_in_a_factsheet_pdf_is_found(tree):
    _pdf(tree / "tables" / "factsheet.pdf", "Een professional: 'Jan de Vries zegt dat het niet gaat.'")
    findings = scan([tree], raw=False)
    hits = findings[(findings["file"] == "tables/factsheet.pdf") & (findings["kind"] == "person")]
    assert len(hits) == 1 and hits["location"].iloc[0].startswith("page 1"), publication.report(findings)


def test_report_pdf_is_searched_with_the_narrative_rules(tree):
    # A wave's report PDF renders the book's pages again; the layout runs table columns together
    # ("Lokaal team" beside "GI" reads "team GI", a team's shape). Its quotes and tables are
    # scanned as content in the HTML pages; in the PDF, names are still findings.
    (tree / "waves").mkdir(exist_ok=True)
    _pdf(tree / "waves" / "peo-2022-rapport.pdf", "Lokaal team GI 0,65; Jan de Vries zegt dat het niet gaat.")
    findings = scan([tree], raw=False)
    mine = findings[findings["file"] == "waves/peo-2022-rapport.pdf"]
    assert set(mine["kind"]) == {"person"}, publication.report(findings)
    # The same text in a factsheet is content: the team's shape is a finding there.
    _pdf(tree / "waves" / "factsheet.pdf", "Lokaal team GI 0,65")
    findings = scan([tree], raw=False)
    assert "identifier" in set(findings.loc[findings["file"] == "waves/factsheet.pdf", "kind"])


def test_name_in_the_search_index_is_found(tree):
    index = {
        "docnames": ["index"],
        "titles": ["Citaat van Fatima El Amrani"],
        "terms": {"werkdruk": 0},
        "titleterms": {},
        "filenames": ["index.md"],
    }
    (tree / "html" / "searchindex.js").write_text(f"Search.setIndex({json.dumps(index)})", encoding="utf-8")
    findings = scan([tree], raw=False)
    hits = findings[(findings["file"] == "html/searchindex.js") & (findings["kind"] == "person")]
    assert len(hits) == 1, publication.report(findings)
    assert findings.attrs["files"].get("searchindex") == 1


def _by_group(rows):
    head = "item,item_label,box,box_label,group,n,count,share,suppressed\n"
    return head + "".join(f"ps_general,x,agree,eens,{g},{n},{c},,{str(n == '' or c == '')}\n" for g, n, c in rows)


def test_group_of_six_given_back_by_the_total_is_a_disclosure(tree):
    """Issue 11: "Geanalyseerd: 106 respondenten (GI –, JZ 50, LT 50)" gives GI = 6 back."""
    (tree / "tables" / "space_by_group.csv").write_text(
        _by_group([("GI", "", ""), ("JZ", 50, 40), ("LT", 50, 41), ("totaal", 106, 85)]), encoding="utf-8"
    )
    kf = dict(
        CLEAN_KEY_FIGURES, response={"received": 120, "analysed": 106, "by_group": {"GI": None, "JZ": 50, "LT": 50}}
    )
    (tree / "tables" / "key_figures.json").write_text(json.dumps(kf), encoding="utf-8")
    findings = scan([tree], raw=False)
    d = findings[findings["kind"] == "disclosure"]
    where = set(zip(d["file"], d["location"]))
    assert ("tables/space_by_group.csv", "row 1, column n") in where, publication.report(findings)
    assert ("tables/space_by_group.csv", "row 1, column count") in where
    assert ("tables/key_figures.json", "row 0, column response.by_group.GI") in where
    assert d["finding"].str.contains("must be 6").any()


def test_complementary_suppression_that_holds_is_not_a_finding(tree):
    """Two hidden cells in one margin: neither is determined."""
    (tree / "tables" / "space_by_group.csv").write_text(
        _by_group([("GI", 50, 45), ("JZ", 50, ""), ("LT", 50, ""), ("totaal", 150, 130)]), encoding="utf-8"
    )
    findings = scan([tree], raw=False)
    assert findings[findings["kind"] == "disclosure"].empty, publication.report(findings)


def test_cell_hidden_in_one_table_and_shown_in_another(tree):
    (tree / "tables" / "space_by_group.csv").write_text(
        _by_group([("GI", 50, 45), ("JZ", 50, ""), ("LT", 50, ""), ("totaal", 150, 130)]), encoding="utf-8"
    )
    (tree / "tables" / "headline_extra.csv").write_text(_by_group([("JZ", 50, 44)]), encoding="utf-8")
    findings = scan([tree], raw=False)
    d = findings[findings["kind"] == "disclosure"]
    assert d["finding"].str.contains("is shown in headline_extra.csv").any(), publication.report(findings)


@pytest.mark.parametrize("decimals", [None, 3])
def test_chi_square_statistic_pins_hidden_cells(tree, decimals):
    """Issue 11: the chi-square of the headline-vs-rest table gives the hidden cells back."""
    import numpy as np
    from scipy.stats import chi2_contingency

    a, n = {"GI": 40, "JZ": 46, "LT": 43}, {"GI": 50, "JZ": 52, "LT": 48}
    (tree / "tables" / "space_by_group.csv").write_text(
        _by_group([("GI", 50, 40), ("JZ", 52, ""), ("LT", 48, ""), ("totaal", 150, 129)]), encoding="utf-8"
    )
    x2 = float(chi2_contingency(np.array([[a[g] for g in a], [n[g] - a[g] for g in a]]), correction=False)[0])
    stat = str(x2) if decimals is None else f"{x2:.{decimals}f}"
    (tree / "tables" / "space_tests.csv").write_text(
        f"family,item,item_label,test,statistic,df,p_value,effect,effect_size,n,note\n"
        f"f,ps_general,x,chi-kwadraat,{stat},2,0.3,cramer_v,0.1,150,\n",
        encoding="utf-8",
    )
    findings = scan([tree], raw=False)
    d = findings[findings["kind"] == "disclosure"]
    assert d["finding"].str.contains("pinned to 46 by the chi-square").any(), publication.report(findings)
    assert d["finding"].str.contains("pinned to 43 by the chi-square").any()
    # Without the statistic the same table holds.
    (tree / "tables" / "space_tests.csv").unlink()
    assert scan([tree], raw=False).query("kind == 'disclosure'").empty


def test_vectorised_pearson_matches_scipy():
    """The attack's X² of 2 x G tables equals scipy.stats.chi2_contingency(correction=False)."""
    import numpy as np
    from scipy.stats import chi2_contingency

    from peo.checks.attacks import _pearson

    rng = np.random.default_rng(11)
    n = rng.integers(20, 80, size=(50, 3)).astype(float)
    a = np.floor(n * rng.uniform(0.1, 0.9, size=(50, 3)))
    ours = _pearson(a, n)
    ref = [chi2_contingency(np.vstack([a[i], n[i] - a[i]]), correction=False)[0] for i in range(50)]
    assert np.allclose(ours, ref, rtol=1e-12)


def test_a_table_over_several_waves_is_not_read_as_one_cell_shown_twice(tmp_path):
    """The trends table holds each item once per wave: a cell hidden in one wave is not
    "shown elsewhere" by the same item's count in another wave (a false finding on the demo)."""
    from peo.checks.attacks import attack_wave

    (tmp_path / "headline_trend.csv").write_text(
        "wave,item,answer,group,count,n,suppressed\n"
        "2021,stay,stays,JZ,,,true\n"
        "2022,stay,stays,JZ,48,60,false\n"
        "2023,stay,stays,JZ,42,54,false\n",
        encoding="utf-8",
    )
    findings, _ = attack_wave(tmp_path)
    assert findings == []
    # The same rows without the wave column are one cell with two values: the attack notices.
    (tmp_path / "headline_trend.csv").write_text(
        "item,answer,group,count,n,suppressed\nstay,stays,JZ,,,true\nstay,stays,JZ,48,60,false\n",
        encoding="utf-8",
    )
    findings, _ = attack_wave(tmp_path)
    assert findings, "a cell hidden in one row and shown in another is a finding"
