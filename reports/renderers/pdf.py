"""The report as a PDF: WeasyPrint, in-process, from the same template as the print view.

WeasyPrint costs ~0.5 s to import and a FontConfiguration plus parsed stylesheets another
~0.2 s, so the module imports it lazily and keeps one FontConfiguration with its stylesheets per
thread (they are not shared between threads) and per font set-up (settings.REPORT_FONT_FILES):
warm renders of the reference report take a fraction of a second. Fonts are embedded subset,
which is fast only with HarfBuzz-Subset (libharfbuzz-subset0; see reports.checks).
"""

from __future__ import annotations

import threading

from reports.document import Document
from reports.fonts import FontSetup, font_setup, pdf_font_css

from . import cjk_justify
from .html import render_print_html, stylesheet_path

_local = threading.local()


class _Engine:
    """A FontConfiguration and the stylesheets parsed against it."""

    def __init__(self, setup: FontSetup) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        cjk_justify.install()

        self.font_config = FontConfiguration()
        layout = stylesheet_path()
        self.stylesheets = [
            CSS(filename=str(layout), font_config=self.font_config),
            CSS(string=pdf_font_css(setup), font_config=self.font_config),
        ]
        self.key = (setup, layout.stat().st_mtime_ns)

    def render(self, html: str) -> bytes:
        from weasyprint import HTML

        page = HTML(string=html, base_url=str(stylesheet_path().parent))
        return page.write_pdf(stylesheets=self.stylesheets, font_config=self.font_config)


def _engine() -> _Engine:
    setup = font_setup()
    engine = getattr(_local, "engine", None)
    if engine is None or engine.key != (setup, stylesheet_path().stat().st_mtime_ns):
        engine = _local.engine = _Engine(setup)
    return engine


class PdfRenderer:
    identifier = "pdf"
    verbose_name = "PDF 文档"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, document: Document) -> bytes:
        html = render_print_html(document, for_pdf=True)
        return _engine().render(html)
