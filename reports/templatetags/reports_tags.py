from django import template

from reports.models import Report

register = template.Library()


@register.inclusion_tag("reports/_branch_panel.html", takes_context=True)
def branch_report_panel(context, branch):
    """The reports box on a branch's home page: its reports, newest first."""
    return {"branch": branch, "reports": Report.objects.filter(branch=branch).order_by("-year", "-half")[:6], "user": context.get("user")}
