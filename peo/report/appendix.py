"""The generated appendix pages of the book: the codebook of each wave, the respondent flow,
and the downloadable tables. Pure: data in, MyST Markdown out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from peo.errors import ConfigError
from peo.report import format as fmt
from peo.report.layout import GENERATED, order_waves, slug, wave_id
from peo.report.markdown import code as _code
from peo.report.markdown import md as _md
from peo.report.markdown import page as _page
from peo.report.markdown import role_text as _role_text
from peo.report.markdown import table as _table
from peo.survey.wording import phrase, wording

__all__ = [
    "DOWNLOAD_SUFFIXES",
    "DATAPACKAGE",
    "download_order",
    "download_title",
    "codebook_index_page",
    "codebook_page",
    "flow_page",
    "downloads_page",
]

_format_int = fmt.integer
_is_missing = fmt.is_missing

#: Dutch wording of the exclusion reasons of ``flow.csv`` / ``exclusions.csv``.
_REASONS_NL: dict[str, str] = wording("book")["exclusion_reasons"]


def _b(key: str, **values: Any) -> str:
    """A phrase of the book pages (``peo/data/wording.yml``, section ``book``)."""
    return phrase("book", key, **values)


def _b_list(key: str) -> list[str]:
    return list(wording("book")[key])


DOWNLOAD_SUFFIXES = (".csv",)

DATAPACKAGE = "datapackage.json"


def _yes_no(x: Any) -> str:
    return _b("yes") if bool(x) and not _is_missing(x) else _b("no")


def codebook_index_page(waves: Iterable[Any]) -> str:
    """The parent page ``generated/codebook.md`` with links to the codebook of each wave."""
    lines = [f"- {{doc}}`/{GENERATED}/codebook_{slug(wave_id(w))}`" for w in order_waves(waves)]
    return _page(
        f"# {_b('codebook_title')}",
        _b("codebook_intro"),
        "\n".join(lines),
    )


def codebook_page(codebook: Any, wave: Any) -> str:
    """The codebook of one wave as MyST tables, one table per module (core, theme).

    Columns: item id, question (Dutch), question (English), answers (codes and Dutch
    labels), missing codes, construct (Dutch name) and whether the item is reverse-coded. The
    rows come from :meth:`peo.survey.codebook.Codebook.to_frame`.

    Parameters
    ----------
    codebook : peo.survey.codebook.Codebook
    wave : Wave, mapping or str

    Returns
    -------
    str
        MyST Markdown.
    """
    wid = wave_id(wave)
    frame = codebook.to_frame()
    titles = {name: (nl, en) for name, nl, en in getattr(codebook, "titles", ())}
    constructs = getattr(codebook, "constructs", {}) or {}
    blocks = [
        f"# {_b('codebook_wave_title', wave=_md(wid))}",
        _b("codebook_wave_intro"),
    ]
    sources = list(dict.fromkeys([*titles.keys(), *frame["source"].tolist()])) if len(frame) else list(titles)
    header = list(_b_list("codebook_columns"))
    for source in sources:
        part = frame[frame["source"] == source]
        if part.empty:
            continue
        nl, _en = titles.get(source, (source, source))
        rows = []
        for r in part.itertuples(index=False):
            construct = constructs.get(r.construct)
            construct_nl = construct.nl if construct is not None else (r.construct or "")
            rows.append(
                [
                    _code(r.item),
                    _md(r.text_nl),
                    _md(r.text_en),
                    _md(r.answers_nl),
                    _md(r.missing_nl) or "–",
                    _md(construct_nl) or "–",
                    _yes_no(r.reverse),
                ]
            )
        blocks.append(f"## {_md(nl)}")
        blocks.append(_b("codebook_module", source=_code(source), k=len(rows)))
        blocks.append(_table(header, rows))
    return _page(*blocks)


def _reasons_nl(text: Any) -> str:
    if _is_missing(text) or str(text).strip() in ("", "nan", "<NA>"):
        return ""
    out = str(text)
    for code, label in _REASONS_NL.items():
        out = re.sub(rf"\b{code}\b", label, out)
    return out


def _wave_threshold(wave_id: str) -> int:
    """The disclosure threshold of a wave (its ``wave.yml``; the default when it cannot be read)."""
    from peo.errors import PeoError
    from peo.survey.config import DEFAULT_THRESHOLD, load_wave

    try:
        return int(load_wave(str(wave_id)).threshold)
    except PeoError:
        return DEFAULT_THRESHOLD


def flow_page(flows: Mapping[str, Any]) -> str:
    """The respondent flow of every wave, newest first: step, n, excluded, reasons.

    Only counts are shown, never respondents. Each table is a wave's ``flow.csv`` (columns
    ``step``, ``label_nl``, ``n``, ``excluded``, ``reasons``; see ``docs/processed-data.md``).

    Parameters
    ----------
    flows : mapping of wave id to pandas.DataFrame

    Returns
    -------
    str
        MyST Markdown.

    Raises
    ------
    ConfigError
        If a flow table lacks one of the columns ``n`` or ``excluded``.
    """
    blocks = [
        f"# {_b('flow_title')}",
        _b("flow_intro"),
    ]
    for wid in sorted(flows, reverse=True):
        df = flows[wid]
        missing = [c for c in ("n", "excluded") if c not in df.columns]
        if missing:
            raise ConfigError(
                f"The respondent flow of wave {wid!r} has no column(s) {', '.join(missing)}. "
                "Rebuild the wave (python -m peo build --wave ...) so that flow.csv follows docs/processed-data.md."
            )
        # Process counts under the wave's threshold (peo.tables.disclosure.process): steps
        # with fewer than the threshold left between them are merged, reasons "minder dan 10".
        from peo.tables.disclosure import protect_flow

        if "label_nl" not in df.columns:
            df = df.assign(label_nl=df["step"] if "step" in df.columns else "")
        df = df.assign(
            label_nl=[r if not _is_missing(r) else s for r, s in zip(df["label_nl"], df.get("step", df["label_nl"]))]
        )
        shown = protect_flow(df, _wave_threshold(wid), _REASONS_NL)
        rows = [
            [_md(r["Stap"]), _md(r["Aantal"]), _md(r["Uitgevallen"]) or "–", _md(r["Redenen"]) or "–"]
            for r in shown.to_dict("records")
        ]
        blocks.append(f"## {_b('wave_heading', wave=_md(wid))}")
        blocks.append(_table(list(_b_list("flow_columns")), rows, ["l", "r", "r", "l"]))
    if not flows:
        blocks.append(_b("flow_none"))
    return _page(*blocks)


def download_title(name: str, codebook: Any = None) -> str:
    """The Dutch name of a downloadable file, for readers (the file name stays as it is).

    Fixed tables are named in ``wording.yml`` (``book.download_titles``); a table named after
    an item (``t22_barriers.csv``, ``open_<item>.csv``, ``quotes_<item>.csv``) takes the
    item's Dutch short text from the codebook.
    """
    stem = name.rsplit(".", 1)[0]
    titles = wording("book")["download_titles"]
    if stem in titles:
        return titles[stem]
    for prefix in ("open_", "quotes_", ""):
        item = stem[len(prefix) :] if stem.startswith(prefix) else None
        if item and codebook is not None and item in codebook:
            label = codebook.item(item).short_nl or item
            return _b(f"download_{prefix.rstrip('_') or 'item'}", label=label)
    return stem.replace("_", " ")


def download_order(files: Iterable[str]) -> list[str]:
    files = sorted(set(files))
    return ([DATAPACKAGE] if DATAPACKAGE in files else []) + [f for f in files if f != DATAPACKAGE]


def downloads_page(
    waves: Iterable[Any], files: Mapping[str, Sequence[str]], codebooks: Mapping[str, Any] | None = None
) -> str:
    """Download links to each wave's tables and ``datapackage.json`` (MyST ``{download}``).

    The files are copied into ``generated/downloads/<wave>/`` by :func:`write_book_sources`;
    only files that exist are listed, so ``-W`` has nothing to warn about.

    Parameters
    ----------
    waves : iterable of Wave, mapping or str
    files : mapping of wave id to file names
        The files present in ``generated/downloads/<wave>/``.
    codebooks : mapping of wave id to Codebook, optional
        For the Dutch names of tables named after an item (:func:`download_title`).

    Returns
    -------
    str
        MyST Markdown.
    """
    blocks = [
        f"# {_b('downloads_title')}",
        _b("downloads_intro"),
    ]
    for w in order_waves(waves):
        wid = wave_id(w)
        names = download_order(files.get(wid, ()))
        blocks.append(f"## {_b('wave_heading', wave=_md(wid))}")
        if names:
            cb = (codebooks or {}).get(wid)
            blocks.append(
                "\n".join(
                    f"- {{download}}`{_role_text(download_title(n, cb))} <downloads/{slug(wid)}/{n}>` ({_code(n)})"
                    for n in names
                )
            )
        else:
            blocks.append(_b("wave_no_tables"))
    return _page(*blocks)
