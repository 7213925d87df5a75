"""The schemas as documentation: JSON Schema files and the reference page, both generated.

``python -m peo schema-docs`` writes ``docs/schema/<kind>.schema.json`` (for editors: a
``# yaml-language-server: $schema=...`` comment at the top of a YAML file gives completion
and checking) and ``docs/configuration.md``. Both are generated from the pydantic models,
and ``tests/test_schema.py`` checks that the committed files equal the generated ones, so
the page and the checks cannot disagree.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from peo import io, paths
from peo.survey.schema.check import KINDS, json_schema
from peo.survey.schema.report import describe, values_schema

__all__ = ["FILES", "schema_files", "reference_page", "generated", "write_docs", "main"]

#: Kind -> (where the files of this kind are, what they are).
FILES = {
    "wave": (
        "data/raw/<wave>/wave.yml",
        "The configuration of a wave: its export, codebooks, cleaning and disclosure.",
    ),
    "codebook": (
        "codebooks/core.yml, data/raw/<wave>/theme.yml",
        "A codebook: answer scales, constructs and items (the core module and each wave's thematic module).",
    ),
    "open_themes": ("codebooks/open_themes.yml", "The theme codebook of the open answers: codings, themes, patterns."),
    "analysis": ("peo/data/analysis.yml", "Wording and settings of the analyses."),
    "wording": ("peo/data/wording.yml", "The report's wording: sections of phrases in Dutch and English."),
    "report_text": (
        "data/raw/<wave>/report/*.md (front matter)",
        "The YAML front matter of a file of the researchers' text (docs/researchers-text.md).",
    ),
}
SCHEMA_DIR = "docs/schema"
PAGE = "docs/configuration.md"


def schema_files() -> dict[str, str]:
    """Relative path -> content of every JSON Schema file."""
    out = {}
    for kind in KINDS:
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": f"Generated from peo.survey.schema by `python -m peo schema-docs`; do not edit. Files: {FILES[kind][0]}.",
            **json_schema(kind),
        }
        out[f"{SCHEMA_DIR}/{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(prop: dict) -> str:
    if "default" not in prop:
        return ""
    value = prop["default"]
    if value is None:
        return "none"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _object_rows(schema: dict, root: dict, prefix: str, rows: list, seen: set[str]) -> None:
    """One row per key, depth first; a nested mapping's keys follow as ``parent.key``."""
    required = set(schema.get("required", ()))
    for key, prop in schema.get("properties", {}).items():
        name = f"{prefix}{key}"
        target = _object_of(prop, root)
        meaning = prop.get("description") or (target[1].get("description", "") if target else "")
        rows.append((name, key in required, describe(prop, root), _default(prop), meaning))
        if target is not None:
            ref_name, sub, many = target
            if ref_name in seen:
                continue
            _object_rows(sub, root, f"{name}{many}.", rows, seen | {ref_name})


def _object_of(prop: dict, root: dict) -> tuple[str, dict, str] | None:
    """The model a property holds (directly, in a list, or as mapping values), if any."""
    options = prop.get("anyOf") or [prop]
    for opt in options:
        for node, many in ((opt, ""), (opt.get("items"), "[]"), (values_schema(opt), ".<name>")):
            if isinstance(node, dict) and "$ref" in node:
                ref = node["$ref"].rsplit("/", 1)[-1]
                sub = root["$defs"][ref]
                if sub.get("properties"):
                    return ref, sub, many
    return None


def reference_page() -> str:
    """``docs/configuration.md``: one table of keys per kind of file."""
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated from peo.survey.schema by `python -m peo schema-docs`; do not edit by hand. -->",
        "",
        "Every hand-written configuration file is checked against a schema before anything runs:",
        "`python -m peo validate`, `clean` and `build` report every problem at once, with the file, the",
        "line, the key path (`disclosure.threshold`), the value found and what is allowed, and write",
        "nothing. Besides the types and ranges below, the checks follow references between files: an",
        "item's answer scale, construct, headline box and coding must exist; a population key must be an",
        "employer-type code of the wave's codebooks; a renamed column must become an item; the fieldwork",
        "must end on or after its start, last at most a year, and lie between 2015 (the Youth Act) and a",
        "year from today. An unknown key is an error that names the nearest valid key.",
        "",
        "JSON Schema files for editors are in `docs/schema/`. With the YAML language server (VS Code's",
        "YAML extension and others), a first line such as",
        "",
        "```yaml",
        "# yaml-language-server: $schema=../../../docs/schema/wave.schema.json",
        "```",
        "",
        "in `data/raw/<wave>/wave.yml` gives completion and checking while typing. Checks between files",
        "(references) are made by `python -m peo validate` only.",
        "",
    ]
    for kind in KINDS:
        where, what = FILES[kind]
        root = json_schema(kind)
        lines += [
            f"## {kind}: `{where}`",
            "",
            what,
            "",
            f"JSON Schema: [`{SCHEMA_DIR}/{kind}.schema.json`](schema/{kind}.schema.json)",
            "",
        ]
        if "properties" not in root:  # a mapping of sections (the wording)
            lines += [f"Allowed: {describe(root, root)}.", ""]
            doc = KINDS[kind].__doc__ or ""
            lines += [" ".join(doc.split("\n\n", 1)[-1].split()), ""]
            continue
        rows: list = []
        _object_rows(root, root, "", rows, set())
        lines += ["| key | required | allowed | default | meaning |", "|---|---|---|---|---|"]
        for name, req, allowed, default, meaning in rows:
            lines.append(
                f"| `{name}` | {'yes' if req else ''} | {_cell(allowed)} | {_cell(default)} | {_cell(meaning)} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def generated() -> dict[str, str]:
    """Relative path -> content of every generated documentation file."""
    return {**schema_files(), PAGE: reference_page()}


def write_docs(root: Path | None = None) -> list[Path]:
    """Write the generated files under ``root`` (default: the repository); return their paths."""
    root = Path(root) if root is not None else paths.root()
    written = []
    for rel, text in generated().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # through a temporary sibling: an interrupted run leaves the previous file whole
        io._replace_file(target, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
        written.append(target)
    return written


def main(args: argparse.Namespace) -> int:
    """``python -m peo schema-docs [--check]``: write (or compare) the generated documentation."""
    root = paths.root()
    if getattr(args, "check", False):
        stale = [
            rel
            for rel, text in generated().items()
            if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text
        ]
        for rel in stale:
            print(f"out of date: {root / rel}")
        if stale:
            print("Run python -m peo schema-docs and commit the result.")
        return 1 if stale else 0
    for p in write_docs(root):
        print(f"wrote {p}")
    return 0
