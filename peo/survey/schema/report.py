"""From pydantic's errors to problems a researcher can act on.

A :class:`Problem` names the file, the key path (``disclosure.threshold``), the line in
the file, the value found, what is allowed and why the value is not. Line numbers come
from the YAML parser's node marks (``yaml.compose``), matched to pydantic's error ``loc``;
"allowed" comes from the JSON Schema of the model, the same text that
``docs/configuration.md`` shows, so the reference page and the messages agree.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from peo.yamltext import SafeLoader

__all__ = [
    "Problem",
    "YamlFile",
    "read_yaml",
    "problems_from_errors",
    "describe",
    "subschema",
    "values_schema",
    "format_problems",
]


@dataclass(frozen=True)
class Problem:
    """One violation of a configuration schema."""

    file: str
    path: str
    line: int | None
    found: str
    allowed: str
    reason: str
    context: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.path}{' (' + self.context + ')' if self.context else ''}:" if self.path else ""
        reason = self.reason if self.reason.endswith((".", "?", "!")) else self.reason + "."
        return f"{where}:{key} {reason} Found: {self.found}. Allowed: {self.allowed}."


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML file: its data and its node tree (for line numbers)."""

    path: Path
    data: Any
    node: yaml.Node | None


def read_yaml(path: Path) -> tuple[YamlFile | None, Problem | None]:
    """Parse a YAML file once into data and nodes; a problem if it cannot be read."""
    loader_cls = SafeLoader
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, Problem(str(path), "", None, "no file", "an existing file", "the file does not exist")
    except UnicodeDecodeError:
        return None, Problem(
            str(path), "", None, "bytes that are not UTF-8 text", "a UTF-8 text file", "not a text file"
        )
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, Problem(
            str(path),
            "",
            mark.line + 1 if mark else None,
            "text that is not YAML",
            "valid YAML",
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
        )
    finally:
        loader.dispose()
    return YamlFile(Path(path), data, node), None


# ------------------------------------------------------------------------ locations


def _clean_loc(data: Any, loc: tuple, error_type: str) -> tuple[list, bool]:
    """The data path of an error ``loc`` without pydantic's union tags; True if it names a key."""
    out: list = []
    is_key = False
    cur = data
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if part == "[key]":
            is_key = True
            continue
        if isinstance(cur, dict):
            match = next((k for k in cur if str(k) == str(part)), _MISSING)
            if match is not _MISSING:
                out.append(match)
                cur = cur[match]
                continue
            if last and error_type in ("missing", "extra_forbidden"):
                out.append(part)
            continue  # a tag of a union (or a default that is not in the data)
        if isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
            continue
        # a scalar: what follows are tags
    if error_type == "extra_forbidden":
        is_key = True
    return out, is_key


_MISSING = object()


def _line(node: yaml.Node | None, path: list, is_key: bool) -> int | None:
    """1-based line of the value (or key) at ``path``; else of the deepest node found."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for n, part in enumerate(path):
        last = n == len(path) - 1
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if hit is None:
                return line
            node = hit[0] if (last and is_key) else hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


#: Lists and mappings whose entries the messages name ("item 'ps_general'").
_NAMED = {
    "items": "item",
    "response_scales": "answer scale",
    "constructs": "construct",
    "codings": "coding",
    "themes": "theme",
}


def _context(data: Any, path: list) -> str:
    """The named entry a path lies in, such as "item 'ps_needed'" (innermost)."""
    found, cur = "", data
    for n, part in enumerate(path[:-1] if len(path) > 1 else []):
        nxt = _value_at(cur, [part])
        if isinstance(part, str) and part in _NAMED and n + 1 < len(path):
            key = path[n + 1]
            entry = _value_at(nxt, [key])
            name = entry.get("id") if isinstance(entry, dict) and isinstance(key, int) else key
            if name is not None and name is not _MISSING:
                found = f"{_NAMED[part]} {str(name)!r}"
        if nxt is _MISSING:
            break
        cur = nxt
    return found


def dotted(path: list) -> str:
    """``['items', 3, 'id']`` -> ``items[3].id``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ------------------------------------------------------------------------ JSON Schema text


def _resolve(schema: dict, root: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def subschema(root: dict, path: list) -> dict | None:
    """The JSON Schema of the value at ``path`` (None when the path leaves the schema)."""
    cur = _resolve(root, root)
    for part in path:
        cur = _step(cur, part, root)
        if cur is None:
            return None
    return cur


def _step(schema: dict, part: Any, root: dict) -> dict | None:
    schema = _resolve(schema, root)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        for opt in options:
            nxt = _step(opt, part, root)
            if nxt is not None:
                return nxt
        return None
    if isinstance(part, int) and schema.get("type") == "array":
        return _resolve(schema.get("items", {}), root)
    if not isinstance(part, int) or schema.get("type") == "object":
        props = schema.get("properties", {})
        if str(part) in props:
            return _resolve(props[str(part)], root)
        extra = values_schema(schema)
        if extra is not None:
            return _resolve(extra, root)
    return None


def values_schema(schema: dict) -> dict | None:
    """The schema of the values of a mapping with free keys (``additionalProperties`` or
    ``patternProperties``, which pydantic writes for keys with a pattern)."""
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        return extra
    pattern = schema.get("patternProperties")
    return next(iter(pattern.values())) if pattern else None


def describe(schema: dict | None, root: dict, depth: int = 0) -> str:
    """What a JSON Schema allows, in words ("a whole number of at least 1")."""
    if not schema:
        return "any value"
    schema = _resolve(schema, root)
    if "enum" in schema:
        return "one of " + ", ".join(
            json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in schema["enum"]
        )
    if "const" in schema:
        return str(schema["const"])
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        texts = [describe(o, root, depth + 1) for o in options if _resolve(o, root).get("type") != "null"]
        nullable = any(_resolve(o, root).get("type") == "null" for o in options)
        text = " or ".join(dict.fromkeys(texts))
        return f"{text} (or left empty)" if nullable and depth == 0 else text
    kind = schema.get("type")
    if kind == "integer":
        return "a whole number" + _bounds(schema)
    if kind == "number":
        return "a number" + _bounds(schema)
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        if schema.get("format") == "date":
            return "a date written as YYYY-MM-DD"
        if "pattern" in schema:
            return PATTERN_WORDS.get(schema["pattern"], f"text matching {schema['pattern']}")
        return "non-empty text" if schema.get("minLength") else "text"
    if kind == "array":
        inner = "values" if depth > 1 else _plural(describe(schema.get("items"), root, depth + 1))
        return f"a list of {inner}" + (" (at least one)" if schema.get("minItems") else "")
    if kind == "object":
        if schema.get("properties"):
            return "a mapping with the keys " + ", ".join(schema["properties"])
        extra = values_schema(schema)
        if isinstance(extra, dict) and depth <= 1:
            return f"a mapping of names to {_plural(describe(extra, root, depth + 1))}"
        return "a mapping"
    return "any value"


#: Patterns of the schemas in words.
PATTERN_WORDS = {
    r"^[^\s.]+$": "a name without spaces or dots",
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$": "letters, digits, - and _, starting with a letter or digit",
}


def _plural(text: str) -> str:
    """ "a mapping with ..." -> "mappings with ..." (for "a list of ...")."""
    for one, many in (
        ("a mapping", "mappings"),
        ("a whole number", "whole numbers"),
        ("a number", "numbers"),
        ("a date", "dates"),
        ("a name", "names"),
    ):
        if text.startswith(one):
            return many + text[len(one) :]
    return text


def _bounds(schema: dict) -> str:
    parts = []
    if "minimum" in schema:
        parts.append(f"of at least {schema['minimum']:g}")
    if "exclusiveMinimum" in schema:
        parts.append(f"above {schema['exclusiveMinimum']:g}")
    if "maximum" in schema:
        parts.append(f"of at most {schema['maximum']:g}")
    return (" " + " and ".join(parts)) if parts else ""


# ------------------------------------------------------------------------ errors -> problems


def _found(value: Any) -> str:
    if value is _MISSING:
        return "nothing (the key is missing)"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        kind = "a mapping" if isinstance(value, dict) else "a list"
        return f"{kind} {text[:60]}{'...' if len(text) > 60 else ''}"
    if value is None:
        return "nothing (empty)"
    return repr(value.isoformat() if hasattr(value, "isoformat") else value)


def _value_at(data: Any, path: list) -> Any:
    cur = data
    for part in path:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and part < len(cur):
            cur = cur[part]
        else:
            return _MISSING
    return cur


#: Short reasons for pydantic's error types (the "allowed" part says the rest).
_REASONS = {
    "int_type": "not a whole number",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "float_type": "not a number",
    "float_parsing": "not a number",
    "string_type": "not text",
    "bool_type": "not true or false",
    "bool_parsing": "not true or false",
    "literal_error": "not an allowed value",
    "enum": "not an allowed value",
    "date_type": "not a date",
    "date_parsing": "not a date",
    "date_from_datetime_parsing": "not a date",
    "date_from_datetime_inexact": "a date and time, not a date",
    "list_type": "not a list",
    "dict_type": "not a mapping",
    "model_type": "not a mapping",
    "model_attributes_type": "not a mapping",
    "greater_than_equal": "too small",
    "greater_than": "too small",
    "less_than_equal": "too large",
    "less_than": "too large",
    "too_short": "too few entries",
    "string_too_short": "empty",
    "string_pattern_mismatch": "contains characters that are not allowed",
    "union_tag_invalid": "not an allowed kind of value",
}


def _reason(error: dict) -> str:
    if error.get("type") in _REASONS:
        return _REASONS[error["type"]]
    msg = str(error.get("msg", ""))
    if msg.startswith("Input should be "):
        return "must be " + msg[len("Input should be ") :]
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    return msg[:1].lower() + msg[1:] if msg else "not allowed"


def problems_from_errors(errors: list[dict], doc: YamlFile, schema: dict) -> list[Problem]:
    """Turn pydantic's errors on one file into problems (one per key path and kind)."""
    grouped: dict[tuple, list[dict]] = {}
    for err in errors:
        path, is_key = _clean_loc(doc.data, tuple(err["loc"]), err["type"])
        grouped.setdefault((tuple(path), is_key), []).append(err)
    # A union (a rule name or a mapping): when the value is the mapping, the errors of the
    # other branch ("not an allowed value") are noise beside the mapping's own errors.
    type_only = {
        "literal_error",
        "string_type",
        "int_type",
        "float_type",
        "bool_type",
        "model_type",
        "dict_type",
        "list_type",
        "union_tag_invalid",
    }
    for path, is_key in list(grouped):
        deeper = any(len(p) > len(path) and p[: len(path)] == path for p, _ in grouped)
        if deeper and all(e["type"] in type_only for e in grouped[(path, is_key)]):
            del grouped[(path, is_key)]
    out = []
    for (path, is_key), errs in grouped.items():
        path = list(path)
        err = errs[0]
        line = _line(doc.node, path, is_key)
        ctx = err.get("ctx") or {}
        if err["type"] == "extra_forbidden":
            parent = subschema(schema, path[:-1]) or {}
            known = list(parent.get("properties", {}))
            close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            out.append(
                Problem(
                    str(doc.path),
                    dotted(path),
                    line,
                    repr(path[-1]),
                    "the keys " + ", ".join(known),
                    f"unknown key{hint}",
                    _context(doc.data, path),
                )
            )
            continue
        if "allowed" in ctx:
            allowed, reason = str(ctx["allowed"]), str(ctx.get("reason", err["msg"]))
        else:
            allowed = describe(subschema(schema, path), schema)
            reasons = list(dict.fromkeys(_reason(e) for e in errs))
            reason = reasons[0] if len(reasons) == 1 else "wrong type"
            if err["type"] == "missing":
                reason = "a required key is missing"
        found = repr(path[-1]) if is_key else _found(_value_at(doc.data, path))
        if "found" in ctx:
            found = str(ctx["found"])
        out.append(Problem(str(doc.path), dotted(path), line, found, allowed, reason, _context(doc.data, path)))
    return out


def format_problems(problems: list[Problem]) -> str:
    """The problems as text, one per line, sorted by file and line."""
    files = sorted({p.file for p in problems})
    head = (
        f"The configuration is not valid: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
        f"in {len(files)} file{'s' if len(files) != 1 else ''}. Fix {'them' if len(problems) != 1 else 'it'} "
        "and run again (format: docs/configuration.md)."
    )
    ordered = sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))
    return "\n".join([head, *(f"  {p}" for p in ordered)])
