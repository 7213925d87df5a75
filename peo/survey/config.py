"""The wave configuration: ``data/raw/<wave>/wave.yml``.

One file per wave says what the wave is (id, title, fieldwork, theme), where its raw
export is and in which format, which codebooks describe it, which raw columns hold the
administrative fields (respondent id, consent, completion, timing) and which must be
dropped because they identify people, the cleaning and disclosure thresholds, and, where
known, the population per employer type. The format is documented in
``data/raw/README.md``.
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

FORMATS = ("csv", "xlsx", "sav")
DEFAULT_THRESHOLD = 10


@dataclass(frozen=True)
class RawSpec:
    """How to read the raw export."""

    file: Path
    format: str
    encoding: str = "auto"
    delimiter: str = "auto"
    header_rows: int = 1
    sheet: str | int = 0


@dataclass(frozen=True)
class Columns:
    """Names of the administrative columns in the raw export (``None``: not present)."""

    respondent_id: str | None = None
    consent: str | None = None
    finished: str | None = None
    started: str | None = None
    ended: str | None = None
    duration: str | None = None
    drop: tuple[str, ...] = ()


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
    p = Path(name)
    candidates = [p] if p.is_absolute() else [wave_dir / p, paths.codebook_dir() / p]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    raise ConfigError(
        f"{wave_dir / 'wave.yml'}: codebook {name!r} was found neither in {wave_dir} nor in {paths.codebook_dir()}."
    )


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
        d = yaml.safe_load(cfg.read_text(encoding="utf-8"))
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
    )
    cols = d.get("columns") or {}
    columns = Columns(
        respondent_id=cols.get("respondent_id"),
        consent=cols.get("consent"),
        finished=cols.get("finished"),
        started=cols.get("started"),
        ended=cols.get("ended"),
        duration=cols.get("duration"),
        drop=tuple(cols.get("drop") or ()),
    )
    fw = d.get("fieldwork") or {}
    theme = d.get("theme") or {}
    cleaning = d.get("cleaning") or {}
    disclosure = d.get("disclosure") or {}
    threshold = int(disclosure.get("threshold", DEFAULT_THRESHOLD))
    if threshold < 1:
        raise ConfigError(f"{cfg}: disclosure.threshold must be a positive whole number.")
    population = {str(k): int(v) for k, v in (d.get("population") or {}).items()}
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
        consent_yes=tuple(cleaning.get("consent_yes", Wave.consent_yes)),
        threshold=threshold,
        population=population,
        config_path=cfg.resolve(),
    )
