"""The "Reproduceren" page: the commit, the lock hash, the raw files' checksums, the build date
and the commands that rebuild the report. :func:`reproduce_info` is the one function here
that reads the outside world (git, files, ``SOURCE_DATE_EPOCH``, the clock as last resort).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from peo.errors import ConfigError, ManifestError
from peo.report import format as fmt
from peo.report.layout import order_waves, wave_id
from peo.report.markdown import code as _code
from peo.report.markdown import page as _page
from peo.report.markdown import table as _table

__all__ = ["reproduce_info", "reproduce_page"]

format_date_nl = fmt.date_nl

def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip()


def _read_manifest(path: Path) -> list[dict]:
    """Lines ``<hex>  <path>`` of ``data/raw/MANIFEST.sha256`` (GNU sha256sum format)."""
    rows = []
    line_re = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = line_re.match(line)
        if not m:
            raise ManifestError(
                f"{path}, line {number}: expected '<sha256>  <path>', found {line[:80]!r}. "
                "Rewrite the manifest with `make manifest` (python -m peo manifest)."
            )
        rows.append({"sha256": m.group(1).lower(), "path": m.group(2)})
    return sorted(rows, key=lambda r: r["path"])


def reproduce_info(root: str | os.PathLike) -> dict:
    """What a reader needs to rebuild this exact report.

    Parameters
    ----------
    root : path-like
        The repository root.

    Returns
    -------
    dict
        ``commit`` (``git rev-parse HEAD`` or ``"onbekend"``), ``dirty`` (True when tracked
        files differ from the commit, None when unknown), ``lock_sha256`` (SHA-256 of
        ``requirements.lock`` or ``"onbekend"``), ``raw_checksums`` (list of ``{"sha256",
        "path"}`` from ``data/raw/MANIFEST.sha256``, paths relative to ``data/raw``; empty when
        there is no manifest), ``manifest_present`` (bool), ``build_date`` (ISO date) and
        ``build_date_source`` (``"SOURCE_DATE_EPOCH"``, ``"git"`` or ``"today"``).

        The build date is taken from ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
        convention, so that two builds give identical bytes), else the committer date of the
        latest git commit, else today's date.

    Raises
    ------
    ManifestError
        If the manifest exists but a line is not ``<sha256>  <path>``.
    ConfigError
        If ``SOURCE_DATE_EPOCH`` is set but not a whole number of seconds.
    """
    root = Path(root)
    commit = _git(root, "rev-parse", "HEAD")
    dirty = None
    if commit:
        status = _git(root, "status", "--porcelain", "--untracked-files=no")
        dirty = None if status is None else bool(status)
    lock = root / "requirements.lock"
    lock_sha = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.is_file() else "onbekend"
    manifest = root / "data" / "raw" / "MANIFEST.sha256"
    raw = _read_manifest(manifest) if manifest.is_file() else []
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            date = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970; unset it or fix it."
            ) from None
        source = "SOURCE_DATE_EPOCH"
    else:
        git_date = _git(root, "log", "-1", "--format=%cI") if commit else None
        parsed = None
        if git_date:
            try:
                parsed = dt.datetime.fromisoformat(git_date).astimezone(dt.timezone.utc).date()
            except ValueError:
                parsed = None
        if parsed is not None:
            date, source = parsed, "git"
        else:
            date, source = dt.date.today(), "today"
    return {
        "commit": commit or "onbekend",
        "dirty": dirty,
        "lock_sha256": lock_sha,
        "raw_checksums": raw,
        "manifest_present": manifest.is_file(),
        "build_date": date.isoformat(),
        "build_date_source": source,
    }


_DATE_SOURCE_NL = {
    "SOURCE_DATE_EPOCH": "uit de omgevingsvariabele `SOURCE_DATE_EPOCH`",
    "git": "de datum van de laatste git-commit",
    "today": "de datum van de build (geen `SOURCE_DATE_EPOCH` en geen git)",
}


def reproduce_page(info: Mapping, waves: Iterable[Any] = ()) -> str:
    """The "Reproduceren" page: commit, lock hash, raw-data checksums, build date, commands.

    Parameters
    ----------
    info : mapping
        As returned by :func:`reproduce_info`.
    waves : iterable of Wave, mapping or str, optional
        Used for the example of a one-wave build.

    Returns
    -------
    str
        MyST Markdown.
    """
    dirty = info.get("dirty")
    commit = _code(info.get("commit", "onbekend"))
    if dirty is True:
        commit += " (met lokale wijzigingen die niet in deze commit staan)"
    rows = [
        ["Git-commit", commit],
        ["SHA-256 van `requirements.lock`", _code(info.get("lock_sha256", "onbekend"))],
        [
            "Builddatum",
            f"{format_date_nl(info.get('build_date'))} ({_DATE_SOURCE_NL.get(info.get('build_date_source'), 'onbekend')})",
        ],
    ]
    blocks = [
        "# Reproduceren",
        "Dit rapport is volledig gebouwd uit de ruwe exports in `data/raw/`, de codeboeken, de"
        " notebooks en het pakket `peo`, met de exacte pakketversies uit `requirements.lock`. Met"
        " dezelfde invoer levert een nieuwe build dezelfde tabellen, cijfers en pagina's op.",
        _table(["Onderdeel", "Waarde"], rows),
        "## Ruwe gegevens",
    ]
    checksums = info.get("raw_checksums") or []
    if checksums:
        blocks.append(
            "Controlegetallen (SHA-256) van de ruwe exports, uit `data/raw/MANIFEST.sha256`."
            " Controleren kan met `make verify`, of zonder Python met"
            " `cd data/raw && sha256sum -c MANIFEST.sha256`."
        )
        blocks.append(_table(["Bestand", "SHA-256"], [[_code(r["path"]), _code(r["sha256"])] for r in checksums]))
    else:
        blocks.append(
            "Er is (nog) geen `data/raw/MANIFEST.sha256`; leg de controlegetallen vast met `make manifest`."
        )
    ids = [wave_id(w) for w in order_waves(waves)]
    example = ids[0] if ids else "<meting>"
    blocks.append("## Opnieuw bouwen")
    blocks.append(
        "Vanaf een verse kopie van de repository (Python 3.11):\n\n"
        "```bash\n"
        "make book        # omgeving opzetten en alles bouwen uit de metingen in data/raw\n"
        "make test        # alle tests, ook de end-to-end-build\n"
        f"python -m peo build --wave {example}   # alleen deze meting opnieuw\n"
        "```"
    )
    blocks.append(
        "`make help` toont alle andere opdrachten. Het gebouwde rapport staat in"
        " `book/_build/html/` en is statische HTML."
    )
    return _page(*blocks)
