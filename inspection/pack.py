"""The supporting-material pack (支撑材料) of a branch for a year or a half-year: what backs each
item of its 党委's standard (考核细则), assembled from the records, for the inspector's binder.

``pack_build`` reads the period in a fixed number of queries whatever the record count (the
period's facts, the calendar, the records with their attendance, kinds and attachments, the
standard and the report) and returns the document model of ``inspection.pack_document``, which
``inspection.pack_renderers`` prints as one PDF and as a ZIP of the originals.

Items map to material by ``measure`` and ``params["kinds"]`` (the shared design of issue 22):

- ``kind_count``: the period's records counted as those kinds (their 会议记录 pages, from
  ``reports.minutes``, or a record sheet for kinds without minutes; their attachments);
- ``rule``: the same records, the compliance calendar's rows of those kinds and the attendance at
  them;
- ``roster``: the roster at the period's end and its changes in the period;
- ``report``: the branch's report of the period, its latest submitted version;
- ``publicity``: publicity by outlet;
- ``manual``: the records of the kinds ``params`` names, if any; else nothing.

Without a standard for the branch's 党委 and the period's year the pack has one section per
category of kinds the branch recorded, then the calendar, attendance, roster and publicity.
An item with nothing behind it is empty (「暂无材料」 in the contents) — a calendar of months
missed is not material, so a rule's calendar joins its item only beside a record.

The records of the period that no item filed (kinds the standard does not name: 督导检查, 试用期满…)
follow the items in an appendix, 「附　其他工作记录」, so every record of the period is in the pack,
printed once; a pack whose items filed them all has no appendix.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from activities.attachments import human_size
from activities.compliance import DONE, DUE, FUTURE, MISSED, NA, OPEN, Calendar, branch_calendar
from activities.kinds import KINDS, Category
from activities.models import Activity, Attachment, Attendance
from activities.quorum import Known, quorum_results
from activities.selectors import POST_TITLES, PeriodFacts, period_facts
from branchwork import limits
from branchwork.figures import cached_figures
from branchwork.models import Member, Organisation
from branchwork.periods import Period, chinese_date
from reports.document import Document
from reports.files import ReportFile
from reports.minutes import minutes_for, printed_chars
from reports.minutes_document import Field
from reports.models import Report, ReportVersion

from .models import Standard, StandardItem
from .pack_document import (
    APPENDIX_CODE,
    APPENDIX_TITLE,
    Pack,
    PackItem,
    RecordMaterial,
    ReportMaterial,
    StoredFile,
    TableMaterial,
)

IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
EMPTY = "暂无材料"


class PackTooLarge(ValueError):
    """More than one pack may hold; ``str()`` is the user's message."""


# --- what the pack reads besides the branch's figures ------------------------------------------


@dataclass(frozen=True)
class PackSources:
    """The standard in force and the report of the period: not covered by the branch's figures
    version, so the cached files are keyed by them too (``cache_parts``)."""

    committee: Organisation | None
    standard: Standard | None
    items: tuple[StandardItem, ...]
    version: ReportVersion | None

    def cache_parts(self) -> tuple:
        items = [
            (i.pk, i.code, i.category, i.requirement, str(i.points), i.materials, i.measure, i.params, i.position)
            for i in self.items
        ]
        digest = hashlib.sha256(json.dumps(items, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
        standard = f"{self.standard.pk}v{self.standard.version}" if self.standard else "none"
        return (standard, digest, self.version.pk if self.version else "none")


def _committee(branch: Organisation) -> Organisation | None:
    """The 党委 above the branch (no query when the branch came with its parents, as ``access``
    loads it)."""
    for organisation in branch.ancestors():
        if organisation.level == Organisation.Level.COMMITTEE:
            return organisation
    return None


def pack_sources(*, branch: Organisation, period: Period) -> PackSources:
    """The 党委's standard for the period's year (its latest version) with its items, and the
    branch's latest submitted report of the period. Three queries."""
    committee = _committee(branch)
    standard = None
    if committee is not None:
        standard = (
            Standard.objects.filter(organisation=committee, year=period.year)
            .prefetch_related(Prefetch("items", queryset=StandardItem.objects.order_by("position", "pk")))
            .order_by("-version", "-pk")
            .first()
        )
    version = (
        ReportVersion.objects.filter(report__branch=branch, report__year=period.year, report__half=period.half)
        .select_related("report")
        .order_by("-number")
        .first()
    )
    return PackSources(committee, standard, tuple(standard.items.all()) if standard else (), version)


# --- records ----------------------------------------------------------------------------------


def _records(branch: Organisation, period: Period) -> list[Activity]:
    """The period's records with what their 会议记录, sheets and attachments print. Five queries."""
    records = list(
        Activity.objects.for_branch(branch)
        .in_period(period)
        .select_related("branch", "party_group", "speaker")
        .prefetch_related(
            "counted_kinds",
            "participant_members",
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("member__name", "pk")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("date", "start_time", "pk")[: limits.PACK_MAX_RECORDS + 1]
    )
    if len(records) > limits.PACK_MAX_RECORDS:
        raise PackTooLarge(
            f"{period.label}的记录超过{limits.PACK_MAX_RECORDS}条，一份支撑材料放不下，请按半年分别生成"
        )
    return records


# Fields a record sheet leaves out: printed in its heading rows, or not the inspector's business.
_SHEET_SKIP = {"date", "title", "speaker_name", "speaker_post", "start_time", "end_time", "date_to"}
_LONG_FIELDS = {"content", "decisions", "outcome", "basis", "materials", "activity_forms", "branch_role", "members_part"}


def _label(activity: Activity, name: str) -> str:
    """The field's label on the record form, without the form's hints (「（每行一项）」)."""
    label = activity.kind_info.label_for(name, str(Activity._meta.get_field(name).verbose_name))
    return re.sub(r"（(每行一项|非本支部)）$", "", label)


def _value(activity: Activity, name: str) -> str:
    if name == "speaker":
        return activity.speaker_display
    if name == "party_group":
        return activity.party_group.name if activity.party_group_id else ""
    if name == "participant_members":
        return "、".join(member.name for member in activity.participant_members.all())
    field = Activity._meta.get_field(name)
    value = getattr(activity, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(activity, f"get_{name}_display")())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return chinese_date(value)
    return str(value)


def record_sheet(activity: Activity) -> tuple[Field, ...]:
    """A record of a kind without 会议记录 (志愿服务, 党费, 报送材料…) as the fields it holds."""
    kind = activity.kind_info
    also = [KINDS[ck.kind].label for ck in activity.counted_kinds.all() if ck.kind != activity.kind]
    date = chinese_date(activity.date)
    if activity.date_to and activity.date_to != activity.date:
        date += f"至{chinese_date(activity.date_to)}"
    fields = [
        Field("类型", (kind.label + (f"（同时计为{'、'.join(also)}）" if also else ""),)),
        Field("日期", (date,)),
        Field(kind.label_for("title", "主题"), (activity.title,)),
    ]
    for name in kind.fields:
        if name in _SHEET_SKIP:
            continue
        text = _value(activity, name)
        if not text.strip():
            continue
        lines = tuple(line.strip() for line in text.splitlines() if line.strip())
        fields.append(Field(_label(activity, name), lines, long=name in _LONG_FIELDS))
    return tuple(fields)


def _attachments(activity: Activity) -> tuple[StoredFile, ...]:
    return tuple(
        StoredFile(
            name=attachment.original_name,
            storage_name=attachment.file.name,
            size=attachment.size,
            size_text=human_size(attachment.size),
            is_image=attachment.content_type in IMAGE_TYPES,
        )
        for attachment in activity.attachments.all()
    )


def _record_material(activity: Activity, quorum: dict) -> RecordMaterial:
    attachments = _attachments(activity)
    if activity.kind_info.has_minutes:
        minutes = minutes_for(activity, quorum.get(activity.pk, []))
        return RecordMaterial(
            key=f"record-{activity.pk}",
            date_text=minutes.date_text,
            entry=minutes.contents_entry,
            minutes=minutes,
            attachments=attachments,
            printed_chars=printed_chars([activity]),
        )
    sheet = record_sheet(activity)
    label = activity.kind_info.label
    title = activity.title.strip()
    return RecordMaterial(
        key=f"record-{activity.pk}",
        date_text=chinese_date(activity.date),
        entry=title if label in title else f"{label}：{title}",
        sheet_title=f"{label}记录",
        sheet=sheet,
        attachments=attachments,
        printed_chars=sum(len(line) for field in sheet for line in field.lines),
    )


# --- tables -----------------------------------------------------------------------------------

# A month with meetings reads √ (√4: four); a month without one inside a quarter, half-year or
# year whose meeting was held reads ○ — not √, which would say a meeting was held that month.
_CELL_MARKS = {DONE: "○", MISSED: "×", DUE: "待", FUTURE: "", NA: "—", OPEN: ""}
CALENDAR_LEGEND = (
    "√ 当月已召开（数字为次数）　○ 当月未召开，所在季度（半年、年度）已召开　× 未召开　待 尚在期限内　"
    "— 不适用　空白 未到期或不作要求"
)


def _calendar_cell(cell) -> str:
    if cell.status in (DONE, OPEN) and cell.count:
        return "√" + (str(cell.count) if cell.count > 1 else "")
    return _CELL_MARKS[cell.status]


def calendar_table(calendar: Calendar, *, branch_name: str, period: Period, kinds: Iterable[str] = ()) -> TableMaterial | None:
    """The compliance calendar (of ``kinds`` only, if given) as a table; None without rows."""
    wanted = set(kinds)
    rows = [row for row in calendar.rows if not wanted or row.kind in wanted]
    if not rows:
        return None
    suffix = "-".join(sorted(wanted))
    return TableMaterial(
        key=f"table-calendar{'-' + suffix if suffix else ''}",
        title=f"{period.label}组织生活合规日历" if not wanted else f"{period.label}{'、'.join(dict.fromkeys(r.label.split('（')[0] for r in rows))}合规日历",
        columns=("会议类型", *calendar.month_labels, "缺"),
        widths=(14, *([5] * len(calendar.months)), 3.5),
        rows=tuple(
            (row.label, *(_calendar_cell(cell) for cell in row.cells), str(row.gaps) if row.rule else "—")
            for row in rows
        ),
        note=f"{CALENDAR_LEGEND}。「缺」为期间内未召开的次数。",
        file_stem=f"{branch_name}-{period.label}-合规日历",
        small=len(calendar.months) > 6,
        marks=True,
    )


def attendance_table(records: list[Activity], *, key: str, title: str, file_stem: str) -> TableMaterial | None:
    """Each member's attendance at ``records``: expected, present, absent with the reasons."""
    per_member: dict[int, dict] = {}
    for activity in records:
        for row in activity.attendance.all():
            entry = per_member.setdefault(row.member_id, {"name": row.member.name, "present": 0, "absent": []})
            if row.present:
                entry["present"] += 1
            else:
                reason = row.reason_text
                entry["absent"].append(f"{activity.date.month}月{activity.date.day}日{activity.kind_info.label}（{reason}）")
    if not per_member:
        return None
    rows = []
    for index, entry in enumerate(sorted(per_member.values(), key=lambda e: e["name"]), start=1):
        expected = entry["present"] + len(entry["absent"])
        rows.append(
            (
                str(index),
                entry["name"],
                str(expected),
                str(entry["present"]),
                str(len(entry["absent"])),
                f"{round(100 * entry['present'] / expected)}%" if expected else "",
                "；".join(entry["absent"]),
            )
        )
    meetings = sum(1 for activity in records if activity.attendance.all())
    return TableMaterial(
        key=key,
        title=title,
        columns=("序号", "姓名", "应出席（次）", "出席（次）", "缺席（次）", "出席率", "缺席情况"),
        widths=(4, 8, 6, 6, 6, 6, 28),
        rows=tuple(rows),
        note=f"按{meetings}次登记了出席情况的会议统计。",
        file_stem=file_stem,
    )


_CHANGES = (
    ("transferred_in", "转入", "transferred_in_on"),
    ("transferred_out", "转出", "transferred_out_on"),
    ("activists", "列为入党积极分子", "activist_on"),
    ("candidates", "列为发展对象", "candidate_on"),
    ("admitted", "接收为预备党员", "joined_on"),
    ("confirmed", "预备党员转为正式党员", "full_on"),
    ("confirmation_pending", "转正待上级党组织批准", "full_on"),
)


def roster_tables(
    facts: PeriodFacts, *, branch_name: str, period: Period, groups: dict[int, str] | None = None
) -> list[TableMaterial]:
    """The Party members at the period's end (with their party group, where the branch has groups:
    ``groups``, member id → group name), and the roster's changes in the period."""
    roster = {row["id"]: row for row in facts.roster or ()}
    membership = facts.membership
    # While the period runs, its facts are as of today: the roster is not yet the period's end's.
    ended = facts.as_of >= period.end
    at = f"{period.label}末" if ended else f"截至{chinese_date(facts.as_of)}"
    tables = []
    posts = [post for post in Member.Post.values if post]  # 书记, 副书记, 组织委员…, then members
    at_end = sorted(
        (roster[pk] for pk in membership.at_end if pk in roster),
        key=lambda m: (posts.index(m["post"]) if m["post"] in posts else len(posts), m["name"]),
    )
    if at_end:
        tables.append(
            TableMaterial(
                key="table-roster",
                title=f"{at}党员名册",
                columns=("序号", "姓名", "政治面貌", "支部职务", "入党日期", *(("党小组",) if groups else ())),
                widths=(4, 10, 10, 10, 12, *((14,) if groups else ())),
                rows=tuple(
                    (
                        str(n), m["name"], m["status"], POST_TITLES.get(m["post"], m["post"]) or "—", chinese_date(m["joined_on"]),
                        *((groups.get(m["id"]) or "未编入",) if groups else ()),
                    )
                    for n, m in enumerate(at_end, start=1)
                ),
                note=f"期初党员{len(membership.at_start)}名，{'期末' if ended else '目前'}党员{len(membership.at_end)}名。",
                file_stem=f"{branch_name}-{period.label}-党员名册",
            )
        )
    changes = []
    for attribute, label, date_field in _CHANGES:
        for pk in getattr(membership, attribute):
            member = roster.get(pk)
            if member is not None:
                changes.append((member[date_field], member["name"], label))
    if changes:
        changes.sort(key=lambda change: (change[0] or datetime.date.max, change[1]))
        tables.append(
            TableMaterial(
                key="table-roster-changes",
                title=f"{period.label}党员队伍变化情况",
                columns=("序号", "日期", "姓名", "变化情况"),
                widths=(4, 12, 10, 20),
                rows=tuple((str(n), chinese_date(day), name, label) for n, (day, name, label) in enumerate(changes, start=1)),
                file_stem=f"{branch_name}-{period.label}-党员队伍变化",
            )
        )
    return tables


def publicity_table(facts: PeriodFacts, *, branch_name: str, period: Period) -> TableMaterial | None:
    if not facts.publicity:
        return None
    by_unit: dict[str, int] = {}
    for tally in facts.publicity:
        by_unit[tally.unit] = by_unit.get(tally.unit, 0) + tally.count
    total = "、".join(f"{count}{unit}" for unit, count in by_unit.items())
    return TableMaterial(
        key="table-publicity",
        title=f"{period.label}宣传报道分媒体统计",
        columns=("序号", "媒体", "级别", "数量"),
        widths=(4, 24, 8, 8),
        rows=tuple(
            (str(n), tally.name, tally.level, f"{tally.count}{tally.unit}") for n, tally in enumerate(facts.publicity, start=1)
        ),
        note=f"期间内登记的宣传报道共{total}。",
        file_stem=f"{branch_name}-{period.label}-宣传报道统计",
    )


def report_material(version: ReportVersion | None) -> ReportMaterial | None:
    if version is None:
        return None
    report = version.report
    pdf = None
    if version.pdf_file:
        pdf = StoredFile(
            name=f"{version.document.get('file_stem') or report.title}.pdf",
            storage_name=version.pdf_file.name,
            size=0,
            size_text="",
        )
    submitted = timezone.localtime(version.submitted_at).date() if version.submitted_at else None
    return ReportMaterial(
        key="report",
        title=version.document.get("title") or report.title,
        version_text=f"第{version.number}版",
        submitted_text=chinese_date(submitted),
        status_text=report.get_status_display() if report.status != Report.Status.DRAFT else "已报送",
        pdf=pdf,
        document=Document.from_json(version.document),
    )


# --- the pack ---------------------------------------------------------------------------------


def _points(value) -> str:
    text = f"{value:f}".rstrip("0").rstrip(".") if value is not None else ""
    return f"{text}分" if text else ""


def _short(text: str, limit: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _kinds_of(item: StandardItem) -> list[str]:
    kinds = item.params.get("kinds", []) if isinstance(item.params, dict) else []
    return [code for code in kinds if isinstance(code, str) and code in KINDS]


class _Gathered:
    """What the pack's items are made of, read once: the period's records with their quorum, its
    facts and calendar, and the materials filed so far (a record backing several items is filed
    once, under the first)."""

    def __init__(self, *, branch: Organisation, period: Period, today: datetime.date):
        self.branch, self.period, self.name = branch, period, branch.name
        self.records = _records(branch, period)
        self.facts = period_facts(branch=branch, period=period, today=today)
        attendance_rows = [(a.pk, row.member_id, row.present) for a in self.records for row in a.attendance.all()]
        known = Known(roster=self.facts.roster, kinds=self.facts.counted_kinds, attendance=attendance_rows)
        self.calendar = branch_calendar(
            branch=branch,
            period=period,
            # Judged as of the period's end, as the report judges it.
            today=min(today, period.end + datetime.timedelta(days=1)),
            groups=self.facts.group_rows,
            year_kinds=self.facts.year_kinds,
            known=known,
        )
        self.quorum = quorum_results([a for a in self.records if a.kind_info.has_minutes], known=known)
        # Each member's party group, for the roster (党员全部编入党小组): one query.
        self.member_groups = (
            dict(Member.objects.filter(branch=branch, party_group__isnull=False).values_list("id", "party_group__name"))
            if self.facts.party_groups
            else {}
        )
        self.by_id = {activity.pk: activity for activity in self.records}
        self.materials: dict = {}

    def record_keys(self, activities: Iterable[Activity]) -> list[str]:
        keys = []
        for activity in sorted(activities, key=lambda a: (a.date, a.start_time or datetime.time.min, a.pk)):
            key = f"record-{activity.pk}"
            if key not in self.materials:
                self.materials[key] = _record_material(activity, self.quorum)
            keys.append(key)
        return keys

    def counted_as(self, kinds: Iterable[str]) -> list[Activity]:
        ids: dict[int, None] = {}
        for code in kinds:
            for pk in self.facts.count(code).activity_ids:
                ids.setdefault(pk, None)
        return [self.by_id[pk] for pk in ids if pk in self.by_id]

    def table_keys(self, *tables: TableMaterial | None) -> list[str]:
        keys = []
        for table in tables:
            if table is not None:
                self.materials.setdefault(table.key, table)
                keys.append(table.key)
        return keys

    def roster_keys(self) -> list[str]:
        return self.table_keys(
            *roster_tables(self.facts, branch_name=self.name, period=self.period, groups=self.member_groups)
        )

    def publicity_keys(self) -> list[str]:
        return self.table_keys(publicity_table(self.facts, branch_name=self.name, period=self.period))

    def report_keys(self, version) -> list[str]:
        material = report_material(version)
        if material is None:
            return []
        self.materials.setdefault(material.key, material)
        return [material.key]


def _standard_item(item: StandardItem, gathered: _Gathered, version) -> PackItem:
    """One item of the standard with the material that backs it (see the module's docstring)."""
    kinds = _kinds_of(item)
    keys: list[str] = []
    measure = item.measure
    if measure in (StandardItem.Measure.KIND_COUNT, StandardItem.Measure.RULE, StandardItem.Measure.MANUAL):
        held = gathered.counted_as(kinds)
        keys += gathered.record_keys(held)
        if measure == StandardItem.Measure.RULE and held:
            period, name = gathered.period, gathered.name
            labels = "、".join(KINDS[code].label for code in kinds)
            keys += gathered.table_keys(
                calendar_table(gathered.calendar, branch_name=name, period=period, kinds=kinds),
                attendance_table(
                    held,
                    key=f"table-attendance-{'-'.join(sorted(kinds))}",
                    title=f"{period.label}{labels}出席情况",
                    file_stem=f"{name}-{period.label}-{labels}出席情况",
                ),
            )
    elif measure == StandardItem.Measure.ROSTER:
        keys += gathered.roster_keys()
    elif measure == StandardItem.Measure.PUBLICITY:
        keys += gathered.publicity_keys()
    elif measure == StandardItem.Measure.REPORT:
        keys += gathered.report_keys(version)
    return PackItem(
        code=item.code,
        title=f"{item.category}：{_short(item.requirement)}" if item.category else _short(item.requirement),
        requirement=item.requirement.strip(),
        points_text=_points(item.points),
        asked=tuple(line.strip() for line in item.materials.splitlines() if line.strip()),
        keys=tuple(dict.fromkeys(keys)),
    )


def _fallback_items(gathered: _Gathered, version) -> list[PackItem]:
    """Without a standard: a section per category of record, then the calendar, attendance,
    roster, publicity and the report."""
    period, name, records = gathered.period, gathered.name, gathered.records
    by_category: dict[str, list[Activity]] = defaultdict(list)
    for activity in records:
        by_category[activity.kind_info.category].append(activity)
    sections: list[tuple[str, list[str]]] = [
        (label, gathered.record_keys(by_category[code])) for code, label in Category.LABELS.items() if by_category.get(code)
    ]
    sections.append(("组织生活合规日历", gathered.table_keys(calendar_table(gathered.calendar, branch_name=name, period=period))))
    attendance = attendance_table(
        records, key="table-attendance", title=f"{period.label}会议出席情况", file_stem=f"{name}-{period.label}-会议出席情况"
    )
    if attendance is not None:
        sections.append(("会议出席情况", gathered.table_keys(attendance)))
    sections.append(("党员队伍", gathered.roster_keys()))
    sections.append(("宣传报道", gathered.publicity_keys()))
    report = gathered.report_keys(version)
    if report:
        sections.append(("工作总结", report))
    return [PackItem(code=str(n), title=title, keys=tuple(keys)) for n, (title, keys) in enumerate(sections, start=1)]


def _appendix(gathered: _Gathered, items: list[PackItem], *, standard: bool) -> PackItem | None:
    """「附　其他工作记录」: the period's records that none of ``items`` filed, by date; None when
    the items filed every record."""
    filed = {key for item in items for key in item.keys}
    keys = gathered.record_keys(a for a in gathered.records if f"record-{a.pk}" not in filed)
    if not keys:
        return None
    where = "未对应考核细则的具体项目" if standard else "未归入以上各类"
    return PackItem(
        code=APPENDIX_CODE,
        title=APPENDIX_TITLE,
        note=f"本期另有以下{len(keys)}份工作记录{where}，按日期排列，附此备查。",
        keys=tuple(keys),
        appendix=True,
    )


def pack_build(*, branch: Organisation, period: Period, today: datetime.date, sources: PackSources | None = None) -> Pack:
    """The pack's document model; ``PackTooLarge`` beyond ``limits.PACK_MAX_RECORDS`` records."""
    sources = sources or pack_sources(branch=branch, period=period)
    gathered = _Gathered(branch=branch, period=period, today=today)
    if sources.standard is not None:
        items = [_standard_item(item, gathered, sources.version) for item in sources.items]
    else:
        items = _fallback_items(gathered, sources.version)
    appendix = _appendix(gathered, items, standard=sources.standard is not None)
    if appendix is not None:
        items.append(appendix)
    return Pack(
        organisation=branch.name,
        committee=sources.committee.name if sources.committee else "",
        period_label=period.label,
        date_text=chinese_date(today),
        standard_title=sources.standard.title if sources.standard else "",
        items=tuple(items),
        materials=gathered.materials,
        file_stem=f"{branch.name}-{period.label}-迎检支撑材料",
    )


# --- limits and files -------------------------------------------------------------------------


def attachment_bytes(pack: Pack) -> int:
    return sum(file.size for record in pack.records() for file in record.attachments)


def render_problem(pack: Pack, fmt: str) -> str:
    """Why the pack cannot be printed as ``fmt`` at once (a Chinese message), or ""."""
    records = pack.records()
    if fmt == "pdf":
        chars = sum(record.printed_chars for record in records) + limits.MINUTES_BOOK_RECORD_CHARS * len(records)
        if chars > limits.PACK_MAX_CHARS:
            return (
                f"本期支撑材料的记录共 {len(records)} 份、折合 {chars:,} 字，超过一次打印成 PDF 的上限 "
                f"{limits.PACK_MAX_CHARS:,} 字。请按半年分别生成，或下载压缩包"
            )
        images = [file for record in records for file in record.images]
        if len(images) > limits.PACK_MAX_IMAGES:
            return (
                f"本期支撑材料有 {len(images)} 张图片，超过一次排入 PDF 的上限 {limits.PACK_MAX_IMAGES} 张。"
                "请按半年分别生成，或下载压缩包（图片原件都在其中）"
            )
    else:
        size = attachment_bytes(pack)
        if size > limits.PACK_MAX_ATTACHMENT_BYTES:
            return (
                f"本期支撑材料的附件共 {human_size(size)}，超过一次打包的上限 {human_size(limits.PACK_MAX_ATTACHMENT_BYTES)}。"
                "请按半年分别生成，或在记录页逐份下载附件"
            )
    return ""


def pack_model(
    *, branch: Organisation, period: Period, today: datetime.date, sources: PackSources | None = None
) -> Pack:
    """The pack's model, built once per version of the branch's figures, of the standard and of
    the report (the pack page shows its contents)."""
    sources = sources or pack_sources(branch=branch, period=period)
    return cached_figures(
        "pack-model",
        branch,
        (period.code, today.isoformat(), *sources.cache_parts()),
        lambda: pack_build(branch=branch, period=period, today=today, sources=sources),
    )


def pack_render(*, branch: Organisation, period: Period, fmt: str, today: datetime.date) -> ReportFile:
    """The pack as ``fmt`` (one of ``PACK_RENDERERS``), rendered once per version of what it is made
    from; ``PackTooLarge`` with the user's message beyond the limits. A ZIP of attachments larger
    than ``limits.PACK_CACHED_ZIP_BYTES`` is written to a temporary file each time instead of into
    the cache. A GET runs in autocommit and this reads and renders without writing: no lock is
    held while it renders."""
    from .pack_renderers import PACK_RENDERERS

    renderer = PACK_RENDERERS[fmt]
    sources = pack_sources(branch=branch, period=period)
    pack = pack_model(branch=branch, period=period, today=today, sources=sources)
    problem = render_problem(pack, fmt)
    if problem:
        raise PackTooLarge(problem)
    filename = f"{pack.file_stem}.{renderer.extension}"
    if fmt == "zip" and attachment_bytes(pack) > limits.PACK_CACHED_ZIP_BYTES:
        archive = tempfile.SpooledTemporaryFile(max_size=limits.PACK_CACHED_ZIP_BYTES)
        renderer.write(pack, archive)
        archive.seek(0)
        return ReportFile(filename, renderer.content_type, archive)
    parts = (fmt, period.code, today.isoformat(), *sources.cache_parts())
    content = cached_figures("pack-file", branch, parts, lambda: renderer.render(pack))
    return ReportFile(filename, renderer.content_type, io.BytesIO(content))
