"""Views of the compliance calendar and its rules, publicity (outlets and entries), and the Excel
ledgers with their imports. Every branch is loaded through ``branchwork.access``; every
organisation a reviewer manages through ``access.reviewer_scope_for_user``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branchwork import access
from branchwork.figures import figures_key
from branchwork.models import Organisation
from branchwork.periods import Period, period_choices, period_from_query
from branchwork.spreadsheets import xlsx_response

from .compliance import branch_calendar, branch_calendars, compliance_gaps, effective_rules, rules_in_force
from .compliance_forms import RuleForm
from .kinds import KINDS
from .ledger_forms import LedgerImportForm
from .ledgers import (
    available_ledgers,
    import_template,
    ledger_export,
    ledger_filename,
    ledger_info,
    meetings_import,
    publicity_import,
)
from .models import ComplianceRule, Outlet, PublicityEntry
from .outlets import DEFAULT_OUTLETS, next_sort_order, outlets_seed_defaults, unit_name
from .pages import MAX_IDS_IN_URL, PublicityListing
from .publicity_forms import OutletForm, PublicityEntryForm

OVERVIEW_PAGE_SIZE = 20


def _period(request, today) -> Period:
    """The period named by ``?period=`` (see ``period_from_query``), with its message if unreadable."""
    period, error = period_from_query(request.GET, today)
    if error:
        messages.warning(request, error)
    return period


def _period_context(period: Period, today) -> dict:
    choices = period_choices(today)
    if period.code not in dict(choices):
        choices.append((period.code, period.long_label))
    return {"period": period, "period_choices": choices}


# --- compliance calendar --------------------------------------------------------------------


@login_required
@require_GET
def compliance(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    period = _period(request, today)
    calendar = branch_calendar(branch=branch, period=period, today=today)
    rules = rules_in_force(branch)
    return render(
        request,
        "activities/compliance.html",
        {
            "branch": branch,
            "calendar": calendar,
            "rules": rules,
            "can_write": access.can_write_branch(request.user, branch),
            **_period_context(period, today),
        },
    )


@login_required
@require_GET
def compliance_overview(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    today = timezone.localdate()
    period = _period(request, today)
    branches = list(
        Organisation.objects.branches()
        .below(organisation)
        .open_during(period.start)  # a branch closed before the period is no longer followed
        .select_related("parent")
        .order_by("path")
    )
    gaps = compliance_gaps(branches=branches, period=period, today=today)
    only_gaps = request.GET.get("gaps") == "1"
    listed = [b for b in branches if gaps.get(b.pk)] if only_gaps else branches
    page = Paginator(listed, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    calendars = branch_calendars(branches=page.object_list, period=period, today=today)
    entries = [
        {"branch": b, "gaps": gaps.get(b.pk, 0), "calendar": calendars[b.pk]} for b in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/compliance_overview.html",
        {
            "organisation": organisation,
            "entries": entries,
            "page": page,
            "branch_count": len(branches),
            "branches_with_gaps": sum(1 for b in branches if gaps.get(b.pk)),
            "total_gaps": sum(gaps.values()),
            "only_gaps": only_gaps,
            **_period_context(period, today),
        },
    )


# --- rules ------------------------------------------------------------------------------------


@login_required
@require_GET
def rule_list(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    rules = list(ComplianceRule.objects.for_branch(organisation).select_related("organisation"))
    effective = effective_rules(organisation, rules)
    own = sorted(
        (r for r in rules if r.organisation_id == organisation.pk), key=lambda r: list(KINDS).index(r.kind)
    )
    inherited = sorted(
        (r for r in rules if r.organisation_id != organisation.pk),
        key=lambda r: (list(KINDS).index(r.kind), r.organisation.path if r.organisation_id else ""),
    )
    for rule in inherited:
        rule.overridden = effective.get(rule.kind) is not rule
    return render(
        request,
        "activities/rule_list.html",
        {
            "organisation": organisation,
            "own_rules": own,
            "inherited_rules": inherited,
            "effective_rules": [effective[code] for code in KINDS if code in effective],
            "own_kinds": {r.kind for r in own},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    initial = {}
    if request.GET.get("kind") in KINDS:
        initial["kind"] = request.GET["kind"]
        inherited = ComplianceRule.objects.filter(organisation__isnull=True, kind=initial["kind"]).first()
        if inherited:
            initial["per_party_group"] = inherited.per_party_group
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


# --- outlets ----------------------------------------------------------------------------------

# A committee's page lists the outlets its branches registered themselves up to this many.
BRANCH_OUTLETS_SHOWN = 200


@login_required
@require_GET
def outlet_list(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    ancestor_ids = organisation.ancestor_ids
    own = Outlet.objects.filter(organisation=organisation)
    inherited = Outlet.objects.filter(organisation_id__in=ancestor_ids).select_related("organisation")
    # What branches below registered for themselves: their superiors see where their news went.
    of_branches = Outlet.objects.filter(
        organisation__in=Organisation.objects.below(organisation).branches()
    ).select_related("organisation").order_by("organisation__path", "sort_order", "pk")
    branch_outlets = list(of_branches[: BRANCH_OUTLETS_SHOWN + 1])
    return render(
        request,
        "activities/outlet_list.html",
        {
            "organisation": organisation,
            "outlets": own,
            "inherited": inherited,
            "branch_outlets": branch_outlets[:BRANCH_OUTLETS_SHOWN],
            "branch_outlets_more": len(branch_outlets) > BRANCH_OUTLETS_SHOWN,
            "defaults": [name.format(unit=unit_name(organisation)) for name, _level, _unit in DEFAULT_OUTLETS],
        },
    )


@login_required
@require_POST
def outlet_defaults(request, code):
    """Register the default outlets this organisation and those above it do not have yet."""
    organisation = access.reviewer_scope_for_user(request.user, code)
    created = outlets_seed_defaults(organisation=organisation)
    if created:
        messages.success(request, f"已登记{len(created)}个常用媒体，请按本单位实际修改名称（如将“省级党报”改为报纸的名称）")
    else:
        messages.info(request, "常用媒体均已登记，没有需要添加的媒体")
    return redirect("activities:outlet_list", code=organisation.code)


@login_required
@require_http_methods(["GET", "POST"])
def outlet_create(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    next_order = (
        Outlet.objects.filter(organisation=organisation)
        .order_by("-sort_order")
        .values_list("sort_order", flat=True)
        .first()
        or 0
    ) + 10
    form = OutletForm(request.POST or None, organisation=organisation, initial={"sort_order": next_order})
    if request.method == "POST" and form.is_valid():
        outlet = form.save()
        messages.success(request, f"已登记媒体“{outlet.name}”")
        return redirect("activities:outlet_list", code=organisation.code)
    return render(
        request, "activities/outlet_form.html", {"organisation": organisation, "form": form, "outlet": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def outlet_update(request, code, pk):
    organisation = access.reviewer_scope_for_user(request.user, code)
    outlet = get_object_or_404(Outlet, organisation=organisation, pk=pk)
    form = OutletForm(request.POST or None, instance=outlet, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        outlet = form.save()
        messages.success(request, f"已保存媒体“{outlet.name}”")
        return redirect("activities:outlet_list", code=organisation.code)
    return render(
        request, "activities/outlet_form.html", {"organisation": organisation, "form": form, "outlet": outlet}
    )


# A branch's own outlets: registered by its secretary or committee members, next to its superiors'.


@login_required
@require_GET
def outlet_branch_list(request, code):
    branch = access.branch_for_user(request.user, code)
    outlets = list(Outlet.objects.for_branch(branch).select_related("organisation").order_by("sort_order", "pk"))
    return render(
        request,
        "activities/outlet_branch_list.html",
        {
            "branch": branch,
            "own": [outlet for outlet in outlets if outlet.organisation_id == branch.pk],
            "inherited": [outlet for outlet in outlets if outlet.organisation_id != branch.pk],
            "can_write": access.can_write_branch(request.user, branch),
        },
    )


def _after_branch_outlet(request, branch: Organisation, outlet: Outlet):
    """Back to the entry the secretary was about to record, with the new outlet chosen; or to the list."""
    if request.GET.get("then") == "publicity":
        return redirect(reverse("activities:publicity_create", args=[branch.code]) + f"?outlet={outlet.pk}")
    return redirect("activities:outlet_branch_list", code=branch.code)


@login_required
@require_http_methods(["GET", "POST"])
def outlet_branch_create(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    form = OutletForm(request.POST or None, organisation=branch, initial={"sort_order": next_sort_order(branch)})
    if request.method == "POST" and form.is_valid():
        outlet = form.save()
        messages.success(request, f"已登记本支部的媒体“{outlet.name}”，上级党组织可在宣传媒体名录中看到")
        return _after_branch_outlet(request, branch, outlet)
    return render(
        request,
        "activities/outlet_branch_form.html",
        {"branch": branch, "form": form, "outlet": None, "then": request.GET.get("then", "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outlet_branch_update(request, code, pk):
    branch = access.branch_for_user(request.user, code, write=True)
    outlet = get_object_or_404(Outlet, organisation=branch, pk=pk)
    form = OutletForm(request.POST or None, instance=outlet, organisation=branch)
    if request.method == "POST" and form.is_valid():
        outlet = form.save()
        messages.success(request, f"已保存媒体“{outlet.name}”")
        return redirect("activities:outlet_branch_list", code=branch.code)
    return render(
        request,
        "activities/outlet_branch_form.html",
        {"branch": branch, "form": form, "outlet": outlet, "then": ""},
    )


# --- publicity entries ------------------------------------------------------------------------


@login_required
@require_GET
def publicity_list(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    can_write = access.can_write_branch(request.user, branch)
    return render(
        request,
        "activities/publicity_list.html",
        {
            "branch": branch,
            "listing": PublicityListing(branch=branch, params=request.GET, today=today),
            "can_write": can_write,
            "figures_key": figures_key("publicity-list", branch, today.isoformat(), can_write, request.GET.urlencode()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_create(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    initial = {"date": timezone.localdate(), "count": 1}
    if request.GET.get("outlet", "").isdigit():  # just registered on the way here; the form checks it
        initial["outlet"] = int(request.GET["outlet"])
    form = PublicityEntryForm(request.POST or None, branch=branch, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.created_by = request.user
        entry.save()
        messages.success(request, f"已登记稿件“{entry.title}”")
        if "save_and_add" in request.POST:
            return redirect("activities:publicity_create", code=branch.code)
        return redirect(reverse("activities:publicity_list", args=[branch.code]) + f"?ids={entry.pk}")
    return render(
        request,
        "activities/publicity_form.html",
        {
            "branch": branch,
            "form": form,
            "entry": None,
            "has_outlets": form.fields["outlet"].queryset.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_update(request, code, pk):
    branch = access.branch_for_user(request.user, code, write=True)
    entry = get_object_or_404(PublicityEntry.objects.for_branch(branch), pk=pk)
    form = PublicityEntryForm(request.POST or None, instance=entry, branch=branch)
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        messages.success(request, f"已保存稿件“{entry.title}”")
        return redirect(reverse("activities:publicity_list", args=[branch.code]) + f"?ids={entry.pk}")
    return render(
        request,
        "activities/publicity_form.html",
        {"branch": branch, "form": form, "entry": entry, "has_outlets": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_delete(request, code, pk):
    branch = access.branch_for_user(request.user, code, write=True)
    entry = get_object_or_404(PublicityEntry.objects.for_branch(branch).select_related("outlet"), pk=pk)
    if request.method == "POST":
        title = entry.title
        entry.delete()
        messages.success(request, f"已删除稿件“{title}”")
        return redirect("activities:publicity_list", code=branch.code)
    return render(request, "activities/publicity_confirm_delete.html", {"branch": branch, "entry": entry})


# --- ledgers ----------------------------------------------------------------------------------


@login_required
@require_GET
def ledger_index(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    period = _period(request, today)
    ledgers = available_ledgers()
    kinds_by_ledger = {info.name: [KINDS[c] for c in info.kinds] for info in ledgers}
    return render(
        request,
        "activities/ledger_index.html",
        {
            "branch": branch,
            "ledgers": [(info, kinds_by_ledger[info.name]) for info in ledgers],
            "can_write": access.can_write_branch(request.user, branch),
            **_period_context(period, today),
        },
    )


@login_required
@require_GET
def ledger_export_view(request, code, name):
    branch = access.branch_for_user(request.user, code)
    period = _period(request, timezone.localdate())
    kind = request.GET.get("kind", "")
    if kind:
        # One kind of a category's ledger on its own, e.g. …/meeting.xlsx?kind=study.
        try:
            info = ledger_info(name)
        except KeyError:
            raise Http404("没有这种台账") from None
        if kind not in info.kinds:
            raise Http404("没有这种台账")
        name = kind
    try:
        content = ledger_export(branch=branch, period=period, name=name)
    except KeyError:
        raise Http404("没有这种台账") from None
    return xlsx_response(content, ledger_filename(branch=branch, period=period, name=name))


@login_required
@require_GET
def import_template_view(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    kind = request.GET.get("type", "meetings")
    if kind not in ("meetings", "publicity"):
        raise Http404("没有这种导入模板")
    label = "会议及活动记录" if kind == "meetings" else "新闻宣传稿件"
    return xlsx_response(import_template(branch=branch, type=kind), f"{branch.name}-{label}导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    initial_type = (
        request.GET.get("type") if request.GET.get("type") in ("meetings", "publicity") else "meetings"
    )
    form = LedgerImportForm(request.POST or None, request.FILES or None, initial={"type": initial_type})
    result = None
    if request.method == "POST" and form.is_valid():
        importer = meetings_import if form.cleaned_data["type"] == "meetings" else publicity_import
        result = importer(branch=branch, file=form.cleaned_data["file"], by=request.user)
        if result.ok:
            # Show what was imported, when the list of ids fits in a URL.
            ids = ",".join(str(pk) for pk in result.created_ids)
            suffix = f"?ids={ids}" if result.created <= MAX_IDS_IN_URL else ""
            if form.cleaned_data["type"] == "meetings":
                messages.success(request, f"已导入{result.created}条记录")
                return redirect(reverse("activities:activity_list", args=[branch.code]) + suffix)
            messages.success(request, f"已导入{result.created}条新闻宣传稿件")
            return redirect(reverse("activities:publicity_list", args=[branch.code]) + suffix)
    return render(
        request,
        "activities/ledger_import.html",
        {"branch": branch, "form": form, "result": result},
    )
