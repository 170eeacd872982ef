"""Filters for the document markup (templates/reports/_document.html)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.renderers.textclean import chunks, clean_text

register = template.Library()


@register.filter(is_safe=True)
def gbt_text(value) -> str:
    """Text of the document as the DOCX and PDF print it: escaped, unprintable characters
    stripped, line breaks inside a paragraph kept as ``<br>``. A very long text comes in spans
    of about a thousand characters, which WeasyPrint lays out much faster (see ``chunks``)."""
    pieces = [escape(piece).replace("\n", "<br>") for piece in chunks(clean_text(str(value)))]
    if len(pieces) == 1:
        return mark_safe(pieces[0])
    return mark_safe("".join(f"<span>{piece}</span>" for piece in pieces))


@register.filter
def join_ids(ids) -> str:
    """(1, 2, 3) → "1,2,3" for the ``?ids=`` of a figure's link."""
    return ",".join(str(int(i)) for i in ids)


@register.filter
def gbt_plain(value) -> str:
    """Cleaned text on one line (for <title> and <meta>); Django still escapes it."""
    return " ".join(clean_text(str(value)).split("\n"))
