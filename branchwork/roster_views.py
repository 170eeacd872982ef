"""Roster (花名册) and party-group pages of one branch, at ``/b/<code>/members/``.

Every view loads the branch through ``access.branch_for_user`` (``roster_branch_for_user`` to
write: the administrators above a branch keep its roster too) and every query starts from it:
another branch's member is a 404; a reviewer reads the list and the export, and gets 403 on writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import access, roster
from .forms import MemberFilterForm, MemberForm, PartyGroupForm, RosterImportForm, TransferOutForm
from .models import Member, PartyGroup
from .periods import chinese_date
from .roster import (
    describe_result,
    member_transfer_out,
    roster_export,
    roster_filename,
    roster_import,
    roster_order,
    roster_template,
)
from .spreadsheets import xlsx_response

PAGE_SIZE = 50


def _post(request):
    """Form data only for POST. (``request.POST or None`` would leave an empty POST unbound, and so
    silently skip the "required" errors.)"""
    return request.POST if request.method == "POST" else None


@login_required
def member_list(request, code):
    branch = access.branch_for_user(request.user, code)
    groups = list(PartyGroup.objects.filter(branch=branch).order_by("dissolved_on", "name"))
    filters = MemberFilterForm(request.GET or None, branch=branch, groups=groups)
    members = filters.filter(Member.objects.filter(branch=branch)).select_related("party_group")
    members = roster_order(members)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))

    total, summary = roster.roster_summary(branch=branch)
    return render(
        request,
        "branchwork/member_list.html",
        {
            "branch": branch,
            "can_write": access.can_manage_roster(request.user, branch),
            "filters": filters,
            "page": page,
            "summary_total": total,
            "summary": summary,
            "groups": groups,
            "roster_empty": not Member.objects.filter(branch=branch).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, code):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    if request.method != "POST":
        form = MemberForm(None, branch=branch)
    else:
        form = roster.member_create(branch=branch, data=request.POST, by=request.user)
        if not form.errors:
            messages.success(request, f"已将“{form.instance.name}”添加到花名册。")
            if "save_and_add" in request.POST:
                return redirect("roster:member_create", code=branch.code)
            return redirect("roster:member_list", code=branch.code)
    return render(request, "branchwork/member_form.html", {"branch": branch, "form": form, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_update(request, code, pk):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    if request.method != "POST":
        member = get_object_or_404(Member.objects.filter(branch=branch).select_related("party_group"), pk=pk)
        form = MemberForm(None, instance=member, branch=branch)
    else:
        try:
            form = roster.member_update(branch=branch, pk=pk, data=request.POST, by=request.user)
        except Member.DoesNotExist:
            raise Http404("花名册中没有这名党员") from None
        member = form.instance
        if not form.errors:
            messages.success(request, f"已保存“{member.name}”的信息。")
            return redirect("roster:member_list", code=branch.code)
    return render(request, "branchwork/member_form.html", {"branch": branch, "form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, code, pk):
    """Transfer out (组织关系转出): a confirmation page with the date and destination, then POST."""
    branch = access.roster_branch_for_user(request.user, code, write=True)
    member = get_object_or_404(Member.objects.filter(branch=branch), pk=pk)
    if not member.is_active:
        messages.info(
            request,
            f"“{member.name}”已于{chinese_date(member.transferred_out_on)}转出"
            f"{('至' + member.transferred_to) if member.transferred_to else ''}，无需再次办理。",
        )
        return redirect("roster:member_list", code=branch.code)
    form = TransferOutForm(_post(request), member=member)
    if request.method == "POST" and form.is_valid():
        member_transfer_out(
            member=member,
            on=form.cleaned_data["transferred_out_on"],
            to=form.cleaned_data["transferred_to"],
            by=request.user,
        )
        messages.success(
            request,
            f"已登记“{member.name}”于{chinese_date(member.transferred_out_on)}转出至{member.transferred_to}。"
            "其以往的参会记录仍然保留。",
        )
        return redirect("roster:member_list", code=branch.code)
    return render(
        request, "branchwork/member_transfer.html", {"branch": branch, "form": form, "member": member}
    )


@login_required
def export(request, code):
    branch = access.branch_for_user(request.user, code)
    return xlsx_response(roster_export(branch=branch), roster_filename(branch))


@login_required
def import_template(request, code):
    branch = access.branch_for_user(request.user, code)
    return xlsx_response(roster_template(branch=branch), roster_filename(branch, template=True))


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_view(request, code):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    form = RosterImportForm(_post(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = roster_import(branch=branch, file=form.cleaned_data["file"], by=request.user)
        if result.ok:
            messages.success(request, describe_result(result))
            return redirect("roster:member_list", code=branch.code)
    return render(
        request,
        "branchwork/member_import.html",
        {"branch": branch, "form": form, "result": result, "upload_name": request.FILES.get("file", None)},
    )


# --- party groups -------------------------------------------------------------------------------


@login_required
def group_list(request, code):
    branch = access.branch_for_user(request.user, code)
    groups = roster.party_groups_counted(branch=branch)
    return render(
        request,
        "branchwork/group_list.html",
        {"branch": branch, "groups": groups, "can_write": access.can_manage_roster(request.user, branch)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request, code):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    form = PartyGroupForm(_post(request), branch=branch)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, f"已设立“{group.name}”。")
        return redirect("roster:group_list", code=branch.code)
    return render(request, "branchwork/group_form.html", {"branch": branch, "form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def group_update(request, code, pk):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    group = get_object_or_404(PartyGroup.objects.filter(branch=branch), pk=pk)
    form = PartyGroupForm(_post(request), instance=group, branch=branch)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存“{group.name}”。")
        return redirect("roster:group_list", code=branch.code)
    return render(request, "branchwork/group_form.html", {"branch": branch, "form": form, "group": group})
