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
from peo.survey.wording import phrase, wording

__all__ = ["reproduce_info", "reproduce_page"]

format_date_nl = fmt.date_nl


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20, check=False)
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
            date = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
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
                parsed = dt.datetime.fromisoformat(git_date).astimezone(dt.UTC).date()
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


#: How the build date was found, in Dutch.
_DATE_SOURCE_NL: dict[str, str] = wording("reproduce")["date_sources"]


def _r(key: str, **values: Any) -> str:
    """A phrase of the "Reproduceren" page (``peo/data/wording.yml``, section ``reproduce``)."""
    return phrase("reproduce", key, **values)


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
    unknown = _r("unknown")
    commit = _code(info.get("commit", unknown))
    if dirty is True:
        commit += " " + _r("dirty")
    date_source = _DATE_SOURCE_NL.get(info.get("build_date_source"), unknown)
    rows = [
        [_r("row_commit"), commit],
        [_r("row_lock"), _code(info.get("lock_sha256", unknown))],
        [_r("row_date"), _r("date", date=format_date_nl(info.get("build_date")), source=date_source)],
    ]
    blocks = [
        f"# {_r('title')}",
        _r("intro"),
        _table(list(wording("reproduce")["columns"]), rows),
        f"## {_r('raw_heading')}",
    ]
    checksums = info.get("raw_checksums") or []
    if checksums:
        blocks.append(_r("checksums"))
        blocks.append(
            _table(
                list(wording("reproduce")["checksum_columns"]),
                [[_code(r["path"]), _code(r["sha256"])] for r in checksums],
            )
        )
    else:
        blocks.append(_r("no_manifest"))
    ids = [wave_id(w) for w in order_waves(waves)]
    example = ids[0] if ids else _r("wave_placeholder")
    blocks.append(f"## {_r('rebuild_heading')}")
    blocks.append(_r("rebuild", wave=example))
    blocks.append(_r("help"))
    return _page(*blocks)
