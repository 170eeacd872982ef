from django import template
from django.utils import timezone

from branchwork import access
from branchwork.periods import Period
from reports.document import chinese_ordinal
from reports.models import Report

register = template.Library()


@register.inclusion_tag("reports/_branch_panel.html", takes_context=True)
def branch_report_panel(context, branch):
    """The reports box on a branch's home page: its reports, newest first, and for writers a
    button to start this half-year's summary when it has not been started."""
    user = context.get("user")
    all_reports = sorted(
        Report.objects.filter(branch=branch),
        key=lambda report: (report.period.end, report.half == ""),
        reverse=True,
    )
    can_write = bool(user) and access.can_write_branch(user, branch)
    # The period the home page shows (its period selector), else the current half-year.
    shown = context.get("period")
    current = shown if isinstance(shown, Period) else Period.containing(timezone.localdate())
    started = any(report.year == current.year and report.half == current.half for report in all_reports)
    return {
        "branch": branch,
        "reports": all_reports[:6],
        "user": user,
        "can_write": can_write,
        "current_period": current,
        "can_start": can_write and not started and current.start <= timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
    }


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
