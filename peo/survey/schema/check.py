"""Check configuration files against their schemas, every problem at once.

A wave's configuration is its ``wave.yml`` and the codebooks it lists; the shared settings
are ``codebooks/open_themes.yml``, ``peo/data/analysis.yml`` and ``peo/data/wording.yml``.
References between files (an item's answer scale, a population key, an open item's coding,
the items of the analysis settings) are collected first (:class:`Refs`) and checked while
each file is validated, so that one run reports every problem of every file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError as PydanticValidationError

from peo import paths
from peo.errors import ConfigError, ConfigurationInvalid
from peo.survey.schema.codebook import CodebookFile
from peo.survey.schema.publication import ReportText
from peo.survey.schema.report import Problem, YamlFile, format_problems, problems_from_errors, read_yaml
from peo.survey.schema.settings import AnalysisFile, OpenThemesFile, WordingFile
from peo.survey.schema.types import Refs, ScaleRefs
from peo.survey.schema.wave import WaveConfig

__all__ = [
    "KINDS",
    "check_file",
    "check_codebooks",
    "check_wave",
    "check_settings",
    "check_configuration",
    "raise_for",
    "settings_files",
    "check_for_validate",
    "valid_message",
    "json_schema",
]

#: Kind of configuration file -> its model.
KINDS: dict[str, type[BaseModel]] = {
    "wave": WaveConfig,
    "codebook": CodebookFile,
    "open_themes": OpenThemesFile,
    "analysis": AnalysisFile,
    "wording": WordingFile,
    "report_text": ReportText,
}

_SCHEMAS: dict[str, dict] = {}
_CACHE: dict[tuple, tuple[list[Path], list[Problem]]] = {}


def json_schema(kind: str) -> dict:
    """The JSON Schema of a kind of file (cached)."""
    if kind not in _SCHEMAS:
        _SCHEMAS[kind] = KINDS[kind].model_json_schema()
    return _SCHEMAS[kind]


def _validate(doc: YamlFile, kind: str, refs: Refs | None) -> list[Problem]:
    model = KINDS[kind]
    if doc.data is None:
        return [
            Problem(
                str(doc.path),
                "",
                None,
                "an empty file",
                "a mapping of keys (see docs/configuration.md)",
                "the file is empty",
            )
        ]
    if not isinstance(doc.data, dict):
        kind_found = "a list" if isinstance(doc.data, list) else f"the single value {doc.data!r}"
        return [
            Problem(
                str(doc.path),
                "",
                doc.node.start_mark.line + 1 if doc.node else None,
                kind_found,
                "a mapping of keys (see docs/configuration.md)",
                "the file must be a mapping",
            )
        ]
    if refs is not None:
        refs.current_file = str(doc.path)
    try:
        model.model_validate(doc.data, context=refs)
    except PydanticValidationError as exc:
        return problems_from_errors(exc.errors(include_url=False), doc, json_schema(kind))
    return []


def check_file(path: str | Path, kind: str, refs: Refs | None = None) -> list[Problem]:
    """Problems of one file on its own (references only as far as ``refs`` knows them)."""
    doc, problem = read_yaml(Path(path))
    return [problem] if problem else _validate(doc, kind, refs)


# ------------------------------------------------------------------------ collecting references


def _collect_codebook(data: Any, refs: Refs) -> None:
    """Add the scales, constructs and items of a codebook's raw data to ``refs`` (leniently)."""
    if not isinstance(data, dict):
        return
    scales = data.get("response_scales")
    for name, sdef in scales.items() if isinstance(scales, dict) else ():
        if not isinstance(sdef, dict):
            continue
        codes = (
            [c for c in sdef.get("codes") or [] if isinstance(c, dict)] if isinstance(sdef.get("codes"), list) else []
        )
        boxes = sdef.get("boxes") if isinstance(sdef.get("boxes"), dict) else {}
        missing = sdef.get("missing") if isinstance(sdef.get("missing"), list) else []
        refs.scales[str(name)] = ScaleRefs(
            type=sdef.get("type") if isinstance(sdef.get("type"), str) else None,
            codes=tuple(c["code"] for c in codes if isinstance(c.get("code"), int)),
            missing=tuple(m["code"] for m in missing if isinstance(m, dict) and isinstance(m.get("code"), int)),
            values=tuple(str(c["value"] if c.get("value") is not None else c.get("code")) for c in codes),
            boxes=tuple(map(str, boxes)),
            good=str(sdef.get("good", "high")),
        )
    constructs = data.get("constructs")
    refs.constructs.update(map(str, constructs) if isinstance(constructs, dict) else ())
    items = data.get("items")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get("id") is not None:
            refs.items[str(item["id"])] = str(item["response_scale"]) if item.get("response_scale") else None
            refs.item_types[str(item["id"])] = str(item.get("type"))


def _employer_codes(docs: list[YamlFile], refs: Refs) -> tuple[str, ...] | None:
    for doc in docs:
        items = doc.data.get("items") if isinstance(doc.data, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and item.get("role") == "group":
                scale = refs.scales.get(str(item.get("response_scale")))
                return scale.values if scale else None
    return None


def _codings(codebook_dir: Path) -> set[str] | None:
    """The coding names of ``open_themes.yml`` (empty when the file does not exist)."""
    path = codebook_dir / "open_themes.yml"
    if not path.is_file():
        return set()
    doc, problem = read_yaml(path)
    if problem or not isinstance(doc.data, dict) or not isinstance(doc.data.get("codings"), dict):
        return None  # reported when the file itself is checked
    return set(map(str, doc.data["codings"]))


def _stamp(files: list[Path]) -> tuple:
    """What the cache of a check depends on: each file's content (a hash; modification
    times are too coarse for a file rewritten within milliseconds)."""
    out = []
    for f in files:
        try:
            out.append((str(f), hashlib.blake2b(f.read_bytes(), digest_size=16).hexdigest()))
        except OSError:
            out.append((str(f), None))
    return tuple(out)


# ------------------------------------------------------------------------ the checks


def check_codebooks(paths_: list[Path], codebook_dir: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Check codebooks that are merged in this order (one wave's); return files and problems.

    References to answer scales and constructs may point into the same or an earlier
    codebook; an open item's coding must be a coding of ``open_themes.yml``.
    """
    codebook_dir = codebook_dir or paths.codebook_dir()
    files = [Path(p) for p in paths_]
    key = ("codebooks", _stamp(files + [codebook_dir / "open_themes.yml"]))
    if key in _CACHE:
        return _CACHE[key]
    refs = Refs(scales={}, constructs=set(), items={}, codings=_codings(codebook_dir))
    docs, problems = [], []
    for f in files:
        doc, problem = read_yaml(f)
        if problem:
            problems.append(problem)
            continue
        docs.append(doc)
    broken = len(docs) < len(files)
    for doc in docs:
        _collect_codebook(doc.data, refs)  # this file's names, before its items are validated
        problems += _validate(doc, "codebook", refs if not broken else Refs(codings=refs.codings))
    _CACHE[key] = (files, problems)
    return files, problems


def check_wave(wave_dir: str | Path) -> tuple[list[Path], list[Problem]]:
    """Check a wave's ``wave.yml`` and the codebooks it lists; return files and problems."""
    from peo.survey.config import _resolve_codebook  # the loader's rule, one place

    wave_dir = Path(wave_dir).resolve()
    codebook_dir = paths.codebook_dir()
    cfg = wave_dir / "wave.yml"
    doc, problem = read_yaml(cfg)
    if problem:
        return [cfg], [problem]

    def resolve(name: str) -> Path:
        return _resolve_codebook(wave_dir, name)

    names = doc.data.get("codebooks") if isinstance(doc.data, dict) else None
    names = [str(n) for n in names] if isinstance(names, list) else []
    resolved = []
    for n in names:
        try:
            resolved.append(resolve(n))
        except ConfigError:
            pass  # reported under 'codebooks' by the schema
    key = ("wave", _stamp([cfg, *resolved, codebook_dir / "open_themes.yml"]))
    if key in _CACHE:
        return _CACHE[key]
    cb_files, problems = check_codebooks(resolved, codebook_dir)
    refs = Refs(wave_dir=wave_dir, resolve_codebook=resolve)
    cb_docs = [read_yaml(f)[0] for f in resolved]
    if len(resolved) == len(names) and all(cb_docs):
        # collected leniently: a broken part of a codebook is reported with the codebook
        refs.scales, refs.constructs, refs.items = {}, set(), {}
        for cb_doc in cb_docs:
            _collect_codebook(cb_doc.data, refs)
        refs.employer_codes = _employer_codes(cb_docs, refs)
    problems = [*_validate(doc, "wave", refs), *problems]
    result = ([cfg, *cb_files], problems)
    _CACHE[key] = result
    return result


def settings_files() -> dict[str, Path]:
    """The shared settings files by kind."""
    return {
        "open_themes": paths.codebook_dir() / "open_themes.yml",
        "analysis": paths.package_data("analysis.yml"),
        "wording": paths.package_data("wording.yml"),
    }


def check_settings() -> tuple[list[Path], list[Problem]]:
    """Check the shared settings; references of the analysis settings against ``codebooks/core.yml``."""
    files = settings_files()
    core = paths.codebook_dir() / "core.yml"
    key = ("settings", _stamp([*files.values(), core]))
    if key in _CACHE:
        return _CACHE[key]
    refs = Refs(scales={}, constructs=set(), items={})
    if core.is_file():
        core_doc, problem = read_yaml(core)
        if problem is None:
            _collect_codebook(core_doc.data, refs)
    else:
        refs = Refs()
    checked, problems = [], []
    for kind, path in files.items():
        if kind == "open_themes" and not path.is_file():
            continue  # optional: a project without open answers has none
        checked.append(path)
        problems += check_file(path, kind, refs if kind == "analysis" else None)
    _CACHE[key] = (checked, problems)
    return checked, problems


def check_configuration(wave_dirs: list[Path] | None = None, settings: bool = True) -> list[Path]:
    """Check waves (default: every wave folder under ``data/raw``) and the shared settings.

    Returns
    -------
    list of Path
        Every file checked, once each, in order.

    Raises
    ------
    ConfigurationInvalid
        With every problem of every file.
    """
    from peo.survey.config import wave_dirs as _wave_dirs

    dirs = _wave_dirs() if wave_dirs is None else [Path(d) for d in wave_dirs]
    dirs = [d for d in dirs if (d / "wave.yml").is_file()]  # a folder without one: the loader says so
    files: list[Path] = []
    problems: list[Problem] = []
    for d in dirs:
        f, p = check_wave(d)
        files += f
        problems += p
    if settings:
        f, p = check_settings()
        files += f
        problems += p
    raise_for(problems)
    return list(dict.fromkeys(files))


def raise_for(problems: list[Problem]) -> None:
    """Raise :class:`ConfigurationInvalid` listing every problem, if there is one."""
    unique = list(dict.fromkeys(problems))
    if unique:
        raise ConfigurationInvalid(format_problems(unique), problems=unique)


def check_for_validate(path: str | Path | None = None, wave_id: str | None = None) -> list[Path]:
    """The configuration check of ``python -m peo validate``: the wave(s) asked for and the settings.

    ``wave_id``: that wave; ``path`` alone: the wave of the nearest folder above it with a
    ``wave.yml`` (none: only the settings; ``validate`` then says what to give); neither:
    every wave. Raises :class:`ConfigurationInvalid` (or the loader's own error, such as an
    unknown wave) with every problem.
    """
    from peo.survey import config

    if wave_id is not None:
        dirs = [config.load_wave(str(wave_id)).dir]
    elif path is not None:
        here = Path(path).resolve()
        dirs = [next((d for d in here.parents if (d / "wave.yml").is_file()), None)]
        dirs = [d for d in dirs if d is not None]
    else:
        dirs = None
    return check_configuration(dirs)


def valid_message(files: list[Path]) -> str:
    """What ``validate`` prints when the configuration is valid: every file checked, full path."""
    return "\n".join([f"configuration valid ({len(files)} files checked):", *(f"  {f}" for f in files)])
