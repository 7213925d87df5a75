"""MyST Markdown building blocks of the generated book pages: escaping, roles, tables, pages.

Pure text functions, standard library only (the Sphinx extension imports the page modules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from peo.report.format import is_missing as _is_missing

__all__ = ["md", "role_text", "code", "table", "page"]

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~{}])")


def md(text: Any) -> str:
    """Escape text for inline MyST Markdown (tables, lists): no markup, no line breaks."""
    s = "" if _is_missing(text) else str(text)
    s = " ".join(s.split())
    return MD_SPECIAL.sub(r"\\\1", s)


def role_text(text: Any) -> str:
    """Text for the title part of a ``{doc}``/``{download}`` role (no ``<``, ``>``, backticks)."""
    s = " ".join(str(text).split())
    return s.replace("`", "'").replace("<", "(").replace(">", ")")


def code(text: Any) -> str:
    s = str(text).replace("`", "'")
    return f"`{s}`"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: Sequence[str] | None = None) -> str:
    """A MyST (GFM) pipe table; cells must already be escaped."""
    align = align or ["l"] * len(header)
    sep = {"l": "---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(sep[a] for a in align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def page(*blocks: str) -> str:
    """Join blocks with blank lines; exactly one newline at the end."""
    return "\n\n".join(b.strip("\n") for b in blocks if b and b.strip()) + "\n"
