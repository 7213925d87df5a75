"""The Sphinx extension of the book (``sphinx: extra_extensions: [peo.report.sphinx_ext]`` in
``book/_config.yml``) and the per-build settings it reads.

The synthetic-data notice is the theme's announcement banner, switched on per build: the
pipeline writes ``generated/settings.json`` (:func:`settings`) and the extension applies it at
``config-inited``, so the committed ``_config.yml`` stays the same for demo and real data.
The extension also registers the theme's search placeholder and the Dutch citation styles
(:mod:`peo.report.bibstyle`). Standard library only at import time (no pandas, matplotlib).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from peo.report.bibstyle import register_bibtex_styles
from peo.report.layout import SETTINGS_FILE, wave_attr
from peo.survey.wording import phrase

__all__ = ["announcement", "settings", "setup"]


def announcement(waves: Iterable[Any], key_figures_by_wave: Mapping[str, Mapping] | None = None) -> str:
    """The synthetic-data notice when any wave is synthetic, else ``""``.

    A wave counts as synthetic when its ``wave.yml`` says ``synthetic: true`` or its key
    figures carry ``"synthetic": true``.
    """
    key_figures_by_wave = key_figures_by_wave or {}
    synthetic = any(bool(wave_attr(w, "synthetic", False)) for w in waves) or any(
        bool((kf or {}).get("synthetic")) for kf in key_figures_by_wave.values()
    )
    return phrase("book", "synthetic_notice") if synthetic else ""


def settings(waves: Iterable[Any], key_figures_by_wave: Mapping[str, Mapping] | None = None) -> str:
    """The text of ``generated/settings.json`` read by the Sphinx extension :func:`setup`."""
    data = {"announcement": announcement(list(waves), key_figures_by_wave)}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _apply_settings(app: Any, config: Any) -> None:
    """``config-inited``: put the per-build settings into the theme options."""
    from sphinx.errors import ConfigError as SphinxConfigError

    options = dict(config.html_theme_options or {})
    path = Path(app.srcdir) / SETTINGS_FILE
    data: dict = {}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SphinxConfigError(
                f"{path} is not valid JSON ({exc}); rerun the pipeline (python -m peo build) to regenerate it."
            ) from None
    text = str(data.get("announcement") or "")
    if text:
        # The theme inserts the announcement as HTML; ours is plain text.
        options["announcement"] = html.escape(text)
    if config.peo_search_bar_text:
        options["search_bar_text"] = config.peo_search_bar_text
    config.html_theme_options = options


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop scripts listed twice on a page.

    sphinx-thebe and sphinx-togglebutton each add their inline scripts twice under
    Jupyter Book 1, so every page declared ``const THEBE_JS_URL`` twice and threw a
    script error in the browser.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (getattr(js, "filename", str(js)), tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def _drop_repeated_scripts(app: Any, exception: Exception | None) -> None:
    """Remove a repeated, identical ``<script>`` line from every built page.

    :func:`_dedupe_scripts` cleans the page context, but the inline configuration scripts of
    sphinx-thebe and sphinx-togglebutton still reach the page twice under Jupyter Book 1 (they
    are registered before the page context exists), and a second ``const THEBE_JS_URL``
    throws a script error in the browser. The second copy of an identical script line is
    dropped; nothing else on the page changes.
    """
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    from pathlib import Path

    for page in sorted(Path(app.outdir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if text.count("<script") < 2:
            continue
        seen: set[str] = set()
        lines = []
        for line in text.splitlines(keepends=True):
            key = line.strip()
            if key.startswith("<script") and key.endswith("</script>"):
                if key in seen:
                    continue
                seen.add(key)
            lines.append(line)
        new = "".join(lines)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Any) -> dict:
    """Sphinx extension: apply ``generated/settings.json`` (announcement) to the theme.

    Enabled in ``book/_config.yml`` with ``sphinx: extra_extensions: [peo.report.book]``. Also
    registers the config value ``peo_search_bar_text`` (the theme's search placeholder)
    and the Dutch citation styles ``peo_author_year`` and ``peo_plain``.
    """
    app.add_config_value("peo_search_bar_text", "", "html")
    app.connect("config-inited", _apply_settings)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _drop_repeated_scripts)
    register_bibtex_styles()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
