"""Roster (花名册) and party-group pages of one branch, at ``/b/<code>/members/``.

Every view loads the branch through ``access.branch_for_user`` (``roster_branch_for_user`` to
write: the administrators above a branch keep its roster too) and every query starts from it:
another branch's member is a 404; a reviewer reads the list and the export, and gets 403 on writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import access
from .forms import MemberFilterForm, MemberForm, PartyGroupForm, RosterImportForm, TransferOutForm
from .models import Member, PartyGroup
from .periods import chinese_date
from .roster import (
    describe_result,
    member_transfer_out,
    roster_export,
    roster_filename,
    roster_import,
    roster_lock,
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

    active = Member.objects.filter(branch=branch).active()
    statuses = Member.Status.choices
    summary = active.aggregate(
        total=Count("pk"),
        **{
            f"s{index}": Count("pk", filter=Q(status=value)) for index, (value, _label) in enumerate(statuses)
        },
    )
    return render(
        request,
        "branchwork/member_list.html",
        {
            "branch": branch,
            "can_write": access.can_manage_roster(request.user, branch),
            "filters": filters,
            "page": page,
            "summary_total": summary.pop("total"),
            "summary": [(label, summary[f"s{index}"]) for index, (_value, label) in enumerate(statuses)],
            "groups": groups,
            "roster_empty": not Member.objects.filter(branch=branch).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, code):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    form = MemberForm(_post(request), branch=branch)
    if request.method == "POST":
        # The form checks the roster (unique name, one 书记): check and save under the roster lock,
        # so that an import or another edit cannot change the roster in between.
        with transaction.atomic():
            roster_lock(branch=branch)
            if form.is_valid():
                member = form.save()
                messages.success(request, f"已将“{member.name}”添加到花名册。")
                if "save_and_add" in request.POST:
                    return redirect("roster:member_create", code=branch.code)
                return redirect("roster:member_list", code=branch.code)
    return render(request, "branchwork/member_form.html", {"branch": branch, "form": form, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_update(request, code, pk):
    branch = access.roster_branch_for_user(request.user, code, write=True)
    members = Member.objects.filter(branch=branch).select_related("party_group")
    if request.method != "POST":
        member = get_object_or_404(members, pk=pk)
        form = MemberForm(None, instance=member, branch=branch)
    else:
        with transaction.atomic():  # see member_create
            roster_lock(branch=branch)
            # Read under the lock: saving writes every field, so a stale copy would undo what an
            # import wrote meanwhile (a transfer out, say).
            member = get_object_or_404(members, pk=pk)
            form = MemberForm(request.POST, instance=member, branch=branch)
            if form.is_valid():
                form.save()
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
    groups = (
        PartyGroup.objects.filter(branch=branch)
        .annotate(member_count=Count("members", filter=Q(members__transferred_out_on__isnull=True)))
        .order_by("dissolved_on", "name")
    )
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
