"""The browser of the accessibility check: the built book served on 127.0.0.1, opened in
Debian's headless Chromium with axe-core (the Node project in ``tests/a11y/``).

:func:`list_pages` lists the pages, :func:`serve` serves the folder while a ``with`` block
runs, and :func:`browse` opens every page and returns what the browser saw
(``tests/a11y/check.js``); :mod:`peo.checks.a11y_findings` and
:mod:`peo.checks.a11y_colours` judge it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from peo.errors import PeoError

__all__ = [
    "BrowserError",
    "CHROMIUM",
    "CHROMIUM_FLAGS",
    "NARROW_WIDTH",
    "NODE_PROJECT",
    "NOT_PAGES",
    "PHONE_WIDTH",
    "WCAG_TAGS",
    "browse",
    "list_pages",
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
#: Width (CSS px) at which no page may scroll sideways (WCAG 1.4.10 Reflow: 320 px at 400%
#: zoom; 375 px is the narrowest common phone).
NARROW_WIDTH = 375
#: Width (CSS px) of the phone at which every figure must be readable (issue 12: a common
#: phone, 390 CSS px); :mod:`peo.checks.a11y_phone` judges what the browser measured there.
PHONE_WIDTH = 390
#: Folder of the Node project (package.json, package-lock.json, check.js, install.sh).
NODE_PROJECT = Path(__file__).resolve().parents[2] / "tests" / "a11y"
#: Folders of the built HTML that hold no pages (theme files, sources, downloads).
NOT_PAGES = ("_static", "_sources", "_images", "_downloads", "_sphinx_design_static", "_panels_static")


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
    phone_width: int | None = PHONE_WIDTH,
    screenshot_dir: str | os.PathLike | None = None,
    screenshot_pages: Sequence[str] = (),
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
    phone_width : int or None, default :data:`PHONE_WIDTH`
        Every page is also laid out at this width: each page's ``phone`` gives its sideways
        scrolling and every image of its content as shown (box, PNG width, the smallest
        text size its ``<img>`` declares); ``None`` skips it.
    screenshot_dir : path, optional
        A folder for screenshots (full page, at ``phone_width``) of ``screenshot_pages``;
        each such page's ``phone["screenshot"]`` is the PNG's path.
    screenshot_pages : sequence of str, default ()

    Returns
    -------
    dict
        ``chromium`` (version), ``axe`` (version), ``seconds`` and ``pages``: one dict per
        page with ``page``, ``url``, ``status``, ``lang``, ``title``, ``images``,
        ``figures_svg``, ``violations``, ``incomplete`` (colour rules axe could not decide),
        ``remote_requests``, ``failed_requests``, ``page_errors``, ``console_errors``,
        ``overflow``, ``phone`` and ``error`` (see ``tests/a11y/check.js``).

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
            "phone_width": phone_width,
            "screenshot_dir": str(screenshot_dir) if screenshot_dir is not None else None,
            "screenshot_pages": list(screenshot_pages),
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
