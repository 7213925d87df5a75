"""The built demo book reads like a report (issue 12, items 1-3): slow, on the shared demo build.

Each demo wave's chapter opens with its summary and key figures and ends with conclusions and
recommendations, every reference filled in; page titles are unique across waves; every wave
has a colophon and an English summary; the landing page states the main changes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.slow

WAVES = ("2021", "2022", "2023")


class _Title(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.title = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "title"

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.title += data


def _html(root, rel: str) -> str:
    """The main content of a built page (without the navigation, which lists every title)."""
    text = (root / "book" / "_build" / "html" / rel).read_text(encoding="utf-8")
    start = text.find("<article")
    return text[start : text.find("</article>", start)] if start >= 0 else text


def test_each_wave_chapter_opens_with_its_summary_and_ends_with_recommendations(built_demo):
    for wave in WAVES:
        index = _html(built_demo, f"waves/{wave}/index.html")
        assert index.index("Demotekst") < index.index("Samenvatting") < index.index("Kerncijfers")
        conclusions = _html(built_demo, f"waves/{wave}/conclusies.html")
        assert conclusions.index("Conclusies") < conclusions.index("Aanbevelingen")
        for audience in ("Gemeenten", "Aanbieders en gecertificeerde instellingen", "Professionals"):
            assert f">{audience}<" in conclusions, (wave, audience)
        # an employer type in a sentence has its article and no capital (plain Dutch)
        assert "Medewerkers van Gecertificeerde" not in index + conclusions
        for page in (index, conclusions):
            assert "{{" not in page and "kf:" not in page and "table:" not in page, wave
            assert re.search(r"\d+%", page)


def test_page_titles_are_unique_across_waves(built_demo):
    html = built_demo / "book" / "_build" / "html"
    titles: dict[str, str] = {}
    for page in sorted(html.rglob("*.html")):
        if "_static" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        parser = _Title()
        parser.feed(page.read_text(encoding="utf-8"))
        title = parser.title.strip()
        assert title not in titles, f"{page} and {titles.get(title)} share the title {title!r}"
        titles[title] = str(page)
    assert any("Werkplezier, werkdruk en blijven (2022)" in t for t in titles)


def test_every_wave_has_a_colophon_an_english_summary_and_a_rerun_note(built_demo):
    for wave in WAVES:
        colophon = _html(built_demo, f"waves/{wave}/colofon.html")
        assert "CC BY 4.0" in colophon and "MIT" in colophon
        english = _html(built_demo, f"waves/{wave}/summary_en.html")
        assert '<div lang="en">' in english
        chapter = _html(built_demo, f"waves/{wave}/02_professional_space.html")
        assert "Zelf opnieuw uitvoeren" in chapter and re.search(r"make(</span>)?\s*(<span[^>]*>)?lab", chapter)
    assert "Wat veranderde sinds de vorige meting" in _html(built_demo, "index.html")
    assert "Wat veranderde en wat niet" in _html(built_demo, "waves/trends.html")
