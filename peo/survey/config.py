"""The wave configuration: ``data/raw/<wave>/wave.yml``.

One file per wave says what the wave is (id, title, fieldwork, theme), where its raw
export is and in which format, which codebooks describe it, which raw columns hold the
administrative fields (respondent id, consent, completion, timing) and which must be
dropped because they identify people, the cleaning and disclosure thresholds, and, where
known, the population per employer type; when a response counts as complete
(``completion``) and how the export writes answers (``answers``: mappings to codebook
codes, label text, multiple-choice shapes). Every key is documented in
``docs/wave-config.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from peo import paths
from peo.survey import schema
from peo.survey.codebook import Codebook, load_codebook
from peo.errors import ConfigError, WaveNotFoundError
from peo.yamltext import load_yaml

FORMATS = ("csv", "xlsx", "sav")
DEFAULT_THRESHOLD = 10
#: ``completion.rule`` values (docs/wave-config.md).
COMPLETION_RULES = ("yes_value", "filled", "required_items", "every_row")
#: ``answers.multi.<item>.shape`` and ``values``.
MULTI_SHAPES = ("split", "joined")
MULTI_VALUES = ("codes", "labels")
#: Prefix of a codebook entry that names a shared codebook in the repository's codebooks/.
SHARED_CODEBOOK_PREFIX = "codebooks/"


@dataclass(frozen=True)
class RawSpec:
    """How to read the raw export."""

    file: Path
    format: str
    encoding: str = "auto"
    delimiter: str = "auto"
    header_rows: int = 1
    sheet: str | int = 0
    date_format: str = "auto"


@dataclass(frozen=True)
class Columns:
    """Names of the administrative columns in the raw export (``None``: not present)."""

    respondent_id: str | None = None
    consent: str | None = None
    started: str | None = None
    ended: str | None = None
    duration: str | None = None
    drop: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Completion:
    """When a response counts as complete (``completion`` in ``wave.yml``).

    ``rule`` is one of :data:`COMPLETION_RULES`: ``yes_value`` (``column`` holds one of
    ``yes``; empty ``yes``: the wave's ``consent_yes``), ``filled`` (``column`` is not
    empty), ``required_items`` or ``every_row``.
    """

    rule: str
    column: str | None = None
    yes: tuple = ()


@dataclass(frozen=True)
class MultiShape:
    """How a multiple-choice item is written (``answers.multi.<item>``)."""

    shape: str = "split"
    columns: dict = field(default_factory=dict)  # option code -> raw column (split)
    chosen: tuple = (1,)  # split: values meaning chosen; "code"/"label": the option's own
    column: str | None = None  # joined: the column (default: the item id)
    values: str = "codes"  # joined: codes | labels
    separator: str = ","  # joined


@dataclass(frozen=True)
class Answers:
    """How the export writes answers (``answers`` in ``wave.yml``): mappings to codes."""

    labels: str = "auto"  # auto | off
    scales: dict = field(default_factory=dict)  # scale -> {raw value: code or None}
    items: dict = field(default_factory=dict)  # item -> {raw value: code or None}
    multi: dict = field(default_factory=dict)  # item -> MultiShape


@dataclass(frozen=True)
class Wave:
    """The configuration of one wave."""

    id: str
    title: str
    title_en: str
    dir: Path
    raw: RawSpec
    codebook_paths: tuple[Path, ...]
    columns: Columns
    rename: dict[str, str] = field(default_factory=dict)
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date | None = None
    theme_nl: str = ""
    theme_en: str = ""
    synthetic: bool = False
    min_duration_seconds: float | None = None
    consent_yes: tuple = (1, "1", "ja", "Ja", "yes", "Yes", True)
    threshold: int = DEFAULT_THRESHOLD
    population: dict[str, int] = field(default_factory=dict)
    config_path: Path | None = None
    completion: Completion | None = None
    answers: Answers = field(default_factory=Answers)
    max_excluded_share: float = 0.5
    unknown_code_share: float = 0.05
    unknown_code_min_cells: int = 5

    def codebook(self) -> Codebook:
        """Load and merge this wave's codebooks."""
        return load_codebook(list(self.codebook_paths))

    def input_files(self) -> list[Path]:
        """Every file this wave's results depend on: config, codebooks and raw export."""
        return [self.config_path, *self.codebook_paths, self.raw.file]


def wave_dirs(raw_dir: Path | None = None) -> list[Path]:
    """Folders under ``data/raw`` that look like waves (hold a ``wave.yml`` or any file)."""
    base = raw_dir or paths.raw_dir()
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def list_waves(raw_dir: Path | None = None) -> list[Wave]:
    """Load the configuration of every wave under ``data/raw``, sorted by id.

    Raises
    ------
    ConfigError
        If a wave folder has no ``wave.yml`` or two waves share an id.
    """
    waves = [load_wave_dir(d) for d in wave_dirs(raw_dir)]
    ids: dict[str, Path] = {}
    for w in waves:
        if w.id in ids:
            raise ConfigError(
                f"Two waves have the id {w.id!r}: {ids[w.id]} and {w.config_path}. "
                "Give each wave a unique 'id' in its wave.yml."
            )
        ids[w.id] = w.config_path
    return sorted(waves, key=lambda w: w.id)


def load_wave(wave_id: str, raw_dir: Path | None = None) -> Wave:
    """Load the configuration of the wave with this id.

    Raises
    ------
    WaveNotFoundError
        If no wave under ``data/raw`` has this id.
    """
    base = raw_dir or paths.raw_dir()
    direct = base / str(wave_id)
    if (direct / "wave.yml").is_file():
        w = load_wave_dir(direct)
        if w.id == str(wave_id):
            return w
    for d in wave_dirs(base):
        if (d / "wave.yml").is_file():
            w = load_wave_dir(d)
            if w.id == str(wave_id):
                return w
    known = []
    for d in wave_dirs(base):
        if (d / "wave.yml").is_file():
            try:
                known.append(load_wave_dir(d).id)
            except ConfigError:
                known.append(d.name + " (invalid wave.yml)")
    raise WaveNotFoundError(
        f"Unknown wave {wave_id!r}: there is no data/raw/<folder>/wave.yml with id {wave_id!r} under {base}. "
        f"Known waves: {', '.join(known) or 'none'}."
    )


def _date(value, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not a date; write it as YYYY-MM-DD.") from None


def _resolve_codebook(wave_dir: Path, name: str) -> Path:
    """The path of one ``codebooks:`` entry: ``codebooks/<name>`` (shared) or in the wave folder.

    There is no fallback from one place to the other: a wave-specific codebook that is
    missing must not be replaced silently by a shared one of the same name.
    """
    cfg = wave_dir / "wave.yml"
    p = Path(name)
    if p.is_absolute():
        where, c = str(p), p
    elif name.startswith(SHARED_CODEBOOK_PREFIX):
        c = paths.codebook_dir() / name[len(SHARED_CODEBOOK_PREFIX) :]
        where = f"the shared codebooks folder {paths.codebook_dir()}"
    else:
        c = wave_dir / p
        where = f"the wave folder {wave_dir}"
    if c.is_file():
        return c.resolve()
    hint = ""
    if not p.is_absolute() and not name.startswith(SHARED_CODEBOOK_PREFIX) and (paths.codebook_dir() / p).is_file():
        hint = (
            f" There is a shared codebook {paths.codebook_dir() / p}: if you mean that one, write "
            f"'{SHARED_CODEBOOK_PREFIX}{name}'; if the wave has its own, put it in {wave_dir}."
        )
    raise ConfigError(f"{cfg}: codebook {name!r} is not in {where} (looked for {c}).{hint}")


def _mapping(value, where: str) -> dict:
    """A raw value -> code mapping of ``answers``: keys as written, targets int or None."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping of raw values to codebook codes, e.g. {{6: 8, -99: 9}}.")
    out = {}
    for k, v in value.items():
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or float(v) != int(v)):
            raise ConfigError(
                f"{where}: {k!r} is mapped to {v!r}, which is not a code. Map each raw value to a whole-number "
                "code of the answer scale, or to null (the cell counts as unanswered)."
            )
        out[k] = None if v is None else int(v)
    return out


def _answers(d, cfg: Path) -> Answers:
    if d is None:
        return Answers()
    if not isinstance(d, dict):
        raise ConfigError(f"{cfg}: 'answers' must be a mapping with labels, scales, items and multi.")
    unknown = set(d) - {"labels", "scales", "items", "multi"}
    if unknown:
        raise ConfigError(
            f"{cfg}: answers.{sorted(unknown)[0]} is not a key of 'answers'; use labels, scales, items or multi."
        )
    labels = str(d.get("labels", "auto")).lower()
    if d.get("labels") is False:
        labels = "off"
    if labels not in ("auto", "off"):
        raise ConfigError(f"{cfg}: answers.labels is {d.get('labels')!r}; use auto or off.")
    groups = {}
    for key in ("scales", "items"):
        g = d.get(key) or {}
        if not isinstance(g, dict):
            raise ConfigError(f"{cfg}: answers.{key} must map each {key[:-1]} to a mapping of raw values to codes.")
        groups[key] = {str(name): _mapping(m, f"{cfg}: answers.{key}.{name}") for name, m in g.items()}
    multi = {}
    for name, m in (d.get("multi") or {}).items():
        where = f"{cfg}: answers.multi.{name}"
        m = m or {}
        if not isinstance(m, dict):
            raise ConfigError(f"{where} must be a mapping (shape, columns, chosen, column, values, separator).")
        bad = set(m) - {"shape", "columns", "chosen", "column", "values", "separator"}
        if bad:
            raise ConfigError(
                f"{where}.{sorted(bad)[0]} is not a key; use shape, columns, chosen, column, values or separator."
            )
        shape = str(m.get("shape", "split"))
        values = str(m.get("values", "codes"))
        if shape not in MULTI_SHAPES:
            raise ConfigError(f"{where}.shape is {shape!r}; use {' or '.join(MULTI_SHAPES)}.")
        if values not in MULTI_VALUES:
            raise ConfigError(f"{where}.values is {values!r}; use {' or '.join(MULTI_VALUES)}.")
        chosen = m.get("chosen", [1])
        chosen = tuple(chosen if isinstance(chosen, (list, tuple)) else [chosen])
        sep = m.get("separator", ",")
        if not isinstance(sep, str) or not sep:
            raise ConfigError(f'{where}.separator must be the text between options, e.g. "," or ";".')
        cols = m.get("columns") or {}
        if not isinstance(cols, dict):
            raise ConfigError(f"{where}.columns must map option codes to column names.")
        multi[str(name)] = MultiShape(
            shape=shape,
            columns={k: str(v) for k, v in cols.items()},
            chosen=chosen,
            column=None if m.get("column") is None else str(m["column"]),
            values=values,
            separator=sep,
        )
    return Answers(labels=labels, scales=groups["scales"], items=groups["items"], multi=multi)


def _completion(d, cols: dict, yes_default: tuple, cfg: Path) -> Completion:
    example = "completion: {rule: yes_value, column: Finished}"
    if cols.get("finished") is not None:
        raise ConfigError(
            f"{cfg}: columns.finished is replaced by 'completion'. Remove it from 'columns' and write\n"
            f"  completion:\n    rule: yes_value\n    column: {cols['finished']}\n(docs/wave-config.md)."
        )
    if d is None:
        raise ConfigError(
            f"{cfg}: 'completion' is missing: say when a response counts as complete, e.g. {example} "
            "(Qualtrics), {rule: filled, column: submitdate} (LimeSurvey), {rule: required_items}, or explicitly "
            "{rule: every_row} (docs/wave-config.md)."
        )
    if isinstance(d, str):
        d = {"rule": d}
    if not isinstance(d, dict) or "rule" not in d:
        raise ConfigError(f"{cfg}: 'completion' must give a rule, e.g. {example}.")
    rule = str(d["rule"])
    if rule not in COMPLETION_RULES:
        raise ConfigError(f"{cfg}: completion.rule is {rule!r}; use one of {', '.join(COMPLETION_RULES)}.")
    bad = set(d) - {"rule", "column", "yes"}
    if bad:
        raise ConfigError(f"{cfg}: completion.{sorted(bad)[0]} is not a key of 'completion'; use rule, column and yes.")
    column = d.get("column")
    if rule in ("yes_value", "filled") and not column:
        raise ConfigError(f"{cfg}: completion.rule {rule} needs 'column', the export's column that says so.")
    if rule in ("required_items", "every_row") and column:
        raise ConfigError(f"{cfg}: completion.rule {rule} takes no 'column'; use yes_value or filled for a column.")
    if "yes" in d and rule != "yes_value":
        raise ConfigError(f"{cfg}: completion.yes belongs to rule yes_value only.")
    yes = d.get("yes")
    yes = tuple(yes if isinstance(yes, (list, tuple)) else [yes]) if yes is not None else yes_default
    return Completion(rule=rule, column=None if column is None else str(column), yes=yes if rule == "yes_value" else ())


def _count(value, default: int, where: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where} is {value!r}; give a whole number of at least 1.")
    return value


def _share(value, default: float, where: str) -> float:
    if value is None:
        return default
    try:
        f = float(value)
    except (TypeError, ValueError):
        f = -1.0
    if not 0 <= f <= 1:
        raise ConfigError(f"{where} is {value!r}; give a share between 0 and 1, e.g. 0.5.")
    return f


def load_wave_dir(wave_dir: Path) -> Wave:
    """Load ``wave.yml`` from a wave folder.

    Raises
    ------
    ConfigError
        If ``wave.yml`` is missing, malformed, or names a file that does not exist.
    """
    wave_dir = Path(wave_dir)
    cfg = wave_dir / "wave.yml"
    if not cfg.is_file():
        raise ConfigError(
            f"The wave folder {wave_dir} has no wave.yml. Every folder under data/raw/ is a wave and needs one; "
            "copy data/raw/2022/wave.yml as a template, or move the folder out of data/raw/."
        )
    try:
        d = load_yaml(cfg.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{cfg} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(d, dict):
        raise ConfigError(f"{cfg} must be a mapping (id, title, raw, codebooks, ...).")
    # Every problem of wave.yml and its codebooks at once, before the parsing below.
    schema.raise_for(schema.check_wave(wave_dir)[1])
    for key in ("id", "title", "raw", "codebooks"):
        if not d.get(key):
            raise ConfigError(f"{cfg}: the field {key!r} is missing.")
    raw = d["raw"]
    if not isinstance(raw, dict) or not raw.get("file"):
        raise ConfigError(f"{cfg}: 'raw' must give at least 'file' (the raw export in this folder).")
    raw_file = wave_dir / str(raw["file"])
    if not raw_file.is_file():
        raise ConfigError(f"{cfg}: the raw export {raw['file']!r} named under raw.file does not exist in {wave_dir}.")
    fmt = str(raw.get("format") or raw_file.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ConfigError(f"{cfg}: raw.format {fmt!r} is not supported; use one of {', '.join(FORMATS)}.")
    spec = RawSpec(
        file=raw_file.resolve(),
        format=fmt,
        encoding=str(raw.get("encoding", "auto")),
        delimiter=str(raw.get("delimiter", "auto")),
        header_rows=int(raw.get("header_rows", 1)),
        sheet=raw.get("sheet", 0),
        date_format=str(raw.get("date_format", "auto")),
    )
    cols = d.get("columns") or {}
    columns = Columns(
        respondent_id=cols.get("respondent_id"),
        consent=cols.get("consent"),
        started=cols.get("started"),
        ended=cols.get("ended"),
        duration=cols.get("duration"),
        drop=tuple(cols.get("drop") or ()),
        ignore=tuple(str(c) for c in cols.get("ignore") or ()),
    )
    fw = d.get("fieldwork") or {}
    theme = d.get("theme") or {}
    cleaning = d.get("cleaning") or {}
    disclosure = d.get("disclosure") or {}
    threshold = int(disclosure.get("threshold", DEFAULT_THRESHOLD))
    if threshold < 1:
        raise ConfigError(f"{cfg}: disclosure.threshold must be a positive whole number.")
    population = {str(k): int(v) for k, v in (d.get("population") or {}).items()}
    consent_yes = tuple(cleaning.get("consent_yes", Wave.consent_yes))
    return Wave(
        id=str(d["id"]),
        title=str(d["title"]),
        title_en=str(d.get("title_en", d["title"])),
        dir=wave_dir.resolve(),
        raw=spec,
        codebook_paths=tuple(_resolve_codebook(wave_dir, str(c)) for c in d["codebooks"]),
        columns=columns,
        rename={str(k): str(v) for k, v in (d.get("rename") or {}).items()},
        fieldwork_start=_date(fw.get("start"), f"{cfg}: fieldwork.start"),
        fieldwork_end=_date(fw.get("end"), f"{cfg}: fieldwork.end"),
        theme_nl=str(theme.get("nl", "")),
        theme_en=str(theme.get("en", "")),
        synthetic=bool(d.get("synthetic", False)),
        min_duration_seconds=cleaning.get("min_duration_seconds"),
        consent_yes=consent_yes,
        threshold=threshold,
        population=population,
        config_path=cfg.resolve(),
        completion=_completion(d.get("completion"), cols, consent_yes, cfg),
        answers=_answers(d.get("answers"), cfg),
        max_excluded_share=_share(cleaning.get("max_excluded_share"), 0.5, f"{cfg}: cleaning.max_excluded_share"),
        unknown_code_share=_share(cleaning.get("unknown_code_share"), 0.05, f"{cfg}: cleaning.unknown_code_share"),
        unknown_code_min_cells=_count(
            cleaning.get("unknown_code_min_cells"), 5, f"{cfg}: cleaning.unknown_code_min_cells"
        ),
    )
