"""Read a wave's published data package: the tables, quotes, codebook and key figures.

The analysis notebooks load what the results step (:mod:`peo.tables.results`) published and
present it; they hold no respondent-level data and compute no table again. Each table comes
back as the sealed :class:`peo.tables.disclosure.ProtectedTable` the results step wrote,
restored from its CSV and the protection metadata in ``datapackage.json``.

Nothing is recomputed when the package is incomplete: a missing table, a missing or
incomplete ``datapackage.json``, or a CSV whose checksum, columns or values do not match
their metadata raises :class:`peo.errors.PackageError`, naming the package and the table.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from peo import paths
from peo.errors import DisclosureError, PackageError
from peo.io import sha256
from peo.survey.codebook import Codebook, load_codebook
from peo.tables import disclosure
from peo.tables.datapackage import CODEBOOK_DIR, PEO_KEY
from peo.tables.likert import collapsed_codebook
from peo.tables.wavedata import Section

__all__ = ["Package", "Tables", "WaveInfo", "load_package", "load_table", "package_dir"]

DESCRIPTOR = "datapackage.json"
_REBUILD = "Rebuild the wave's results (`python -m peo build --wave {wave}`) or copy the whole package again."


def package_dir(wave_id: str, folder: str | Path | None = None) -> Path:
    """The folder of a wave's data package: ``folder`` if given, else ``data/processed/<wave>/tables``."""
    return Path(folder) if folder else paths.processed_dir(str(wave_id)) / "tables"


@dataclass(frozen=True)
class WaveInfo:
    """What a package says about its wave (from ``key_figures.json``), as the report shows it."""

    id: str
    title: str
    theme_nl: str
    synthetic: bool
    fieldwork_start: dt.date | None
    fieldwork_end: dt.date | None


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Tables(Mapping):
    """The tables of a package by name, each restored when first asked for.

    ``name in tables`` says whether the package has the table; ``tables[name]`` restores it
    or raises :class:`PackageError` naming the package and the table.
    """

    def __init__(self, package: Package):
        self._package = package
        self._cache: dict[str, disclosure.ProtectedTable] = {}

    def __getitem__(self, name: str) -> disclosure.ProtectedTable:
        if name not in self._cache:
            self._cache[name] = self._package.table(name)
        return self._cache[name]

    def __contains__(self, name) -> bool:
        return name in self._package.resources("table")

    def __iter__(self) -> Iterator[str]:
        return iter(self._package.resources("table"))

    def __len__(self) -> int:
        return len(self._package.resources("table"))


@dataclass(frozen=True)
class Package:
    """A wave's published data package (a folder with ``datapackage.json``).

    Use :func:`load_package`; the tables are read when first used (:attr:`tables`).
    """

    folder: Path
    descriptor: dict = field(repr=False)

    # ------------------------------------------------------------------ metadata
    @property
    def name(self) -> str:
        return f"{self.descriptor.get('name', '?')} ({self.folder})"

    @property
    def meta(self) -> dict:
        return self.descriptor[PEO_KEY]

    @property
    def wave_id(self) -> str:
        return str(self.meta["wave"])

    @property
    def threshold(self) -> int:
        return int(self.meta["threshold"])

    def resources(self, kind: str) -> dict[str, dict]:
        """The resources of one kind (``table`` or ``quotes``) by table name."""
        return {Path(r["path"]).stem: r for r in self.descriptor["resources"] if r.get("peo:kind") == kind}

    @cached_property
    def key_figures(self) -> dict:
        """The content of ``key_figures.json``."""
        path = self.folder / self.meta.get("key_figures", "key_figures.json")
        if not path.is_file():
            raise PackageError(f"Data package {self.name} has no {path.name}. " + _REBUILD.format(wave=self.wave_id))
        return json.loads(path.read_text(encoding="utf-8"))

    @cached_property
    def wave(self) -> WaveInfo:
        """Title, theme and fieldwork of the wave."""
        kf = self.key_figures
        fw = kf.get("fieldwork") or {}
        return WaveInfo(
            self.wave_id,
            kf["title"],
            kf.get("theme_nl") or "",
            bool(kf.get("synthetic")),
            _date(fw.get("start")),
            _date(fw.get("end")),
        )

    @property
    def n_analysed(self) -> int:
        """Respondents analysed."""
        return int(self.key_figures["response"]["analysed"])

    @property
    def group_counts(self) -> dict[str, int | None]:
        """Respondents per employer type; None where the number is below the threshold."""
        return dict(self.key_figures["response"]["by_group"])

    @cached_property
    def codebook(self) -> Codebook:
        """The wave's merged codebook, from the copies in the package."""
        files = [self.folder / f for f in self.meta.get("codebooks") or []]
        if not files:
            raise PackageError(f"Data package {self.name} names no codebook. " + _REBUILD.format(wave=self.wave_id))
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            raise PackageError(
                f"Data package {self.name} lacks its codebook file(s) {', '.join(missing)}. "
                + _REBUILD.format(wave=self.wave_id)
            )
        # open items are checked against the theme codebook copied beside them, not the repository's
        return load_codebook(files, codebook_dir=self.folder / CODEBOOK_DIR)

    @cached_property
    def collapsed_codebook(self) -> Codebook:
        """The codebook with the Likert scales collapsed to their boxes, as the tables have them."""
        return collapsed_codebook(self.codebook)

    @cached_property
    def themes(self) -> dict:
        """The theme codebook of the open answers (:func:`peo.tables.text.load_themes`)."""
        from peo.tables.text import load_themes

        name = self.meta.get("themes")
        if not name or not (self.folder / name).is_file():
            raise PackageError(
                f"Data package {self.name} lacks the theme codebook of the open answers. "
                + _REBUILD.format(wave=self.wave_id)
            )
        return load_themes(self.folder / name)

    # ------------------------------------------------------------------ tables
    @cached_property
    def tables(self) -> Tables:
        """The published tables by name (:class:`Tables`)."""
        return Tables(self)

    def table(self, name: str) -> disclosure.ProtectedTable:
        """Restore one published table as a sealed :class:`ProtectedTable`.

        Raises
        ------
        PackageError
            If the package has no such table, or its CSV does not match its checksum, its
            columns or its protection metadata.
        """
        res = self.resources("table").get(name)
        if res is None:
            known = ", ".join(sorted(self.resources("table"))) or "none"
            raise PackageError(
                f"Data package {self.name} has no table {name!r} (it has: {known}). "
                + _REBUILD.format(wave=self.wave_id)
            )
        meta = res.get("peo:protection")
        if not meta:
            raise PackageError(
                f"Data package {self.name}, table {name!r}: datapackage.json has no protection "
                "metadata for it, so it cannot be shown as a protected table. " + _REBUILD.format(wave=self.wave_id)
            )
        frame = self._read(name, res)
        try:
            return disclosure.restore(frame, meta, f"Data package {self.name}, table {name!r}")
        except DisclosureError as err:
            raise PackageError(f"{err} " + _REBUILD.format(wave=self.wave_id)) from None

    def section(self) -> Section:
        """The package as a report section: its tables, the collapsed codebook and the quotes."""
        return Section(tables=self.tables, codebook=self.collapsed_codebook, quotes=self.quotes)

    @cached_property
    def quotes(self) -> dict[str, pd.DataFrame]:
        """The de-identified example quotes per open item (columns ``theme``, ``theme_label``, ``quote``)."""
        return {res["peo:item"]: self._read(name, res) for name, res in self.resources("quotes").items()}

    def _read(self, name: str, res: dict) -> pd.DataFrame:
        """Read a resource's CSV, check it against its checksum and schema, and type its columns."""
        path = self.folder / res["path"]
        where = f"Data package {self.name}, table {name!r}"
        if not path.is_file():
            raise PackageError(f"{where}: {path.name} is missing. " + _REBUILD.format(wave=self.wave_id))
        raw = path.read_bytes()
        expected = str(res.get("hash", ""))
        if not expected.startswith("sha256:") or sha256(path) != expected.removeprefix("sha256:"):
            raise PackageError(
                f"{where}: {path.name} does not match the checksum in datapackage.json "
                "(changed after it was published). " + _REBUILD.format(wave=self.wave_id)
            )
        fields = res.get("schema", {}).get("fields", [])
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8")
        names = [f["name"] for f in fields]
        if list(frame.columns) != names:
            raise PackageError(
                f"{where}: its columns ({', '.join(frame.columns)}) are not those of its schema "
                f"({', '.join(names)}). " + _REBUILD.format(wave=self.wave_id)
            )
        for f in fields:
            frame[f["name"]] = _typed(frame[f["name"]], f["type"], f["name"])
        # The typed table must give back the published bytes: nothing was lost or reinterpreted.
        if frame.to_csv(index=False, lineterminator="\n").encode("utf-8") != raw:
            raise PackageError(
                f"{where}: {path.name} does not read back as its schema describes it. "
                + _REBUILD.format(wave=self.wave_id)
            )
        return frame


def _typed(col: pd.Series, kind: str, name: str) -> pd.Series:
    """A CSV column (read as text, empty = missing) in the dtype of its Frictionless type."""
    empty = col == ""
    if kind == "integer":
        return pd.to_numeric(col.mask(empty)).astype("Int64")
    if kind == "number":
        return pd.to_numeric(col.mask(empty)).astype(float)
    if kind == "boolean":
        values = col.map({"True": True, "False": False, "": pd.NA})
        return values.astype(bool) if name == "suppressed" else values.astype("boolean")
    return col


def load_package(folder: str | Path) -> Package:
    """Open a wave's data package.

    Parameters
    ----------
    folder : path-like
        The package folder (``data/processed/<wave>/tables`` or a copy of it).

    Raises
    ------
    PackageError
        If the folder has no ``datapackage.json``, or it is not a package of the results step.
    """
    folder = Path(folder)
    path = folder / DESCRIPTOR
    if not path.is_file():
        raise PackageError(
            f"{folder} is not a data package: it has no {DESCRIPTOR}. "
            "Build the wave (`python -m peo build --wave <wave>`) or point at its tables folder."
        )
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PackageError(f"{path} is not valid JSON ({err}); rebuild the wave's results.") from None
    if (
        not isinstance(descriptor, dict)
        or not isinstance(descriptor.get(PEO_KEY), dict)
        or "resources" not in descriptor
        or "threshold" not in descriptor[PEO_KEY]
    ):
        raise PackageError(
            f"{path} lacks the protection metadata of the results step ('{PEO_KEY}', 'resources'); "
            "it was written by an older peo or by hand. Rebuild the wave's results."
        )
    return Package(folder, descriptor)


def load_table(wave_id: str, name: str, folder: str | Path | None = None) -> disclosure.ProtectedTable:
    """One published table of a wave, restored as a sealed :class:`ProtectedTable`.

    Raises
    ------
    PackageError
        See :meth:`Package.table`.
    """
    return load_package(package_dir(wave_id, folder)).table(name)
