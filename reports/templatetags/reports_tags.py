import functools
import html
import unicodedata

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from branchwork.templatetags.branchwork_tags import cn_date
from reports.document import chinese_ordinal
from reports.selectors import ROLLUP_LABELS

register = template.Library()


@register.filter
def cn_ordinal(number) -> str:
    """1 → 一: section numbers as the report writes them."""
    try:
        return chinese_ordinal(int(number))
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def placeholder_entries(placeholders) -> SafeString:
    """The editor's list of placeholders with what each reads as for the period. A hundred and
    more entries: written here rather than by a template loop, which took a cold editor page
    about a fifth of its time; each placeholder's own part (token, label, help) is the
    registry's, escaped once per process."""
    return mark_safe("".join(_placeholder_entry(p) for p in placeholders))


_NO_VALUE = '<span class="text-muted">暂无记录（所在分句将省略）</span>'


@functools.cache
def _placeholder_head(token: str, label: str, help_text: str) -> str:
    help_html = format_html('<span class="text-muted">：{}</span>', help_text) if help_text else ""
    return format_html(
        '<li class="placeholder-entry"><div class="d-flex flex-wrap align-items-center gap-2">'
        '<code class="placeholder-chip">{token}</code>'
        '<button type="button" class="btn btn-link btn-sm p-0 insert-placeholder js-only" data-insert="{token}">插入</button>'
        '</div><div class="small">{label}{help}</div>',
        token=token,
        label=label,
        help=help_html,
    )


def _shortened(value: str, length: int = 120) -> str:
    """``Truncator(value).chars(length)``, which hands back the text as normalised (NFC) when it
    is no longer than ``length``: that case, nearly every value, without its per-character walk
    and its translated ellipsis (most of a cold editor's placeholder list)."""
    normalised = unicodedata.normalize("NFC", value)
    return normalised if len(normalised) <= length else Truncator(value).chars(length)


def _placeholder_entry(placeholder: dict) -> str:
    value = placeholder["value"]
    value_html = f'<span class="report-figure">{escape(_shortened(value))}</span>' if value else _NO_VALUE
    head = _placeholder_head(placeholder["token"], placeholder["label"], placeholder["help"])
    return f'{head}<div class="small placeholder-value">本期：{value_html}</div></li>'


_CODE = "__branch_code__"  # stands for a branch's code in a URL reversed once per table


@register.simple_tag
def rollup_rows(rollup, organisation) -> SafeString:
    """The body rows of the reviewer's roll-up table. Hundreds of rows of a dozen cells: written
    here as plain strings, escaped with the standard library's ``html.escape`` (what Django's
    ``escape`` calls, without its lazy-string checks: ≈ 0.01 ms a row, against ≈ 0.05 ms with
    ``format_html`` and ≈ 0.2 ms with template loops), the committee roll-up's largest rendering
    cost; every URL is reversed once per table."""
    period = rollup.period.code
    urls = {
        name: reverse(name, args=[_CODE, period]) if name != "activities:branch_home" else reverse(name, args=[_CODE])
        for name in ("activities:branch_home", "reports:report_review", "reports:report_edit")
    }
    # The column labels are the same on every row: escaped once.
    labels = [_escape(label) for label in ROLLUP_LABELS.values()]
    show_parent = organisation.level == "committee"
    return mark_safe("".join([_rollup_row(row, urls, _escape(period), labels, show_parent) for row in rollup.rows]))


def _escape(value) -> str:
    return html.escape(str(value))


def _rollup_row(row, urls: dict[str, str], period: str, labels: list[str], show_parent: bool) -> str:
    code = row.branch.code

    def url(name: str) -> str:
        return _escape(urls[name].replace(_CODE, code))

    parent = row.parent if show_parent else None
    parent_html = f'<div class="small text-muted">{_escape(parent.name)}</div>' if parent else ""
    counts = "".join(
        f'<td class="text-end{"" if count else " text-muted"}" data-label="{label}">{int(count)}</td>'
        for label, count in zip(labels, row.count_list, strict=True)
    )
    gaps = (
        f'<span class="text-danger fw-semibold">{_escape(row.gaps)}</span>'
        if row.gaps
        else '<span class="text-muted">0</span>'
    )
    status = row.status
    if row.report is None:
        action = '<span class="small text-muted rollup-none">未开始</span>'
    elif status == "submitted":
        action = f'<a class="btn btn-sm btn-primary" href="{url("reports:report_review")}">审阅</a>'
    else:
        action = f'<a class="btn btn-sm btn-outline-secondary" href="{url("reports:report_edit")}">查看</a>'
    return (
        f'<tr><th scope="row" class="fw-normal"><a href="{url("activities:branch_home")}?period={period}">'
        f"{_escape(row.branch.name)}</a>{parent_html}</th>"
        f'<td class="rollup-status"><span class="badge badge-status-{_escape(status)}">'
        f"{_escape(row.status_label)}</span></td>{counts}"
        f'<td class="text-end{"" if row.publicity else " text-muted"}" data-label="新闻宣传">{_escape(row.publicity)}</td>'
        f'<td class="text-end" data-label="合规缺口">{gaps}</td>'
        f'<td class="text-nowrap rollup-action">{action}</td></tr>'
    )


@register.simple_tag
def review_queue_items(queue, organisation) -> SafeString:
    """The items of the review queue (up to ``QUEUE_LIMIT`` reports), written as ``rollup_rows``
    writes the table's rows: as a template loop, a committee's queue of thirty cost more than the
    rest of the page around the cached table (two URLs reversed, a date and a time formatted per
    item). The review URL is reversed once per period."""
    patterns: dict[str, str] = {}
    show_parent = organisation.level == "committee"
    return mark_safe("".join([_queue_item(report, patterns, show_parent) for report in queue.reports]))


def _queue_item(report, patterns: dict[str, str], show_parent: bool) -> str:
    branch, period = report.branch, report.period
    if period.code not in patterns:
        patterns[period.code] = reverse("reports:report_review", args=[_CODE, period.code])
    url = _escape(patterns[period.code].replace(_CODE, branch.code))
    name, period_label = _escape(branch.name), _escape(period.long_label)
    revised = '<span class="badge badge-status-returned">修改稿</span>' if (report.latest_version or 0) > 1 else ""
    parent = (
        f'<div class="small text-muted">{_escape(branch.parent.name)}</div>'
        if show_parent and branch.parent
        else ""
    )
    submitted = report.submitted_at
    day = cn_date(submitted)
    time = timezone.localtime(submitted).strftime("%H:%M") if submitted else ""
    return (
        "\n        "
        '<li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">\n'
        '          <div class="queue-item">\n'
        f'            <a class="fw-semibold" href="{url}">{name}</a>\n'
        f'            <span class="badge text-bg-light border queue-period">{period_label}</span>\n'
        f"            {revised}\n"
        f"            {parent}\n"
        f'            <div class="small text-muted">第{_escape(report.latest_version)}版 · {day} {time}报送</div>\n'
        "          </div>\n"
        f'          <a class="btn btn-sm btn-primary" href="{url}">审阅<span class="visually-hidden">'
        f"{name}{period_label}工作总结</span></a>\n"
        "        </li>\n"
        "        "
    )


@register.simple_tag
def period_still_open(period) -> str:
    """What a draft of a period not yet over must say beside it: its figures run to today, and
    what is still due is not counted as missed (its 落款 is the first working day after the end)."""
    today = timezone.localdate()
    if today > period.end:
        return ""
    return (
        f"{period.label}尚未结束：草稿中的数字截至{today.month}月{today.day}日，此后召开的会议、开展的活动登记后自动计入；"
        "尚未到期的会议不计为未召开。落款日期为期末后的第一个工作日，期末后再核对一遍再报送。"
    )
