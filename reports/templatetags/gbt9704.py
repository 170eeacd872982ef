"""Filters for the document markup (templates/reports/_document.html)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.renderers.textclean import clean_text

register = template.Library()


@register.filter(is_safe=True)
def gbt_text(value) -> str:
    """Text of the document as the DOCX and PDF print it: escaped, unprintable characters
    stripped, line breaks inside a paragraph kept as ``<br>``."""
    return mark_safe(escape(clean_text(str(value))).replace("\n", "<br>"))


@register.filter
def join_ids(ids) -> str:
    """(1, 2, 3) → "1,2,3" for the ``?ids=`` of a figure's link."""
    return ",".join(str(int(i)) for i in ids)


@register.filter
def gbt_plain(value) -> str:
    """Cleaned text on one line (for <title> and <meta>); Django still escapes it."""
    return " ".join(clean_text(str(value)).split("\n"))
