"""The report as a PDF: WeasyPrint, in-process, from the same template as the print view.

WeasyPrint costs ~0.5 s to import and a FontConfiguration plus parsed stylesheets another
~0.2 s, so the module imports it lazily and keeps one FontConfiguration with its stylesheets per
thread (they are not shared between threads), per font set-up (settings.REPORT_FONT_FILES) and
per set of stylesheets: warm renders of the reference report take a fraction of a second.
``preload()`` does all of that ahead of the first request (a gunicorn worker calls it when it
starts: see ``branchwork/gunicorn.conf.py``). Fonts are embedded subset, which is fast only
with HarfBuzz-Subset (libharfbuzz-subset0; see reports.checks).

``render_pdf(html, stylesheets)`` is shared with the other printed documents (meeting records,
ledgers: ``activities.renderers``), so they use the same fonts and page numbers.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reports.document import Document
from reports.fonts import FontSetup, font_setup, pdf_font_css

from . import cjk_justify
from .html import STYLESHEET, render_print_html, static_path

_local = threading.local()


class _Engine:
    """A FontConfiguration and the stylesheets parsed against it."""

    def __init__(self, setup: FontSetup, stylesheets: tuple[str, ...]) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        cjk_justify.install()
        self.font_config = FontConfiguration()
        paths = [static_path(name) for name in stylesheets]
        self.stylesheets = [CSS(filename=str(path), font_config=self.font_config) for path in paths]
        self.stylesheets.append(CSS(string=pdf_font_css(setup), font_config=self.font_config))
        self.key = _key(setup, paths)
        self.base_url = str(paths[0].parent)

    def render(self, html: str) -> bytes:
        from weasyprint import HTML

        page = HTML(string=html, base_url=self.base_url)
        return page.write_pdf(stylesheets=self.stylesheets, font_config=self.font_config)


def _key(setup: FontSetup, paths: list[Path]) -> tuple:
    return (setup, tuple((str(path), path.stat().st_mtime_ns) for path in paths))


def _engine(stylesheets: tuple[str, ...]) -> _Engine:
    engines = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    setup = font_setup()
    engine = engines.get(stylesheets)
    if engine is None or engine.key != _key(setup, [static_path(name) for name in stylesheets]):
        engine = engines[stylesheets] = _Engine(setup, stylesheets)
    return engine


def render_pdf(html: str, stylesheets: tuple[str, ...] = (STYLESHEET,)) -> bytes:
    """A PDF of ``html`` laid out with the static ``stylesheets`` and the fonts of reports.fonts."""
    return _engine(stylesheets).render(html)


def preload(stylesheets: tuple[tuple[str, ...], ...] = ((STYLESHEET,),)) -> None:
    """Import WeasyPrint, load the fonts and lay out a small page once, so that the first PDF a
    process makes costs no more than the next (≈ 0.6 s moved from the first request to start-up)."""
    for names in stylesheets:
        _engine(names).render('<html lang="zh-CN"><body><p class="gbt-body">党建工作 2022</p></body></html>')


class PdfRenderer:
    identifier = "pdf"
    verbose_name = "PDF 文档"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, document: Document) -> bytes:
        return render_pdf(render_print_html(document, for_pdf=True))
