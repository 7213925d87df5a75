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
    the page did not load (HTTP error, timeout);
``phone``
    at :data:`PHONE_WIDTH` (390 CSS px) a figure whose smallest text is shown below
    :data:`MIN_FIGURE_TEXT_PX`, or that does not declare its text size, or a page that
    scrolls sideways (:mod:`peo.checks.a11y_phone`).

An axe ``color-contrast`` result that axe could not decide (``incomplete``: text partly
covered, or over an image) fails as ``color-contrast-undecided``.

A script error on a page (``script``) fails; axe findings of impact ``minor`` or
``moderate`` are reported but do not fail. :func:`check_book` runs everything and returns one row per
finding; :func:`report` formats them for a person; ``python -m peo.checks.a11y [HTML_DIR]`` does
both from the command line.

The check in modules of one job each: :mod:`peo.checks.a11y_browser` (serving the book and
running the browser), :mod:`peo.checks.a11y_findings` (what fails on a page) and
:mod:`peo.checks.a11y_colours` (figure colours); this module puts them together
(:func:`check_book`, :func:`report`, :func:`main`) and keeps every public name importable
from ``peo.checks.a11y``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from peo.checks.a11y_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    NARROW_WIDTH,
    NODE_PROJECT,
    NOT_PAGES,
    PHONE_WIDTH,
    WCAG_TAGS,
    BrowserError,
    browse,
    list_pages,
    serve,
)
from peo.checks.a11y_colours import (
    LAYOUT_COLOURS,
    MAX_COLOUR_DELTA_E,
    MAX_GREY_SPREAD,
    MIN_COLOUR_AREA,
    allowed_colours,
    colour_findings,
)
from peo.checks.a11y_findings import FAIL_IMPACTS, FINDING_COLUMNS, LANGUAGE, MIN_FIGURE_ALT, findings, is_file_name
from peo.checks.a11y_phone import MIN_FIGURE_TEXT_PX, figure_text_px, phone_findings
from peo.errors import PeoError

__all__ = [
    "BrowserError",
    "CHROMIUM",
    "CHROMIUM_FLAGS",
    "FAIL_IMPACTS",
    "FINDING_COLUMNS",
    "LANGUAGE",
    "LAYOUT_COLOURS",
    "MAX_COLOUR_DELTA_E",
    "MAX_GREY_SPREAD",
    "MIN_COLOUR_AREA",
    "MIN_FIGURE_ALT",
    "MIN_FIGURE_TEXT_PX",
    "NARROW_WIDTH",
    "NODE_PROJECT",
    "NOT_PAGES",
    "PHONE_WIDTH",
    "WCAG_TAGS",
    "allowed_colours",
    "browse",
    "check_book",
    "colour_findings",
    "figure_text_px",
    "findings",
    "is_file_name",
    "list_pages",
    "main",
    "phone_findings",
    "report",
    "serve",
]


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
    frames = [findings(result), phone_findings(result, html_dir)]
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
