"""The inspection pages: the 党委's standard (list, items, edit, import, export), a branch's
self-score with its chain, and the reviewer's table. Views translate HTTP; everything loads
through ``branchwork.access``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branchwork import access
from branchwork.downloads import clean_filename
from branchwork.periods import Period
from branchwork.spreadsheets import xlsx_response

from . import selectors, services, standards
from .forms import CommentForm, ExampleForm, StandardForm, StandardImportForm, StandardItemForm
from .models import BranchScore, Standard, StandardItem

# --- the standard -----------------------------------------------------------------------------


@login_required
def standard_list(request, code):
    """The 党委's standards by year; its 组织员 create one from the shipped example."""
    write = request.method == "POST"
    organisation, committee = access.standard_scope_for_user(request.user, code, write=write)
    form = ExampleForm(request.POST or None)
    if write and form.is_valid():
        standard = standards.standard_from_example(organisation=committee, year=form.cleaned_data["year"], by=request.user)
        messages.success(request, f"已按示例创建“{standard.title}”，共{standard.items.count()}项，可逐项修改或导出 Excel 修改后导入。")
        return redirect("inspection:standard_detail", code=code, year=standard.year)
    return render(
        request,
        "inspection/standard_list.html",
        {
            "organisation": organisation,
            "committee": committee,
            "standards": Standard.objects.filter(organisation=committee).order_by("-year"),
            "can_edit": access.may_edit_standard(request.user, committee),
            "form": form,
        },
        status=400 if write else 200,
    )


def _standard(committee, year: int) -> Standard:
    return get_object_or_404(Standard.objects.select_related("organisation"), organisation=committee, year=year)


@login_required
def standard_detail(request, code, year):
    write = request.method == "POST"
    organisation, committee = access.standard_scope_for_user(request.user, code, write=write)
    standard = _standard(committee, year)
    form = StandardForm(request.POST or None, instance=Standard.objects.get(pk=standard.pk))
    if write and form.is_valid():
        standards.standard_update(standard=standard, values=form.cleaned_data, by=request.user)
        messages.success(request, "已保存。")
        return redirect("inspection:standard_detail", code=code, year=year)
    items = list(standard.items.all())
    return render(
        request,
        "inspection/standard_detail.html",
        {
            "organisation": organisation,
            "committee": committee,
            "standard": standard,
            "items": items,
            "total_points": sum(item.points for item in items),
            "can_review": request.user.is_superuser or organisation in access.reviewed_organisations(request.user),
            "can_edit": access.may_edit_standard(request.user, committee),
            "form": form,
        },
        status=400 if write else 200,
    )


@login_required
def standard_item_edit(request, code, year, item_code):
    write = request.method == "POST"
    organisation, committee = access.standard_scope_for_user(request.user, code, write=write)
    standard = _standard(committee, year)
    item = get_object_or_404(StandardItem, standard=standard, code=item_code)
    form = StandardItemForm(request.POST or None, instance=StandardItem.objects.get(pk=item.pk))
    if not write and not access.may_edit_standard(request.user, committee):
        for field in form.fields.values():
            field.disabled = True
    if write and form.is_valid():
        values = {name: form.cleaned_data[name] for name in StandardItemForm.Meta.fields}
        values["params"] = form.instance.params
        try:
            standards.standard_item_update(item=item, values=values, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存项目 {item.code}。")
            return redirect("inspection:standard_detail", code=code, year=year)
    return render(
        request,
        "inspection/standard_item_form.html",
        {"organisation": organisation, "committee": committee, "standard": standard, "item": item, "form": form,
         "can_edit": access.may_edit_standard(request.user, committee)},
        status=400 if write else 200,
    )


@login_required
def standard_import(request, code):
    write = request.method == "POST"
    organisation, committee = access.standard_scope_for_user(request.user, code, write=write)
    year = request.GET.get("year", "")
    initial = {"year": int(year)} if year.isdigit() and len(year) == 4 else {}
    form = StandardImportForm(request.POST or None, request.FILES or None, initial=initial)
    result = None
    if write and form.is_valid():
        year = form.cleaned_data["year"]
        result = standards.standard_import(
            organisation=committee, year=year, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], by=request.user
        )
        if result.ok:
            text = f"导入完成：新增{result.created}项，修改{result.updated}项，未变{result.unchanged}项。"
            messages.success(request, " ".join([text, *result.notes]))
            return redirect("inspection:standard_detail", code=code, year=year)
    return render(
        request,
        "inspection/standard_import.html",
        {"organisation": organisation, "committee": committee, "form": form, "result": result,
         "can_edit": access.may_edit_standard(request.user, committee)},
        status=400 if write else 200,
    )


@login_required
@require_GET
def standard_export(request, code, year):
    _organisation, committee = access.standard_scope_for_user(request.user, code)
    standard = _standard(committee, year)
    return xlsx_response(standards.standard_workbook(standard), clean_filename(f"{standard.title}.xlsx"))


# --- a branch's self-score --------------------------------------------------------------------


def _entries(request, page) -> dict[int, services.Entry]:
    return {
        line.item.pk: services.Entry(
            request.POST.get(f"score-{line.item.pk}", ""), request.POST.get(f"reason-{line.item.pk}", "")
        )
        for line in page.lines
        if f"score-{line.item.pk}" in request.POST or f"reason-{line.item.pk}" in request.POST
    }


def _step_for(user, branch, score) -> str | None:
    """The step the user may act in now, on this score (None: they read it)."""
    steps = access.inspection_steps(user, branch)
    status = score.status if score else BranchScore.Status.DRAFT
    for step, statuses in services.STEP_STATUSES.items():
        if step in steps and status in statuses:
            return step
    return None


@login_required
def score(request, code, period: Period):
    """The self-score page: everyone who reads the branch sees it; the person whose step it is
    writes their column (POST)."""
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    stored = BranchScore.objects.filter(branch=branch, year=period.year, half=period.half).only("status").first()
    step = _step_for(request.user, branch, stored)
    page = selectors.score_page(branch=branch, period=period, today=today, live=step == services.SELF)
    errors: list[str] = []
    typed = {}
    if request.method == "POST":
        if step is None:
            if services.SELF not in access.inspection_steps(request.user, branch):
                raise PermissionDenied("该自评当前不在您的处理环节，您只能查阅")
            return _conflict(request, page, f"该自评当前为“{page.score.get_status_display()}”，不能修改")
        if page.standard is None:
            return _conflict(request, page, f"上级党委尚未发布{period.year}年度考核细则，暂不能自评")
        entries = _entries(request, page)
        try:
            services.score_save(branch=branch, period=period, step=step, entries=entries, by=request.user, today=today)
        except ValidationError as error:
            errors = error.messages
            typed = entries
        except services.WorkflowError as error:
            return _conflict(request, page, str(error))
        else:
            messages.success(request, "已保存。")
            return redirect("inspection:score", code=code, period=period)
    return render(
        request,
        "inspection/score.html",
        _score_context(request, page, step, errors=errors, typed=typed),
        status=400 if errors else 200,
    )


def _score_context(request, page, step, *, errors=(), typed=None, workflow_error=""):
    typed = typed or {}
    for line in page.lines:
        line.typed = typed.get(line.item.pk)  # what was typed, shown again when a save is refused
    return {
        "branch": page.branch,
        "period": page.period,
        "page": page,
        "step": step,
        "errors": errors,
        "workflow_error": workflow_error,
        "periods": [Period(page.period.year), Period(page.period.year, "H1"), Period(page.period.year, "H2")],
        "comment_form": CommentForm(),
        "can_return": step in (services.REVIEW, services.RECHECK),
        # A deduction goes onto the branch's 整改台账 by its writers, whatever the step.
        "can_rectify": access.can_write_branch(request.user, page.branch),
    }


def _conflict(request, page, message: str, *, comment: str = ""):
    step = _step_for(request.user, page.branch, page.score)
    context = _score_context(request, page, step, workflow_error=message)
    context["comment_form"] = CommentForm(initial={"comment": comment})
    return render(request, "inspection/score.html", context, status=409)


def _chain_action(request, code, period: Period, action, *, write: bool, done: str, **kwargs):
    """Run one step of the chain; a refusal comes back on the score page with nothing lost."""
    branch = access.branch_for_user(request.user, code, write=write)
    try:
        action(branch=branch, period=period, by=request.user, **kwargs)
    except services.WorkflowError as error:
        page = selectors.score_page(branch=branch, period=period, today=timezone.localdate(), live=False)
        return _conflict(request, page, str(error))
    except ValidationError as error:
        page = selectors.score_page(branch=branch, period=period, today=timezone.localdate(), live=False)
        response = _conflict(request, page, "；".join(error.messages), comment=request.POST.get("comment", ""))
        response.status_code = 400
        return response
    messages.success(request, done)
    return redirect("inspection:score", code=code, period=period)


@login_required
@require_POST
def score_submit(request, code, period: Period):
    return _chain_action(request, code, period, services.score_submit, write=True, done="已提交党总支审查。")


@login_required
@require_POST
def score_pass(request, code, period: Period):
    comment = request.POST.get("comment", "")
    return _chain_action(request, code, period, services.score_pass, write=False, done="审查完成，已报党委复核。", comment=comment)


@login_required
@require_POST
def score_recheck(request, code, period: Period):
    comment = request.POST.get("comment", "")
    return _chain_action(request, code, period, services.score_recheck, write=False, done="复核完成。", comment=comment)


@login_required
@require_POST
def score_return(request, code, period: Period):
    comment = request.POST.get("comment", "")
    return _chain_action(request, code, period, services.score_return, write=False, done="已退回支部。", comment=comment)


# --- the reviewer's table ---------------------------------------------------------------------


@login_required
@require_GET
def score_table(request, code, period: Period):
    organisation = access.reviewer_scope_for_user(request.user, code)
    committee = access.committee_of(organisation)
    table = selectors.score_table(organisation=organisation, committee=committee, period=period)
    return render(
        request,
        "inspection/score_table.html",
        {
            "organisation": organisation,
            "period": period,
            "table": table,
            "periods": [Period(period.year), Period(period.year, "H1"), Period(period.year, "H2")],
        },
    )



@login_required
@require_POST
def score_item_rectify(request, code, period: Period, item_code):
    """「列入整改台账」 under an item that lost points: the entry opens on the branch's ledger."""
    branch = access.branch_for_user(request.user, code, write=True)
    try:
        entry = services.score_item_rectify(branch=branch, period=period, item_code=item_code, by=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("inspection:score", code=code, period=period)
    messages.success(request, "已列入整改台账，请填写整改措施、责任人和整改时限。")
    return redirect("activities:rectification_detail", code=branch.code, pk=entry.pk)
