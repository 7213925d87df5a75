"""The researchers' text of a wave: summary, conclusions, recommendations, English summary.

The researchers write these in Markdown files beside the wave's configuration, tracked in git:

``data/raw/<wave>/report/samenvatting.md``, ``conclusies.md``, ``aanbevelingen.md`` (with a
``##`` section per audience: gemeenten; aanbieders en gecertificeerde instellingen;
professionals) and optionally ``summary_en.md``. ``wave.yml`` may name other files under
``report:``; a file named there must exist. Each file starts with a YAML front matter checked
against :class:`peo.survey.schema.publication.ReportText`::

    ---
    kind: samenvatting
    demo: true          # a demo text, not written by the researchers: the page says so
    ---
    In het algemeen ervaart {{ kf:ps_general.share | words }} van de professionals genoeg ...

Numbers are references filled in at build time (:mod:`peo.report.references`; format:
``docs/researchers-text.md``). Everything is read and filled in before the book step writes
anything, so a bad text fails the build with the file and line and the published book stays.
A wave without any text builds; its pages then say that the researchers' text is missing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from peo.errors import ResearchersTextError
from peo.report.layout import wave_attr, wave_id
from peo.report.references import Sources, fill
from peo.survey.schema.publication import TEXT_KINDS, Publication, ReportFiles, ReportText
from peo.survey.schema.report import YamlFile, format_problems, problems_from_errors
from peo.yamltext import load_yaml

__all__ = [
    "REPORT_DIR",
    "TextPart",
    "ResearchersText",
    "wave_settings",
    "text_files",
    "read_part",
    "load_text",
    "recommendations",
    "shift_headings",
]

#: Default folder of the researchers' text, relative to the wave folder.
REPORT_DIR = "report"

_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class TextPart:
    """One file of the researchers' text, its references filled in.

    Attributes
    ----------
    kind : str
        ``samenvatting``, ``conclusies``, ``aanbevelingen`` or ``summary_en``.
    path : pathlib.Path
    front : ReportText
        The front matter.
    body : str
        The Markdown below the front matter, with every reference filled in.
    factsheet : tuple of str
        The front matter's factsheet lines, filled in as plain text.
    """

    kind: str
    path: Path
    front: ReportText
    body: str
    factsheet: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResearchersText:
    """The researchers' text of one wave (possibly empty)."""

    wave: str
    parts: Mapping[str, TextPart]

    def get(self, kind: str) -> TextPart | None:
        return self.parts.get(kind)

    @property
    def missing(self) -> bool:
        """True when the wave has no researchers' text at all."""
        return not self.parts

    @property
    def demo(self) -> bool:
        """True when any part is marked as demo text."""
        return any(p.front.demo for p in self.parts.values())


def _wave_yml(wave: Any) -> Path | None:
    path = wave_attr(wave, "config_path")
    if path is None and wave_attr(wave, "dir") is not None:
        path = Path(wave_attr(wave, "dir")) / "wave.yml"
    return Path(path) if path is not None else None


def wave_settings(wave: Any) -> tuple[ReportFiles, Publication]:
    """The ``report:`` and ``publication:`` parts of a wave's ``wave.yml`` (defaults when absent).

    ``wave`` is a :class:`peo.survey.config.Wave` (or a mapping with ``config_path``/``dir``);
    a wave given by id alone has neither.

    Raises
    ------
    ResearchersTextError
        If the parts break their schema (normally caught earlier by the configuration check).
    """
    cfg = _wave_yml(wave)
    if cfg is None or not cfg.is_file():
        return ReportFiles(), Publication()
    data = load_yaml(cfg.read_text(encoding="utf-8")) or {}
    try:
        return ReportFiles.model_validate(data.get("report") or {}), Publication.model_validate(
            data.get("publication") or {}
        )
    except PydanticValidationError as err:
        raise ResearchersTextError(
            f"{cfg}: the report: or publication: part is not valid ({err.error_count()} problem(s)); "
            "run python -m peo validate for the details."
        ) from None


def _line_of(cfg: Path, key: str) -> int | None:
    """The line of ``key:`` inside the ``report:`` block of wave.yml (for messages)."""
    inside = False
    for number, line in enumerate(cfg.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(r"^report\s*:", line):
            inside = True
        elif inside and re.match(rf"^\s+{re.escape(key)}\s*:", line):
            return number
        elif inside and line and not line[0].isspace():
            inside = False
    return None


def text_files(wave: Any) -> dict[str, Path]:
    """The researchers' text files of a wave that exist, by kind, in report order.

    A file named in ``wave.yml`` under ``report:`` must exist; a kind not named there takes
    ``report/<kind>.md`` when that file exists.

    Raises
    ------
    ResearchersTextError
        If ``wave.yml`` names a file that does not exist (file and line of wave.yml).
    """
    folder = wave_attr(wave, "dir")
    if folder is None:
        return {}
    folder = Path(folder)
    files, _ = wave_settings(wave)
    out = {}
    for kind in TEXT_KINDS:
        named = getattr(files, kind)
        path = folder / (named or f"{REPORT_DIR}/{kind}.md")
        if named and not path.is_file():
            cfg = _wave_yml(wave)
            line = _line_of(cfg, kind) if cfg else None
            raise ResearchersTextError(
                f"{cfg}{':' + str(line) if line else ''}: report.{kind} names {named!r}, but {path} does not "
                "exist. Write the file or remove the key (docs/researchers-text.md)."
            )
        if path.is_file():
            out[kind] = path
    return out


def _front_problems(path: Path, front: str, first_line: int) -> tuple[Any, list]:
    """Parse and check a front matter; line numbers counted in the whole file."""
    loader = yaml.SafeLoader(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        raise ResearchersTextError(
            f"{path}:{line}: the front matter is not valid YAML ({getattr(exc, 'problem', None) or exc}). "
            "Fix it (format: docs/researchers-text.md)."
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ResearchersTextError(
            f"{path}:{first_line}: the front matter must be a mapping of keys such as 'kind: samenvatting' "
            "(docs/researchers-text.md)."
        )
    try:
        return ReportText.model_validate(data), []
    except PydanticValidationError as err:
        from peo.survey.schema.check import json_schema

        doc = YamlFile(path, data, node)
        problems = problems_from_errors(err.errors(include_url=False), doc, json_schema("report_text"))
        shifted = [dataclasses.replace(p, line=(p.line or 1) + first_line - 1) for p in problems]
        return None, shifted


def read_part(path: str | Path, kind: str) -> tuple[ReportText, str, int]:
    """Read one file: its checked front matter, its body and the line number where the body starts.

    Raises
    ------
    ResearchersTextError
        If the file is not UTF-8, has no front matter between two ``---`` lines, the front
        matter is not valid YAML or breaks its schema, its ``kind`` is not the one it is named
        under, or a section of ``audiences`` is missing from the body.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ResearchersTextError(f"{path}: not a UTF-8 text file; save it as UTF-8.") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ResearchersTextError(
            f"{path}:1: the file must start with a front matter: a line '---', keys such as 'kind: {kind}', "
            "and a closing line '---' (docs/researchers-text.md)."
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ResearchersTextError(
            f"{path}:1: the front matter is not closed: add a line '---' after its last key (docs/researchers-text.md)."
        )
    front, problems = _front_problems(path, "\n".join(lines[1:end]), 2)
    if problems:
        raise ResearchersTextError(format_problems(problems))
    if front.kind != kind:
        raise ResearchersTextError(
            f"{path}:2: the front matter says kind: {front.kind}, but the file is used as the {kind}; "
            f"write kind: {kind} or name the file under report.{front.kind} in wave.yml."
        )
    body = "\n".join(lines[end + 1 :])
    headings = {m.group(1).strip().lower() for m in re.finditer(r"^##\s+(.+?)\s*#*\s*$", body, re.MULTILINE)}
    for audience in front.audiences:
        if audience.strip().lower() not in headings:
            raise ResearchersTextError(
                f"{path}:{end + 2}: the front matter lists the audience {audience!r}, but the text has no "
                f"section '## {audience}'. Add the section or remove the audience."
            )
    return front, body, end + 2


def _claims(key_figures: Mapping) -> dict[str, str]:
    """The test-gated sentences of the key figures by id: a difference between employer types by
    its item (``ps_needed``), an association with professional space by its outcome (``workload``).

    Each sentence says what the test supports: a difference or association where the
    Holm-adjusted test supports it, otherwise that none was shown (:mod:`peo.tables.claims`).
    """
    out: dict[str, str] = {}
    for key, rows in (("item", key_figures.get("differences")), ("outcome", key_figures.get("associations"))):
        for row in rows or []:
            if isinstance(row, Mapping) and row.get(key) and row.get("statement_nl"):
                out[str(row[key])] = str(row["statement_nl"])
    return out


def _sources(key_figures: Mapping, package: str | Path | None) -> Sources:
    def table(name: str) -> Any:
        from peo.tables.package import load_package

        if package is None:
            raise KeyError(name)
        return load_package(package).table(name)

    return Sources(
        key_figures=key_figures,
        table=table if package is not None else None,
        claims=_claims(key_figures),
        threshold=key_figures.get("threshold"),
    )


def load_text(wave: Any, key_figures: Mapping, package: str | Path | None = None) -> ResearchersText:
    """Read a wave's researchers' text and fill in every reference.

    Parameters
    ----------
    wave : Wave or mapping
        With ``dir`` (the wave folder) and ``config_path``; a wave without (such as an id)
        has no text.
    key_figures : mapping
        The wave's ``key_figures.json``.
    package : path-like, optional
        The wave's data package (``data/processed/<wave>/tables``) for table references.

    Returns
    -------
    ResearchersText

    Raises
    ------
    ResearchersTextError
        With the file and line of the first problem (see :func:`read_part` and
        :func:`peo.report.references.fill`).
    """
    sources = _sources(key_figures, package)
    parts = {}
    for kind, path in text_files(wave).items():
        front, body, first = read_part(path, kind)
        filled = fill(body, sources, path=path, first_line=first)
        lines = tuple(
            fill(line, sources, path=path, first_line=_front_line(path, line), markdown=False)
            for line in front.factsheet
        )
        parts[kind] = TextPart(kind, path, front, filled.strip("\n"), lines)
    return ResearchersText(wave_id(wave), parts)


def _front_line(path: Path, text: str) -> int:
    """The line of a factsheet line in the front matter (for messages)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text[:40] in line:
            return number
    return 1


def recommendations(wave: Any, key_figures: Mapping | None = None, package: str | Path | None = None) -> list[str]:
    """Two or three short recommendation lines for the factsheet, filled in as plain text.

    They are the ``factsheet:`` lines of the front matter of the wave's recommendations
    (``report/aanbevelingen.md``). Empty when the wave has no such text.

    Parameters
    ----------
    wave : str or Wave
        A wave id (its configuration is loaded) or its configuration.
    key_figures : mapping, optional
        The wave's key figures; default: read from its data package.
    package : path-like, optional
        The wave's data package folder; default ``data/processed/<wave>/tables``.

    Raises
    ------
    ResearchersTextError
        If the text cannot be used (file and line in the message).
    """
    from peo.tables.package import package_dir

    if isinstance(wave, str):
        from peo.survey import config

        wave = config.load_wave(wave)
    wid = wave_id(wave)
    files = text_files(wave)
    if "aanbevelingen" not in files:
        return []
    folder = Path(package) if package is not None else package_dir(wid)
    if key_figures is None:
        import json

        path = folder / "key_figures.json"
        if not path.is_file():
            raise ResearchersTextError(
                f"{path} does not exist: build the wave first (python -m peo build --wave {wid})."
            )
        key_figures = json.loads(path.read_text(encoding="utf-8"))
    front, _body, _first = read_part(files["aanbevelingen"], "aanbevelingen")
    sources = _sources(key_figures, folder if (folder / "datapackage.json").is_file() else None)
    path = files["aanbevelingen"]
    return [
        fill(line, sources, path=path, first_line=_front_line(path, line), markdown=False) for line in front.factsheet
    ]


def shift_headings(body: str, by: int) -> str:
    """Move every Markdown heading of ``body`` ``by`` levels down (``##`` -> ``###``), outside code."""
    out, fenced = [], False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            m = re.match(r"^(#{1,6})(\s)", line)
            if m:
                line = "#" * min(6, len(m.group(1)) + by) + line[len(m.group(1)) :]
        out.append(line)
    return "\n".join(out)
