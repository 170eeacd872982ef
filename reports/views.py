"""Report pages: list, start, write, preview, print, download, submit, versions, compare, review,
and the reviewer's roll-up with its ZIP of approved reports.

Every view loads its branch through ``branchwork.access`` and its report from that branch, so a
report outside the user's reach is a 404; writing needs the branch's write access (403 for a
reviewer), returning and approving need review access (403 for a secretary).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities.periods import period_range
from branchwork import access
from branchwork.downloads import file_download
from branchwork.figures import figures_key
from branchwork.models import Organisation
from branchwork.periods import Period, period_from_query

from . import files, services
from .compare import compare_versions
from .document import Document
from .forms import ReportEditor, ReviewForm, StartForm, start_periods
from .models import Report, ReportEvent, ReportVersion, ReviewComment
from .pages import claim_rows, editor_page, section_comments
from .selectors import (
    ROLLUP_LABELS,
    SORT_KEYS,
    STATUS_LABELS,
    branch_report,
    document_claims,
    evidence_gaps,
    latest_version_in,
    newest_first,
    note_waiting_counted,
    report_document,
    report_events,
    report_latest_version,
    report_reading,
    report_state,
    review_queue,
    review_rollup,
)

# --- loading ---------------------------------------------------------------------------------


def _report_for(user, code: str, period: Period, *, write: bool = False) -> tuple[Organisation, Report]:
    branch = access.branch_for_user(user, code, write=write)
    report = branch_report(branch=branch, period=period)
    if report is None:
        raise Http404("No Report matches the given query.")
    # The branch as access loaded it, with its parents: the report names them (its superiors).
    report.branch = branch
    return branch, report


def _require_review(user, branch: Organisation) -> None:
    if not access.can_review_branch(user, branch):
        raise PermissionDenied("只有上级党组织的审阅人可以审阅工作总结")


# --- list and start ----------------------------------------------------------------------------


@login_required
def report_list(request, code):
    branch = access.branch_for_user(request.user, code)
    reports = newest_first(
        Report.objects.filter(branch=branch).select_related("updated_by").annotate(latest_version=Max("versions__number"))
    )
    can_write = access.can_write_branch(request.user, branch)
    have = {report.period.code for report in reports}
    today = timezone.localdate()
    within = period_range(branch, today)
    # Only periods the branch has records in or after (a branch set up in 2026 is not offered 2025).
    startable = [p for p in start_periods(today) if p.code not in have and p in within] if can_write else []
    offered = have | {period.code for period in startable}
    other_periods = [
        (year, [(code, label) for code, label in options if code not in offered])
        for year, options in within.choices()
    ]
    other_periods = [(year, options) for year, options in other_periods if options]
    return render(
        request,
        "reports/report_list.html",
        {
            "branch": branch,
            "reports": reports,
            "can_write": can_write,
            "startable": startable,
            "other_periods": other_periods if can_write else [],
        },
    )


@login_required
@require_POST
def report_start(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    today = timezone.localdate()
    form = StartForm(request.POST, today=today, within=period_range(branch, today))
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["period"]))
        return redirect("reports:report_list", code=branch.code)
    period = form.cleaned_data["period"]
    try:
        services.report_create(branch=branch, period=period, by=request.user)
    except services.WorkflowError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"已按本期记录生成{period.long_label}工作总结初稿，请在此基础上修改完善。")
    return redirect("reports:report_edit", code=branch.code, period=period)


# --- writing -----------------------------------------------------------------------------------


@login_required
def report_edit(request, code, period):
    """The report's page. Writers edit a draft or returned report here; everyone else, and
    everyone once it is submitted, sees it read-only (the frozen version)."""
    branch, report = _report_for(request.user, code, period, write=request.method == "POST")
    if not access.can_write_branch(request.user, branch) or not report.is_editable:
        if request.method == "POST":
            messages.error(request, f"该报告{report.get_status_display()}，不能修改。")
            return redirect("reports:report_edit", code=branch.code, period=period)
        return _render_preview(request, branch, report)

    if request.method != "POST":
        return _render_editor(request, branch, report)

    editor = ReportEditor(report, request.POST)
    action, argument = editor.action()
    editor.apply(action, argument)
    if not editor.is_valid():
        messages.error(request, f"有 {editor.error_count()} 处需要修改，内容尚未保存。您填写的文字都保留在下方。")
        return _render_editor(request, branch, report, editor, status=400)
    try:
        added = services.report_save_and_apply(
            report=report,
            by=request.user,
            action=action,
            carry_keys=request.POST.getlist("carry"),
            **editor.save_arguments(),
        )
    except services.ReportConflict as conflict:
        editor.set_revision(conflict.report.revision)
        return _render_editor(request, branch, report, editor, conflict=conflict.report, status=409)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _render_editor(request, branch, report, editor, status=400)
    except services.WorkflowError as error:
        messages.error(request, f"{error}。您填写的文字保留在下方，可复制留存。")
        return _render_editor(request, branch, report, editor, status=409)

    url = reverse("reports:report_edit", kwargs={"code": branch.code, "period": period})
    if action == "recompile":
        if added:
            messages.success(request, f"已保存并重新汇总：数据按最新记录更新，新增 {len(added)} 条默认条目（标有“新增”）。")
        else:
            messages.success(request, "已保存并重新汇总：数据按最新记录更新，没有需要新增的条目。")
    elif action == "carry":
        if added:
            messages.success(request, f"已保存，并沿用了 {len(added)} 条上期内容，请根据本期情况修改。")
            editor.anchor = f"section-{added[0].section}"
        else:
            messages.warning(request, "已保存。请先勾选要沿用的上期条目，再点击“沿用所选条目”。")
    elif action == "preview":
        return redirect("reports:report_preview", code=branch.code, period=period)
    else:
        messages.success(request, "已保存。")
    return redirect(f"{url}#{editor.anchor}" if editor.anchor else url)


def _render_editor(
    request, branch, report, editor: ReportEditor | None = None, *, conflict: Report | None = None, status=200
):
    context = editor_page(branch=branch, report=report, editor=editor, user=request.user, conflict=conflict)
    return render(request, "reports/report_edit.html", context, status=status)



# --- preview, print, download, submit -------------------------------------------------------


def _render_preview(request, branch: Organisation, report: Report):
    today = timezone.localdate()
    # The trail names every version: the latest is read from it, not queried again.
    events = list(report_events(report))
    reading = report_reading(report=report, today=today, events=events)
    document, version = reading.document, reading.version
    can_write = access.can_write_branch(request.user, branch)
    gaps = []
    if can_write and report.is_editable:
        # A draft's come with its compilation (one reading of the facts).
        if version is None and reading.draft_evidence_gaps is not None:
            gaps = reading.draft_evidence_gaps
        else:
            gaps = evidence_gaps(branch=branch, period=report.period)
    comments_version = latest_version_in(events) if report.status == Report.Status.RETURNED else None
    overall, by_section = section_comments(comments_version.comments.select_related("by")) if comments_version else ([], {})
    claims = reading.claims
    if version is not None:  # a frozen version reads the same for ever
        document_key = figures_key("version-html", branch, version.pk)
    else:
        document_key = figures_key("draft-html", branch, *report_state(report), today.isoformat())
    return render(
        request,
        "reports/report_preview.html",
        {
            "branch": branch,
            "report": report,
            "document": document,
            "document_key": document_key,
            "version": version,
            "can_write": can_write,
            "can_review": access.can_review_branch(request.user, branch),
            "evidence_gaps": gaps,
            # Past a few hundred ids the link would outgrow a request line: list the period instead.
            "evidence_ids": ",".join(map(str, gaps)) if len(gaps) <= 300 else "",
            "events": events,
            # Every version was submitted by an event that names it: no query of its own.
            "has_versions": any(event.version_id for event in events),
            "overall_comments": overall,
            "section_comments": sorted(by_section.items()),
            "section_headings": report.section_headings,
            "claims": claim_rows(claims, document, branch, report.period, can_write=can_write and report.is_editable),
        },
    )


@login_required
def report_preview(request, code, period):
    branch, report = _report_for(request.user, code, period)
    return _render_preview(request, branch, report)


@login_required
def report_print(request, code, period):
    branch, report = _report_for(request.user, code, period)
    document, _ = report_document(report=report, today=timezone.localdate())
    return render(request, "reports/print.html", {"document": document, "branch": branch, "report": report})


def _serve(report_file: files.ReportFile):
    return file_download(report_file.file, filename=report_file.filename, content_type=report_file.content_type)


@login_required
def report_download(request, code, period, fmt):
    branch, report = _report_for(request.user, code, period)
    try:
        return _serve(files.report_file(report=report, fmt=fmt, today=timezone.localdate()))
    except files.UnknownFormat:
        raise Http404("不支持的文件格式") from None
    except services.StorageUnavailable as error:
        messages.error(request, str(error))
        return redirect("reports:report_preview", code=branch.code, period=period)


@transaction.non_atomic_requests  # renders the files first, with no lock held (services.report_submit)
@login_required
@require_POST
def report_submit(request, code, period):
    branch, report = _report_for(request.user, code, period, write=True)
    try:
        version = services.report_submit(report=report, by=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("reports:report_preview", code=branch.code, period=period)
    messages.success(request, f"已报送第{version.number}版，等待{branch.parent.name if branch.parent_id else '上级党组织'}审阅。报送的内容已存档，不再随记录变化。")
    return redirect("reports:report_edit", code=branch.code, period=period)


# --- versions ----------------------------------------------------------------------------------


@login_required
def report_versions(request, code, period):
    branch, report = _report_for(request.user, code, period)
    versions = list(
        report.versions.select_related("submitted_by")
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.select_related("by").order_by("at", "pk")))
        .order_by("-number")
    )
    return render(
        request,
        "reports/report_versions.html",
        {"branch": branch, "report": report, "versions": versions, "events": report_events(report)},
    )


def _version_for(report: Report, number: int) -> ReportVersion:
    return get_object_or_404(report.versions.select_related("submitted_by"), number=number)


@login_required
def version_detail(request, code, period, number):
    branch, report = _report_for(request.user, code, period)
    version = _version_for(report, number)
    overall, by_section = section_comments(version.comments.select_related("by"))
    return render(
        request,
        "reports/version_detail.html",
        {
            "branch": branch,
            "report": report,
            "version": version,
            "document": Document.from_json(version.document),
            "events": version.events.select_related("by").order_by("at", "pk"),
            "overall_comments": overall,
            "section_comments": sorted(by_section.items()),
            "section_headings": report.section_headings,
            "version_count": report.versions.count(),
            "here": f"第{version.number}版",
        },
    )


@login_required
def version_download(request, code, period, number, fmt):
    branch, report = _report_for(request.user, code, period)
    try:
        return _serve(files.version_file(version=_version_for(report, number), fmt=fmt, numbered=True))
    except files.UnknownFormat:
        raise Http404("不支持的文件格式") from None
    except services.StorageUnavailable as error:
        messages.error(request, str(error))
        return redirect("reports:report_versions", code=branch.code, period=period)


@login_required
def version_compare(request, code, period):
    branch, report = _report_for(request.user, code, period)
    versions = list(report.versions.select_related("submitted_by").order_by("number"))
    context = {
        "branch": branch,
        "report": report,
        "versions": versions,
        "rows": None,
        "can_review": access.can_review_branch(request.user, branch),
    }
    if len(versions) < 2:
        return render(request, "reports/version_compare.html", context)
    by_number = {version.number: version for version in versions}
    try:
        a = int(request.GET.get("a", versions[-2].number))
        b = int(request.GET.get("b", versions[-1].number))
    except ValueError:
        raise Http404("版本号无效") from None
    if a not in by_number or b not in by_number:
        raise Http404("没有该版本")
    rows = compare_versions(by_number[a], by_number[b])
    only_changes = request.GET.get("only") == "changes"
    context.update(
        {
            "a": by_number[a],
            "b": by_number[b],
            "rows": [row for row in rows if row.is_change] if only_changes else rows,
            "changes": sum(1 for row in rows if row.is_change),
            "only_changes": only_changes,
        }
    )
    return render(request, "reports/version_compare.html", context)


# --- review ------------------------------------------------------------------------------------


def _render_review(
    request, branch, report, form: ReviewForm | None = None, *, status=200, unsent: dict | None = None
):
    version = report_latest_version(report)
    if form is None:
        form = ReviewForm(initial={"version": version.number if version else None})
    document = Document.from_json(version.document) if version else None
    claims = (
        claim_rows(
            document_claims(report, today=timezone.localdate(), version=version),
            document,
            branch,
            report.period,
            can_write=False,
        )
        if version
        else []
    )
    previous_comments = (
        ReviewComment.objects.filter(version__report=report).select_related("by", "version").order_by("-version__number", "section", "pk")
    )
    return render(
        request,
        "reports/report_review.html",
        {
            "branch": branch,
            "report": report,
            "version": version,
            "document": document,
            "claims": claims,
            "form": form,
            "events": report_events(report),
            "previous_comments": previous_comments,
            "section_headings": report.section_headings,
            "unsent": unsent,
        },
        status=status,
    )


@login_required
def report_review(request, code, period):
    branch, report = _report_for(request.user, code, period)
    _require_review(request.user, branch)
    return _render_review(request, branch, report)


def _review_action(request, code, period, action: str):
    branch, report = _report_for(request.user, code, period)
    _require_review(request.user, branch)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if "version" in form.errors:  # the hidden version field: a page from before a reload
            messages.error(request, "页面已过期，请刷新后重试。")
        return _render_review(request, branch, report, form, status=400)
    data = form.cleaned_data
    try:
        if action == "return":
            services.report_return(
                report=report,
                by=request.user,
                comment=data["comment"],
                section_comments=form.section_comments(),
                version_number=data["version"],
            )
            messages.success(request, f"已将{report.branch.name}的{report.period.long_label}工作总结退回修改。")
        else:
            services.report_approve(report=report, by=request.user, comment=data["comment"], version_number=data["version"])
            messages.success(request, f"{report.branch.name}的{report.period.long_label}工作总结已审核通过。")
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error.messages)
        return _render_review(request, branch, report, form, status=400)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        report.refresh_from_db()
        latest = report_latest_version(report)
        if report.status == Report.Status.SUBMITTED:
            # A newer version arrived meanwhile: keep the typed comments, aimed at the new version.
            posted = request.POST.copy()
            posted["version"] = str(latest.number)
            return _render_review(request, branch, report, ReviewForm(posted), status=409)
        unsent = {"comment": data["comment"], "sections": [(n, t) for n, t in form.section_comments().items() if t.strip()]}
        fresh = ReviewForm(initial={"version": latest.number if latest else None})
        return _render_review(request, branch, report, fresh, status=409, unsent=unsent)
    return redirect("reports:report_review", code=branch.code, period=period)


@login_required
@require_POST
def report_return(request, code, period):
    return _review_action(request, code, period, "return")


@login_required
@require_POST
def report_approve(request, code, period):
    return _review_action(request, code, period, "approve")


# --- the reviewer's roll-up ------------------------------------------------------------------


@login_required
def review_dashboard(request, code):
    organisation = access.reviewer_scope_for_user(request.user, code)
    periods = period_range(organisation, timezone.localdate())
    period, period_error = period_from_query(request.GET, timezone.localdate(), periods)
    rollup = review_rollup(
        organisation=organisation, period=period, today=timezone.localdate(), sort=request.GET.get("sort", "")
    )
    queue = review_queue(organisation=organisation)
    # The navigation bar's waiting count of this organisation is the queue's total: not counted twice.
    note_waiting_counted(request, organisation, queue.total)
    columns = [("name", "党支部"), ("status", "状态"), *ROLLUP_LABELS.items(), ("publicity", "新闻宣传"), ("gaps", "合规缺口")]
    current = rollup.sort
    sort_links = [
        {
            "key": key,
            "label": label,
            "next": f"-{key}" if current == key else key,
            "active": current.lstrip("-") == key,
            "descending": current.startswith("-"),
        }
        for key, label in columns
        if key in SORT_KEYS
    ]
    return render(
        request,
        "reports/review_dashboard.html",
        {
            "organisation": organisation,
            "period": period,
            "period_error": period_error,
            "period_choices": periods.choices(),
            "rollup": rollup,
            "queue": queue,
            "sort_links": sort_links,
            "kind_labels": list(ROLLUP_LABELS.values()),
            "status_labels": STATUS_LABELS,
        },
    )


@login_required
def approved_zip(request, code, period):
    """Every approved report of the period below the reviewer, as stored PDFs and DOCXs in one ZIP."""
    organisation = access.reviewer_scope_for_user(request.user, code)
    archive = files.approved_archive(organisation=organisation, period=period)
    if archive is None:
        messages.info(request, f"{period.long_label}还没有审核通过的工作总结，暂无可下载的文件。")
        return redirect(f"{reverse('reports:review_dashboard', kwargs={'code': organisation.code})}?period={period.code}")
    return _serve(archive)
