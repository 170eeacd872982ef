"""Filters for the document markup (templates/reports/_document.html)."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.renderers.textclean import chunks, clean_text, unbreakable_spans
from reports.renderers.titles import title_lines

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


@register.filter(is_safe=True)
def gbt_title(value) -> str:
    """The title in the lines ``reports.renderers.titles.title_lines`` chooses (as the DOCX sets
    it), joined by ``<br>``. ``value``: a compiled document (its title and the names it must not
    break inside) or a plain title."""
    title, atoms = (value.title, value.title_atoms) if hasattr(value, "title_atoms") else (str(value), ())
    return mark_safe("<br>".join(escape(line) for line in title_lines(clean_text(title), atoms=atoms)))


def _html_text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


@register.filter(is_safe=True)
def gbt_paragraph(paragraph) -> str:
    """A body paragraph (reports.document.Paragraph) as the PDF and the print view set it: the
    ordinal in 楷体, then its text, with the stretches Chinese line breaking keeps together
    (「+党史」, a paragraph's last characters) in ``<span class="gbt-nobr">``."""
    ordinal = clean_text(paragraph.ordinal)
    text = clean_text("".join(run.text for run in paragraph.runs))
    parts = [f'<span class="gbt-ordinal">{_html_text(ordinal)}</span>'] if ordinal else []
    position = 0
    for start, end in [*unbreakable_spans(text), (len(text), len(text))]:
        pieces = chunks(text[position:start]) if start > position else []
        parts += [f"<span>{_html_text(piece)}</span>" if len(pieces) > 1 else _html_text(piece) for piece in pieces]
        if end > start:
            parts.append(f'<span class="gbt-nobr">{_html_text(text[start:end])}</span>')
        position = end
    return mark_safe("".join(parts))


@register.filter
def join_ids(ids) -> str:
    """(1, 2, 3) → "1,2,3" for the ``?ids=`` of a figure's link."""
    return ",".join(str(int(i)) for i in ids)


@register.filter
def gbt_plain(value) -> str:
    """Cleaned text on one line (for <title> and <meta>); Django still escapes it."""
    return " ".join(clean_text(str(value)).split("\n"))


@register.simple_tag
def gbt_linked_runs(paragraph, branch_code: str, records_url: str = "", publicity_url: str = "") -> str:
    """A body paragraph as the on-screen pages show it: its ordinal, then its runs, each figure
    a link to the records (or publicity pieces) it counts. Written here rather than as a template
    included per paragraph: a report's thirty paragraphs cost ≈ 5 ms that way on a cold preview.
    ``records_url``, ``publicity_url``: the branch's lists, when the document resolved them once
    for all its paragraphs (two URLs reversed per paragraph were a third of this tag's time)."""
    records = escape(records_url or reverse("activities:activity_list", args=[branch_code]))
    publicity = escape(publicity_url or reverse("activities:publicity_list", args=[branch_code]))
    parts = [f'<span class="gbt-ordinal">{gbt_text(paragraph.ordinal)}</span>'] if paragraph.ordinal else []
    for run in paragraph.runs:
        text = gbt_text(run.text)
        if run.is_figure and run.activity_ids:
            parts.append(
                f'<a class="report-figure" href="{records}?ids={join_ids(run.activity_ids)}" '
                f'title="{escape(run.figure)}：查看对应记录">{text}</a>'
            )
        elif run.is_figure and run.publicity_ids:
            parts.append(
                f'<a class="report-figure" href="{publicity}?ids={join_ids(run.publicity_ids)}" '
                f'title="{escape(run.figure)}：查看对应稿件">{text}</a>'
            )
        elif run.is_figure:
            parts.append(f'<span class="report-figure" title="{escape(run.figure)}">{text}</span>')
        else:
            parts.append(text)
    return mark_safe("".join(parts))
