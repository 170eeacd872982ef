"""The administrator's pages (组织员, and superusers), at ``/o/<code>/manage/``: the organisations,
party groups and accounts below an organisation, and the workbook that sets them all up at once.

Every view loads its organisation through ``access.organisation_for_admin`` and every object from
the subtree below it, so an object outside is a 404. The rules live in the services
(``organisations``, ``accounts``, ``org_import``); views only translate HTTP.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access
from .accounts import (
    ACCOUNT_STATES,
    AccountProblem,
    account_create,
    account_home,
    account_manage_problem,
    account_reset_password,
    account_roles,
    account_search,
    account_set_active,
    account_update,
    accounts_below,
    issued_password_reveal,
    passwords_waiting,
    role_add,
    role_remove,
)
from .forms import PartyGroupForm
from .models import Organisation, PartyGroup, Role
from .names import person_name
from .org_forms import (
    AccountCreateForm,
    AccountNameForm,
    OrgImportForm,
    RoleForm,
    SetupForm,
    UnitCloseForm,
    UnitCreateForm,
    UnitUpdateForm,
)
from .org_import import (
    Plan,
    Workbook,
    import_passwords_reveal,
    import_template,
    org_import,
    passwords_workbook,
    read_workbook,
    template_filename,
)
from .organisations import (
    OrganisationProblem,
    active_roles_below,
    organisation_close,
    organisation_create,
    organisation_reopen,
    organisation_tree,
    organisation_update,
    setup_progress,
)
from .roster import party_groups_counted
from .spreadsheets import XLSX_CONTENT_TYPE, SpreadsheetError, xlsx_response

ACCOUNTS_PAGE_SIZE = 50


def _post(request):
    return request.POST if request.method == "POST" else None


def _unit(request, scope: Organisation, pk: int, *, change: bool = False) -> Organisation:
    """An organisation of the scope; to ``change`` it, the user must administer it from above
    (a 组织员 does not rename or close the organisation they are 组织员 of)."""
    unit = get_object_or_404(Organisation.objects.below(scope).select_related("parent"), pk=pk)
    if change and not access.can_change_organisation(request.user, unit):
        raise PermissionDenied("本组织的名称和撤销由上级组织员或系统管理员办理")
    return unit


def _account(scope: Organisation, pk: int):
    return get_object_or_404(accounts_below(scope=scope), pk=pk)


# --- the organisation ------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request, code):
    scope = access.organisation_for_admin(request.user, code)
    tree = organisation_tree(scope=scope)
    return render(
        request,
        "branchwork/org_overview.html",
        {
            "organisation": scope,
            "units": tree.units,
            "closed_units": tree.closed_units,
            "branch_count": len(tree.branches),
            "member_total": tree.member_total,
            "account_total": tree.account_total,
            "branches_without_secretary": tree.branches_without_secretary,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, code):
    scope = access.organisation_for_admin(request.user, code)
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = UnitCreateForm(_post(request), scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = organisation_create(parent=data["parent"], name=data["name"], code=data["code"], level=data["level"])
        except OrganisationProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"已新建{unit.get_level_display()}“{unit.name}”。下一步：为它新建书记或审阅人的账号。")
            return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=unit.pk)
    return render(request, "branchwork/org_unit_form.html", {"organisation": scope, "form": form, "unit": None})


@login_required
@require_GET
def unit_detail(request, code, unit_pk):
    scope = access.organisation_for_admin(request.user, code)
    unit = _unit(request, scope, unit_pk)
    roles = list(
        Role.objects.filter(organisation=unit).select_related("user").order_by("kind", "user__username")
    )
    groups = []
    if unit.is_branch:
        groups = list(party_groups_counted(branch=unit))
    children = list(Organisation.objects.filter(parent=unit).order_by("closed_on", "name"))
    return render(
        request,
        "branchwork/org_unit_detail.html",
        {
            "organisation": scope,
            "unit": unit,
            "roles": roles,
            "groups": groups,
            "children": children,
            "member_count": unit.members.active().count() if unit.is_branch else None,
            "can_change": access.can_change_organisation(request.user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_update(request, code, unit_pk):
    scope = access.organisation_for_admin(request.user, code)
    unit = _unit(request, scope, unit_pk, change=True)
    form = UnitUpdateForm(_post(request), initial={"name": unit.name, "addressee": unit.addressee})
    if request.method == "POST" and form.is_valid():
        try:
            changed = organisation_update(
                organisation=unit, name=form.cleaned_data["name"], addressee=form.cleaned_data["addressee"]
            )
        except OrganisationProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"已保存“{unit.name}”。" if changed else "没有改动。")
            return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=unit.pk)
    return render(request, "branchwork/org_unit_form.html", {"organisation": scope, "form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_close(request, code, unit_pk):
    """撤销: a confirmation page with the date, then POST. Records are kept."""
    scope = access.organisation_for_admin(request.user, code)
    unit = _unit(request, scope, unit_pk, change=True)
    if unit.is_closed:
        messages.info(request, f"{unit.name}已撤销，无需再次办理。")
        return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=unit.pk)
    form = UnitCloseForm(_post(request), initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            organisation_close(organisation=unit, on=form.cleaned_data["closed_on"])
        except OrganisationProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"已撤销“{unit.name}”。它的记录、总结和操作日志仍然保留，可随时查阅。")
            return redirect("orgadmin:overview", code=scope.code)
    return render(
        request,
        "branchwork/org_unit_close.html",
        {
            "organisation": scope,
            "unit": unit,
            "form": form,
            "member_count": unit.members.active().count() if unit.is_branch else None,
            "active_roles": active_roles_below(organisation=unit),
        },
    )


@login_required
@require_POST
def unit_reopen(request, code, unit_pk):
    scope = access.organisation_for_admin(request.user, code)
    unit = _unit(request, scope, unit_pk, change=True)
    if not unit.is_closed:
        messages.info(request, f"{unit.name}没有撤销，无需恢复。")
        return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=unit.pk)
    try:
        organisation_reopen(organisation=unit)
    except OrganisationProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"已恢复“{unit.name}”。")
    return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=unit.pk)


# --- party groups ----------------------------------------------------------------------------------


def _branch(request, scope: Organisation, unit_pk: int) -> Organisation:
    unit = _unit(request, scope, unit_pk)
    if not unit.is_branch:
        raise Http404("党小组只能设在党支部")
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request, code, unit_pk):
    scope = access.organisation_for_admin(request.user, code)
    branch = _branch(request, scope, unit_pk)
    form = PartyGroupForm(_post(request), branch=branch)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, f"已在{branch.name}设立“{group.name}”。")
        return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=branch.pk)
    return render(
        request, "branchwork/org_group_form.html", {"organisation": scope, "unit": branch, "form": form, "group": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_update(request, code, unit_pk, pk):
    """Rename a party group, or dissolve it (撤销日期)."""
    scope = access.organisation_for_admin(request.user, code)
    branch = _branch(request, scope, unit_pk)
    group = get_object_or_404(PartyGroup.objects.filter(branch=branch), pk=pk)
    form = PartyGroupForm(_post(request), instance=group, branch=branch)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存“{group.name}”。")
        return redirect("orgadmin:unit_detail", code=scope.code, unit_pk=branch.pk)
    return render(
        request, "branchwork/org_group_form.html", {"organisation": scope, "unit": branch, "form": form, "group": group}
    )


# --- accounts --------------------------------------------------------------------------------------


@login_required
@require_GET
def account_list(request, code):
    scope = access.organisation_for_admin(request.user, code)
    query = request.GET.get("q", "").strip()[:50]
    state = request.GET.get("state", "active")
    if state not in ACCOUNT_STATES:
        state = "active"
    accounts = account_search(scope=scope, query=query, state=state)
    page = Paginator(accounts, ACCOUNTS_PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = passwords_waiting(user_ids=[account.pk for account in page.object_list])
    return render(
        request,
        "branchwork/org_account_list.html",
        {"organisation": scope, "page": page, "query": query, "state": state, "waiting": waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create_view(request, code):
    scope = access.organisation_for_admin(request.user, code)
    initial = {}
    if request.GET.get("unit", "").isdigit():
        initial["organisation"] = int(request.GET["unit"])
    if request.GET.get("kind") in Role.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = AccountCreateForm(_post(request), scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_create(
                username=data["username"],
                name=data["name"],
                organisation=data["organisation"],
                kind=data["kind"],
                by=request.user,
            )
        except AccountProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"已为{person_name(user)}新建账号。")
            return redirect("orgadmin:account_detail", code=scope.code, user_pk=user.pk)
    return render(request, "branchwork/org_account_form.html", {"organisation": scope, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache  # the page may show an issued password: no copy in any cache
def account_detail(request, code, user_pk):
    """One account: its 姓名, its roles in the scope, and the initial password just issued (once)."""
    scope = access.organisation_for_admin(request.user, code)
    account = _account(scope, user_pk)
    roles = account_roles(account=account, scope=scope)
    problem = account_manage_problem(account=account, scope=scope, roles=roles, by=request.user)
    name_form = AccountNameForm(_post(request), initial={"name": person_name(account)}, prefix="name")
    role_form = RoleForm(None, scope=scope, prefix="role")
    if request.method == "POST":
        if problem:
            raise PermissionDenied(problem)
        if name_form.is_valid():
            if account_update(user=account, name=name_form.cleaned_data["name"], organisation=account_home(roles=roles, scope=scope)):
                messages.success(request, f"已将姓名改为“{person_name(account)}”。")
            return redirect("orgadmin:account_detail", code=scope.code, user_pk=account.pk)
    # Made now, for the administrator who issued it, and shown this once: kept nowhere.
    password = None if problem else issued_password_reveal(user=account, by=request.user)
    return render(
        request,
        "branchwork/org_account_detail.html",
        {
            "organisation": scope,
            "account": account,
            "roles": roles,
            "problem": problem,
            "name_form": name_form,
            "role_form": role_form,
            "password": password,
            "password_waiting": account.pk in passwords_waiting(user_ids=[account.pk]),
            "is_self": account.pk == request.user.pk,
        },
    )


def _manageable_account(request, scope, user_pk):
    account = _account(scope, user_pk)
    roles = account_roles(account=account, scope=scope)
    problem = account_manage_problem(account=account, scope=scope, roles=roles, by=request.user)
    if problem:
        raise PermissionDenied(problem)
    return account, roles


@login_required
@require_POST
def account_password(request, code, user_pk):
    scope = access.organisation_for_admin(request.user, code)
    account, roles = _manageable_account(request, scope, user_pk)
    if account.pk == request.user.pk:
        messages.error(request, "自己的密码请在右上角“修改密码”中修改。")
        return redirect("orgadmin:account_detail", code=scope.code, user_pk=account.pk)
    account_reset_password(user=account, organisation=account_home(roles=roles, scope=scope), by=request.user)
    messages.success(request, f"已为{person_name(account)}重置密码，原密码即刻失效。")
    return redirect("orgadmin:account_detail", code=scope.code, user_pk=account.pk)


@login_required
@require_POST
def account_active(request, code, user_pk):
    scope = access.organisation_for_admin(request.user, code)
    account, roles = _manageable_account(request, scope, user_pk)
    active = request.POST.get("active") == "1"
    try:
        account_set_active(user=account, active=active, organisation=account_home(roles=roles, scope=scope), by=request.user)
    except AccountProblem as problem:
        messages.error(request, str(problem))
    else:
        if active:
            messages.success(request, f"已恢复{person_name(account)}的账号，可以重新登录。")
        else:
            messages.success(request, f"已停用{person_name(account)}的账号：不能再登录，其以往的操作记录保留。")
    return redirect("orgadmin:account_detail", code=scope.code, user_pk=account.pk)


@login_required
@require_POST
def role_create(request, code, user_pk):
    scope = access.organisation_for_admin(request.user, code)
    account = _account(scope, user_pk)
    form = RoleForm(request.POST, scope=scope, prefix="role")
    if form.is_valid():
        try:
            role = role_add(
                user=account, organisation=form.cleaned_data["organisation"], kind=form.cleaned_data["kind"], by=request.user
            )
        except AccountProblem as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, f"已将{person_name(account)}设为{role.organisation.name}的{role.get_kind_display()}。")
    else:
        messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
    return redirect("orgadmin:account_detail", code=scope.code, user_pk=account.pk)


@login_required
@require_POST
def role_delete(request, code, user_pk, role_pk):
    scope = access.organisation_for_admin(request.user, code)
    account = _account(scope, user_pk)
    role = get_object_or_404(
        Role.objects.below(scope).filter(user=account).select_related("organisation"),
        pk=role_pk,
    )
    try:
        role_remove(role=role, by=request.user)
    except AccountProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"已取消{person_name(account)}在{role.organisation.name}的{role.get_kind_display()}角色。")
    return redirect("orgadmin:account_detail", code=scope.code, user_pk=account.pk)


# --- first run -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """The superuser's first-run checklist: create the top 党委 → import the workbook → done."""
    if not access.may_set_up(request.user):
        raise Http404("没有找到该页面")
    form = SetupForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            top = organisation_create(
                parent=None, name=form.cleaned_data["name"], code=form.cleaned_data["code"], level=Organisation.Level.COMMITTEE
            )
        except OrganisationProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"已新建“{top.name}”。下一步：下载模板，填好下属党组织、账号和党员后一次导入。")
            return redirect("setup")
    setup = setup_progress()
    return render(
        request,
        "branchwork/setup.html",
        {"form": form, "tops": setup.tops, "has_branches": setup.has_branches, "done": setup.done},
    )


# --- the setup workbook ----------------------------------------------------------------------------

PENDING_IMPORT = "orgadmin_import_pending"
IMPORT_RESULT = "orgadmin_import_result"


def _import_key(name: str, scope: Organisation) -> str:
    return f"{name}:{scope.pk}"


def _preview(request, scope: Organisation, plan: Plan, *, filename: str, notice: str = ""):
    return render(
        request,
        "branchwork/org_import_preview.html",
        {"organisation": scope, "plan": plan, "sheets": plan.summary(), "filename": filename, "notice": notice},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, code):
    """Upload the workbook: the answer is a preview of what it would do; nothing is written."""
    scope = access.organisation_for_admin(request.user, code)
    form = OrgImportForm(_post(request), request.FILES if request.method == "POST" else None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            workbook = read_workbook(upload)
        except SpreadsheetError as error:
            problem = str(error)
        else:
            plan = org_import(workbook=workbook, scope=scope, by=request.user, commit=False).plan
            if plan.ok:
                request.session[_import_key(PENDING_IMPORT, scope)] = {
                    "workbook": workbook.to_json(),
                    "digest": plan.digest(),
                    "filename": upload.name,
                }
            return _preview(request, scope, plan, filename=upload.name)
    return render(request, "branchwork/org_import.html", {"organisation": scope, "form": form, "problem": problem})


@login_required
@require_POST
@transaction.non_atomic_requests  # the import opens its own transaction: nothing held around it
def import_confirm(request, code):
    """Write what the preview showed, in one transaction — unless the database has changed since,
    in which case the new preview is shown to be confirmed again."""
    scope = access.organisation_for_admin(request.user, code)
    pending = request.session.get(_import_key(PENDING_IMPORT, scope))
    if not pending:
        messages.error(request, "没有待确认的导入（可能已经导入，或预览已过期），请重新上传文件。")
        return redirect("orgadmin:import", code=scope.code)
    workbook = Workbook.from_json(pending["workbook"])
    outcome = org_import(workbook=workbook, scope=scope, by=request.user, commit=True, expected=pending["digest"])
    if not outcome.applied:
        if outcome.plan.ok:
            pending["digest"] = outcome.plan.digest()
            request.session[_import_key(PENDING_IMPORT, scope)] = pending
        else:
            del request.session[_import_key(PENDING_IMPORT, scope)]
        return _preview(
            request,
            scope,
            outcome.plan,
            filename=pending["filename"],
            notice="预览之后数据有了变动（可能有人同时修改了组织或账号），本次没有写入。请核对下面的新预览后再确认。",
        )
    del request.session[_import_key(PENDING_IMPORT, scope)]
    # Only the new accounts' ids: their passwords are made when the result page is opened.
    request.session[_import_key(IMPORT_RESULT, scope)] = {
        "sheets": outcome.plan.summary("已"),
        "new_user_ids": outcome.new_user_ids,
    }
    return redirect("orgadmin:import_done", code=scope.code)


@login_required
@require_GET
@never_cache  # shows initial passwords: no copy in any cache
@transaction.non_atomic_requests  # passwords are hashed before their short write opens, not inside one
def import_done(request, code):
    """What the import did, and the new accounts' initial passwords: shown this once."""
    scope = access.organisation_for_admin(request.user, code)
    result = request.session.pop(_import_key(IMPORT_RESULT, scope), None)
    if result is None:
        messages.info(request, "导入结果（含初始密码）只显示一次，已经显示过了。忘记密码的账号可在“账号”中重置。")
        return redirect("orgadmin:overview", code=scope.code)
    issued = import_passwords_reveal(user_ids=result.get("new_user_ids", []), by=request.user)
    download = ""
    if issued:
        # The list travels in the page itself (a data: link), so it is kept nowhere on the server.
        download = "data:" + XLSX_CONTENT_TYPE + ";base64," + base64.b64encode(passwords_workbook(issued)).decode()
    return render(
        request,
        "branchwork/org_import_done.html",
        {
            "organisation": scope,
            "sheets": result["sheets"],
            "issued": issued,
            "download": download,
            "download_name": f"{scope.name}新账号初始密码{timezone.localdate():%Y%m%d}.xlsx",
        },
    )


@login_required
@require_GET
def import_template_view(request, code):
    scope = access.organisation_for_admin(request.user, code)
    return xlsx_response(import_template(scope=scope), template_filename(scope))
