"""Meeting records (会议记录) as superiors inspect them on paper: the document model, built from
the records, that ``reports.minutes_renderers`` prints as DOCX and PDF.

A meeting record lays out, in the order a 会议记录本 has them: 会议名称, 时间, 地点, 主持人,
记录人, 应到/实到人数, 出席人员, 缺席人员及原因, 列席人员 (when any), 议题, 内容, 表决情况 (when
a decision was put to a vote) and 决定事项 (with the quorum for a 支部党员大会 or 支委会). A
记录人 the record does not name is left blank for the recorder to sign on the printed sheet. A period's records come as one book (cover, contents, one record a page or more)
and the period's 三会一课 ledger as a printable table.

The document model itself is ``reports.minutes_document`` (plain dataclasses, as
``reports.document``), below both this module and the renderers: renderers never touch the database.
"""

from __future__ import annotations

import io

from django.db.models import Prefetch

from activities.kinds import KINDS, Category, kinds_in
from activities.ledgers import ledger_title
from activities.meeting_record import has_vote, vote_text
from activities.models import Activity, Attendance
from activities.quorum import quorum_results
from branchwork import limits
from branchwork.figures import cached_figures
from branchwork.models import Organisation
from branchwork.periods import Period, chinese_date

from .files import ReportFile
from .minutes_document import Field, LedgerTable, Minutes, MinutesBook
from .minutes_renderers import BOOK_RENDERERS, LEDGER_RENDERERS, MINUTES_RENDERERS

# More records (or, for the PDF, more text) than this in one book or ZIP: ask for a shorter period
# or the records one by one. A request does bounded work: the book's PDF costs about 0.1 ms of CPU
# a character and the ZIP 40–70 ms a record, so each stays well within 10 s (make bench-worst).
MAX_BOOK_RECORDS = limits.MINUTES_BOOK_MAX_RECORDS
MAX_BOOK_CHARS = limits.MINUTES_BOOK_MAX_CHARS
MAX_LEDGER_CHARS = limits.LEDGER_PDF_MAX_CHARS
# The texts of a record that its meeting record or ledger row prints.
PRINTED_TEXTS = (
    "title", "place", "host", "recorder", "observers", "participants", "other_participants", "joint_with",
    "content", "decisions", "outcome", "materials", "activity_forms", "basis",
)


def printed_chars(activities) -> int:
    """What printing ``activities`` costs, in characters: their texts and their attendance (names
    and absence reasons, prefetched) — what the renderers' time grows with."""
    return sum(
        sum(len(getattr(activity, name)) for name in PRINTED_TEXTS)
        + sum(len(row.member.name) + len(row.absence_reason) for row in activity.attendance.all())
        for activity in activities
    )


class TooManyRecords(ValueError):
    """More records than one export may hold; ``str()`` is the user's message."""


MINUTES_KINDS = tuple(code for code, kind in KINDS.items() if kind.has_minutes)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _time_text(activity: Activity) -> str:
    text = chinese_date(activity.date)
    if activity.start_time:
        text += f" {activity.start_time:%H:%M}"
        if activity.end_time:
            text += f"—{activity.end_time:%H:%M}"
    return text


def _meeting_name(activity: Activity) -> str:
    kind = activity.kind_info
    also = [KINDS[ck.kind].label for ck in activity.counted_kinds.all() if ck.kind != activity.kind]
    name = kind.label
    if activity.party_group_id:
        group = activity.party_group.name
        # 「收费一班党小组」 + 「党小组会」 → 「收费一班党小组会」
        name = group + name[3:] if group.endswith("党小组") and name.startswith("党小组") else group + name
    if also:
        name += f"（同时计为{'、'.join(also)}）"
    return name


def _meeting_heading(activity: Activity) -> tuple[str, tuple[str, ...]]:
    """The meeting named once (「收费一班党小组会」, 「主题党日暨支部党员大会」) and the names a topic
    may already carry."""
    kind = activity.kind_info
    labels = [kind.label] + [KINDS[ck.kind].label for ck in activity.counted_kinds.all() if ck.kind != activity.kind]
    first = labels[0]
    names = [*labels, *(KINDS[code].short_label for code in [activity.kind] if KINDS[code].short_label)]
    if activity.party_group_id:
        group = activity.party_group.name
        first = group + first[3:] if group.endswith("党小组") and first.startswith("党小组") else group + first
        names.append(group)
    return "暨".join([first, *labels[1:]]), tuple(dict.fromkeys(names))


def minutes_for(activity: Activity, quorum: list | None = None) -> Minutes:
    """The meeting record of one record (its attendance, kinds, party group and speaker loaded:
    see ``minutes_queryset``)."""
    kind = activity.kind_info
    fields = [
        Field("会议名称", (_meeting_name(activity),)),
        Field("时间", (_time_text(activity),)),
        Field("地点", _paragraphs(activity.place)),
        Field(kind.label_for("host", "主持人"), _paragraphs(activity.host)),
        Field("记录人", _paragraphs(activity.recorder)),
    ]
    fields.extend(_attendance_fields(list(activity.attendance.all()), quorum))
    if activity.observers.strip():
        fields.append(Field("列席人员", _paragraphs(activity.observers)))
    fields.extend(_substance_fields(activity, kind))
    branch_name = activity.branch.name
    meeting, names = _meeting_heading(activity)
    return Minutes(
        meeting=meeting,
        names=names,
        organisation=branch_name,
        name=_meeting_name(activity),
        topic=activity.title,
        date_text=chinese_date(activity.date),
        fields=tuple(fields),
        file_stem=f"{branch_name}-{chinese_date(activity.date)}-{kind.label}会议记录",
    )


def _attendance_fields(rows: list[Attendance], quorum: list | None) -> list[Field]:
    """Who was expected and came, who was absent and why, and the quorum's verdict."""
    if not rows:
        return [Field("应到/实到", ("未登记出席情况",)), Field("缺席人员及原因")]
    present = [row for row in rows if row.present]
    absent = [row for row in rows if not row.present]
    counts = f"应到{len(rows)}人，实到{len(present)}人，缺席{len(absent)}人"
    return [
        Field("应到/实到", (counts, *(result.message for result in quorum or ()))),
        Field("出席人员", ("、".join(row.member.name for row in present),) if present else ("无",)),
        Field(
            "缺席人员及原因",
            ("、".join(f"{row.member.name}（{row.reason_text}）" for row in absent),)
            if absent
            else ("无",),
        ),
    ]


def _substance_fields(activity: Activity, kind) -> list[Field]:
    """What the meeting was about and what it decided, in the fields its kind has."""
    fields = []
    topic_label = kind.label_for("title", "议题")
    topic = [activity.title]
    if activity.speaker_display:
        topic.append(f"{kind.label_for('speaker', '主讲人')}：{activity.speaker_display}")
    if "study_form" in kind.fields and activity.study_form:
        topic.append(f"学习形式：{activity.get_study_form_display()}")
    fields.append(Field("议题" if topic_label in ("主题", "议题") else topic_label, tuple(topic)))
    if "materials" in kind.fields and activity.material_list:
        fields.append(Field("学习材料", tuple(activity.material_list)))
    if "activity_forms" in kind.fields and activity.activity_form_list:
        fields.append(Field("活动形式", tuple(activity.activity_form_list)))
    # Who else took part and with whom (the record's details, where its kind has them).
    audience = [text.strip() for text in (activity.participants, activity.other_participants) if text.strip()]
    if audience:
        fields.append(Field(kind.label_for("participants", "参加对象"), ("；".join(audience),)))
    if activity.joint_with.strip():
        fields.append(Field("联合开展单位", (activity.joint_with.strip(),)))
    fields.append(Field("会议内容", _paragraphs(activity.content), long=True))
    if "vote_matter" in kind.fields and has_vote(activity):
        fields.append(Field("表决情况", vote_text(activity)))
    fields.append(Field("决定事项", _paragraphs(activity.decisions) or ("无",), long=True))
    if activity.approval_status:
        body = f"，审批单位：{activity.approval_body}" if activity.approval_body else ""
        matter = f"{activity.get_approval_matter_display()}：" if activity.approval_matter else ""
        fields.append(Field("报批情况", (f"{matter}{activity.get_approval_status_display()}{body}",)))
    if activity.outcome.strip():
        fields.append(Field("成效", _paragraphs(activity.outcome), long=True))
    return fields


def minutes_queryset(branch: Organisation):
    """The branch's records that print as meeting records, with what the record needs loaded."""
    return (
        Activity.objects.for_branch(branch)
        .filter(kind__in=MINUTES_KINDS)
        .select_related("branch", "party_group", "speaker")
        .prefetch_related(
            "counted_kinds",
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("member__name", "pk")),
        )
    )


def minutes_of_record(activity: Activity) -> Minutes:
    return minutes_for(activity, quorum_results([activity]).get(activity.pk, []))


def minutes_book(*, branch: Organisation, period: Period, max_chars: int | None = None) -> MinutesBook:
    """Every meeting record of a period, oldest first, in a fixed number of queries.
    ``TooManyRecords`` when there are more than ``MAX_BOOK_RECORDS``, or their printed text is
    longer than ``max_chars``."""
    activities = list(minutes_queryset(branch).in_period(period).order_by("date", "start_time", "pk")[: MAX_BOOK_RECORDS + 1])
    if len(activities) > MAX_BOOK_RECORDS:
        raise TooManyRecords(f"本期间的会议记录超过{MAX_BOOK_RECORDS}份，请按半年分别导出")
    if max_chars is not None:
        total = printed_chars(activities) + limits.MINUTES_BOOK_RECORD_CHARS * len(activities)
        if total > max_chars:
            raise TooManyRecords(
                f"本期间的会议记录共 {len(activities)} 份、折合 {total:,} 字（含出席情况，每份另计 {limits.MINUTES_BOOK_RECORD_CHARS} 字），"
                f"超过一次打印成 PDF 的上限 {max_chars:,} 字。"
                "请下载“每份记录 Word（ZIP）”，或在记录页逐份打印"
            )
    quorum = quorum_results(activities)
    return MinutesBook(
        organisation=branch.name,
        period_label=period.label,
        minutes=tuple(minutes_for(activity, quorum.get(activity.pk, [])) for activity in activities),
        file_stem=f"{branch.name}-{period.label}-会议记录",
    )


MEETING_LEDGER = Category.MEETING  # 三会一课与组织生活: the ledger printed as a table


def meeting_ledger_table(*, branch: Organisation, period: Period, kind: str = "") -> LedgerTable:
    """The period's 三会一课 ledger (all meeting kinds, or one of them) as a printable table:
    the rows of the Excel ledger, fewer columns so that they fit an A4 page across."""
    codes = [kind] if kind else [k.code for k in kinds_in(MEETING_LEDGER)]
    queryset = Activity.objects.for_branch(branch).in_period(period)
    queryset = queryset.of_kind(kind) if kind else queryset.filter(kind__in=codes)
    activities = list(
        queryset.select_related("branch", "party_group", "speaker")
        .prefetch_related(
            "counted_kinds",
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("member__name", "pk")),
        )
        .order_by("date", "start_time", "pk")
        .distinct()[: MAX_BOOK_RECORDS + 1]
    )
    if len(activities) > MAX_BOOK_RECORDS:
        raise TooManyRecords(f"本期间的记录超过{MAX_BOOK_RECORDS}条，请按半年分别导出")
    total = printed_chars(activities)
    if total > MAX_LEDGER_CHARS:
        raise TooManyRecords(
            f"本期间的台账共 {total:,} 字（含出席情况），超过打印版的上限 {MAX_LEDGER_CHARS:,} 字。"
            "请下载 Excel 台账，或按会议类型分别打印"
        )
    quorum = quorum_results(activities)
    rows = []
    for index, activity in enumerate(activities, start=1):
        attendance = list(activity.attendance.all())
        present = sum(1 for row in attendance if row.present)
        absent = [row for row in attendance if not row.present]
        attendance_text = f"应到{len(attendance)}人\n实到{present}人" if attendance else "未登记"
        warnings = [result.message for result in quorum.get(activity.pk, []) if not result.met]
        rows.append(
            (
                str(index),
                f"{activity.date:%Y.%m.%d}",
                _meeting_name(activity),
                activity.title,
                activity.place,
                activity.host,
                attendance_text,
                "、".join(f"{row.member.name}（{row.reason_text}）" for row in absent)
                + ("\n" if absent and warnings else "")
                + "；".join(warnings),
            )
        )
    name = kind or MEETING_LEDGER
    title = ledger_title(branch=branch, period=period, name=name)
    return LedgerTable(
        organisation=branch.name,
        title=title,
        columns=("序号", "日期", "会议名称", "主题", "地点", "主持人", "出席", "缺席人员及原因"),
        widths=(3.5, 8, 13, 26, 13, 6.5, 7.5, 22.5),
        rows=tuple(rows),
        file_stem=title.replace(" ", "-"),
    )


# --- rendering (what the views and export_report serve) ---------------------------------------


def _rendered(renderer, model, stem: str) -> ReportFile:
    return ReportFile(f"{stem}.{renderer.extension}", renderer.content_type, io.BytesIO(renderer.render(model)))


def _cached(name: str, branch: Organisation, parts: tuple, render) -> ReportFile:
    """``render()`` once per version of the branch's figures (records, attendance, roster, names
    all renew it), as the drafts are: the first reader waits, the others are served the bytes."""

    def compute():
        rendered = render()
        return rendered.filename, rendered.content_type, rendered.file.getvalue()

    filename, content_type, content = cached_figures(name, branch, parts, compute)
    return ReportFile(filename, content_type, io.BytesIO(content))


def minutes_render(*, activity: Activity, fmt: str) -> ReportFile:
    """One record's meeting record as ``fmt`` (one of ``MINUTES_RENDERERS``)."""
    def render():
        minutes = minutes_of_record(activity)
        return _rendered(MINUTES_RENDERERS[fmt], minutes, minutes.file_stem)

    return _cached("minutes", activity.branch, (activity.pk, fmt), render)


def minutes_book_render(*, branch: Organisation, period: Period, fmt: str) -> ReportFile:
    """A period's meeting records as one PDF (cover, contents) or a ZIP (one of ``BOOK_RENDERERS``);
    ``TooManyRecords`` (with a message for the user) when the period holds too many."""
    renderer = BOOK_RENDERERS[fmt]

    def render():
        book = minutes_book(branch=branch, period=period, max_chars=MAX_BOOK_CHARS if fmt == "pdf" else None)
        return _rendered(renderer, book, book.file_stem)

    return _cached("minutes-book", branch, (period.code, fmt), render)


def meeting_ledger_render(*, branch: Organisation, period: Period, kind: str = "") -> ReportFile:
    """The period's 三会一课 ledger (or one meeting kind's) as a printable PDF."""
    def render():
        table = meeting_ledger_table(branch=branch, period=period, kind=kind)
        return _rendered(LEDGER_RENDERERS["pdf"], table, table.file_stem)

    return _cached("ledger-pdf", branch, (period.code, kind), render)
