"""Accessibility of the built book, checked in a real browser.

Dutch public-sector publications must meet WCAG 2.1 level AA. This module serves the
built book (``book/_build/html``) on 127.0.0.1, opens every page in Debian's headless
Chromium and runs axe-core on it (the Node project in ``tests/a11y/``: axe-core and
puppeteer-core, exact versions in its ``package-lock.json``; ``tests/a11y/install.sh``
installs Chromium and the packages). The browser (``tests/a11y/check.js``) reports what it
sees; this module decides what fails (:func:`findings`, :func:`colour_findings`):

``axe``
    an axe-core violation of a rule tagged ``wcag2a``, ``wcag2aa``, ``wcag21a`` or
    ``wcag21aa`` with impact ``serious`` or ``critical`` (:data:`FAIL_IMPACTS`). Every
    rule runs in the light colour scheme; the colour rules run again in the dark one
    (the theme follows the reader's ``prefers-color-scheme``);
``lang``
    the page does not declare Dutch (``<html lang="nl">``, or a tag starting with ``nl-``);
``alt``
    an ``<img>`` without alt text, with an empty one, or with a file name or path as alt
    text (docutils falls back to the image's address when a figure has no ``:alt:``);
``figure-alt``
    a figure (an image, or an inline SVG of at least 100 × 100 px, in the page's
    ``<main>``) whose text alternative is shorter than :data:`MIN_FIGURE_ALT` characters:
    too short to say what the figure shows;
``figure-colour``
    a figure (PNG or JPEG, a file or an inline ``data:`` image) that fills an area with a
    colour outside the palettes that :func:`peo.report.colours.palette_check` proves readable
    under simulated protanopia, deuteranopia and tritanopia;
``remote``
    the page asked for anything that is not on the local server (the book must work
    offline and must not hand its readers to third parties). Such requests are blocked,
    and Chromium resolves no host name at all;
``missing``
    a file the page asked for on the local server is missing (HTTP 4xx/5xx);
``load``
    the page did not load (HTTP error, timeout).

Script errors on a page (``script``) and axe findings of impact ``minor`` or ``moderate``
are reported but do not fail. :func:`check_book` runs everything and returns one row per
finding; :func:`report` formats them for a person; ``python -m peo.checks.a11y [HTML_DIR]`` does
both from the command line.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd

from peo.errors import PeoError

__all__ = [
    "BrowserError",
    "CHROMIUM",
    "CHROMIUM_FLAGS",
    "FAIL_IMPACTS",
    "FINDING_COLUMNS",
    "LAYOUT_COLOURS",
    "MIN_FIGURE_ALT",
    "NARROW_WIDTH",
    "NODE_PROJECT",
    "WCAG_TAGS",
    "allowed_colours",
    "browse",
    "check_book",
    "colour_findings",
    "findings",
    "is_file_name",
    "list_pages",
    "main",
    "report",
    "serve",
]


class BrowserError(PeoError):
    """The browser check cannot run: Chromium, Node or the npm packages are missing, or the
    browser stopped."""


#: Debian's Chromium (``apt-get install chromium``).
CHROMIUM = "/usr/bin/chromium"
#: Flags of every run: headless, no sandbox (root in a container), and nothing that talks
#: to the network on its own (updates, sync, field trials, QUIC). The profile is a new
#: empty ``--user-data-dir`` per run, added by :func:`browse`.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--lang=nl-NL",
    # No name is ever looked up (no DNS prefetch or preconnect either): a page that names
    # another host fails to reach it even before the request is intercepted.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--dns-prefetch-disable",
)
#: axe-core rule tags checked: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: axe-core impacts that fail the check (``minor`` and ``moderate`` are reported by axe
#: but do not fail).
FAIL_IMPACTS: tuple[str, ...] = ("serious", "critical")
#: Shortest alt text of a figure: a sentence that says what the figure shows, not a title
#: such as "Figuur 1" or "Werkdruk per groep".
MIN_FIGURE_ALT = 40

#: Width (CSS px) at which no page may scroll sideways (WCAG 1.4.10 Reflow: 320 px at 400%
#: zoom; 375 px is the narrowest common phone).
NARROW_WIDTH = 375
#: Primary language of every page (the ``lang`` of ``<html>`` must equal it or start with
#: it and a hyphen, e.g. ``nl-NL``).
LANGUAGE = "nl"
#: A colour that covers at least this share of a figure's pixels is a *fill* whose colour
#: must come from the checked palettes (anti-aliased edges each cover far less).
MIN_COLOUR_AREA = 0.002
#: Largest CIEDE2000 difference between a fill and the nearest allowed colour (about
#: one just-noticeable difference: PNG quantisation and blending, not another colour).
MAX_COLOUR_DELTA_E = 3.0
#: Largest difference between the three channels (0-255) for a colour to count as a grey
#: (text, axes, grid, the "totaal" bar and the neutral answer are grey).
MAX_GREY_SPREAD = 12
#: Colours that may fill an area of a figure although they are in no checked palette,
#: because they encode no data: the surfaces of the factsheet (peo.report.factsheet) that carry
#: text. Their text contrast is far above WCAG AA (light text #cfe0f0 on the ink band:
#: 8.6:1; dark red #7a1212 on the pink notice: 9.3:1; :func:`peo.report.colours.contrast_ratio`).
#: A new entry needs such a reason.
LAYOUT_COLOURS: dict[str, str] = {
    "#1f3b57": "factsheet: ink band of the title (light text on it)",
    "#fde8e8": "factsheet: box of the synthetic-data notice (dark red text on it)",
}
#: Folder of the Node project (package.json, package-lock.json, check.js, install.sh).
NODE_PROJECT = Path(__file__).resolve().parents[2] / "tests" / "a11y"
#: Folders of the built HTML that hold no pages (theme files, sources, downloads).
NOT_PAGES = ("_static", "_sources", "_images", "_downloads", "_sphinx_design_static", "_panels_static")

#: Columns of :func:`findings` and :func:`check_book`.
FINDING_COLUMNS = ["page", "check", "rule", "impact", "fails", "help", "target", "detail"]

_IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp|avif|bmp|tiff?|pdf)$", re.IGNORECASE)


# ====================================================================== pages and server


def list_pages(html_dir: str | os.PathLike) -> list[str]:
    """Every HTML page of a built book, relative to ``html_dir`` (``/`` separated, sorted).

    Theme templates and copies (``_static``, ``_sources``, ``_images``, ``_downloads``)
    are not pages; everything else is, including ``genindex.html`` and ``search.html``.

    Parameters
    ----------
    html_dir : path
        The built HTML, e.g. ``book/_build/html``.

    Returns
    -------
    list of str

    Raises
    ------
    BrowserError
        If ``html_dir`` does not exist or holds no ``index.html``.
    """
    html_dir = Path(html_dir)
    if not (html_dir / "index.html").is_file():
        raise BrowserError(
            f"There is no built book in {html_dir} (index.html is missing). Build it first with 'make book'."
        )
    pages = []
    for p in html_dir.rglob("*.html"):
        rel = p.relative_to(html_dir)
        if rel.parts[0] in NOT_PAGES or rel.parts[0].startswith("."):
            continue
        pages.append(rel.as_posix())
    return sorted(pages)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextlib.contextmanager
def serve(html_dir: str | os.PathLike) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) while the ``with`` block runs.

    Parameters
    ----------
    html_dir : path

    Yields
    ------
    str
        The base URL, ``http://127.0.0.1:<port>/``.
    """
    handler = functools.partial(_QuietHandler, directory=str(Path(html_dir).resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="peo-a11y-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# =============================================================================== browser


def _require_tools(chromium: str, node_project: Path) -> str:
    hint = f"Run 'bash {node_project / 'install.sh'}' (or 'make test', which runs it)."
    if not Path(chromium).is_file():
        raise BrowserError(f"Chromium is not installed at {chromium}. {hint}")
    node = shutil.which("node")
    if node is None:
        raise BrowserError(f"Node.js is not installed (the command 'node' was not found). {hint}")
    for package in ("axe-core", "puppeteer-core"):
        if not (node_project / "node_modules" / package / "package.json").is_file():
            raise BrowserError(f"The npm package {package} is not installed in {node_project / 'node_modules'}. {hint}")
    return node


def browse(
    html_dir: str | os.PathLike,
    pages: Sequence[str] | None = None,
    *,
    chromium: str = CHROMIUM,
    node_project: str | os.PathLike = NODE_PROJECT,
    concurrency: int = 2,
    timeout: float = 30.0,
    color_schemes: Sequence[str] = ("light", "dark"),
    viewport: Mapping[str, int] | None = None,
) -> dict:
    """Serve the book, open the pages in headless Chromium and return what it saw.

    One browser is started for all pages (``concurrency`` tabs at a time), with
    :data:`CHROMIUM_FLAGS` and a new empty profile that is removed afterwards. Every
    request that does not go to the local server is blocked and recorded.

    Parameters
    ----------
    html_dir : path
        The built HTML.
    pages : sequence of str, optional
        Pages relative to ``html_dir``; default :func:`list_pages`.
    chromium : str, default :data:`CHROMIUM`
    node_project : path, default :data:`NODE_PROJECT`
    concurrency : int, default 2
        Pages open at the same time (the machine has 2 cores).
    timeout : float, default 30
        Seconds for one page to load.
    color_schemes : sequence of {"light", "dark"}, default ("light", "dark")
        The reader's preferred colour schemes (the theme follows it). Every rule runs with
        the first; the colour rules (contrast, links in text) run again with each further
        one on the same page.
    viewport : mapping, optional
        ``{"width": ..., "height": ...}`` in CSS pixels; default 1280 × 900.

    Returns
    -------
    dict
        ``chromium`` (version), ``axe`` (version), ``seconds`` and ``pages``: one dict per
        page with ``page``, ``url``, ``status``, ``lang``, ``title``, ``images``,
        ``figures_svg``, ``violations``, ``remote_requests``, ``failed_requests``,
        ``page_errors`` and ``error`` (see ``tests/a11y/check.js``).

    Raises
    ------
    BrowserError
        If Chromium, Node or the npm packages are missing, or the browser run fails.
    """
    node_project = Path(node_project)
    node = _require_tools(chromium, node_project)
    pages = list_pages(html_dir) if pages is None else list(pages)
    with tempfile.TemporaryDirectory(prefix="peo-chromium-") as profile, serve(html_dir) as base_url:
        job = {
            "base_url": base_url,
            "pages": pages,
            "chromium": chromium,
            "flags": list(CHROMIUM_FLAGS),
            "user_data_dir": profile,
            "tags": list(WCAG_TAGS),
            "concurrency": concurrency,
            "timeout_ms": int(timeout * 1000),
            "viewport": dict(viewport or {"width": 1280, "height": 900}),
            "narrow_width": NARROW_WIDTH,
            "color_schemes": list(color_schemes),
        }
        budget = 60 + timeout * len(pages) / max(1, concurrency)
        try:
            proc = subprocess.run(
                [node, str(node_project / "check.js")],
                input=json.dumps(job),
                capture_output=True,
                text=True,
                timeout=budget,
                cwd=node_project,
            )
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"The browser check did not finish within {budget:.0f} s ({len(pages)} pages).") from exc
    if proc.returncode != 0:
        raise BrowserError(f"The browser check failed (exit {proc.returncode}):\n{proc.stderr.strip()[-3000:]}")
    return json.loads(proc.stdout)


# ============================================================================== findings


def is_file_name(text: str | None) -> bool:
    """Whether an alt text is a file name or a path rather than words.

    ``"../_images/3f2a.png"``, ``"figuur.svg"`` and ``"plot_1"``-like single tokens with an
    image extension or a slash count as file names; a sentence does not.
    """
    t = (text or "").strip()
    if not t:
        return False
    if " " in t and not _IMAGE_FILE.search(t):
        return False
    return bool(_IMAGE_FILE.search(t) or "/" in t or "\\" in t)


def _path_of(url: str) -> str:
    """The path of a URL on the local server, relative to the served folder."""
    return unquote(urlsplit(url).path).lstrip("/")


def _image_label(src: str, index: int) -> str:
    """How a finding names an image: its path, or for an inline (data:) image its type and
    place on the page ("inline image/png, image 3 on the page")."""
    if src.startswith("data:"):
        mime = src[5:].split(";", 1)[0].split(",", 1)[0] or "data"
        return f"inline {mime}, image {index + 1} on the page"
    return _path_of(src)


def _image_bytes(src: str, html_dir: Path) -> bytes | None:
    """The bytes of an image: decoded from a data: URI, or read from the served folder."""
    if src.startswith("data:"):
        head, _, data = src.partition(",")
        try:
            return base64.b64decode(data) if head.endswith(";base64") else unquote(data).encode("latin-1")
        except (ValueError, UnicodeEncodeError):
            return None
    path = html_dir / _path_of(src)
    return path.read_bytes() if path.is_file() else None


def _row(page, check, rule, impact, help_, target, detail, fails: bool = True) -> dict:
    return dict(zip(FINDING_COLUMNS, [page, check, rule, impact, fails, help_, target, detail]))


def findings(
    result: Mapping,
    *,
    fail_impacts: Sequence[str] = FAIL_IMPACTS,
    min_figure_alt: int = MIN_FIGURE_ALT,
    language: str = LANGUAGE,
) -> pd.DataFrame:
    """Judge what the browser saw (:func:`browse`): one row per finding.

    Parameters
    ----------
    result : mapping
        The return value of :func:`browse`.
    fail_impacts : sequence of str, default :data:`FAIL_IMPACTS`
    min_figure_alt : int, default :data:`MIN_FIGURE_ALT`
    language : str, default :data:`LANGUAGE`

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDING_COLUMNS`: ``page`` (relative path), ``check`` (``axe``,
        ``lang``, ``alt``, ``figure-alt``, ``remote``, ``missing``, ``load``, ``script``),
        ``rule`` (axe rule id, with `` (dark)`` when found only in a further colour
        scheme; else a name for the check), ``impact`` (axe's; ``serious`` or
        ``critical`` for the other checks), ``fails`` (bool: the finding fails the check;
        axe findings below ``fail_impacts`` and script errors are reported only),
        ``help`` (what is wrong, from axe or in words), ``target`` (CSS selector, URL or
        image address) and ``detail`` (axe's failure summary, the offending value).
    """
    rows: list[dict] = []
    lang_re = re.compile(rf"^{re.escape(language)}(-|$)", re.IGNORECASE)
    first_scheme = (result.get("color_schemes") or [None])[0]
    for p in result.get("pages", []):
        page = p["page"]
        if p.get("error"):
            rows.append(
                _row(page, "load", "load", "critical", "The page did not load in the browser", p["url"], p["error"])
            )
            continue
        if p.get("status") is not None and p["status"] >= 400:
            rows.append(_row(page, "load", "load", "critical", f"The server answered HTTP {p['status']}", p["url"], ""))
        for message in dict.fromkeys(p.get("page_errors", []) + p.get("console_errors", [])):
            # Failed: a script error breaks what the script was for (issue 11: every page
            # declared THEBE_JS_URL twice), even where no WCAG rule names it.
            rows.append(
                _row(
                    page, "script", "script-error", "serious", "A script on the page raised an error", p["url"], message
                )
            )
        over = p.get("overflow") or {}
        if over and over.get("scroll_width", 0) > over.get("width", 0) + 1:
            rows.append(
                _row(
                    page,
                    "reflow",
                    "horizontal-scroll",
                    "serious",
                    f"The page scrolls sideways at {over['width']} px (WCAG 1.4.10 Reflow)",
                    p["url"],
                    f"scroll width {over['scroll_width']} px; too wide: {', '.join(over.get('elements', []))}",
                )
            )
        found_first: set[tuple[str, str]] = set()
        for v in p.get("violations", []):
            for n in v["nodes"]:
                impact = n.get("impact") or v.get("impact")
                scheme = v.get("color_scheme")
                key = (v["id"], ", ".join(n["target"]))
                if scheme in (None, first_scheme):
                    rule = v["id"]
                    found_first.add(key)
                elif key in found_first:
                    continue  # the same element fails in every scheme: reported once
                else:
                    rule = f"{v['id']} ({scheme})"
                rows.append(
                    _row(
                        page,
                        "axe",
                        rule,
                        impact,
                        v["help"],
                        ", ".join(n["target"]),
                        " ".join((n.get("summary") or "").split()),
                        fails=impact in fail_impacts,
                    )
                )
        lang = p.get("lang")
        if not lang or not lang_re.match(lang):
            rows.append(
                _row(
                    page,
                    "lang",
                    "html-lang-nl",
                    "serious",
                    f'The page does not declare Dutch: <html lang="{language}"> is expected',
                    "html",
                    f"lang={lang!r}",
                )
            )
        for i, img in enumerate(p.get("images", [])):
            src = _image_label(img["src"], i)
            alt = img.get("alt")
            # Every image, decorative ones too: the book has no decorative images, and an
            # alt="" slipping through on a figure is the failure this check exists for.
            if not img.get("has_alt") or not (alt or "").strip():
                rows.append(
                    _row(page, "alt", "img-alt-missing", "critical", "An image has no alt text", src, repr(alt))
                )
            elif is_file_name(alt):
                rows.append(
                    _row(
                        page,
                        "alt",
                        "image-alt-file-name",
                        "serious",
                        "The alt text of an image is a file name, not a description",
                        src,
                        alt,
                    )
                )
            elif img.get("in_main") and len(alt.strip()) < min_figure_alt:
                rows.append(
                    _row(
                        page,
                        "figure-alt",
                        "figure-alt-length",
                        "serious",
                        f"The alt text of a figure is shorter than {min_figure_alt} characters: "
                        "it does not say what the figure shows",
                        src,
                        alt,
                    )
                )
        for svg in p.get("figures_svg", []):
            if svg.get("aria_hidden"):
                continue
            label = (svg.get("label") or "").strip()
            if len(label) < min_figure_alt:
                rows.append(
                    _row(
                        page,
                        "figure-alt",
                        "svg-figure-label",
                        "serious",
                        f"An inline SVG figure has no text alternative of at least {min_figure_alt} characters "
                        "(aria-label or <title>)",
                        "svg",
                        label,
                    )
                )
        for url in dict.fromkeys(p.get("remote_requests", [])):
            rows.append(
                _row(
                    page,
                    "remote",
                    "remote-request",
                    "critical",
                    "The page asked for a resource that is not on 127.0.0.1 (the book must work offline)",
                    url,
                    "",
                )
            )
        missing = {(_path_of(f["url"]), f["reason"]): None for f in p.get("failed_requests", [])}
        for path, reason in missing:
            rows.append(
                _row(
                    page, "missing", "missing-resource", "serious", "A file the page asks for is missing", path, reason
                )
            )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


# ================================================================================ colours


def allowed_colours(layout: Mapping[str, str] | None = None) -> list[str]:
    """The colours a figure may fill areas with.

    Every colour of the palettes that :func:`peo.report.colours.palette_check` checks (the Likert
    palettes of every size, the group palette and its fixed colours), plus the layout
    colours of :data:`LAYOUT_COLOURS` (surfaces that carry text, not data).

    Parameters
    ----------
    layout : mapping of str to str, optional
        Layout colours (hex) with the reason they are allowed; default
        :data:`LAYOUT_COLOURS`.

    Returns
    -------
    list of str
        Lower-case ``#rrggbb``, sorted, without duplicates.
    """
    from peo.report import colours as plots

    colours: list[str] = []
    for sizes in plots.LIKERT_PALETTES.values():
        for cols in sizes.values():
            colours += list(cols)
    for value in plots.GROUP_PALETTE.values():
        colours += [value] if isinstance(value, str) else list(value)
    colours += list(LAYOUT_COLOURS if layout is None else layout)
    return sorted({c.lower() for c in colours})


def _to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours given as an (n, 3) array of 0-255 values."""
    from peo.report import colours as plots

    return np.array([plots.srgb_to_lab("#{:02x}{:02x}{:02x}".format(*map(int, c))) for c in rgb])


def _dominant_colours(data: bytes, min_area: float) -> list[tuple[tuple[int, int, int], float]]:
    """The colours of an image (composited over white) that cover at least ``min_area``."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        rgba = np.asarray(im.convert("RGBA"))
    alpha = rgba[..., 3:4].astype(float) / 255.0
    rgb = np.rint(rgba[..., :3] * alpha + 255.0 * (1 - alpha)).astype(np.uint8)  # over a white page
    flat = rgb.reshape(-1, 3).astype(np.uint32)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]  # 1-D: far faster than unique(axis=0)
    values, counts = np.unique(packed, return_counts=True)
    share = counts / packed.shape[0]
    keep = share >= min_area
    return [
        (((int(v) >> 16) & 255, (int(v) >> 8) & 255, int(v) & 255), float(s)) for v, s in zip(values[keep], share[keep])
    ]


def _blend_distance(
    c: np.ndarray, bases: np.ndarray, bases_lab: np.ndarray, pair_i: np.ndarray, pair_j: np.ndarray, candidates: int = 8
) -> float:
    """Smallest CIEDE2000 difference between colour ``c`` (0-255 RGB) and a base colour or
    an alpha blend of two base colours (a point on the sRGB segment between them)."""
    from peo.report import colours as plots

    lab = _to_lab(c[None, :])[0]
    best = min(plots.delta_e2000(lab, x) for x in bases_lab)
    p, q = bases[pair_i], bases[pair_j]
    d = q - p
    t = np.clip(((c - p) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-9), 0.0, 1.0)
    points = p + t[:, None] * d
    rgb_dist = np.linalg.norm(points - c, axis=1)
    for k in np.argsort(rgb_dist)[:candidates]:  # the nearest few in RGB, judged in CIELAB
        best = min(best, plots.delta_e2000(lab, _to_lab(np.rint(points[k])[None, :])[0]))
    return float(best)


def colour_findings(
    html_dir: str | os.PathLike,
    result: Mapping,
    *,
    min_area: float = MIN_COLOUR_AREA,
    max_delta_e: float = MAX_COLOUR_DELTA_E,
    layout: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Figures that fill an area with a colour outside the checked palettes.

    For every raster figure (PNG, JPEG) in the ``<main>`` of a page, each colour that
    covers at least ``min_area`` of the pixels (a fill, not an anti-aliased edge) must be
    a grey, a colour of :func:`allowed_colours`, or an alpha blend of one with white,
    black or another allowed colour (a transparent fill, overlapping bands), within
    ``max_delta_e`` (CIEDE2000, :func:`peo.report.colours.delta_e2000`). The palettes are those
    that :func:`peo.report.colours.palette_check` proves distinguishable under simulated
    protanopia, deuteranopia and tritanopia, so a figure that passes draws its data only
    in colours checked for colour-blind readers; a matplotlib or seaborn default colour
    (red against green) fails. Each image file is checked once (the first page that
    shows it names it). Images are composited over white first (transparent PNGs).

    Parameters
    ----------
    html_dir : path
        The built HTML that :func:`browse` served.
    result : mapping
        The return value of :func:`browse`.
    min_area, max_delta_e : float
        Default :data:`MIN_COLOUR_AREA`, :data:`MAX_COLOUR_DELTA_E`.
    layout : mapping of str to str, optional
        Layout colours allowed besides the palettes; default :data:`LAYOUT_COLOURS`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDING_COLUMNS`, ``check`` = ``figure-colour``; ``target`` is the
        image, ``detail`` the colour, its share of the image and the nearest allowed colour.
    """
    from peo.report import colours as plots

    html_dir = Path(html_dir)
    names = allowed_colours(layout)
    allowed = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in names], dtype=float)
    allowed_lab = _to_lab(allowed)
    # Transparent fills blend a palette colour with white, black or another palette colour.
    bases = np.vstack([allowed, [[255.0, 255.0, 255.0], [0.0, 0.0, 0.0]]])
    bases_lab = _to_lab(bases)
    pair_i, pair_j = np.triu_indices(len(bases), k=1)
    seen: set[str] = set()
    rows: list[dict] = []
    for p in result.get("pages", []):
        for i, img in enumerate(p.get("images", [])):
            if not img.get("in_main"):
                continue
            data = _image_bytes(img["src"], html_dir)
            if data is None or not data.startswith((b"\x89PNG", b"\xff\xd8")):  # PNG, JPEG; missing: reported
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            rel = _image_label(img["src"], i)
            for colour, share in _dominant_colours(data, min_area):
                c = np.array(colour, dtype=float)
                if c.max() - c.min() <= MAX_GREY_SPREAD:
                    continue
                de = _blend_distance(c, bases, bases_lab, pair_i, pair_j)
                if de <= max_delta_e:
                    continue
                de_exact = np.array([plots.delta_e2000(_to_lab(c[None, :])[0], x) for x in allowed_lab])
                nearest = names[int(de_exact.argmin())]
                hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
                rows.append(
                    _row(
                        p["page"],
                        "figure-colour",
                        "figure-colour-palette",
                        "serious",
                        "A figure fills an area with a colour outside the colour-blind-checked palettes (peo.report.colours)",
                        rel,
                        f"{hex_colour} covers {share:.1%} of the image; nearest palette colour {nearest} "
                        f"(CIEDE2000 {de_exact.min():.1f})",
                    )
                )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


# ================================================================================ together


def check_book(
    html_dir: str | os.PathLike,
    pages: Sequence[str] | None = None,
    *,
    colours: bool = True,
    **browse_kwargs,
) -> tuple[pd.DataFrame, dict]:
    """Check every page of a built book in headless Chromium.

    Parameters
    ----------
    html_dir : path
        The built HTML, e.g. ``book/_build/html``.
    pages : sequence of str, optional
        Default: every page (:func:`list_pages`).
    colours : bool, default True
        Also run :func:`colour_findings` on the figures.
    **browse_kwargs
        Passed to :func:`browse` (``concurrency``, ``timeout``, ``color_scheme``, ...).

    Returns
    -------
    findings : pandas.DataFrame
        One row per failure (columns :data:`FINDING_COLUMNS`); empty when the book passes.
    result : dict
        What the browser saw (:func:`browse`), for further checks and the report.

    Raises
    ------
    BrowserError
        If there is no built book, or the browser check cannot run.
    """
    result = browse(html_dir, pages, **browse_kwargs)
    frames = [findings(result)]
    if colours:
        frames.append(colour_findings(html_dir, result))
    found = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    return found.sort_values(["page", "check", "rule", "target"], kind="stable").reset_index(drop=True), result


def report(found: pd.DataFrame, result: Mapping | None = None, limit: int = 60) -> str:
    """The findings as text for a person: the failures one per line, grouped by page, then
    a count of the findings that do not fail (axe's minor and moderate, script errors).

    Parameters
    ----------
    found : pandas.DataFrame
        From :func:`check_book` or :func:`findings`.
    result : mapping, optional
        From :func:`browse`: adds the number of pages, the versions and the time.
    limit : int, default 60
        At most this many failures are listed (the count is always given).

    Returns
    -------
    str
    """
    lines = []
    if result is not None:
        lines.append(
            f"{len(result.get('pages', []))} pages checked in {result.get('seconds', 0):.1f} s "
            f"(axe-core {result.get('axe')}, {result.get('chromium')}; {', '.join(WCAG_TAGS)})"
        )
    failing = found[found["fails"].astype(bool)]
    lines.append(f"{len(failing)} failure(s)" + (":" if len(failing) else ""))
    for page, rows in failing.head(limit).groupby("page", sort=True):
        lines.append(f"  {page}")
        for r in rows.itertuples(index=False):
            line = f"    [{r.impact}] {r.rule}: {r.help}; {r.target}"
            if r.detail:
                line += f" -- {r.detail}"
            lines.append(line[:600])
    if len(failing) > limit:
        lines.append(f"  ... and {len(failing) - limit} more")
    rest = found[~found["fails"].astype(bool)]
    if len(rest):
        counts = rest.groupby(["rule", "impact"]).agg(findings=("page", "size"), pages=("page", "nunique"))
        lines.append(f"{len(rest)} finding(s) that do not fail:")
        for (rule, impact), r in counts.iterrows():
            lines.append(f"    [{impact}] {rule}: {r['findings']} on {r['pages']} page(s)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Check a built book and print the findings: ``python -m peo.checks.a11y [HTML_DIR]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (default ``sys.argv[1:]``): the built HTML folder (default
        ``book/_build/html`` under the repository root) and ``--json FILE`` to also write
        every finding as JSON.

    Returns
    -------
    int
        0 when nothing fails, 1 when something does, 2 when the check cannot run.
    """
    import argparse
    import sys

    from peo import paths

    parser = argparse.ArgumentParser(
        prog="python -m peo.checks.a11y",
        description="Check every page of the built book in headless Chromium (axe-core, WCAG 2.1 A/AA), "
        "its language, alt texts, figure colours and offline loading.",
    )
    parser.add_argument("html_dir", nargs="?", default=None, help="the built HTML (default: book/_build/html)")
    parser.add_argument("--json", metavar="FILE", help="also write all findings to FILE as JSON")
    args = parser.parse_args(argv)
    html_dir = Path(args.html_dir) if args.html_dir else paths.book_dir() / "_build" / "html"
    try:
        found, result = check_book(html_dir)
    except PeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(report(found, result))
    if args.json:
        Path(args.json).write_text(found.to_json(orient="records", indent=1, force_ascii=False), encoding="utf-8")
    return 1 if found["fails"].any() else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
