"""Views of the compliance calendar (a branch's, and the reviewer's overview of the branches below)
and of the frequency rules a 党总支 or 党委 sets. Every branch is loaded through
``branchwork.access``; every organisation a reviewer manages through
``access.reviewer_scope_for_user``. What the pages show is computed in ``activities.compliance``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branchwork import access

from .compliance import (
    branch_calendar,
    branch_calendars,
    default_rule,
    gaps_overview,
    rule_listing,
    rules_in_force,
)
from .compliance_forms import RuleForm
from .kinds import KINDS
from .models import ComplianceRule
from .pages import period_from_request, period_select
from .periods import period_range
from .rectifications import overdue_entries

OVERVIEW_PAGE_SIZE = 20


# --- compliance calendar --------------------------------------------------------------------


@login_required
@require_GET
def compliance(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    periods = period_range(branch, today)
    period = period_from_request(request, today, periods)
    return render(
        request,
        "activities/compliance.html",
        {
            "branch": branch,
            "calendar": branch_calendar(branch=branch, period=period, today=today),
            "rules": rules_in_force(branch),
            "can_write": access.can_write_branch(request.user, branch),
            # Rectification items past their deadline (整改台账), as of the period's last day.
            "overdue": overdue_entries(branch=branch, as_of=min(today, period.end)),
            "overdue_as_of": min(today, period.end),
            **period_select(period, periods),
        },
    )


@login_required
@require_GET
def compliance_overview(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    today = timezone.localdate()
    periods = period_range(organisation, today)
    period = period_from_request(request, today, periods)
    overview = gaps_overview(organisation=organisation, period=period, today=today)
    only_gaps = request.GET.get("gaps") == "1"
    listed = overview.with_gaps if only_gaps else overview.branches
    page = Paginator(listed, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    calendars = branch_calendars(branches=page.object_list, period=period, today=today)
    entries = [
        {"branch": b, "gaps": overview.gaps.get(b.pk, 0), "calendar": calendars[b.pk]} for b in page.object_list
    ]
    return render(
        request,
        "activities/compliance_overview.html",
        {
            "organisation": organisation,
            "entries": entries,
            "page": page,
            "branch_count": len(overview.branches),
            "branches_with_gaps": len(overview.with_gaps),
            "total_gaps": overview.total_gaps,
            "only_gaps": only_gaps,
            **period_select(period, periods),
        },
    )


# --- rules ------------------------------------------------------------------------------------


@login_required
@require_GET
def rule_list(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    listing = rule_listing(organisation=organisation)
    return render(
        request,
        "activities/rule_list.html",
        {
            "organisation": organisation,
            "own_rules": listing.own,
            "inherited_rules": listing.inherited,
            "effective_rules": listing.effective,
            "own_kinds": listing.own_kinds,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    initial = {}
    if request.GET.get("kind") in KINDS:
        initial["kind"] = request.GET["kind"]
        default = default_rule(kind=initial["kind"])
        if default:
            initial["per_party_group"] = default.per_party_group
    form = RuleForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        rule = form.save()
        messages.success(
            request, f"已为下属党支部设定{KINDS[rule.kind].label}频次：{rule.get_frequency_display()}"
        )
        return redirect("activities:rule_list", code=organisation.code)
    return render(
        request, "activities/rule_form.html", {"organisation": organisation, "form": form, "rule": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_update(request, code, pk):
    organisation = access.reviewer_scope_for_user(request.user, code)
    rule = get_object_or_404(ComplianceRule, organisation=organisation, pk=pk)
    form = RuleForm(request.POST or None, instance=rule, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        rule = form.save()
        messages.success(request, f"已修改{KINDS[rule.kind].label}的频次规则")
        return redirect("activities:rule_list", code=organisation.code)
    return render(
        request, "activities/rule_form.html", {"organisation": organisation, "form": form, "rule": rule}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_delete(request, code, pk):
    organisation = access.reviewer_scope_for_user(request.user, code)
    rule = get_object_or_404(ComplianceRule, organisation=organisation, pk=pk)
    if request.method == "POST":
        label = KINDS[rule.kind].label
        rule.delete()
        messages.success(request, f"已删除本单位的{label}规则，下属党支部恢复执行上级或系统默认规则")
        return redirect("activities:rule_list", code=organisation.code)
    return render(
        request, "activities/rule_confirm_delete.html", {"organisation": organisation, "rule": rule}
    )
