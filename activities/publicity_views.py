"""Views of publicity: the outlet registry (宣传媒体名录) a 党总支 or 党委 keeps, the outlets a
branch registers for itself, and a branch's publicity entries (新闻宣传). Every branch is loaded
through ``branchwork.access``; every organisation a reviewer manages through
``access.reviewer_scope_for_user``. What the registry pages show comes from ``activities.outlets``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branchwork import access
from branchwork.figures import figures_key
from branchwork.models import Organisation

from .models import Outlet, PublicityEntry
from .outlets import (
    INTERNAL_OR_OTHER,
    branch_outlets,
    next_own_sort_order,
    next_sort_order,
    outlet_registry,
    outlets_seed_defaults,
)
from .pages import PublicityListing
from .publicity_forms import OutletForm, PublicityEntryForm

# --- the registry of a 党总支 or 党委 -----------------------------------------------------------


@login_required
@require_GET
def outlet_list(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    registry = outlet_registry(organisation=organisation)
    return render(
        request,
        "activities/outlet_list.html",
        {
            "organisation": organisation,
            "outlets": registry.own,
            "inherited": registry.inherited,
            "branch_outlets": registry.of_branches,
            "branch_outlets_more": registry.more_of_branches,
            "defaults": registry.defaults,
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
    initial = {"sort_order": next_own_sort_order(organisation)}
    form = OutletForm(request.POST or None, organisation=organisation, initial=initial)
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


# --- a branch's own outlets: registered by its secretary or committee members, next to its superiors'


@login_required
@require_GET
def outlet_branch_list(request, code):
    branch = access.branch_for_user(request.user, code)
    own, inherited = branch_outlets(branch=branch)
    return render(
        request,
        "activities/outlet_branch_list.html",
        {
            "branch": branch,
            "own": own,
            "inherited": inherited,
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


def _outlet_note(form: PublicityEntryForm) -> str:
    """Where a newly typed outlet was registered for the branch, that it may be chosen next time
    — not for the menu's own 「内部刊物/其他」, which is always there."""
    outlet = form.created_outlet
    if not outlet or outlet.name == INTERNAL_OR_OTHER:
        return ""
    return f"；“{outlet.name}”已登记为本支部的媒体，下次可直接选择"


def _entry_listed(branch: Organisation, entry: PublicityEntry):
    """The list showing just this entry, so the secretary sees what was saved."""
    return redirect(reverse("activities:publicity_list", args=[branch.code]) + f"?ids={entry.pk}")


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
        initial["outlet"] = request.GET["outlet"]
    form = PublicityEntryForm(request.POST or None, branch=branch, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        entry = form.save()
        messages.success(request, f"已登记稿件“{entry.title}”{_outlet_note(form)}")
        if "save_and_add" in request.POST:
            return redirect("activities:publicity_create", code=branch.code)
        return _entry_listed(branch, entry)
    return render(
        request,
        "activities/publicity_form.html",
        {
            "branch": branch,
            "form": form,
            "entry": None,
            "has_outlets": form.has_registered_outlets,
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
        messages.success(request, f"已保存稿件“{entry.title}”{_outlet_note(form)}")
        return _entry_listed(branch, entry)
    return render(
        request,
        "activities/publicity_form.html",
        {"branch": branch, "form": form, "entry": entry, "has_outlets": form.has_registered_outlets},
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
