"""Workflows on records: creating and changing activities keeps the kinds they count as in step;
attendance is replaced as a whole; attachments are checked by content before they are stored."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from branchwork.audit.services import audit_bulk_created
from branchwork.figures import figures_changed
from branchwork.limits import RECORD_MAX_ATTACHMENTS
from branchwork.models import Member, Organisation

from .attachments import validate_upload
from .kinds import COMMON_FIELDS, KINDS, Kind, Quorum
from .models import Activity, ActivityKind, Attachment, Attendance

logger = logging.getLogger(__name__)

# Fields a form or an import may set; ``kind`` and ``branch`` are fixed when a record is created.
EDITABLE_FIELDS = (
    "date",
    "title",
    "start_time",
    "end_time",
    "place",
    "host",
    "content",
    "decisions",
    "recorder",
    "observers",
    "vote_matter",
    "vote_expected",
    "vote_present",
    "vote_for",
    "vote_against",
    "vote_abstain",
    "materials",
    "study_form",
    "activity_forms",
    "occasion",
    "participants",
    "party_group",
    "speaker",
    "speaker_name",
    "speaker_post",
    "joint_with",
    "basis",
    "year_of",
    "headcount",
    "is_resolved",
    "resolved_on",
    "rectification_source",
    "source_ref",
    "responsible_member",
    "responsible_text",
    "deadline",
    "participant_members",
    "other_participants",
    "outcome",
    "interviewee",
    "talk_reason",
    "payment_type",
    "paid_count",
    "member_total",
    "amount",
    "branch_role",
    "members_part",
    "material_type",
    "sent_to",
    "series_kind",
    "series_count",
    "date_to",
    "approval_matter",
    "approval_status",
    "approval_body",
    "reported_on",
    "approved_on",
)
# Many-to-many fields: set after the record is saved.
MANY_FIELDS = ("participant_members",)


def activity_set_kinds(*, activity: Activity, also_counts_as: Iterable[str] = (), figures_renewed: bool = False) -> None:
    """Make the record count as its own kind plus ``also_counts_as`` (a meeting held as several).

    ``figures_renewed``: the caller has already renewed the branch's figures version in the
    transaction this runs in (by saving the record), so this need not write it again."""
    wanted = {activity.kind, *also_counts_as}
    existing = set(activity.counted_kinds.values_list("kind", flat=True))
    if existing - wanted:
        activity.counted_kinds.filter(kind__in=existing - wanted).delete()
    added = ActivityKind.objects.bulk_create([ActivityKind.of(activity, code) for code in wanted - existing])
    if added and not figures_renewed:
        figures_changed(branch_ids=[activity.branch_id])  # bulk_create sends no signals


def combinable_with(kind: Kind) -> list[Kind]:
    """The kinds a record of ``kind`` may also count as when held together."""
    if not kind.combinable:
        return []
    return [other for other in KINDS.values() if other.combinable and other.code != kind.code]


def _check_fields(kind: Kind, fields: dict) -> None:
    allowed = set(COMMON_FIELDS) | set(kind.fields)
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"{kind.code} records have no field(s) {sorted(unknown)}")


def _check_also(kind: Kind, also_counts_as: Iterable[str]) -> list[str]:
    also = [code for code in dict.fromkeys(also_counts_as) if code != kind.code]
    allowed = {other.code for other in combinable_with(kind)}
    if set(also) - allowed:
        raise ValueError(f"{kind.code} cannot also count as {sorted(set(also) - allowed)}")
    return also


@transaction.atomic
def activity_create(
    *, branch: Organisation, kind: str, by=None, also_counts_as: Iterable[str] = (), **fields
) -> Activity:
    """A new record of ``kind`` for ``branch``; ``fields`` are the kind's fields (date, title, …)."""
    kind_info = KINDS[kind]
    _check_fields(kind_info, fields)
    also = _check_also(kind_info, also_counts_as)
    many = {name: fields.pop(name) for name in MANY_FIELDS if name in fields}
    activity = Activity(branch=branch, kind=kind, created_by=by, updated_by=by, **fields)
    activity.full_clean(exclude=["branch", "created_by", "updated_by"])
    activity.save()  # its post_save renews the branch's figures version, in this transaction
    _set_many(activity, many)
    # What follows is written in the same transaction as that renewal: readers see the new
    # version only together with all of it, so one renewal covers it (branchwork.figures).
    activity_set_kinds(activity=activity, also_counts_as=also, figures_renewed=True)
    return activity


def _set_many(activity: Activity, many: dict) -> None:
    """Members named on the record must be the branch's own (the form offers only those)."""
    for name, members in many.items():
        members = list(members)
        if any(member.branch_id != activity.branch_id for member in members):
            raise ValidationError({name: "只能选择本支部花名册中的人员"})
        getattr(activity, name).set(members)


@transaction.atomic
def activity_update(
    *, activity: Activity, by=None, also_counts_as: Iterable[str] | None = None, **fields
) -> Activity:
    """Change the given fields; ``also_counts_as`` (when given) replaces the combined kinds."""
    kind_info = activity.kind_info
    _check_fields(kind_info, fields)
    many = {name: fields.pop(name) for name in MANY_FIELDS if name in fields}
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.updated_by = by
    activity.full_clean(exclude=["branch", "created_by", "updated_by"])
    # Its post_save renews the branch's figures version, in this transaction (the m2m changes and
    # the counted kinds below send no signal of their own): readers see the new version only
    # together with everything written here, so one renewal covers it all (branchwork.figures).
    activity.save(update_fields=[*fields, "updated_by", "updated_at"])
    _set_many(activity, many)
    if also_counts_as is not None:
        activity_set_kinds(
            activity=activity, also_counts_as=_check_also(kind_info, also_counts_as), figures_renewed=True
        )
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by=None) -> None:
    """Delete the record with its attendance and attachments (files go once the delete commits).

    Submitted reports keep their frozen copy, so deleting a record never changes them."""
    files = [attachment.file for attachment in activity.attachments.all()]
    activity.delete()
    transaction.on_commit(lambda: [_delete_file(f) for f in files])


# Attendance ------------------------------------------------------------------------------------


def on_roster(day: datetime.date) -> Q:
    """The branch's roster rows that were on it on ``day``: joined (or listed) and transferred in
    by then, and not transferred out on or before it (dates left blank: always were). The people
    a record of that day may name (its attendance, participants, speaker)."""
    return (
        (Q(joined_on__isnull=True) | Q(joined_on__lte=day))
        & (Q(transferred_in_on__isnull=True) | Q(transferred_in_on__lte=day))
        & (Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gt=day))
    )


def attendance_roster(*, activity: Activity) -> list[Member]:
    """Who may be listed for the meeting: the branch roster on the meeting's date (``on_roster``)
    plus anyone already registered for it. For a 党小组会 that group's members come first."""
    registered = Q(attendance__activity=activity)
    members = list(
        Member.objects.filter(branch_id=activity.branch_id)
        .filter(on_roster(activity.date) | registered)
        .select_related("party_group")
        .distinct()
        .order_by("party_group__name", "name", "pk")
    )
    if activity.party_group_id:
        members.sort(key=lambda m: m.party_group_id != activity.party_group_id)
    return members


def attendance_expected_by_default(*, activity: Activity, member: Member) -> bool:
    """Whom a new attendance list expects: the committee at a 支委会, the group at a 党小组会,
    the Party members (正式/预备) at other meetings; activists and candidates are listed but
    not counted unless the secretary says so."""
    kind = activity.kind_info
    if kind.quorum == Quorum.COMMITTEE:
        return member.is_committee
    if "party_group" in kind.required and activity.party_group_id:
        return member.party_group_id == activity.party_group_id
    return member.status in (Member.Status.FULL, Member.Status.PROBATIONARY)


# What secretaries type when they do not know why someone was absent: stored as no reason, so the
# absence counts as unexplained (a report's 〔缺席未说明原因情况〕). An explicit list, compared
# whole: 「病假不明确」 is a reason.
NOT_A_REASON = frozenset({
    "无", "无故", "无故缺席", "无故缺会", "无故未到", "无原因", "没有原因",
    "不明", "原因不明", "不详", "原因不详", "未知", "原因未知",
    "未说明", "未说明原因", "未说明理由", "-", "—", "/",
})


def absence_reason(text: str) -> str:
    """The reason to store for an absence: as typed, or blank for none (``NOT_A_REASON``)."""
    reason = text.strip()
    bare = reason.rstrip("。.")  # 「无。」 says no more than 「无」
    return "" if not bare or bare in NOT_A_REASON else reason


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    present: bool
    absence_reason: str = ""


def attendance_marks(*, activity: Activity, roster: list[Member]) -> tuple[dict[int, AttendanceRow], bool]:
    """The meeting's attendance as the form starts from — member id → row, the members left out
    not counted — and whether any was recorded. Until some is, the members of ``roster`` (its
    ``attendance_roster``) expected by default are marked present."""
    recorded = {
        row.member_id: AttendanceRow(row.member_id, row.present, row.absence_reason) for row in activity.attendance.all()
    }
    if recorded:
        return recorded, True
    expected = {
        member.pk: AttendanceRow(member.pk, True)
        for member in roster
        if attendance_expected_by_default(activity=activity, member=member)
    }
    return expected, False


@transaction.atomic
def attendance_save(*, activity: Activity, rows: Iterable[AttendanceRow], by=None) -> list[Attendance]:
    """Make the meeting's attendance ``rows`` (members left out are not counted). An absence
    without a reason, or with one that says none (``absence_reason``), is stored without one.

    Only what changed is written — rows added, changed or removed — so the audit log shows who
    changed whose attendance, not the whole list deleted and created again on every save."""
    rows = list(rows)
    roster = {member.pk: member for member in attendance_roster(activity=activity)}
    strangers = {row.member_id for row in rows} - set(roster)
    if strangers:
        raise ValueError(f"members {sorted(strangers)} are not on the roster of {activity.branch}")
    if len({row.member_id for row in rows}) != len(rows):
        raise ValueError("a member is listed twice")
    existing = {row.member_id: row for row in activity.attendance.select_related("member")}
    wanted = {row.member_id for row in rows}
    for member_id, row in existing.items():
        if member_id not in wanted:
            row.delete()
    saved, to_create = [], []
    for row in rows:
        reason = "" if row.present else absence_reason(row.absence_reason)
        current = existing.get(row.member_id)
        if current is None:
            current = Attendance(activity=activity, member=roster[row.member_id], present=row.present, absence_reason=reason)
            to_create.append(current)
        elif (current.present, current.absence_reason) != (row.present, reason):
            current.present, current.absence_reason = row.present, reason
            current.save(update_fields=["present", "absence_reason"])
        saved.append(current)
    Attendance.objects.bulk_create(to_create)
    audit_bulk_created(objects=to_create)
    figures_changed(branch_ids=[activity.branch_id])  # bulk_create sends no signals
    activity.updated_by = by
    activity.save(update_fields=["updated_by", "updated_at"])
    return saved


@dataclass(frozen=True)
class MemberAttendance:
    rows: list[Attendance]  # newest meeting first

    @property
    def attended(self) -> list[Attendance]:
        return [row for row in self.rows if row.present]

    @property
    def absent(self) -> list[Attendance]:
        return [row for row in self.rows if not row.present]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def rate(self) -> int | None:
        return round(100 * len(self.attended) / self.expected) if self.expected else None


def member_attendance(*, member: Member, start: datetime.date, end: datetime.date) -> MemberAttendance:
    """The member's attendance at the branch's meetings between two dates, newest first."""
    rows = (
        Attendance.objects.filter(member=member, activity__branch_id=member.branch_id, activity__date__range=(start, end))
        .select_related("activity")
        .order_by("-activity__date", "-activity__pk")
    )
    return MemberAttendance(list(rows))


# Attachments -----------------------------------------------------------------------------------


def attachment_add(*, activity: Activity, upload: UploadedFile, category: str, by=None) -> Attachment:
    """Check the upload's content and store it through Django's storage under a random name; a
    record holds at most ``RECORD_MAX_ATTACHMENTS`` files."""
    held = activity.attachments.count()
    if held >= RECORD_MAX_ATTACHMENTS:
        raise ValidationError(
            f"每条记录最多上传 {RECORD_MAX_ATTACHMENTS} 个附件，本记录已有 {held} 个。"
            "请先删除不需要的附件，或把多张照片合成一个文件后再上传。"
        )
    file_type = validate_upload(upload)
    if category not in Attachment.Category.values:
        raise ValueError(f"unknown attachment category {category!r}")
    attachment = Attachment(
        activity=activity,
        category=category,
        original_name=_clean_name(upload.name),
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    upload.seek(0)
    try:
        attachment.file.save(attachment.original_name, upload, save=False)
    except Exception as error:  # the storage (disk full, read-only, bucket unreachable), not the upload
        logger.exception("Storing an attachment of activity %s failed", activity.pk)
        raise ValidationError(
            "附件未能保存：服务器的文件存储已满或暂时无法写入。记录本身不受影响，请稍后重新上传；"
            "如果问题持续，请联系系统管理员。"
        ) from error
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        _delete_file(attachment.file)
        raise
    return attachment


def attachment_delete(*, attachment: Attachment, by=None) -> None:
    file = attachment.file
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: _delete_file(file))


def _clean_name(name: str) -> str:
    """The uploaded name as shown to people: no folders, no control characters, ≤ 255 chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "附件"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 255 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:255]
    return base


def _delete_file(file) -> None:
    if file and file.name:
        file.storage.delete(file.name)
