"""The report of a wave as one tagged PDF, rendered with WeasyPrint from the built book.

The organisation publishes each wave as a PDF report. It is made from the same sources as the
HTML book, after Jupyter Book has built it: the article body of every page of the wave's
chapter, in book order, then the appendices, behind a cover (and the wave's colophon page when
the book has one). WeasyPrint (``pdf_variant="pdf/ua-1"``) writes a tagged PDF with the
document's title, author and language (``<html lang="nl">``), bookmarks from the headings,
figures as images with their alt text, and the fonts embedded (matplotlib's bundled DejaVu
fonts, so that nothing depends on the fonts of the machine and nothing is downloaded).

Why WeasyPrint and not Sphinx's LaTeX builder: LaTeX (a TeX installation of several hundred
megabytes) does not write tagged PDF/UA without extra packages that are not in Debian stable,
and a second Sphinx build would double the book's build time. WeasyPrint renders the HTML that
was already built in seconds and tags it.

* :func:`wave_documents`: which pages of the book go into a wave's report, in book order;
* :func:`article` and :func:`report_html`: the pages' article bodies made into one HTML
  document (pure: text in, text out);
* :func:`wave_report`: one wave's report as one HTML document;
* :func:`render_pdf`: that document as PDF bytes (byte-identical for the same input);
* :func:`write_report_pdfs`: every wave's report into the built book, re-rendered only when
  its HTML or images changed (a content digest, cached under ``build/pdf/``).
"""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from peo import io as peo_io
from peo.errors import ConfigError
from peo.report import format as fmt
from peo.report.layout import GENERATED, order_waves, slug, wave_doc, wave_id
from peo.survey.wording import phrase
from peo.yamltext import load_yaml

__all__ = [
    "REPORT_PDF",
    "PDF_CACHE",
    "report_pdf_name",
    "report_pdf_link",
    "wave_documents",
    "article",
    "report_html",
    "wave_report",
    "render_pdf",
    "write_report_pdfs",
]

#: File name of a wave's report in ``waves/<wave>/`` of the built book ({slug}: the wave).
REPORT_PDF = "peo-{slug}-rapport.pdf"
#: Where rendered reports are kept with the digest of their input (relative to the root).
PDF_CACHE = "build/pdf"
#: Appendix documents left out of the PDF: links to downloads and the build record make
#: sense on the web only.
_WEB_ONLY = (f"{GENERATED}/downloads", f"{GENERATED}/reproduce")
#: Elements of a built page that do not belong in print (navigation, buttons, code inputs).
_DROP = (
    "script",
    "style",
    "link",
    "button",
    "form",
    "input",
    "nav",
    "a.headerlink",
    "div.cell_input",
    "details.above-input",
    "details.below-input",
    ".prev-next-area",
    ".header-article",
    ".bd-header-article",
    ".toggle-details",
    ".copybtn",
    "img.peo-thumbnail",
)


def report_pdf_name(wave: Any) -> str:
    """The report's file name, e.g. ``peo-2022-rapport.pdf``."""
    return REPORT_PDF.format(slug=slug(wave_id(wave)))


def report_pdf_link(wave: Any) -> str:
    """The paragraph on the wave's page that links its report PDF, as raw HTML.

    Raw HTML because the PDF is rendered after Sphinx has built the pages (a ``{download}``
    role needs the file while Sphinx runs). The paragraph has the class ``peo-web-only``, so
    the PDF itself leaves it out.
    """
    wid = wave_id(wave)
    href = html.escape(report_pdf_name(wid))
    link = f'<a href="{href}" download>{html.escape(_t("link_label", wave=wid))}</a>'
    return f'<p class="peo-web-only">{_t("link", link=link)}</p>'


def _t(key: str, **values: Any) -> str:
    """A phrase of the report PDF (``peo/data/wording.yml``, section ``report_pdf``)."""
    return phrase("report_pdf", key, **values)


# ------------------------------------------------------------------------------ the pages


def _files(entries: Sequence[Mapping]) -> list[str]:
    out: list[str] = []
    for e in entries or ():
        if "file" in e:
            out.append(str(e["file"]))
        out += _files(e.get("sections") or ())
    return out


def wave_documents(toc: Mapping, wave: Any, all_waves: Sequence[Any]) -> list[str]:
    """The book's documents that make up a wave's report, in book order.

    The wave's chapter (its introduction and every section, whatever the chapter holds) with
    a colophon page moved to the front, then the appendices, leaving out the web-only pages
    (downloads, build record) and pages of other waves.

    Parameters
    ----------
    toc : mapping
        The book's ``_toc.yml`` (``format: jb-book``, captioned parts).
    wave : Wave, mapping or str
    all_waves : sequence
        Every wave in the book (to recognise other waves' pages).

    Returns
    -------
    list of str
        Document names relative to the book folder, without suffix.

    Raises
    ------
    ConfigError
        If the wave has no chapter in the table of contents.
    """
    wid = wave_id(wave)
    chapter_root = wave_doc(wid, "index")
    others = [slug(wave_id(w)) for w in all_waves if wave_id(w) != wid]
    chapter: list[str] = []
    appendix: list[str] = []
    for part in toc.get("parts") or ():
        for entry in part.get("chapters") or ():
            docs = _files([entry])
            if entry.get("file") == chapter_root:
                chapter = docs
            elif part.get("caption") == "Bijlagen":
                appendix += docs
    if not chapter:
        raise ConfigError(
            f"The book's table of contents has no chapter {chapter_root} for wave {wid}: "
            "build the book (python -m peo build) before its PDF."
        )
    colophon = [d for d in chapter if d.rsplit("/", 1)[-1].startswith("colo")]
    chapter = colophon + [d for d in chapter if d not in colophon]

    def other_wave(doc: str) -> bool:
        name = doc.rsplit("/", 1)[-1]
        return any(doc.startswith(f"waves/{s}/") or name.endswith(f"_{s}") for s in others)

    appendix = [d for d in appendix if d not in _WEB_ONLY and not other_wave(d)]
    return chapter + appendix


def _local(src: str, page: Path) -> Path | None:
    """The file a relative ``src``/``href`` of a built page points to (None for other URLs)."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def _only_a_link(li: Any) -> bool:
    """Whether a list item holds nothing but one link to another page or a download."""
    links = li.find_all("span", class_="link")
    text = li.get_text(" ", strip=True)
    return len(links) == 1 and links[0].get_text(" ", strip=True) == text


def article(page: Path, number: int) -> tuple[str, list[Path]]:
    """The article body of one built page, made fit for print.

    Navigation, buttons, scripts and code inputs are dropped (cell outputs stay); links to
    other pages become plain text (web links stay); images point to their files by absolute
    ``file:`` URL; ids are prefixed with the page number so that they stay unique in the
    whole report.

    Parameters
    ----------
    page : pathlib.Path
        A page of the built book (``<html>/<doc>.html``).
    number : int
        Its position in the report.

    Returns
    -------
    (str, list of pathlib.Path)
        The HTML of a ``<section>`` and the image files it shows.

    Raises
    ------
    ConfigError
        If the page has no article body (not a page of this book's theme).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one("article.bd-article") or soup.select_one("main article")
    if body is None:
        raise ConfigError(f"{page} has no <article>: the PDF is made from the book's HTML; rebuild the book.")
    for sel in _DROP:
        for el in body.select(sel):
            el.decompose()
    images: list[Path] = []
    for img in body.find_all("img"):
        src = img.get("src", "")
        if src.startswith("data:image/"):
            continue  # a notebook's figure, embedded in the page
        path = _local(src, page)
        if path is None or not path.is_file():
            img.decompose()  # nothing remote in the PDF; the book has no remote images either
            continue
        img["src"] = path.as_uri()
        img.attrs.pop("srcset", None)
        images.append(path)
    for a in body.find_all("a"):
        href = a.get("href", "")
        if urlsplit(href).scheme in ("http", "https", "mailto"):
            continue
        a.name = "span"
        a.attrs = {"class": ["link"]} if a.get_text(strip=True) else {}
    for el in body.select(".peo-web-only"):
        el.decompose()
    for ul in body.find_all(["ul", "ol"]):
        items = ul.find_all("li", recursive=False)
        if items and all(_only_a_link(li) for li in items):
            ul.decompose()  # a list of links (chapter contents, downloads) says nothing on paper
    for el in body.find_all(id=True):
        el["id"] = f"p{number}-{el['id']}"
    for h in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        h.attrs.pop("tabindex", None)
    text = "".join(str(c) for c in body.contents)
    return f'<section class="page" id="page-{number}">\n{text}\n</section>', images


# ----------------------------------------------------------------------------- the document

#: matplotlib's bundled DejaVu fonts: always there (matplotlib is a dependency), so the PDF
#: embeds the same fonts on every machine, offline.
_FONTS = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}


def _font_faces() -> str:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = [
        f'@font-face {{ font-family: "PEO Sans"; font-weight: {w}; font-style: {s}; '
        f'src: url("{(folder / name).as_uri()}"); }}'
        for (w, s), name in _FONTS.items()
    ]
    mono = (folder / "DejaVuSansMono.ttf").as_uri()
    faces.append(f'@font-face {{ font-family: "PEO Mono"; src: url("{mono}"); }}')
    return "\n".join(faces)


#: The print style. Meaning never by colour alone (readable in greyscale): notices carry a
#: title and a border, links are underlined, table headers are bold with a rule.
PRINT_CSS = """
@page { size: A4; margin: 22mm 20mm 20mm 20mm;
  @bottom-center { content: counter(page); font: 8pt "PEO Sans"; color: #000; } }
@page cover { @bottom-center { content: none; } }
html { font-family: "PEO Sans"; font-size: 9.5pt; line-height: 1.45; color: #000; }
body { margin: 0; }
h1, h2, h3, h4 { font-weight: bold; line-height: 1.25; page-break-after: avoid; break-after: avoid; }
h1 { font-size: 17pt; margin: 0 0 8pt; }
h2 { font-size: 13pt; margin: 14pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
h4 { font-size: 10pt; }
section.page { break-before: page; }
section.cover { page: cover; break-after: page; padding-top: 55mm; }
section.cover h1 { font-size: 24pt; }
section.cover .subtitle { font-size: 14pt; margin: 6pt 0 30mm; }
section.cover p { font-size: 11pt; margin: 3pt 0; }
section.cover .notice { border: 1.5pt solid #000; padding: 8pt; margin-top: 20mm; font-weight: bold; }
p, li { orphans: 3; widows: 3; }
a { color: #000; text-decoration: underline; }
span.link { text-decoration: none; }
img { max-width: 100%; height: auto; }
figure, img, .cell_output, table { break-inside: avoid; }
.cell_output img { max-height: 190mm; }
table { border-collapse: collapse; margin: 6pt 0; font-size: 8.5pt; max-width: 100%; }
th, td { border-bottom: 0.5pt solid #555; padding: 2pt 5pt; text-align: left; vertical-align: top; }
th { font-weight: bold; border-bottom: 1pt solid #000; }
td.text-right, th.text-right { text-align: right; }
pre, code { font-family: "PEO Mono"; font-size: 8pt; white-space: pre-wrap; overflow-wrap: anywhere; }
.admonition, div.warning, div.note, div.tip, div.important, aside {
  border: 1pt solid #000; padding: 4pt 8pt; margin: 8pt 0; break-inside: avoid; }
.admonition-title { font-weight: bold; margin: 0 0 3pt; }
.admonition-title::after { content: ""; }
.output.stderr, .cell_output .stderr { display: none; }
details > summary { display: none; }
.sd-card, .sd-container-fluid { border: none; }
dl dt { font-weight: bold; }
"""


def report_html(
    title: str,
    author: str,
    cover: str,
    sections: Sequence[str],
    *,
    description: str = "",
) -> str:
    """One HTML document: cover, then the pages.

    Parameters
    ----------
    title, author : str
        The document's title and author (the PDF's metadata).
    cover : str
        The HTML of the cover section.
    sections : sequence of str
        The pages, as returned by :func:`article`.
    description : str, optional
        The PDF's subject.

    Returns
    -------
    str
    """
    meta = f'<meta name="author" content="{html.escape(author)}">'
    if description:
        meta += f'\n<meta name="description" content="{html.escape(description)}">'
    body = "\n".join([cover, *sections])
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n{meta}\n"
        f"<style>\n{_font_faces()}\n{PRINT_CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _cover(wave: Any, key_figures: Mapping, build_date: str | None) -> str:
    e = html.escape
    title = str(key_figures.get("title") or _t("title_default", wave=wave_id(wave)))
    lines = [
        f'<section class="cover">\n<h1>{e(title)}</h1>',
        f'<p class="subtitle">{e(_t("subtitle"))}</p>',
        f"<p>{e(_t('organisation'))}</p>",
    ]
    if build_date:
        lines.append(f"<p>{e(_t('date', date=fmt.date_nl(build_date)))}</p>")
    if key_figures.get("fieldwork"):
        lines.append(f"<p>{e(_t('fieldwork', fieldwork=fmt.fieldwork(key_figures.get('fieldwork'))))}</p>")
    if key_figures.get("synthetic"):
        lines.append(f'<p class="notice">{e(_t("synthetic"))}</p>')
    return "\n".join(lines) + "\n</section>"


#: URL scheme of the book's own files in the document WeasyPrint renders (see :func:`render_pdf`).
_BOOK_SCHEME = "peo-book:"


def render_pdf(document: str, base: Path) -> bytes:
    """The HTML document as a tagged PDF (PDF/UA-1), the same bytes for the same document.

    Parameters
    ----------
    document : str
        As returned by :func:`report_html` (images by absolute ``file:`` URL).
    base : pathlib.Path
        Folder against which any remaining relative URL is resolved.

    Returns
    -------
    bytes
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The book's files by a URL that does not name the folder the book was built in: WeasyPrint
    # names each image after the MD5 of its URL, so absolute file: URLs made the bytes depend on
    # where the repository lies (two checkouts gave two different PDFs).
    prefix = Path(base).resolve().as_uri().rstrip("/") + "/"
    document = document.replace(prefix, _BOOK_SCHEME)

    class BookFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(_BOOK_SCHEME):
                url = prefix + url[len(_BOOK_SCHEME) :]
            return super().fetch(url, headers)

    digest = hashlib.sha256(document.encode("utf-8")).digest()[:16]
    # A fixed identifier from the content: WeasyPrint would otherwise take none; no dates are
    # written (the document has no dcterms.created/modified), so the bytes depend on the input only.
    return HTML(string=document, base_url=str(base), url_fetcher=BookFetcher()).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=digest.hex().encode("ascii"), optimize_images=False
    )


def wave_report(html_dir: Path, docs: Sequence[str], title: str, author: str, cover: str, description: str = "") -> str:
    """The report of one wave as one HTML document, from the built pages ``docs`` (in order).

    Raises
    ------
    ConfigError
        If a page is missing or has no article body.
    """
    sections = []
    for number, doc in enumerate(docs, start=1):
        page = html_dir / f"{doc}.html"
        if not page.is_file():
            raise ConfigError(f"{page} does not exist: the book was not built completely; rebuild it.")
        sections.append(article(page, number)[0])
    return report_html(title, author, cover, sections, description=description)


def _render_wave(job: tuple[str, tuple[str, ...], str, str, str, str]) -> bytes:
    """Build and render one wave's report (run in a worker process)."""
    html_dir, docs, title, author, cover, description = job
    document = wave_report(Path(html_dir), docs, title, author, cover, description)
    return render_pdf(document, Path(html_dir))


# ------------------------------------------------------------------------------- the pipeline


def _digest(html_dir: Path, wave: str, docs: Sequence[str], head: Sequence[str]) -> str:
    """What a wave's report is made from: this module, WeasyPrint, the cover and metadata, the
    bytes of its pages and of the book's image files. Equal digests give equal PDFs."""
    import weasyprint

    h = hashlib.sha256()
    h.update(f"weasyprint {weasyprint.__version__}\n".encode())
    h.update(Path(__file__).read_bytes())
    for text in head:
        h.update(text.encode("utf-8") + b"\0")
    for doc in docs:
        page = html_dir / f"{doc}.html"
        h.update(doc.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(page.read_bytes()).digest() if page.is_file() else b"absent")
    images = [
        p
        for folder in (html_dir / "_images", html_dir / "waves" / slug(wave))
        if folder.is_dir()
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg", ".gif")
    ]
    for img in images:
        h.update(img.relative_to(html_dir).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(img.read_bytes()).digest())
    return h.hexdigest()


def write_report_pdfs(
    html_dir: str | os.PathLike,
    root: str | os.PathLike,
    waves: Sequence[Any],
    key_figures_by_wave: Mapping[str, Mapping],
    *,
    build_date: str | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Write every wave's report PDF into the built book (``waves/<wave>/peo-<wave>-rapport.pdf``).

    A report is rendered only when what it is made from changed (its pages, the book's
    images, the cover, this module or WeasyPrint): the last PDF of each wave is kept under
    ``build/pdf/`` with the digest of its input and copied when the digest matches. Reports
    that must be rendered are rendered side by side in worker processes.

    Parameters
    ----------
    html_dir : path-like
        The built HTML book (``_build/html``).
    root : path-like
        The repository root (for the cache and the table of contents ``book/_toc.yml``).
    waves : sequence of Wave
        Every wave in the book.
    key_figures_by_wave : mapping of wave id to key figures
        For the cover (title, fieldwork, synthetic).
    build_date : str, optional
        ISO date shown on the cover (``reproduce_info(root)["build_date"]``).
    jobs : int, optional
        Worker processes (default: the number of cores, at most the reports to render).

    Returns
    -------
    list of pathlib.Path
        The PDFs written, in book order.

    Raises
    ------
    ConfigError
        If the table of contents or a page of a wave's report is missing.
    """
    html_dir, root = Path(html_dir), Path(root)
    toc_path = root / "book" / "_toc.yml"
    try:
        toc = load_yaml(toc_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{toc_path}: cannot read the book's table of contents ({exc}); rebuild the book.") from exc
    ordered = order_waves(waves)
    author = _t("author")
    cache = root / PDF_CACHE
    planned: list[tuple[str, str]] = []  # (wave id, digest)
    todo: list[tuple[str, tuple[str, ...], str, str, str, str]] = []
    todo_ids: list[str] = []
    for w in ordered:
        wid = wave_id(w)
        kf = key_figures_by_wave.get(wid, {})
        docs = tuple(wave_documents(toc, w, ordered))
        title = str(kf.get("title") or _t("title_default", wave=wid))
        cover = _cover(w, kf, build_date)
        description = _t("description", title=title)
        digest = _digest(html_dir, wid, docs, (title, author, cover, description))
        planned.append((wid, digest))
        stamp, cached = cache / f"{slug(wid)}.sha256", cache / f"{slug(wid)}.pdf"
        if not (cached.is_file() and stamp.is_file() and stamp.read_text(encoding="ascii").strip() == digest):
            todo.append((str(html_dir), docs, title, author, cover, description))
            todo_ids.append(wid)
    if todo:
        workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
        if workers == 1:
            rendered = [_render_wave(job) for job in todo]
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                rendered = list(pool.map(_render_wave, todo))
        digests = dict(planned)
        for wid, data in zip(todo_ids, rendered, strict=True):
            peo_io.write_bytes(data, cache / f"{slug(wid)}.pdf")
            peo_io.write_bytes((digests[wid] + "\n").encode("ascii"), cache / f"{slug(wid)}.sha256")
    written = []
    for wid, _digest_ in planned:
        target = html_dir / "waves" / slug(wid) / report_pdf_name(wid)
        peo_io.write_bytes((cache / f"{slug(wid)}.pdf").read_bytes(), target)
        written.append(target)
    return written
