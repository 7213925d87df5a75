"""Accessibility of the published book, checked in a real browser (peo.checks.a11y).

Dutch public-sector publications must meet WCAG 2.1 AA. The slow tests open pages in
Debian's headless Chromium and run axe-core (tests/a11y: axe-core and puppeteer-core,
pinned in package-lock.json; ``bash tests/a11y/install.sh`` installs them and Chromium):

* ``test_demo_book_is_accessible`` checks every page of the built demo book (the session
  fixture ``built_demo`` of tests/conftest.py);
* ``test_browser_check_finds_planted_problems`` proves the check can fail: a small site
  with one planted problem of each kind must give exactly the expected failures, and a
  good page none.

The fast tests check the verdict (:func:`peo.checks.a11y.findings`) and the figure-colour check on
inputs made here, without a browser.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from peo.checks import a11y
from peo.report import plots  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
NODE = REPO / "tests" / "a11y"

# While tests/conftest.py has no ``built_demo`` yet, or to check a book built elsewhere:
#   PEO_A11Y_ROOT=/path/to/root pytest tests/test_accessibility.py
# (the root holds book/_build/html). Without the variable the conftest fixture is used.
if os.environ.get("PEO_A11Y_ROOT"):

    @pytest.fixture(scope="session")
    def built_demo():
        yield Path(os.environ["PEO_A11Y_ROOT"])


# ----------------------------------------------------------------------------- helpers


def png(colours: list[str], *, band: str | None = None) -> bytes:
    """A bar chart PNG with one bar per colour (and a transparent band), like a report figure."""
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_subplot()
    ax.bar(range(len(colours)), [3 + i for i in range(len(colours))], color=colours)
    if band:
        ax.axhspan(1, 2, color=band, alpha=0.25)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white")
    return buf.getvalue()


GOOD_COLOURS = [*plots.likert_colours(5), plots.GROUP_PALETTE["total"], *plots.GROUP_PALETTE["sequence"][:3]]
# matplotlib's default red and green: the classic pair that protanopes and deuteranopes confuse
BAD_COLOURS = ["#d62728", "#2ca02c"]
LONG_ALT = "Staafdiagram: aandeel professionals met genoeg professionele ruimte, per type werkgever"
#: What a figure's <img> declares for the phone check (peo.checks.a11y_phone).
DECLARED = 'data-smallest-text-pt="12" data-dpi="100"'


def page(body: str, lang: str | None = "nl", head: str = "", title: str = "Pagina") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


# -------------------------------------------------------------------- the Node project


def test_node_project_pins_exact_versions_and_downloads_no_browser():
    package = json.loads((NODE / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((NODE / "package-lock.json").read_text(encoding="utf-8"))
    deps = package["dependencies"]
    assert set(deps) == {"axe-core", "puppeteer-core"}
    for name, version in deps.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
        assert lock["packages"][""]["dependencies"][name] == version
    # `puppeteer` (not -core) would download a browser at install time; the machine is offline
    assert "node_modules/puppeteer" not in lock["packages"]
    assert (NODE / "check.js").is_file() and os.access(NODE / "install.sh", os.X_OK)


def test_palettes_pass_the_colour_blindness_simulation():
    """The palettes the figure-colour check allows are readable with protanopia,
    deuteranopia and tritanopia (Machado et al. 2009 simulation, CIEDE2000 > 10)."""
    check = plots.palette_check()
    assert set(check["vision"]) == {"normaal", "protanopia", "deuteranopia", "tritanopia"}
    assert check["ok"].all(), check[~check["ok"]].to_string()
    # every colour of the checked palettes is allowed in figures, and nothing else but layout
    checked = {c.lower() for c in check["colour_1"]} | {c.lower() for c in check["colour_2"]}
    assert checked <= set(a11y.allowed_colours())
    extra = set(a11y.allowed_colours()) - checked - set(a11y.LAYOUT_COLOURS)
    assert extra <= {
        plots.GROUP_PALETTE["single"].lower(),
        plots.GROUP_PALETTE["interval"].lower(),
        *(c.lower() for c in plots.GROUP_PALETTE["sequence"]),
    }


def test_layout_colours_carry_readable_text():
    # the text colours peo.report.factsheet draws on them (WCAG AA for normal text: 4.5)
    assert plots.contrast_ratio("#cfe0f0", "#1f3b57") >= 4.5
    assert plots.contrast_ratio("#7a1212", "#fde8e8") >= 4.5
    # the key figures' numbers: a text colour on the white page, not a data colour
    assert plots.contrast_ratio("#1f5f8b", "#ffffff") >= 4.5
    # a new layout colour needs its text checked here first
    assert set(a11y.LAYOUT_COLOURS) == {"#1f3b57", "#fde8e8", "#1f5f8b"}


# ------------------------------------------------------------------------ pure verdicts


@pytest.mark.parametrize(
    "alt, expected",
    [
        ("../../_images/3f2a9c.png", True),
        ("figuur.svg", True),
        ("_build/jupyter_execute/abc.jpeg", True),
        ("images\\plot.png", True),
        ("Staafdiagram van werkdruk per groep", False),
        ("Figuur 1", False),
        ("Werkdruk en/of werkplezier per groep", False),
        ("", False),
    ],
)
def test_is_file_name(alt, expected):
    assert a11y.is_file_name(alt) is expected


def test_list_pages_skips_theme_folders(tmp_path):
    for rel in [
        "index.html",
        "waves/2022/index.html",
        "search.html",
        "_static/x.html",
        "_sources/a.html",
        "_images/b.html",
        ".doctrees/c.html",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    assert a11y.list_pages(tmp_path) == ["index.html", "search.html", "waves/2022/index.html"]
    with pytest.raises(a11y.BrowserError, match="make book"):
        a11y.list_pages(tmp_path / "waves")


def test_serve_answers_on_loopback_and_stops(tmp_path):
    (tmp_path / "index.html").write_text("<p>hallo</p>", encoding="utf-8")
    with a11y.serve(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:")
        assert urllib.request.urlopen(base + "index.html", timeout=5).read() == b"<p>hallo</p>"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "index.html", timeout=2)


def seen(**page_fields) -> dict:
    """What the browser reports for one page (the shape check.js writes)."""
    p = {
        "page": "p.html",
        "url": "http://127.0.0.1:1/p.html",
        "status": 200,
        "lang": "nl",
        "title": "P",
        "images": [],
        "figures_svg": [],
        "violations": [],
        "remote_requests": [],
        "failed_requests": [],
        "page_errors": [],
        "error": None,
    }
    p.update(page_fields)
    return {"chromium": "test", "axe": "test", "color_schemes": ["light", "dark"], "pages": [p], "seconds": 0.1}


def img(src: str, alt: str | None, in_main: bool = True) -> dict:
    return {
        "src": src,
        "alt": alt,
        "has_alt": alt is not None,
        "role": None,
        "aria_hidden": False,
        "in_main": in_main,
        "width": 600,
        "height": 400,
    }


def axe_violation(rule: str, impact: str, target: str, scheme: str = "light") -> dict:
    return {
        "id": rule,
        "impact": impact,
        "help": f"help {rule}",
        "color_scheme": scheme,
        "nodes": [{"target": [target], "impact": impact, "summary": "Fix it"}],
    }


def failing(found) -> set[tuple[str, str]]:
    return {(r.rule, r.target) for r in found[found["fails"]].itertuples()}


def test_findings_fail_on_serious_and_critical_axe_violations_only():
    found = a11y.findings(
        seen(
            violations=[
                axe_violation("color-contrast", "serious", ".a"),
                axe_violation("aria-required-children", "critical", ".b"),
                axe_violation("region", "moderate", ".c"),
                axe_violation("aria-deprecated-role", "minor", ".d"),
                # the same element failing in dark mode too is reported once; a new one with the scheme
                axe_violation("color-contrast", "serious", ".a", "dark"),
                axe_violation("color-contrast", "serious", ".e", "dark"),
            ]
        )
    )
    assert failing(found) == {
        ("color-contrast", ".a"),
        ("aria-required-children", ".b"),
        ("color-contrast (dark)", ".e"),
    }
    assert set(found.loc[~found["fails"], "rule"]) == {"region", "aria-deprecated-role"}
    assert list(found.columns) == a11y.FINDING_COLUMNS


@pytest.mark.parametrize(
    "lang, ok", [("nl", True), ("nl-NL", True), ("NL", True), ("en", False), ("nld", False), ("", False), (None, False)]
)
def test_findings_require_dutch(lang, ok):
    found = a11y.findings(seen(lang=lang))
    assert (("html-lang-nl", "html") not in failing(found)) is ok


def test_findings_on_images():
    data_uri = "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
    found = a11y.findings(
        seen(
            images=[
                img("http://127.0.0.1:1/_images/a.png", LONG_ALT),  # good figure
                img("http://127.0.0.1:1/_images/b.png", None),  # no alt
                img("http://127.0.0.1:1/_images/c.png", "   "),  # empty alt
                img("http://127.0.0.1:1/_images/d.png", "../../_images/d.png"),  # docutils' fallback
                img("http://127.0.0.1:1/_images/e.png", "Figuur 1"),  # too short for a figure
                img(data_uri, "Werkdruk"),  # inline figure, too short
                img("http://127.0.0.1:1/_static/logo.png", "Logo PEO", in_main=False),  # not a figure: short is fine
            ]
        )
    )
    assert failing(found) == {
        ("img-alt-missing", "_images/b.png"),
        ("img-alt-missing", "_images/c.png"),
        ("image-alt-file-name", "_images/d.png"),
        ("figure-alt-length", "_images/e.png"),
        ("figure-alt-length", "inline image/png, image 6 on the page"),
    }


def test_findings_on_requests_loading_and_scripts():
    found = a11y.findings(
        seen(
            remote_requests=["https://unpkg.com/thebe.js", "https://unpkg.com/thebe.js", "http://127.0.0.2:9/x.css"],
            failed_requests=[{"url": "http://127.0.0.1:1/_static/missing.css", "reason": "HTTP 404"}],
            page_errors=["Identifier 'X' has already been declared"],
            figures_svg=[{"role": "img", "label": "Grafiek", "aria_hidden": False, "width": 400, "height": 300}],
        )
    )
    # Issue 11: every page threw "Identifier 'THEBE_JS_URL' has already been declared";
    # a script error now fails the check.
    assert failing(found) == {
        ("remote-request", "https://unpkg.com/thebe.js"),
        ("remote-request", "http://127.0.0.2:9/x.css"),
        ("missing-resource", "_static/missing.css"),
        ("svg-figure-label", "svg"),
        ("script-error", "http://127.0.0.1:1/p.html"),
    }
    script = found[found["rule"] == "script-error"]
    assert len(script) == 1 and script["fails"].all()
    broken = a11y.findings(seen(error="Navigation timeout of 30000 ms exceeded"))
    assert failing(broken) == {("load", "http://127.0.0.1:1/p.html")}
    assert failing(a11y.findings(seen(status=404))) == {("load", "http://127.0.0.1:1/p.html")}


def test_colour_check_passes_the_palettes_and_fails_default_colours(tmp_path):
    (tmp_path / "good.png").write_bytes(png(GOOD_COLOURS, band=plots.GROUP_PALETTE["sequence"][2]))
    (tmp_path / "bad.png").write_bytes(png(BAD_COLOURS + GOOD_COLOURS[:2]))
    inline_bad = "data:image/png;base64," + base64.b64encode(png(["#ff7f0e", "#9467bd"])).decode()
    result = seen(
        images=[
            img("http://127.0.0.1:1/good.png", LONG_ALT),
            img("http://127.0.0.1:1/bad.png", LONG_ALT),
            img("http://127.0.0.1:1/bad.png", LONG_ALT),  # the same file twice: reported once
            img(inline_bad, LONG_ALT),
            img("http://127.0.0.1:1/missing.png", LONG_ALT),  # reported by the browser check, not here
        ]
    )
    found = a11y.colour_findings(tmp_path, result)
    assert set(found["check"]) == {"figure-colour"} and found["fails"].all()
    flagged = {(r.target, r.detail.split()[0]) for r in found.itertuples()}
    assert {t for t, _ in flagged} == {"bad.png", "inline image/png, image 4 on the page"}
    colours = {c for _, c in flagged}
    assert {"#d62728", "#2ca02c", "#ff7f0e", "#9467bd"} <= colours
    # nothing of the good figure, nor the palette colours drawn next to the bad ones
    assert not colours & set(GOOD_COLOURS)
    # a layout colour passes only when listed
    (tmp_path / "band.png").write_bytes(png(["#1f3b57"]))
    band = seen(images=[img("http://127.0.0.1:1/band.png", LONG_ALT)])
    assert a11y.colour_findings(tmp_path, band).empty
    assert not a11y.colour_findings(tmp_path, band, layout={}).empty


# -------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory) -> Path:
    """A small site: one good page and one page per kind of planted problem."""
    site = tmp_path_factory.mktemp("site")
    (site / "good.png").write_bytes(png(GOOD_COLOURS))
    (site / "bad.png").write_bytes(png(BAD_COLOURS))
    inline = "data:image/png;base64," + base64.b64encode(png(GOOD_COLOURS[:3])).decode()
    pages = {
        "good.html": page(
            f'<p>Negen op de tien professionals hebben genoeg ruimte. <a href="images.html">Figuren</a></p>'
            # Each figure declares its smallest text (12 pt at 100 dpi: 15 CSS px at a phone's 390 px).
            f'<img src="good.png" alt="{LONG_ALT}" {DECLARED}>'
            f'<img src="{inline}" alt="{LONG_ALT} (inline)" {DECLARED}>',
            # A good page reflows at 375 px: its figures never exceed the text column.
            head="<meta name='viewport' content='width=device-width'><style>img{max-width:100%}</style>",
        ),
        "nolang.html": page("<p>Geen taal.</p>", lang=None),
        "english.html": page("<p>This page says it is English.</p>", lang="en"),
        "images.html": page(
            '<img src="good.png">'
            '<img src="good.png" alt="good.png">'
            '<img src="good.png" alt="Figuur 1">'
            f'<img src="bad.png" alt="{LONG_ALT}">'
            f'<img src="missing.png" alt="{LONG_ALT}">'
        ),
        "contrast.html": page(
            '<p style="color:#bbbbbb">Lichtgrijze tekst op wit.</p>'
            '<p class="d">Alleen in donkere modus onleesbaar.</p>',
            head="<style>@media (prefers-color-scheme: dark) { .d { color: #444444; background: #333333; } }</style>",
        ),
        # another address than the served one, on the loopback range: nothing leaves the machine
        "remote.html": page(
            f'<img src="http://127.0.0.2:9/x.png" alt="{LONG_ALT}">',
            head='<link rel="stylesheet" href="http://127.0.0.2:9/x.css">',
        ),
        "script.html": page("<p>Een script gaat stuk.</p><script>throw new Error('kapot')</script>"),
    }
    for name, text in pages.items():
        (site / name).write_text(text, encoding="utf-8")
    (site / "index.html").write_text(page('<p><a href="good.html">Start</a></p>'), encoding="utf-8")
    return site


@pytest.mark.slow
def test_browser_check_finds_planted_problems(planted_site):
    found, result = a11y.check_book(planted_site)
    assert [p["page"] for p in result["pages"]] == a11y.list_pages(planted_site)
    assert result["axe"] == json.loads((NODE / "package.json").read_text())["dependencies"]["axe-core"]
    got = {(r.page, r.rule) for r in found[found["fails"]].itertuples()}
    assert got == {
        ("nolang.html", "html-has-lang"),  # axe
        ("nolang.html", "html-lang-nl"),
        ("english.html", "html-lang-nl"),
        ("images.html", "image-alt"),  # axe
        ("images.html", "img-alt-missing"),
        ("images.html", "image-alt-file-name"),
        ("images.html", "figure-alt-length"),
        ("images.html", "figure-colour-palette"),
        ("images.html", "missing-resource"),
        ("images.html", "horizontal-scroll"),  # five images side by side are wider than 375 px
        ("images.html", "figure-text-size"),  # figures that do not declare their smallest text
        ("contrast.html", "color-contrast"),  # axe, light
        ("contrast.html", "color-contrast (dark)"),  # axe, only with prefers-color-scheme: dark
        ("remote.html", "remote-request"),
        ("script.html", "script-error"),  # a script error fails (issue 11)
    }, a11y.report(found, result)
    remote = found[found["rule"] == "remote-request"]
    assert set(remote["target"]) == {"http://127.0.0.2:9/x.png", "http://127.0.0.2:9/x.css"}
    assert found[found["page"] == "good.html"].empty, a11y.report(found, result)
    script = found[found["page"] == "script.html"]
    # A script error fails the check (issue 11: every page threw THEBE_JS_URL twice).
    assert list(script["rule"]) == ["script-error"] and script["fails"].all()
    assert "kapot" in script["detail"].iloc[0]
    # the report names page, rule, impact, help and target of each failure
    text = a11y.report(found, result)
    assert f"{int(found['fails'].sum())} failure(s):" in text and "  contrast.html" in text
    assert "[serious] color-contrast: Elements must meet minimum color contrast ratio thresholds" in text


@pytest.mark.slow
def test_browser_check_reports_missing_tools(planted_site, tmp_path):
    with pytest.raises(a11y.BrowserError, match="install.sh"):
        a11y.browse(planted_site, chromium=str(tmp_path / "no-chromium"))
    with pytest.raises(a11y.BrowserError, match="axe-core"):
        a11y.browse(planted_site, node_project=tmp_path)


@pytest.mark.slow
def test_demo_book_is_accessible(built_demo):
    """Every page of the built demo book: no serious or critical WCAG 2.1 A/AA violation
    (light and dark colour scheme), Dutch, alt text on every image and a describing one on
    every figure, figures only in the colour-blind-checked palettes, nothing loaded from
    anywhere but 127.0.0.1, all within two minutes."""
    html_dir = Path(built_demo) / "book" / "_build" / "html"
    pages = a11y.list_pages(html_dir)
    found, result = a11y.check_book(html_dir, pages)
    assert found[found["fails"]].empty, a11y.report(found, result)
    assert [p["page"] for p in result["pages"]] == pages
    assert all(p["error"] is None and p["status"] == 200 for p in result["pages"])
    # not vacuous: every wave chapter was checked and the figures were there to check
    waves = {m.group(1) for p in pages if (m := re.match(r"waves/([^/]+)/index\.html$", p))}
    assert waves, pages
    figures = [i for p in result["pages"] for i in p["images"] if i["in_main"]]
    assert len(figures) >= 3 * len(waves)
    assert all(len(i["alt"].strip()) >= a11y.MIN_FIGURE_ALT for i in figures)
    # How long the check takes is a benchmark figure, not a test (it depends on the machine's load).


def test_console_error_and_sideways_scrolling_at_375_px_fail():
    found = a11y.findings(
        seen(
            console_errors=["Failed to load resource: net::ERR_FAILED"],
            overflow={"width": 375, "scroll_width": 640, "elements": ["table.docutils"]},
        )
    )
    rules = set(found.loc[found["fails"], "rule"])
    assert {"script-error", "horizontal-scroll"} <= rules
    ok = a11y.findings(seen(overflow={"width": 375, "scroll_width": 375, "elements": []}))
    assert "horizontal-scroll" not in set(ok["rule"])
