"""The report as a PDF: WeasyPrint, in-process, from the same template as the print view.

WeasyPrint costs ~0.5 s to import and a FontConfiguration plus parsed stylesheets another
~0.2 s, so the module imports it lazily and keeps one FontConfiguration with its stylesheets per
thread (they are not shared between threads), per font set-up (settings.REPORT_FONT_FILES) and
per set of stylesheets: warm renders of the reference report take a fraction of a second.
``preload()`` does all of that ahead of the first request (a gunicorn worker calls it when it
starts: see ``gunicorn.conf.py``). Fonts are embedded subset, which is fast only
with HarfBuzz-Subset (libharfbuzz-subset0; see reports.checks).

``render_pdf(html, stylesheets)`` is shared with the other printed documents (meeting records,
ledgers: ``reports.minutes_renderers``), so they use the same fonts and page numbers. Any other
app that prints with WeasyPrint should go through it (or ``layout_pdf``) with its own static
stylesheets after ``css/gbt9704.css``: it gets the cached FontConfiguration and parsed
stylesheets, the report fonts, Chinese justification (``cjk_justify``) and the per-PDF costs
``weasyprint_speed`` removes (no font file copied, level-6 deflate, no C type per glyph count).
"""

from __future__ import annotations

import threading

from reports.document import Document, Paragraph, Run, Section
from reports.fonts import FontSetup, font_setup, pdf_font_css

from .cjk_justify import install as install_cjk_justify
from .html import STYLESHEET, render_print_html, static_path
from .weasyprint_speed import install as install_speedups

_local = threading.local()


class _Engine:
    """A FontConfiguration (one per thread and font set-up) and the stylesheets parsed against it,
    per set of stylesheets: the report's and the meeting records' share the loaded fonts."""

    def __init__(self, setup: FontSetup) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        install_cjk_justify()
        install_speedups()
        self.setup = setup
        self.font_config = FontConfiguration()
        self.font_css = CSS(string=pdf_font_css(setup), font_config=self.font_config)
        self.stylesheets: dict[tuple[str, ...], tuple[tuple, list]] = {}

    def _stylesheets(self, names: tuple[str, ...]) -> list:
        from weasyprint import CSS

        paths = [static_path(name) for name in names]
        key = tuple((str(path), path.stat().st_mtime_ns) for path in paths)
        cached = self.stylesheets.get(names)
        if cached is None or cached[0] != key:
            sheets = [CSS(filename=str(path), font_config=self.font_config) for path in paths]
            cached = self.stylesheets[names] = (key, [*sheets, self.font_css])
        return cached[1]

    def layout(self, html: str, names: tuple[str, ...]):
        """The laid-out pages (a ``weasyprint.Document``), e.g. to read where anchors fell."""
        from weasyprint import HTML

        page = HTML(string=html, base_url=str(static_path(names[0]).parent))
        return page.render(stylesheets=self._stylesheets(names), font_config=self.font_config)

    def render(self, html: str, names: tuple[str, ...]) -> bytes:
        return self.layout(html, names).write_pdf()


def _engine() -> _Engine:
    setup = font_setup()
    engine = getattr(_local, "engine", None)
    if engine is None or engine.setup != setup:
        engine = _local.engine = _Engine(setup)
    return engine


def render_pdf(html: str, stylesheets: tuple[str, ...] = (STYLESHEET,)) -> bytes:
    """A PDF of ``html`` laid out with the static ``stylesheets`` and the fonts of reports.fonts."""
    return _engine().render(html, stylesheets)


def layout_pdf(html: str, stylesheets: tuple[str, ...] = (STYLESHEET,)):
    """``html`` laid out as by ``render_pdf``, not yet written: a ``weasyprint.Document`` whose
    ``pages`` may be joined with another's (``document.copy(pages).write_pdf()``)."""
    return _engine().layout(html, stylesheets)


SAMPLE = Document(
    title="党支部2022年上半年党建工作情况汇报",
    addressee="党总支",
    opening=(Paragraph(runs=(Run("2022年上半年，党支部认真开展党建工作。"),)),),
    sections=(Section("一", "加强思想建设", (Paragraph(runs=(Run("严格落实组织生活制度。"),), ordinal="一是"),)),),
    signature="党支部",
    date_text="2022年7月1日",
)


def preload() -> None:
    """Import WeasyPrint, load every role's font and the templates by making a small report once,
    so that the first PDF a process makes costs no more than the next (≈ 1 s moved from the first
    request to the worker's start: Pango opens a font file the first time a page uses it)."""
    PdfRenderer().render(SAMPLE)


class PdfRenderer:
    identifier = "pdf"
    verbose_name = "PDF 文档"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, document: Document) -> bytes:
        return render_pdf(render_print_html(document, for_pdf=True))
