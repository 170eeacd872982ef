"""HTML of the compiled document: the markup the PDF is made from and the browser's print view.

``templates/reports/_document.html`` is the document body (also included by the preview pages);
``templates/reports/print.html`` wraps it into a standalone page; ``static/css/gbt9704.css`` lays
it out after GB/T 9704-2012, on screen as a white A4 sheet and on paper (or in the PDF) as the
official document.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports.document import Document

STYLESHEET = "css/gbt9704.css"


def render_document_html(document: Document, *, figure_links: bool = False, branch_code: str = "") -> str:
    """The document body alone (an ``<article>``), e.g. for a preview inside another page."""
    return render_to_string(
        "reports/_document.html",
        {"document": document, "figure_links": figure_links, "branch_code": branch_code},
    )


def render_print_html(document: Document, *, for_pdf: bool = False, request=None, **context) -> str:
    """The standalone page. ``for_pdf`` leaves out the toolbar, the stylesheet link and the script:
    the PDF renderer passes the stylesheet to WeasyPrint itself."""
    return render_to_string(
        "reports/print.html", {"document": document, "for_pdf": for_pdf, **context}, request=request
    )


def static_path(name: str) -> Path:
    """Where a static file (a stylesheet) is on disk, found as ``collectstatic`` would find it."""
    found = finders.find(name)
    if found:
        return Path(found)
    return Path(settings.BASE_DIR) / "static" / name
