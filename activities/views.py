"""Pages for the records a branch logs: its home page, the record list, forms, attendance and
attachments. Every view loads the branch through ``branchwork.access`` and starts its queries from
it, so another branch's record is a 404; reviewers read and get 403 on every change."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from branchwork.access import branch_for_user, can_write_branch
from branchwork.figures import figures_key
from branchwork.models import Member
from branchwork.periods import period_from_query

from . import evidence, services
from .forms import (
    ABSENT,
    PRESENT,
    ActivityForm,
    AttachmentForm,
    AttendanceForm,
)
from .kinds import KINDS, VOTE_FIELDS, Category, kinds_in
from .meeting_record import presence_warnings, vote_text
from .models import Activity, Attachment
from .pages import (
    BranchOverview,
    RecordListing,
    branch_home_panels,
    branch_records,
    with_dependants,
    with_details,
)
from .periods import period_range
from .quorum import quorum_results
from .rectifications import SOURCE_OF_KIND


def _get_activity(branch, pk: int, queryset=None) -> Activity:
    return get_object_or_404((queryset if queryset is not None else branch_records(branch)), pk=pk)


def _quick_actions() -> list[tuple[str, list]]:
    return [(label, kinds_in(category)) for category, label in Category.LABELS.items() if kinds_in(category)]


# Branch home -----------------------------------------------------------------------------------


@login_required
def branch_home(request, code):
    branch = branch_for_user(request.user, code)
    today = timezone.localdate()
    periods = period_range(branch, today)
    period, period_error = period_from_query(request.GET, today, periods)
    can_write = can_write_branch(request.user, branch)
    return render(
        request,
        "activities/branch_home.html",
        {
            "branch": branch,
            "period": period,
            "period_error": period_error,
            "period_choices": periods.choices(),
            "today": today,
            "can_write": can_write,
            "quick_actions": _quick_actions(),
            "overview": BranchOverview(branch=branch, period=period, today=today),
            # Other apps' boxes beside the records (the reports box): outside the cached fragment,
            # they change with a report, not with the figures.
            "panels": branch_home_panels(branch=branch, period=period, today=today, can_write=can_write),
            # The calendar's status depends on the day; what the page offers, on the user's role.
            "figures_key": figures_key(
                "branch-home", branch, period.code, today.isoformat(), can_write, period_error
            ),
        },
    )


# Record list -----------------------------------------------------------------------------------


@login_required
def activity_list(request, code):
    branch = branch_for_user(request.user, code)
    today = timezone.localdate()
    can_write = can_write_branch(request.user, branch)
    return render(
        request,
        "activities/activity_list.html",
        {
            "branch": branch,
            "listing": RecordListing(branch=branch, params=request.GET, today=today),
            "can_write": can_write,
            "quick_actions": _quick_actions(),
            "figures_key": figures_key(
                "record-list", branch, today.isoformat(), can_write, request.GET.urlencode()
            ),
        },
    )


# Create, update, delete ------------------------------------------------------------------------


@login_required
def activity_create(request, code, kind):
    branch = branch_for_user(request.user, code, write=True)
    kind_info = KINDS.get(kind)
    if kind_info is None:
        raise Http404("没有这种记录类型")
    form = ActivityForm(
        request.POST or None, kind=kind_info, branch=branch, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                branch=branch,
                kind=kind_info.code,
                by=request.user,
                also_counts_as=form.cleaned_data.get("also_counts_as", ()),
                **form.field_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if kind_info.takes_attendance:
                messages.success(request, f"已登记{kind_info.label}。下一步请登记出席情况，并上传会议记录和照片。")
            else:
                messages.success(request, f"已登记{kind_info.label}。可在下方上传相关材料。")
            return redirect("activities:activity_detail", code=branch.code, pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"branch": branch, "kind": kind_info, "form": form, "activity": None},
    )


@login_required
def activity_update(request, code, pk):
    branch = branch_for_user(request.user, code, write=True)
    activity = _get_activity(branch, pk, branch_records(branch).prefetch_related("counted_kinds"))
    original_title = activity.title
    form = ActivityForm(request.POST or None, instance=activity, kind=activity.kind_info, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity,
                by=request.user,
                also_counts_as=form.cleaned_data.get("also_counts_as") if "also_counts_as" in form.fields else None,
                **form.field_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已保存修改。")
            return redirect("activities:activity_detail", code=branch.code, pk=activity.pk)
    warnings = []
    if activity.kind_info.has_minutes:  # what the record says now; the form may be changing it
        warnings = presence_warnings(activity, activity.attendance.select_related("member"))
    return render(
        request,
        "activities/activity_form.html",
        {
            "branch": branch,
            "kind": activity.kind_info,
            "form": form,
            "activity": activity,
            "original_title": original_title,
            "presence_warnings": warnings,
        },
    )


@login_required
def activity_delete(request, code, pk):
    branch = branch_for_user(request.user, code, write=True)
    activity = _get_activity(branch, pk, with_dependants(branch_records(branch)))
    if request.method == "POST":
        label = str(activity)
        services.activity_delete(activity=activity, by=request.user)
        messages.success(request, f"已删除记录“{label}”。")
        return redirect("activities:activity_list", code=branch.code)
    return render(request, "activities/activity_confirm_delete.html", {"branch": branch, "activity": activity})


# Detail and attachments ------------------------------------------------------------------------


# Fields typed one item a line, shown as a list: field → the model's list of its lines.
LINE_FIELDS = {"materials": "material_list", "activity_forms": "activity_form_list", "basis": "basis_list"}


def _display_fields(activity: Activity) -> list[tuple[str, object, str]]:
    """(label, value, how to show it) for each field the kind uses, in the form's order."""
    kind = activity.kind_info
    rows = []
    for name in kind.fields:
        if name == "speaker_name":
            continue  # shown together with ``speaker``
        field = Activity._meta.get_field(name)
        # The form's hint "（每行一项）" is for typing, not for reading.
        label = kind.labels.get(name, str(field.verbose_name)).replace("（每行一项）", "").replace("，每行一项", "")
        style = "text"
        if name == "speaker":
            value = activity.speaker_display
            if activity.speaker_post and "speaker_post" not in kind.fields:
                value = f"{value}（{activity.speaker_post}）"
        elif name in LINE_FIELDS:
            value, style = getattr(activity, LINE_FIELDS[name]), "lines"
        elif name == "participant_members":
            value = "、".join(member.name for member in activity.participant_members.all())
        elif name == "vote_matter":  # the vote on one row: 表决情况
            label, value, style = "表决情况", "\n".join(vote_text(activity)), "paragraphs"
        elif name in VOTE_FIELDS:
            continue
        elif name == "is_resolved":
            value = "已整改" if activity.is_resolved else "未整改"
        elif name in ("start_time", "end_time"):
            value = activity_time(getattr(activity, name))
        elif name == "party_group":
            value = activity.party_group.name if activity.party_group_id else ""
        elif name == "series_kind":
            value = KINDS[activity.series_kind].label if activity.series_kind in KINDS else activity.series_kind
        elif field.choices:
            value = getattr(activity, f"get_{name}_display")()
        elif isinstance(field, models.TextField):
            value, style = getattr(activity, name), "paragraphs"
        elif isinstance(field, models.DateField):
            value, style = getattr(activity, name), "date"
        elif name == "amount":
            value = f"{activity.amount:,.2f} 元" if activity.amount is not None else ""
        else:
            value = getattr(activity, name)
        rows.append((label, value, style))
    return rows


def activity_time(value) -> str:
    return value.strftime("%H:%M") if value else ""


def _detail_context(request, branch, activity: Activity, upload_form=None) -> dict:
    attendance = list(activity.attendance.select_related("member", "member__party_group").order_by("-present", "member__name"))
    return {
        "branch": branch,
        "activity": activity,
        "kind": activity.kind_info,
        "also": [KINDS[code] for code in evidence.also_counts_as(activity)],
        "fields": _display_fields(activity),
        "attendance": attendance,
        "present": [row for row in attendance if row.present],
        "absent": [row for row in attendance if not row.present],
        "rate": evidence.attendance_rate(activity),
        "quorum": quorum_results([activity]).get(activity.pk, []),
        "presence_warnings": presence_warnings(activity, attendance) if activity.kind_info.has_minutes else [],
        "checklist": evidence.checklist(activity),
        "attachments": list(activity.attachments.select_related("uploaded_by")),
        "upload_form": upload_form or AttachmentForm(),
        "can_write": can_write_branch(request.user, branch),
        # Records a problem is found in offer 「列入整改台账」 (activities.rectifications).
        "rectify_from": activity.kind in SOURCE_OF_KIND,
    }


def _detail_queryset(branch):
    return with_details(branch_records(branch)).select_related("created_by", "updated_by")


@login_required
def activity_detail(request, code, pk):
    branch = branch_for_user(request.user, code)
    activity = _get_activity(branch, pk, _detail_queryset(branch))
    return render(request, "activities/activity_detail.html", _detail_context(request, branch, activity))


# Not in the request's transaction: the file (up to ATTACHMENT_MAX_MB, perhaps to S3) is written with
# no lock held, then its row in a short transaction of the service's, which removes the file if that fails.
@transaction.non_atomic_requests
@login_required
@require_POST
def attachment_upload(request, code, pk):
    branch = branch_for_user(request.user, code, write=True)
    # The record alone, from the branch's records as every view: its details (evidence counts,
    # attendance, attachments — the heaviest query of the record's page) only if the page is shown again.
    activity = _get_activity(branch, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                activity=activity, upload=form.cleaned_data["file"], category=form.cleaned_data["category"], by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"已上传“{attachment.original_name}”。")
            return redirect("activities:activity_detail", code=branch.code, pk=activity.pk)
    activity = _get_activity(branch, pk, _detail_queryset(branch))
    context = _detail_context(request, branch, activity, upload_form=form)
    return render(request, "activities/activity_detail.html", context)


def _get_attachment(branch, pk: int, attachment_pk: int) -> Attachment:
    activity = _get_activity(branch, pk)
    return get_object_or_404(activity.attachments.all(), pk=attachment_pk)


@login_required
def attachment_download(request, code, pk, attachment_pk):
    branch = branch_for_user(request.user, code)
    attachment = _get_attachment(branch, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件已不存在，请联系系统管理员") from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, code, pk, attachment_pk):
    branch = branch_for_user(request.user, code, write=True)
    attachment = _get_attachment(branch, pk, attachment_pk)
    name = attachment.original_name
    services.attachment_delete(attachment=attachment, by=request.user)
    messages.success(request, f"已删除附件“{name}”。")
    return redirect("activities:activity_detail", code=branch.code, pk=pk)


# Attendance ------------------------------------------------------------------------------------


@login_required
def activity_attendance(request, code, pk):
    branch = branch_for_user(request.user, code, write=True)
    activity = _get_activity(branch, pk, branch_records(branch).select_related("party_group"))
    if not activity.kind_info.takes_attendance:
        raise Http404("该类记录不登记出席情况")
    roster = services.attendance_roster(activity=activity)
    marks, recorded = services.attendance_marks(activity=activity, roster=roster)
    initial = {pk: (PRESENT if row.present else ABSENT, row.absence_reason) for pk, row in marks.items()}
    form = AttendanceForm(request.POST or None, roster=roster, initial_rows=initial)
    if request.method == "POST" and form.is_valid():
        rows = form.rows()
        services.attendance_save(activity=activity, rows=rows, by=request.user)
        present = sum(1 for row in rows if row.present)
        messages.success(request, f"已保存出席情况：应到{len(rows)}人，实到{present}人。")
        return redirect("activities:activity_detail", code=branch.code, pk=activity.pk)
    return render(
        request,
        "activities/attendance_form.html",
        {"branch": branch, "activity": activity, "form": form, "roster": roster, "has_rows": recorded},
    )


@login_required
def member_attendance(request, code, member_pk):
    branch = branch_for_user(request.user, code)
    member = get_object_or_404(Member.objects.filter(branch=branch).select_related("party_group"), pk=member_pk)
    today = timezone.localdate()
    periods = period_range(branch, today)
    period, period_error = period_from_query(request.GET, today, periods)
    summary = services.member_attendance(member=member, start=period.start, end=period.end)
    return render(
        request,
        "activities/member_attendance.html",
        {
            "branch": branch,
            "member": member,
            "period": period,
            "period_error": period_error,
            "period_choices": periods.choices(),
            "summary": summary,
        },
    )
