"""What fails in what the browser saw on each page (:func:`findings`).

axe-core violations of impact ``serious`` or ``critical``, a page that does not declare Dutch,
images without alt text or with a file name as alt text, figures whose alt text is too short
to say what they show, requests that leave the machine, missing files, pages that did not
load, script errors, sideways scrolling at :data:`~peo.checks.a11y_browser.NARROW_WIDTH`, and
colour contrast that axe could not decide (its ``incomplete`` results of the colour rules).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urlsplit

import pandas as pd

__all__ = ["FAIL_IMPACTS", "FINDING_COLUMNS", "LANGUAGE", "MIN_FIGURE_ALT", "findings", "is_file_name", "scroll_rows"]

#: axe-core impacts that fail the check (``minor`` and ``moderate`` are reported by axe
#: but do not fail).
FAIL_IMPACTS: tuple[str, ...] = ("serious", "critical")
#: Shortest alt text of a figure: a sentence that says what the figure shows, not a title
#: such as "Figuur 1" or "Werkdruk per groep".
MIN_FIGURE_ALT = 40

#: Primary language of every page (the ``lang`` of ``<html>`` must equal it or start with
#: it and a hyphen, e.g. ``nl-NL``).
LANGUAGE = "nl"
#: Columns of :func:`findings` and :func:`check_book`.
FINDING_COLUMNS = ["page", "check", "rule", "impact", "fails", "help", "target", "detail"]

_IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp|avif|bmp|tiff?|pdf)$", re.IGNORECASE)


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


def _row(page, check, rule, impact, help_, target, detail, fails: bool = True) -> dict:
    return dict(zip(FINDING_COLUMNS, [page, check, rule, impact, fails, help_, target, detail]))


def scroll_rows(page: str, check: str, overflow: Mapping | None, url: str, where: str = "") -> list[dict]:
    """The finding of a page that scrolls sideways (WCAG 1.4.10 Reflow), or none.

    ``overflow`` is what the browser measured (``width``, ``scroll_width``, the too-wide
    ``elements``); a pixel of rounding is allowed. ``where`` is added after the width in the
    message (", a phone's width")."""
    over = overflow or {}
    if not over or over.get("scroll_width", 0) <= over.get("width", 0) + 1:
        return []
    return [
        _row(
            page,
            check,
            "horizontal-scroll",
            "serious",
            f"The page scrolls sideways at {over['width']} px{where} (WCAG 1.4.10 Reflow)",
            url,
            f"scroll width {over['scroll_width']} px; too wide: {', '.join(over.get('elements', []))}",
        )
    ]


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
        rows += scroll_rows(page, "reflow", p.get("overflow"), p["url"])
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
        # Colour contrast axe could not decide (text partly covered, over an image or a
        # gradient: "needs review"). Contrast that cannot be measured is not shown to pass:
        # it fails, with axe's reason (issue 11: captions and titles were partly covered).
        undecided: set[tuple[str, str]] = set()
        for v in p.get("incomplete", []):
            for n in v["nodes"]:
                key = (v["id"], ", ".join(n["target"]))
                if key in undecided:
                    continue
                undecided.add(key)
                scheme = v.get("color_scheme")
                rows.append(
                    _row(
                        page,
                        "axe",
                        f"{v['id']}-undecided" + (f" ({scheme})" if scheme not in (None, first_scheme) else ""),
                        "serious",
                        f"axe could not decide this element's {v['id']}: {n.get('message') or 'needs review'}",
                        key[1],
                        f"reason: {n.get('reason') or 'unknown'}; {(n.get('html') or '')[:120]}",
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
