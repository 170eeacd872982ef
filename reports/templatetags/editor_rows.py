"""The report editor's item rows (templates/reports/report_edit.html)."""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def editor_item_rows(section, report) -> SafeString:
    """The ``<li>`` of each item of ``section`` (``reports.forms.SectionRows``): its text, errors,
    hint and the claim check's flags, numbering and tools. Written here rather than by a template
    loop: thirty rows of thirty lookups each were half of the editor's rendering (≈ 6 ms), and the
    editor is the page a secretary comes back to after every save."""
    rows = section.rows
    return mark_safe("".join(_row(row, index, len(rows), section.number, report) for index, row in enumerate(rows, 1)))


def _links(links) -> str:
    return "".join(f' · <a href="{escape(url)}">{escape(label)}</a>' for label, url in links)


def _row(row, counter: int, count: int, section: int, report) -> str:
    key = escape(row.key)
    error = " is-invalid" if row.errors else ""
    described = f' aria-describedby="item-{key}-errors"' if row.errors else ""
    parts = [
        f'<li class="item-row{" has-error" if row.errors else ""}">',
        f'<input type="hidden" name="item" value="{key}">',
        f'<input type="hidden" name="item-{key}-section" value="{section}">',
        f'<label class="form-label small text-muted mb-1" for="item-{key}-text">第{counter}条</label>',
        f'<textarea class="form-control item-text{error}" name="item-{key}-text" id="item-{key}-text" rows="5"'
        f"{described}>{escape(row.text)}</textarea>",
    ]
    if row.errors:
        messages = "；".join(escape(message) for message in row.errors)
        parts.append(f'<div class="invalid-feedback d-block" id="item-{key}-errors">{messages}</div>')
    if row.hint:
        parts.append(f'<div class="form-text item-hint text-break">{escape(row.hint["text"])}{_links(row.hint["links"])}</div>')
    if row.flags:
        flags = "".join(
            f'<li class="text-warning-emphasis">核对：{escape(item["flag"].message)}{_links(item["links"])}</li>'
            for item in row.flags
        )
        parts.append(f'<ul class="claim-flags list-unstyled small mb-0 mt-1" aria-label="内容核对提示">{flags}</ul>')
    parts.append('<div class="item-tools d-flex flex-wrap gap-2 align-items-center mt-2">')
    # A problem the secretary wrote (numbered, saved, not carried from the 整改台账) can be entered there.
    if section == 5 and row.pk and row.origin != "carried" and row.origin[:10] != "carry:rect" and row.numbered:
        rectify = reverse("reports:report_item_rectify", args=[report.branch.code, report.period.code, row.pk])
        parts.append(
            f'<a class="btn btn-sm btn-outline-danger order-last" href="{escape(rectify)}" '
            'title="把这一条问题登记到本支部整改台账">列入整改台账</a>'
        )
    checked = " checked" if row.numbered else ""
    parts += [
        '<div class="form-check me-auto">',
        f'<input class="form-check-input" type="checkbox" name="item-{key}-numbered" id="item-{key}-numbered" value="1"{checked}>',
        f'<label class="form-check-label small" for="item-{key}-numbered">按“一是、二是……”编号</label>',
        "</div>",
        f'<div class="btn-group btn-group-sm" role="group" aria-label="第{counter}条的操作">',
        f'<button type="submit" name="action" value="up:{key}" class="btn btn-outline-secondary"'
        f'{" disabled" if counter == 1 else ""} aria-label="上移第{counter}条">上移</button>',
        f'<button type="submit" name="action" value="down:{key}" class="btn btn-outline-secondary"'
        f'{" disabled" if counter == count else ""} aria-label="下移第{counter}条">下移</button>',
        f'<button type="submit" name="action" value="delete:{key}" class="btn btn-outline-danger" '
        f'data-confirm="确定删除第{counter}条吗？删除后无法恢复。" aria-label="删除第{counter}条">删除</button>',
        "</div></div></li>",
    ]
    return "".join(parts)
