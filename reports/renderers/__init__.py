"""Renderers of the compiled document, keyed by format, after pretix's exporters: each has an
``identifier``, a ``verbose_name``, a file ``extension``, a ``content_type`` and
``render(document) -> bytes``. They take a ``reports.document.Document`` and never the database.
"""

from .docx import DocxRenderer
from .pdf import PdfRenderer
from .text import TextRenderer

RENDERERS = {renderer.identifier: renderer for renderer in [TextRenderer(), DocxRenderer(), PdfRenderer()]}
