"""Tests of peo.tables.text: de-identification, safe display and theme coding of open answers.

The identifying details are those planted in the synthetic demo waves
(``peo/data/demo_pii.yml``), written into sentences the way ``peo.ingest.synth`` writes them.
deduce is called in a few batches: building its pipeline takes several seconds once per
process, each answer then takes milliseconds.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from peo.tables import text as T
from peo.survey.codebook import load_codebook
from peo.errors import CodebookError, ConfigError

ROOT = Path(__file__).resolve().parent.parent
PII = yaml.safe_load((ROOT / "peo" / "data" / "demo_pii.yml").read_text(encoding="utf-8"))
INTERFIXES = {"van", "de", "der", "den", "el", "al", "ten", "ter"}

TEMPLATES = {
    "persons": (
        "Mijn teamleider {x} zegt dat het beter wordt, maar ik merk er niets van.",
        "Ik heb dit al vaak aangekaart bij {x}, onze manager, zonder resultaat.",
    ),
    "emails": ("Mail gerust naar {x} als u meer wilt weten.",),
    "phones": ("Bel me gerust op {x} voor een toelichting.",),
    "places": ("In {x} wachten gezinnen maanden op specialistische hulp.",),
    "organisations": ("Ik werk bij {x} en daar zie ik dit elke week.",),
}
HANDWRITTEN = [
    "Mijn teamleider Jan de Vries zegt dat de regels te streng zijn.",
    "bel me op 06-12345678, ik vertel er graag meer over",
    "Bij Youz in Delft is de caseload veel te hoog.",
    "mail info@wijkteam-zuid.nl voor meer informatie",
    "Het Centrum voor Jeugd en Gezin Den Haag heeft een wachtlijst.",
    "Fatima van Youz belde gisteren nog.",  # a region name inside what deduce calls a person
    "Ingrid van Leeuwen van de William Schrikker Stichting vindt dat ook.",
    "ik sprak jan de vries in den haag en mohamed yilmaz in zoetermeer",  # typed in lower case
    "Sinds de fusie met Jeugdbescherming Gelderland is alles anders.",
]
ORDINARY = (
    "Regels, caseload, intervisie, ouders en de Jeugdwet: daar gaat het om. Minder administratie, "
    "meer vertrouwen, sterke teams en reflectie. De gemeente, het wijkteam, de gedragswetenschapper "
    "en de teamleider. Wachtlijsten en personeelstekort in de regio Haaglanden."
)


def _planted_sentences() -> list[str]:
    out = []
    for kind, values in PII.items():
        for value in values:
            out += [t.replace("{x}", value) for t in TEMPLATES[kind]]
    return out


def _leaks(texts, pii=PII) -> list[str]:
    """Planted details (and persons' first and last names) still present, case-insensitive."""
    blob = "\n".join(t for t in texts if isinstance(t, str))
    needles = [v for values in pii.values() for v in values]
    for person in pii["persons"]:
        needles += [w for w in person.split() if w.lower() not in INTERFIXES and len(w) >= 3]
    return sorted({n for n in needles if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", blob, re.IGNORECASE)})


@pytest.fixture(scope="module")
def deid():
    """One batched call: planted sentences, hand-written ones and an ordinary answer."""
    texts = _planted_sentences() + HANDWRITTEN + [ORDINARY, None, ""]
    series = pd.Series(texts, index=[f"p{i:03d}" for i in range(len(texts))], dtype="string")
    return series, T.deidentify(series)


# ----------------------------------------------------------------------------- deidentify


def test_inputs_contain_the_planted_details(deid):
    series, _ = deid
    assert len(_leaks(series.tolist())) == len({v for vs in PII.values() for v in vs}) + 2 * len(PII["persons"])


def test_no_planted_detail_survives(deid):
    _, result = deid
    assert _leaks(result.text.tolist()) == []


def test_nothing_left_for_the_residual_check(deid):
    _, result = deid
    left = {t: T.residual_identifiers(t) for t in result.text.dropna()}
    assert {t: k for t, k in left.items() if k} == {}


def test_index_order_and_missing_values_are_kept(deid):
    series, result = deid
    assert result.text.index.equals(series.index)
    assert result.text.iloc[-2] is pd.NA
    assert result.text.iloc[-1] == ""


def test_same_person_gets_the_same_tag_in_two_answers(deid):
    series, result = deid
    first = TEMPLATES["persons"][0].split("{x}")[0]  # "Mijn teamleider "
    second = TEMPLATES["persons"][1].split("{x}")[0]  # "Ik heb dit al vaak aangekaart bij "
    tags = {}
    for person in PII["persons"]:
        a = result.text[series == TEMPLATES["persons"][0].replace("{x}", person)].iloc[0]
        b = result.text[series == TEMPLATES["persons"][1].replace("{x}", person)].iloc[0]
        tag_a = re.match(re.escape(first) + r"(\[PERSOON-\d+\])", a).group(1)
        tag_b = re.match(re.escape(second) + r"(\[PERSOON-\d+\])", b).group(1)
        assert tag_a == tag_b
        tags[person] = tag_a
    assert len(set(tags.values())) == len(PII["persons"])  # different people, different tags
    # the lower-case "jan de vries" is the same person as "Jan de Vries"
    lower = result.text[series.str.startswith("ik sprak", na=False)].iloc[0]
    assert lower.startswith(f"ik sprak {tags['Jan de Vries']} in [LOCATIE-")


def test_tags_are_dutch_and_meaningful(deid):
    series, result = deid
    m = result.mapping
    assert list(m.columns) == ["tag", "original", "kind"]
    kinds = dict(zip(m["original"], m["kind"]))
    assert kinds["Jeugdbescherming Gelderland"] == "organisatie"  # deduce alone says: person
    assert kinds["William Schrikker Stichting"] == "organisatie"
    assert kinds["Sociaal Wijkteam Escamp"] == "organisatie"
    assert kinds["Centrum voor Jeugd en Gezin Den Haag"] == "organisatie"
    assert kinds["Leidschendam-Voorburg"] == "locatie"
    assert kinds["info@wijkteam-zuid.nl"] == "email"
    assert kinds["+31 6 98765432"] == "telefoon"
    assert kinds["070 123 4567"] == "telefoon"
    assert set(m["kind"]) <= {"persoon", "organisatie", "locatie", "email", "telefoon", "url", "datum", "leeftijd"}
    for tag, kind in zip(m["tag"], m["kind"]):
        assert re.fullmatch(r"\[[A-Z]+-\d+\]", tag) and tag[1:].startswith(kind.upper())
    out = dict(zip(series, result.text))
    assert out["Fatima van Youz belde gisteren nog."] == (
        f"{_tag(m, 'Fatima')} van {_tag(m, 'Youz')} belde gisteren nog."
    )
    assert out["Bij Youz in Delft is de caseload veel te hoog."] == (
        f"Bij {_tag(m, 'Youz')} in {_tag(m, 'Delft')} is de caseload veel te hoog."
    )


def _tag(mapping: pd.DataFrame, original: str) -> str:
    return mapping.loc[mapping["original"] == original, "tag"].iloc[0]


def test_ordinary_youth_care_words_are_kept(deid):
    series, result = deid
    assert result.text[series == ORDINARY].iloc[0] == ORDINARY


def test_mapping_stays_out_of_the_repr(deid):
    _, result = deid
    assert "Jan de Vries" in result.mapping["original"].tolist()
    assert "Jan de Vries" not in repr(result)


def test_deidentify_rejects_a_non_series():
    with pytest.raises(TypeError, match="pandas Series"):
        T.deidentify(["Jan de Vries"])


def test_region_lookup_errors_name_the_file(tmp_path):
    bad = tmp_path / "lookup.yml"
    bad.write_text("locations: [Delft]\norganisations: {patterns: ['(unclosed']}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lookup\.yml.*not a valid regular expression"):
        T.load_region_lookup(bad)
    bad.write_text("locations: [Delft]\nexact_case: [Horizon]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lookup\.yml.*Horizon"):
        T.load_region_lookup(bad)


def test_residual_identifiers_finds_what_must_not_be_published():
    assert T.residual_identifiers("mail a.b@example.nl") == ["email"]
    assert T.residual_identifiers("bel 06 - 1234 5678") == ["telefoon"]
    assert T.residual_identifiers("zie www.example.org/x") == ["url"]
    assert "regio" in T.residual_identifiers("het team in Rijswijk")  # also "locatie": a "-wijk" name
    assert T.residual_identifiers("Minder regels, [PERSOON-1] en 45 minuten overleg.") == []


# ----------------------------------------------------------------------------- safe display


def test_html_is_escaped():
    assert T.html_safe("<script>alert('x')</script>") == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert T.html_safe('Dit wil ik <b>vet</b> zeggen & "zo"') == (
        "Dit wil ik &lt;b&gt;vet&lt;/b&gt; zeggen &amp; &quot;zo&quot;"
    )
    assert T.html_safe(pd.NA) == ""
    assert T.safe_text("<i>", mode="html") == "&lt;i&gt;"


@pytest.mark.parametrize(
    "value", ["=1+1", '=HYPERLINK("http://example.org","klik")', "@SUM(A1:A2)", "+31 6", "-2+3", "\t=1", "  =1"]
)
def test_spreadsheet_formulas_are_neutralised(value):
    assert T.csv_safe(value) == "'" + value
    assert T.safe_text(value, mode="csv") == "'" + value


def test_plain_answers_are_left_alone_in_csv():
    assert T.csv_safe("Minder regels; meer vertrouwen.") == "Minder regels; meer vertrouwen."
    assert T.csv_safe(None) == ""
    with pytest.raises(ValueError, match="mode"):
        T.safe_text("x", mode="pdf")


# ----------------------------------------------------------------------------- themes


def test_every_coding_named_by_a_wave_exists():
    themes = T.load_themes()
    assert set(themes) == {"barriers", "solutions", "expectations"}
    for theme_yml in sorted((ROOT / "data" / "raw").glob("*/theme.yml")):
        for item in load_codebook([ROOT / "codebooks" / "core.yml", theme_yml]).by_type("open"):
            assert item.coding in themes, f"{theme_yml}: {item.id} names unknown coding {item.coding}"
    for coding in themes.values():
        assert coding.themes[-1].id == "overig" and coding.other.nl == "Overig"


def _write_codebook(tmp_path, themes_yaml: str) -> Path:
    path = tmp_path / "open_themes.yml"
    path.write_text(
        textwrap.dedent(
            """\
            other: {id: overig, nl: Overig, en: Other, description_nl: Rest.}
            codings:
              barriers:
                nl: Knelpunten
                en: Barriers
                themes:
            """
        )
        + textwrap.indent(textwrap.dedent(themes_yaml), "      "),
        encoding="utf-8",
    )
    return path


def test_duplicate_theme_id_is_a_codebook_error(tmp_path):
    path = _write_codebook(
        tmp_path,
        """\
        - {id: regels, nl: Regels, en: Rules, description_nl: x, patterns: [regel]}
        - {id: regels, nl: Andere regels, en: Other rules, description_nl: x, patterns: [wet]}
        """,
    )
    with pytest.raises(CodebookError, match=r"open_themes\.yml.*barriers.*'regels' is used twice"):
        T.load_themes(path)


def test_bad_regex_is_a_codebook_error(tmp_path):
    path = _write_codebook(
        tmp_path,
        """\
        - {id: tijd, nl: Tijd, en: Time, description_nl: x, patterns: ['tijd(']}
        """,
    )
    with pytest.raises(CodebookError, match=r"open_themes\.yml.*theme 'tijd'.*'tijd\('.*not a valid regular"):
        T.load_themes(path)


def test_missing_field_and_unknown_coding(tmp_path):
    path = _write_codebook(tmp_path, "- {id: tijd, nl: Tijd, en: Time, patterns: [tijd]}\n")
    with pytest.raises(CodebookError, match="description_nl"):
        T.load_themes(path)
    with pytest.raises(CodebookError, match="no coding 'bariers'.*barriers"):
        T.code_themes(pd.Series(["x"]), "bariers")


ANSWERS = pd.Series(
    {
        "a": "Te veel regels en administratie, dus minder tijd voor de cliënt.",
        "b": "De caseload is te hoog en de wachtlijsten zijn lang.",
        "c": "Het weer is mooi.",
        "d": "nvt",
        "e": None,
        "f": "Onregelmatige diensten.",  # "regel" only at the start of a word
        "g": "Personeelstekort: collega's vallen uit.",
        "h": "Geen.",
    },
    dtype="string",
)


def test_code_themes_on_a_handful_of_answers():
    coded = T.code_themes(ANSWERS, "barriers")
    assert list(coded.columns) == ["pid", "theme", "theme_label"]
    got = coded.groupby("pid")["theme"].apply(lambda s: sorted(map(str, s))).to_dict()
    assert got == {
        "a": ["regels_administratie", "tijdgebrek"],
        "b": ["caseload", "wachtlijsten"],
        "c": ["overig"],
        "f": ["overig"],
        "g": ["personeelstekort"],
    }
    assert coded["theme"].cat.categories[-1] == "overig"
    assert coded.loc[coded["theme"] == "caseload", "theme_label"].iloc[0] == "Te hoge caseload"


def test_theme_counts_per_group_and_total():
    coded = T.code_themes(ANSWERS, "barriers")
    groups = pd.Series(
        pd.Categorical(["GI", "GI", "JZ", "JZ", "LT", None, "LT", "LT"], categories=["GI", "JZ", "LT"]),
        index=list("abcdefgh"),
    )
    counts = T.theme_counts(coded, groups)
    assert list(counts.columns) == ["theme", "theme_label", "group", "n_answers", "count", "share"]
    n_themes = len(coded["theme"].cat.categories)
    assert len(counts) == n_themes * 4
    assert counts["group"].tolist()[:4] == ["GI", "JZ", "LT", "totaal"]
    idx = counts.set_index(["theme", "group"])
    # answers coded: a, b (GI); c (JZ); g (LT); f has no group -> total only
    assert idx.loc[("caseload", "GI"), ["n_answers", "count"]].tolist() == [2, 1]
    assert idx.loc[("caseload", "GI"), "share"] == pytest.approx(0.5)
    assert idx.loc[("overig", "JZ"), ["n_answers", "count"]].tolist() == [1, 1]
    assert idx.loc[("overig", "totaal"), ["n_answers", "count"]].tolist() == [5, 2]
    assert idx.loc[("samenwerking", "totaal"), "count"] == 0  # themes nobody mentions are rows too
    assert idx.loc[("personeelstekort", "LT"), "share"] == pytest.approx(1.0)


def test_example_quotes_are_short_safe_and_reproducible():
    texts = pd.Series(
        {
            "a": "Te veel regels: <b>alles</b> moet in het dossier. " + "Echt alles wordt vastgelegd. " * 12,
            "b": "De regels rond beschikkingen kosten [PERSOON-1] veel tijd.",
            "c": "Regels, regels: bel [TELEFOON-1] of 06 1234 5678 voor de regels.",
            "d": "Alle regels rond de verantwoording aan de gemeente.",
            "e": "Regels!",
            "f": "Mail regels@example.nl over de regels.",
        },
        dtype="string",
    )
    coded = T.code_themes(texts, "barriers")
    q1 = T.example_quotes(texts, coded, per_theme=3, max_chars=80, seed=7)
    q2 = T.example_quotes(texts, coded, per_theme=3, max_chars=80, seed=7)
    pd.testing.assert_frame_equal(q1, q2)
    assert list(q1.columns) == ["theme", "theme_label", "quote"]
    rules = q1[q1["theme"] == "regels_administratie"]["quote"].tolist()
    assert len(rules) == 3  # a, b, d: c has a phone number, e is too short, f an e-mail address
    assert not any("1234" in q or "@" in q or q.startswith("Regels!") for q in q1["quote"])
    assert any("&lt;b&gt;" in q and "<b>" not in q for q in rules)
    assert any("[PERSOON-1]" in q for q in rules)
    assert all(len(q.replace("&lt;", "<").replace("&gt;", ">")) <= 80 for q in q1["quote"])
    assert all(q.endswith("…") for q in rules if q.startswith("Te veel regels"))
    assert q1["quote"].is_unique


# ----------------------------------------------------------------------------- demo waves


def _demo_open_answers() -> dict[str, pd.Series]:
    """All open answers of the three demo exports, read directly from the raw files."""
    raw = ROOT / "data" / "raw"
    d21, _ = pyreadstat.read_sav(str(raw / "2021" / "peo2021_export.sav"))
    d22 = pd.read_csv(raw / "2022" / "peo2022_export.csv", encoding="utf-8-sig", skiprows=[1, 2], dtype=str)
    d23 = pd.read_csv(raw / "2023" / "peo2023_export.csv", encoding="cp1252", sep=";", dtype=str)
    out = {}
    for wave, df in (("2021", d21), ("2022", d22), ("2023", d23)):
        cols = [c for c in df.columns if re.fullmatch(r"t2\d_open_\w+", c)]
        assert cols, f"no open items in the {wave} demo export"
        s = df[cols].stack().dropna().astype("string")
        out[wave] = s[s.str.strip() != ""]
    return out


def test_no_planted_detail_survives_in_the_demo_exports():
    answers = _demo_open_answers()
    everything = [t for s in answers.values() for t in s.tolist()]
    planted = {v for vs in PII.values() for v in vs}
    assert set(_leaks(everything)) >= planted, "the demo exports no longer hold every planted detail"
    for wave, s in answers.items():
        result = T.deidentify(s)  # one batch per wave: tags are numbered per wave
        assert result.text.index.equals(s.index)
        assert _leaks(result.text.tolist()) == [], wave
        assert [t for t in result.text if T.residual_identifiers(t)] == [], wave
        coded = pd.concat(
            [
                T.code_themes(result.text.xs(item, level=1), coding)
                for item, coding in {
                    "2021": {"t21_open_rules": "barriers"},
                    "2022": {"t22_open_solution": "solutions"},
                    "2023": {"t23_open_expectations": "expectations", "t23_open_pressure": "expectations"},
                }[wave].items()
            ]
        )
        assert (coded["theme"] == "overig").mean() < 0.1, wave  # the codebook covers most answers
