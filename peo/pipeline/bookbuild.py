"""The book step: write the generated book sources, run Jupyter Book, publish the HTML.

:func:`build_book` writes the sources (:func:`write_sources`), builds the book into
``build/book-staging`` (:func:`run_jupyter_book`: warnings are errors) and swaps the HTML
into ``book/_build/html`` only when that build passed and wrote its ``index.html``, and after each wave's report PDF was written into
it (:func:`write_pdfs`). A book
build never fails silently: a missing ``jupyter-book`` command, a failing one, or one that
exits 0 without writing the book is a :class:`~peo.pipeline.steps.StepFailed`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from peo.errors import ConfigError, PeoError
from peo.pipeline.steps import StepFailed
from peo.survey import config

__all__ = [
    "write_sources",
    "jupyter_book_command",
    "run_jupyter_book",
    "publish_dir",
    "write_pdfs",
    "build_book",
    "BOOK_STAGING",
]

#: Where the book is built before it is published, relative to the root.
BOOK_STAGING = "build/book-staging"


def _slug(wave_id: str) -> str:
    from peo.report import book

    return book._slug(wave_id)


def write_sources(root: Path, waves: Sequence[config.Wave], *, chapters: Sequence[str], trends: bool) -> list[Path]:
    """Write the generated book sources from the processed data of every wave.

    Reads each wave's ``tables/key_figures.json``, ``flow.csv`` and codebooks, copies the
    factsheet that the results step made (``tables/factsheet.pdf`` and ``.png``) into
    ``book/waves/<wave>/`` when every wave has one (else
    :func:`peo.report.book.write_book_sources` renders it from the key figures), and calls
    :func:`peo.report.book.write_book_sources`, which also copies the published tables and
    ``datapackage.json`` for download.

    Parameters
    ----------
    root : pathlib.Path
    waves : sequence of Wave
        Every wave present.
    chapters : sequence of str
        The notebook names of a wave chapter, in order.
    trends : bool
        Whether the book has the trends chapter.

    Returns
    -------
    list of pathlib.Path
        The files written or already up to date.

    Raises
    ------
    ConfigError
        If a wave has no key figures or flow (its steps have not run), or the static book
        sources are missing.
    """
    from peo.report import book

    processed = root / "data" / "processed"
    key_figures, flows, codebooks, tables = {}, {}, {}, {}
    for w in waves:
        folder = processed / w.id
        kf, flow = folder / "tables" / "key_figures.json", folder / "flow.csv"
        for p in (kf, flow):
            if not p.is_file():
                raise ConfigError(f"{p} does not exist: build wave {w.id} first (python -m peo build --wave {w.id}).")
        key_figures[w.id] = json.loads(kf.read_text(encoding="utf-8"))
        flows[w.id] = pd.read_csv(flow)
        codebooks[w.id] = w.codebook()
        tables[w.id] = folder / "tables"
    made = all(
        (tables[w.id] / book.FACTSHEET_PDF).is_file() and (tables[w.id] / book.FACTSHEET_PNG).is_file() for w in waves
    )
    written = []
    if made:
        for w in waves:
            for name in (book.FACTSHEET_PDF, book.FACTSHEET_PNG):
                src, dst = tables[w.id] / name, root / "book" / "waves" / _slug(w.id) / name
                if not dst.is_file() or dst.read_bytes() != src.read_bytes():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dst)
                written.append(dst)
    written += book.write_book_sources(
        root,
        waves,
        key_figures,
        flows,
        codebooks,
        tables_dirs=tables,
        chapters=list(chapters),
        trends=trends,
        factsheets=not made,
    )
    return sorted(written)


def jupyter_book_command() -> list[str]:
    """The ``jupyter-book`` executable: the one beside this Python, else the one on ``PATH``.

    Raises
    ------
    StepFailed
        If there is none. (There is deliberately no ``python -m jupyter_book...`` fallback:
        that module does nothing and exits 0, so a book would silently not be built.)
    """
    exe = Path(sys.executable).parent / "jupyter-book"
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    raise StepFailed(
        f"jupyter-book is not installed (looked in {exe.parent} and on PATH). "
        "Install the pinned environment with `make venv` (or `pip install -r requirements.lock`) and build again."
    )


def run_jupyter_book(book_dir: Path, output_dir: Path, log: Path) -> None:
    """``jupyter-book build <book> --path-output <output> -n -W --keep-going --all``.

    Warnings are errors (``-n -W``); ``--keep-going`` reports all of them at once. The
    whole output is written to ``log``.

    Raises
    ------
    StepFailed
        If jupyter-book is missing or the build fails; the message quotes its warnings and
        errors and names the log.
    """
    cmd = [
        *jupyter_book_command(),
        "build",
        str(book_dir),
        "--path-output",
        str(output_dir),
        "-n",
        "-W",
        "--keep-going",
        "--all",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), check=False)
    log.write_text(f"$ {' '.join(cmd)}\n{res.stdout}\n{res.stderr}", encoding="utf-8")
    if res.returncode != 0:
        lines = [
            ln.strip()
            for ln in (res.stdout + "\n" + res.stderr).splitlines()
            if re.search(r"\b(WARNING|ERROR|CRITICAL|Error|Exception)\b", ln)
        ]
        shown = "\n".join(f"    {ln}" for ln in lines[:15]) or "    (no warning found in the output)"
        more = f"\n    ... and {len(lines) - 15} more" if len(lines) > 15 else ""
        raise StepFailed(
            f"jupyter-book build failed (exit code {res.returncode}):\n{shown}{more}\n"
            f"    the full output is in {log}; the partial build is kept in {output_dir}"
        )


def publish_dir(new: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``new`` (two renames; the old one is put back on failure)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".old-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    moved = False
    if target.exists():
        os.replace(target, old)
        moved = True
    try:
        shutil.move(str(new), str(target))
    except BaseException:
        if moved and not target.exists():
            os.replace(old, target)
        raise
    if moved:
        shutil.rmtree(old, ignore_errors=True)


def write_pdfs(root: Path, waves: Sequence[config.Wave], html: Path) -> list[Path]:
    """Each wave's report as one tagged PDF, into the built (staging) HTML before it is published.

    See :func:`peo.report.pdf.write_report_pdfs`: a report whose pages did not change is not
    rendered again.

    Raises
    ------
    ConfigError
        If a wave's chapter or key figures are missing from the built book.
    StepFailed
        If WeasyPrint fails.
    """
    from peo.report.pdf import write_report_pdfs
    from peo.report.reproduce import reproduce_info

    key_figures = {}
    for w in waves:
        kf = root / "data" / "processed" / w.id / "tables" / "key_figures.json"
        if not kf.is_file():
            raise ConfigError(f"{kf} does not exist: build wave {w.id} first (python -m peo build --wave {w.id}).")
        key_figures[w.id] = json.loads(kf.read_text(encoding="utf-8"))
    try:
        return write_report_pdfs(html, root, waves, key_figures, build_date=reproduce_info(root)["build_date"])
    except PeoError:
        raise
    except Exception as exc:  # WeasyPrint's own errors (a broken image, a font): name them, keep the old book
        raise StepFailed(
            f"the report PDF could not be rendered ({type(exc).__name__}: {exc}); the built pages are in {html}"
        ) from exc


def build_book(root: Path, waves: Sequence[config.Wave], *, chapters: Sequence[str], trends: bool) -> Path:
    """Write the book sources, build the book in staging and swap it into ``book/_build/html``.

    The book is built into ``build/book-staging`` (:func:`run_jupyter_book`); only when that
    build passes and wrote ``index.html`` does its HTML replace ``book/_build/html``. When it
    fails, the previous HTML stays and the staging build with its reports is kept for
    inspection.

    Parameters
    ----------
    root : pathlib.Path
    waves : sequence of Wave
        Every wave present.
    chapters : sequence of str
        Notebook names of a wave chapter, in order.
    trends : bool
        Whether the book has the trends chapter.

    Returns
    -------
    pathlib.Path
        ``book/_build/html``.

    Raises
    ------
    StepFailed
        If jupyter-book is missing, fails, or reports success without writing the book.
    ConfigError
        If the sources cannot be written (see :func:`write_sources`).
    """
    staging = root / BOOK_STAGING
    shutil.rmtree(staging, ignore_errors=True)
    write_sources(root, waves, chapters=chapters, trends=trends)
    run_jupyter_book(root / "book", staging, root / "build" / "logs" / "book.log")
    html = staging / "_build" / "html"
    if not (html / "index.html").is_file():
        raise StepFailed(
            f"jupyter-book reported success but wrote no {html / 'index.html'}; the staging build is kept in {staging}."
        )
    write_pdfs(root, waves, html)
    target = root / "book" / "_build" / "html"
    publish_dir(html, target)
    shutil.rmtree(staging, ignore_errors=True)
    if not (target / "index.html").is_file():
        raise StepFailed(f"the built book was moved to {target}, but {target / 'index.html'} is not there.")
    return target
