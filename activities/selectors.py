"""A period's facts: everything the half-year report prints, computed from a branch's records.

``period_facts`` runs a fixed number of queries however many records the period holds:

1. the ``ActivityKind`` rows of the period (kind, record, date, party group) — every count, with
   the ids of the records behind it, including meetings held as several kinds at once;
2. the period's records with the details the report prints (materials, forms, speakers,
   occasions, head counts…), with their speaker joined in and their evidence counted; and with
   them the rectification items found before the period and still open at its start — the
   rectification items still open at the end of the period or found in it are read off these;
3. the branch's own row with what hangs off it (``branch_reads``): its party groups, for the
   monthly party-group-meeting rule; the period's publicity entries with their outlets; the
   compliance rules in force, for the calendar; whether any outlet is in force. A report's
   profile is read in the same query (``reports.profile``);
4. the branch's roster (narrow rows), for membership figures and to name a host by post.

Counts and publicity sums are taken from narrow rows (kind and record id; outlet, count and entry
id) rather than ``COUNT``/``SUM`` aggregates, because every figure keeps the ids of the records it
counts for the preview's links, and a portable aggregate cannot return them; the number of
queries stays fixed either way.
Only records dated inside the period count. ``facts_from_rows`` is the step after the queries,
pure: it takes what they read (saved or not) and returns the facts.

The other reads of records shared by several pages live here too: ``publicity_totals``, the sums
per outlet the publicity page and its ledger print.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from branchwork.json_rows import as_date, json_rows, rows_of
from branchwork.models import Member, Organisation, PartyGroup
from branchwork.periods import Period
from branchwork.prepared import PreparedQuery

from .evidence import count_attendance, with_evidence
from .evidence import missing as missing_evidence
from .kinds import KINDS, kinds_where
from .models import Activity, ActivityKind, ComplianceRule, Outlet, PublicityEntry

# How a speaker's branch post reads in the report: 书记 → 「支部书记」.
# Where a rectification item found in the period shows the branch sought opinions for its
# 组织生活会/民主评议 (blank: no source stated, as in ledgers kept before the source was asked).
MEETING_SOURCES = frozenset({"", "org_life", "appraisal"})

POST_TITLES = {
    Member.Post.SECRETARY: "支部书记",
    Member.Post.DEPUTY_SECRETARY: "支部副书记",
    Member.Post.ORGANISATION: "组织委员",
    Member.Post.PUBLICITY: "宣传委员",
    Member.Post.DISCIPLINE: "纪检委员",
    Member.Post.YOUTH: "青年委员",
    Member.Post.COMMITTEE: "支部委员",
}


@dataclass(frozen=True)
class Tally:
    """A count with the records behind it."""

    count: int = 0
    activity_ids: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class Named:
    """Something named in the records (a material, a form, a title) and the records naming it."""

    name: str
    activity_ids: tuple[int, ...]


@dataclass(frozen=True)
class Dated:
    """One record printed by its date (and title): a meeting, a publicity activity…"""

    id: int
    kind: str
    date: datetime.date
    title: str


@dataclass(frozen=True)
class Lecture:
    id: int
    date: datetime.date
    topic: str
    speaker: str  # the member's name, or the outside speaker's
    speaker_post: str  # 「支部书记」「所党委书记」…; empty when neither the record nor the roster gives one
    outside: bool  # given by someone from outside the branch
    participants: str = ""  # 「全体党员」…, as recorded
    joint_with: str = ""
    # The post was typed on the record (「所党委书记」) rather than read off the roster (「支部书记」):
    # a typed post is printed with the name, as 「所党委书记刘玉宏同志」.
    post_typed: bool = False
    place: str = ""  # 「村党群服务中心」, as recorded


@dataclass(frozen=True)
class Detail:
    """A record printed by its own content: what it was, where, who, on what basis."""

    id: int
    kind: str
    date: datetime.date
    title: str
    place: str = ""
    host: str = ""
    host_post: str = ""  # the host's branch post read off the roster: 「支部书记」…
    participants: str = ""
    occasion: str = ""
    joint_with: str = ""
    content: str = ""
    forms: tuple[str, ...] = ()  # activity forms, or a pioneer post's tasks
    basis: tuple[str, ...] = ()  # the superior's notices or rules it follows
    year_of: int | None = None  # the year an annual 组织生活会 reviews
    speaker: str = ""  # the speaker's name (a member's, or an outside speaker's)
    speaker_post: str = ""  # typed on the record, else the member's branch post
    # What came of it, in the secretary's words: the only source from which a draft may say what
    # an activity achieved (besides the branch profile).
    outcome: str = ""
    headcount: int | None = None
    party_participants: int = 0  # the roster's Party members listed as taking part
    # Everyone of the roster listed (涉及的党员: those a 转正 or 接收 is about), by id.
    listed_members: tuple[int, ...] = ()
    other_participants: str = ""  # people not on the roster, by category or name
    interviewee: str = ""  # 谈话对象 (or 慰问对象)
    talk_reason: str = ""  # 类别/原因
    payment_type: str = ""  # 党费, 特殊党费, 捐款, 慰问金
    paid_count: int | None = None
    member_total: int | None = None
    amount: Decimal | None = None
    branch_role: str = ""  # 专项工作: what the branch did
    members_part: str = ""  # 专项工作: its members' part
    material_type: str = ""  # 报送材料: 计划, 总结, 报告…
    sent_to: str = ""
    series_kind: str = ""  # a counted series: the kind its sessions count as…
    series_count: int | None = None  # …and how many there were
    date_to: datetime.date | None = None
    approval_matter: str = ""  # 转正, 处分, 换届…
    approval_status: str = ""  # "" (needs none), "pending", "approved"
    approval_body: str = ""
    reported_on: datetime.date | None = None
    approved_on: datetime.date | None = None

    def pending_on(self, day: datetime.date) -> bool:
        """Whether the record's outcome still awaited its superior on ``day``."""
        if self.approval_status == "pending":
            return True
        return self.approval_status == "approved" and self.approved_on is not None and self.approved_on > day


@dataclass(frozen=True)
class Membership:
    """The roster over a period: Party members at its start and end, and who came, left or advanced.

    Each list holds member ids; counts are their lengths.
    """

    at_start: tuple[int, ...] = ()
    at_end: tuple[int, ...] = ()
    transferred_in: tuple[int, ...] = ()
    transferred_out: tuple[int, ...] = ()
    activists: tuple[int, ...] = ()  # 列为入党积极分子
    candidates: tuple[int, ...] = ()  # 列为发展对象
    admitted: tuple[int, ...] = ()  # 接收为预备党员
    confirmed: tuple[int, ...] = ()  # 预备党员转为正式党员 (approved by the superior)
    # 转正 the branch decided in the period that still awaited the superior's approval at its end
    # (a 报批事项 or 支部党员大会 record marked 待批准): not counted in ``confirmed``.
    confirmation_pending: tuple[int, ...] = ()


@dataclass(frozen=True)
class Commemoration:
    id: int
    date: datetime.date
    title: str
    participants: str
    place: str


@dataclass(frozen=True)
class IntegrityTalk:
    id: int
    date: datetime.date
    occasion: str  # 春节前, 端午节前…
    title: str


@dataclass(frozen=True)
class OutletTally:
    outlet_id: int
    name: str
    level: str
    unit: str  # 篇 or 次
    count: int
    publicity_ids: tuple[int, ...]


@dataclass(frozen=True)
class PeriodFacts:
    branch_id: int
    branch_code: str
    branch_name: str
    period: Period
    as_of: datetime.date  # the period's end, or today while the period is still running
    kinds: Mapping[str, Tally]  # every kind code → its tally (zero for kinds without records)
    group_meetings_monthly: bool  # every party group met in every month of the period so far
    party_groups: tuple[str, ...]
    study_materials: tuple[Named, ...] = ()
    study_forms: tuple[Named, ...] = ()
    themed_day_forms: tuple[Named, ...] = ()
    lectures: tuple[Lecture, ...] = ()
    commemorations: tuple[Commemoration, ...] = ()
    themed_education: tuple[Named, ...] = ()
    org_life: tuple[Dated, ...] = ()
    democratic_appraisal: tuple[Dated, ...] = ()
    pioneer_posts: tuple[Named, ...] = ()
    warning_materials: tuple[Named, ...] = ()
    integrity_talks: tuple[IntegrityTalk, ...] = ()
    petition_publicity: tuple[Dated, ...] = ()
    discipline_meetings: tuple[Dated, ...] = ()
    rules_materials: tuple[Named, ...] = ()
    probation_completed: Tally = field(default_factory=Tally)  # count: the sum of head counts
    ideology: tuple[Dated, ...] = ()
    publicity: tuple[OutletTally, ...] = ()  # per outlet, in the registry's order
    open_rectifications: tuple[Named, ...] = ()
    # Record id → 整改时限 of the open rectification items that have one (activities.rectifications).
    rectification_deadlines: Mapping[int, datetime.date] = field(default_factory=dict)
    # Every printed record with its own content, in date order (see ``Detail``).
    details: tuple[Detail, ...] = ()
    membership: Membership = field(default_factory=Membership)
    # Rectification items found in the period (fixed since or not) by the 组织生活会 or 民主评议
    # (or of no stated source): 「广泛征求意见……列出问题查摆清单」 is true. One a superior's
    # inspection or a patrol found says nothing of the branch's own 征求意见.
    rectifications_found: tuple[int, ...] = ()
    # Kinds whose figure is a sum (``Kind.sums``: 人数, a series' 次数) → that sum.
    heads: Mapping[str, Tally] = field(default_factory=dict)
    # What the facts were read from and the report's judgments read again (the calendar, its
    # quorum flags, overdue probation): the branch's party groups ordered by name, and its roster
    # as rows. Not printed; kept so that a report's facts read each table once (None: not read,
    # as in facts built by hand).
    group_rows: tuple[PartyGroup, ...] | None = field(default=None, compare=False, repr=False)
    roster: tuple[Mapping, ...] | None = field(default=None, compare=False, repr=False)
    # Record id → every kind it counts as, for every record of the period.
    counted_kinds: Mapping[int, frozenset[str]] | None = field(default=None, compare=False, repr=False)
    # Every (kind, record id, date, party group id, record's own kind, 所属年度) of the period's
    # calendar year, and of later records that review a year (an annual 组织生活会 held the next
    # January), for the compliance calendar (``activities.compliance.branch_calendar``).
    year_kinds: tuple[tuple, ...] | None = field(default=None, compare=False, repr=False)
    # The period's attendance rows (member id, name, present, absence reason, record id), the
    # compliance rules in force for the branch and whether any outlet is: read with the records
    # and the branch's row for the report's judgments (None: not read).
    attendance: tuple[tuple, ...] | None = field(default=None, compare=False, repr=False)
    # Rectification items dated by the period's end and not resolved as read (whatever the date
    # of a resolution): what the report editor offers to carry into 存在的问题. None: not read.
    unresolved_rectifications: tuple[Named, ...] | None = field(default=None, compare=False, repr=False)
    rule_rows: tuple[ComplianceRule, ...] | None = field(default=None, compare=False, repr=False)
    # Whether the branch published anything before the period (None: not read): where it never
    # has, a period without publicity is no lapse of its own (report judgments).
    published_before: bool | None = field(default=None, compare=False, repr=False)
    # The date of the branch's first record (None: none, or not read). Months before it are months
    # nothing was entered for: the editor says so where the period begins before it.
    first_record: datetime.date | None = field(default=None, compare=False, repr=False)
    # The records of the period that lack evidence their kinds ask for (minutes, photos…), in
    # date order: the draft preview lists them beside the draft.
    evidence_gaps: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def __reduce__(self):
        # Cached between requests (``reports.selectors.cached_report_facts``): the read-only
        # mappings do not pickle, so they travel as dicts and are made read-only again.
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        read_only = tuple(name for name, value in state.items() if isinstance(value, MappingProxyType))
        return (_facts_of_state, (type(self), {**state, **{name: dict(state[name]) for name in read_only}}, read_only))

    def count(self, kind: str) -> Tally:
        return self.kinds.get(kind, Tally())

    def figure(self, kind: str) -> Tally:
        """The kind's figure in its own unit (``Kind.unit``): records counted, or for a kind
        with ``sums`` the sum of that field of its records (人数, a series' 次数)."""
        return self.heads.get(kind, Tally()) if KINDS[kind].sums else self.count(kind)

    def has(self, kind: str) -> bool:
        return bool(self.count(kind))

    def of_kind(self, kind: str) -> tuple[Detail, ...]:
        """The printed records that count as ``kind`` (their own kind or held together with it)."""
        ids = set(self.count(kind).activity_ids)
        return tuple(detail for detail in self.details if detail.id in ids)

    @property
    def group_meetings(self) -> Tally:
        return self.count("group_meeting")

    @property
    def publicity_total(self) -> int:
        return sum(outlet.count for outlet in self.publicity)

    @property
    def publicity_ids(self) -> tuple[int, ...]:
        return tuple(sorted(pk for outlet in self.publicity for pk in outlet.publicity_ids))


def _facts_of_state(cls: type[PeriodFacts], state: dict, read_only: tuple[str, ...]) -> PeriodFacts:
    """Pickled facts (a ``PeriodFacts`` or a subclass) again, the read-only mappings read-only."""
    return cls(**{**state, **{name: MappingProxyType(state[name]) for name in read_only}})


@dataclass(frozen=True)
class BranchReads:
    """What hangs off the branch that its period's facts read, decoded from the branch's row
    (``branch_reads_query``): party groups ordered by name, the period's publicity by outlet, the
    compliance rules in force, whether any outlet is in force."""

    groups: list[PartyGroup]
    publicity: tuple[OutletTally, ...]
    rules: tuple[ComplianceRule, ...]
    published_before: bool
    first_record: datetime.date | None = None


def branch_reads_query(branch: Organisation, period: Period) -> QuerySet[Organisation]:
    """3. The branch's row with its party groups, the period's publicity entries, the rules in
    force and whether it published before the period, as subqueries of one query. A caller may annotate more
    onto it (a report reads its profile here too); ``branch_reads`` decodes the row."""
    return Organisation.objects.filter(pk=branch.pk).annotate(
        **branch_reads_annotations(
            branch_id=branch.pk, lineage_ids=tuple(branch.lineage_ids), start=period.start, end=period.end
        )
    )


# The annotations ``branch_reads_annotations`` adds, which ``branch_reads`` decodes.
BRANCH_READS = ("group_rows", "publicity_rows", "rule_rows", "published_before", "first_record")


def branch_reads_annotations(
    *, branch_id: int, lineage_ids: tuple[int, ...], start: datetime.date, end: datetime.date
) -> dict:
    """``branch_reads_query``'s subqueries (``BRANCH_READS``) for the branch ``branch_id`` whose
    tree ``lineage_ids`` are, and the period from ``start`` to ``end``: from plain values, so a
    prepared query can build them (``branchwork.prepared``)."""
    publicity = PublicityEntry.objects.filter(branch_id=branch_id, date__range=(start, end))
    return dict(
        group_rows=json_rows(
            PartyGroup.objects.filter(branch_id=branch_id),
            id="id", name="name", established_on="established_on", dissolved_on="dissolved_on",
        ),
        publicity_rows=json_rows(
            publicity,
            id="id", count="count", date="date", outlet_id="outlet_id", outlet_order=F("outlet__sort_order"),
            outlet_name=F("outlet__name"), outlet_level=F("outlet__level"), outlet_unit=F("outlet__unit"),
        ),
        rule_rows=json_rows(
            ComplianceRule.objects.in_force_for_lineage(lineage_ids),
            id="id", organisation_id="organisation_id", kind="kind", frequency="frequency",
            per_party_group="per_party_group", source="source",
        ),
        published_before=Exists(PublicityEntry.objects.filter(branch_id=branch_id, date__lt=start)),
        first_record=Subquery(Activity.objects.filter(branch_id=branch_id).order_by("date").values("date")[:1]),
    )


def branch_reads(branch: Organisation, row: Mapping) -> BranchReads:
    """The lists ``branch_reads_query`` read (``BRANCH_READS`` of its row, as a mapping), as the
    facts use them."""
    groups = sorted(
        (
            PartyGroup(
                id=g["id"], branch_id=branch.pk, name=g["name"],
                established_on=as_date(g["established_on"]), dissolved_on=as_date(g["dissolved_on"]),
            )
            for g in rows_of(row["group_rows"])
        ),
        key=lambda group: (group.name, group.pk),
    )
    entries = sorted(rows_of(row["publicity_rows"]), key=lambda e: (e["outlet_order"], e["outlet_id"], e["date"], e["id"]))
    rules = tuple(
        ComplianceRule(
            id=r["id"], organisation_id=r["organisation_id"], kind=r["kind"], frequency=r["frequency"],
            per_party_group=bool(r["per_party_group"]), source=r["source"],
        )
        for r in sorted(rows_of(row["rule_rows"]), key=lambda r: (r["kind"], r["id"]))
    )
    publicity = _outlet_tallies(
        (e["id"], e["count"], e["outlet_id"], e["outlet_name"], e["outlet_level"], e["outlet_unit"]) for e in entries
    )
    return BranchReads(
        groups=groups, publicity=publicity, rules=rules, published_before=bool(row["published_before"]),
        first_record=row["first_record"],
    )


def period_facts(
    *, branch: Organisation, period: Period, today: datetime.date | None = None, reads: BranchReads | None = None
) -> PeriodFacts:
    """Everything the report prints about ``branch`` in ``period``, in four queries (three when
    the caller has read the branch's row, ``reads``)."""
    today = today or timezone.localdate()
    as_of = period.end if today > period.end or today < period.start else today
    year_rows = _year_kind_rows(branch, period)  # 1.
    rows = _period_records(branch, period)  # 2.
    if reads is None:
        reads = branch_reads(branch, branch_reads_query(branch, period).values(*BRANCH_READS).get())  # 3.
    # Rectification items found by the end of the period: those still open then, and those found
    # in the period (「列出问题查摆清单」), read with the records (2.).
    rectifications = [a for a in rows if a.kind == "rectification"]
    members = _roster_rows(branch, as_of)  # 4.
    details = [a for a in rows if a.date >= period.start]
    return facts_from_rows(
        branch=branch,
        period=period,
        as_of=as_of,
        year_rows=year_rows,
        details=details,
        groups=reads.groups,
        publicity=reads.publicity,
        rectifications=rectifications,
        members=members,
        attendance=[
            (a["member_id"], a["name"], bool(a["present"]), a["absence_reason"], record.pk)
            for record in details
            for a in record.attendance_rows
        ],
        rules=reads.rules,
        published_before=reads.published_before,
        first_record=reads.first_record,
    )


def _year_kind_rows(branch: Organisation, period: Period) -> list[tuple]:
    """1. Every kind each record of the period's year counts as: (kind, record id, date, party
    group id, the record's own kind), by date.

    Read for the whole year: a half-year report's compliance calendar judges year-long rules
    (a yearly 民主评议) on the year's records, and takes them from here instead of reading the
    same table again (``year_kinds``). The period's rows are filtered out of the year's. Later
    records that review a year (所属年度) come too: the calendar counts the year's annual meeting
    held the next January for the year (``compliance.counts_for_year``)."""
    year_start, year_end = datetime.date(period.start.year, 1, 1), datetime.date(period.start.year, 12, 31)
    return _YEAR_KIND_ROWS.rows(branch_id=branch.pk, year_start=year_start, year_end=year_end)


_YEAR_KIND_ROWS = PreparedQuery(
    lambda branch_id, year_start, year_end: ActivityKind.objects.filter(
        Q(activity__date__range=(year_start, year_end))
        | Q(activity__date__gt=year_end, activity__year_of__isnull=False),
        activity__branch_id=branch_id,
    )
    .order_by("activity__date", "activity_id")
    .values_list(
        "kind", "activity_id", "activity__date", "activity__party_group_id", "activity__kind", "activity__year_of"
    )
)


def _period_records(branch: Organisation, period: Period) -> list[Activity]:
    """2. Every record of the period with its details (any kind's 〔…详情〕 may print them), and
    the evidence each has (attendance, minutes, photos), for the records that lack some, and
    their attendance rows, for the judgments' absences.

    Read with them: the rectification items found before the period and still open at its start
    (「整改事项」 carried into it), which are not printed as the period's records."""
    count = len(_RECORD_ATTNAMES)
    records = []
    for row in _PERIOD_RECORDS.rows(branch_id=branch.pk, start=period.start, end=period.end):
        # As the ORM makes a record of a queryset's row: the fields not read are deferred.
        record = Activity.from_db(_PERIOD_RECORDS_DB, _RECORD_ATTNAMES, row[:count])
        for name, value in zip(_RECORD_ANNOTATIONS, row[count:], strict=True):
            setattr(record, name, value)
        if record.speaker_id:
            record.speaker = Member(pk=record.speaker_id, name=record.speaker_member_name, post=record.speaker_member_post)
        records.append(record)
    return count_attendance(records)


# What the facts read of a record (its other fields stay deferred), in the model's order of fields,
# the order ``Model.from_db`` takes them in; and what ``_period_records_query`` annotates.
_RECORD_FIELDS = frozenset((
    "id", "kind", "date", "title", "place", "host", "content", "materials", "study_form", "activity_forms",
    "occasion", "participants", "speaker", "speaker_name", "speaker_post", "joint_with", "basis", "year_of",
    "headcount", "outcome", "other_participants", "interviewee", "talk_reason",
    "payment_type", "paid_count", "member_total", "amount", "branch_role", "members_part", "material_type",
    "sent_to", "series_kind", "series_count", "date_to", "approval_matter", "approval_status", "approval_body",
    "reported_on", "approved_on", "decisions", "is_resolved", "resolved_on", "deadline",
    "rectification_source",
))
_RECORD_ATTNAMES = tuple(field.attname for field in Activity._meta.concrete_fields if field.name in _RECORD_FIELDS)
_RECORD_ANNOTATIONS = (
    "attendance_rows", "has_minutes", "has_photos", "speaker_member_name", "speaker_member_post",
    "party_participant_count", "participant_member_rows",
)
_PERIOD_RECORDS_DB = "default"


def _period_records_query(branch_id: int, start: datetime.date, end: datetime.date) -> QuerySet[Activity]:
    carried_open = Q(kind="rectification", date__lt=start) & (Q(is_resolved=False) | Q(resolved_on__gt=end))
    speaker = Member.objects.filter(pk=OuterRef("speaker_id")).order_by()
    # The members listed as taking part who were Party members on the day (not 积极分子 or 发展对象):
    # a draft says 「6名党员」 only of people it knows were.
    party_participants = (
        Activity.participant_members.through.objects.filter(
            activity_id=OuterRef("pk"), member__status__in=(Member.Status.FULL, Member.Status.PROBATIONARY)
        )
        .filter(Q(member__joined_on__isnull=True) | Q(member__joined_on__lte=OuterRef("date")))
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        with_evidence(
            Activity.objects.filter(branch_id=branch_id).filter(Q(date__range=(start, end)) | carried_open),
            kinds_known=True,
            attendance_rows=True,
        )
        # The speaker by subqueries, not a join: joined, PostgreSQL hashes every branch's members
        # (7,500 rows, 2.5 ms at 300 branches) to find a few.
        .annotate(
            speaker_member_name=Subquery(speaker.values("name")[:1]),
            speaker_member_post=Subquery(speaker.values("post")[:1]),
            party_participant_count=Coalesce(Subquery(party_participants), 0),
            participant_member_rows=json_rows(
                Activity.participant_members.through.objects.filter(activity_id=OuterRef("pk")), id="member_id"
            ),
        )
        .order_by("date", "pk")
        .values_list(*_RECORD_ATTNAMES, *_RECORD_ANNOTATIONS)
    )


# Built and compiled once per database: ≈ 4 ms CPU of every cold report page (PreparedQuery).
_PERIOD_RECORDS = PreparedQuery(_period_records_query)




def _roster_rows(branch: Organisation, as_of: datetime.date) -> list[dict]:
    """5. The roster, for membership figures and for naming a host by post; with each member,
    whether a 转正 naming them still awaited the superior on ``as_of``."""
    return _ROSTER_ROWS.dicts(branch_id=branch.pk, as_of=as_of)


def _roster_query(branch_id: int, as_of: datetime.date) -> QuerySet[Member]:
    awaiting = Activity.participant_members.through.objects.filter(
        member_id=OuterRef("pk"),
        activity__branch_id=branch_id,
        activity__approval_matter=Activity.ApprovalMatter.CONFIRMATION,
        activity__date__lte=as_of,
    ).filter(
        Q(activity__approval_status=Activity.ApprovalStatus.PENDING)
        | Q(activity__approval_status=Activity.ApprovalStatus.APPROVED, activity__approved_on__gt=as_of)
    )
    return (
        Member.objects.filter(branch_id=branch_id)
        # The roster's order within one branch, without joining the branch to sort by its path.
        .order_by("party_group__name", "name", "pk")
        .annotate(confirmation_pending=Exists(awaiting))
        .values(
            "id", "branch_id", "name", "status", "post", "joined_on", "activist_on", "candidate_on", "full_on",
            "transferred_in_on", "transferred_out_on", "confirmation_pending",
        )
    )


_ROSTER_ROWS = PreparedQuery(_roster_query)


@dataclass
class _Counted:
    """What the period's kind rows (and counted series) add up to."""

    kinds: dict[str, Tally]
    kinds_of: dict[int, set[str]]
    group_meetings: list[tuple[datetime.date, int | None]]


def _count(year_rows: Iterable[tuple], details: Iterable[Activity], period: Period) -> _Counted:
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    kinds_of: dict[int, set[str]] = defaultdict(set)
    group_meetings: list[tuple[datetime.date, int | None]] = []
    for kind, activity_id, day, group_id, *_ in year_rows:
        if not period.start <= day <= period.end:
            continue
        ids_by_kind[kind].append(activity_id)
        kinds_of[activity_id].add(kind)
        if kind == "group_meeting":
            group_meetings.append((day, group_id))
    counts_by_kind: dict[str, int] = {code: len(ids) for code, ids in ids_by_kind.items()}
    # A counted series adds its sessions to the kind they count as (「开展入党积极分子培训6次」 in the
    # 理论学习会 figure); the series record joins that figure's records, marked as a series there.
    for activity in details:
        if activity.series_kind in KINDS and activity.series_count:
            counts_by_kind[activity.series_kind] = counts_by_kind.get(activity.series_kind, 0) + activity.series_count
            ids_by_kind[activity.series_kind].append(activity.pk)
    kinds = {code: Tally(counts_by_kind.get(code, 0), tuple(ids_by_kind[code])) for code in KINDS}
    return _Counted(kinds, kinds_of, group_meetings)


def _contents(details: list[Activity], kinds_of: Mapping[int, set[str]]) -> dict:
    """The report's lists read off the records of each kind: materials, forms, lectures, dates…"""

    def having(kind: str) -> list[Activity]:
        return [a for a in details if kind in kinds_of[a.pk]]

    ideology_front = {kind.code for kind in kinds_where("ideology_front")}
    return dict(
        study_materials=_named((a.pk, line) for a in having("study") for line in a.material_list),
        study_forms=_named((a.pk, a.study_form) for a in having("study") if a.study_form),
        themed_day_forms=_named((a.pk, line) for a in having("themed_day") for line in a.activity_form_list),
        lectures=tuple(_lecture(a) for a in having("party_lecture")),
        commemorations=tuple(
            Commemoration(a.pk, a.date, a.title, a.participants, a.place) for a in having("commemoration")
        ),
        themed_education=_named((a.pk, a.title) for a in having("themed_education")),
        org_life=tuple(Dated(a.pk, a.kind, a.date, a.title) for a in having("org_life")),
        democratic_appraisal=tuple(Dated(a.pk, a.kind, a.date, a.title) for a in having("democratic_appraisal")),
        pioneer_posts=_named((a.pk, a.title) for a in having("pioneer_post")),
        warning_materials=_named(
            (a.pk, line) for a in having("warning_education") for line in (a.material_list or [a.title])
        ),
        integrity_talks=tuple(IntegrityTalk(a.pk, a.date, a.occasion, a.title) for a in having("integrity_talk")),
        petition_publicity=tuple(Dated(a.pk, a.kind, a.date, a.title) for a in having("petition_publicity")),
        discipline_meetings=tuple(Dated(a.pk, a.kind, a.date, a.title) for a in having("discipline_meeting")),
        rules_materials=_named((a.pk, line) for a in having("rules_study") for line in a.material_list),
        ideology=tuple(Dated(a.pk, a.kind, a.date, a.title) for a in details if kinds_of[a.pk] & ideology_front),
        heads={
            kind.code: Tally(
                sum(getattr(a, kind.sums) or 0 for a in having(kind.code)), tuple(a.pk for a in having(kind.code))
            )
            for kind in KINDS.values()
            if kind.sums
        },
    )


def facts_from_rows(
    *,
    branch: Organisation,
    period: Period,
    as_of: datetime.date,
    year_rows: list[tuple],
    details: list[Activity],
    groups: list[PartyGroup],
    publicity: tuple[OutletTally, ...],
    rectifications: list[Activity],
    members: list[dict],
    attendance: list[tuple] | None = None,
    rules: tuple[ComplianceRule, ...] | None = None,
    published_before: bool | None = None,
    first_record: datetime.date | None = None,
) -> PeriodFacts:
    """The period's facts from the rows ``period_facts`` reads; no query, so a test can hand it
    records that were never saved."""
    counted = _count(year_rows, details, period)
    contents = _contents(details, counted.kinds_of)
    heads = contents.pop("heads")
    post_of = {m["name"]: POST_TITLES.get(m["post"], "") for m in members if m["transferred_out_on"] is None}
    year_end = datetime.date(period.start.year, 12, 31)
    return PeriodFacts(
        branch_id=branch.pk,
        branch_code=branch.code,
        branch_name=branch.name,
        period=period,
        as_of=as_of,
        kinds=MappingProxyType(counted.kinds),
        group_meetings_monthly=groups_met_monthly(groups, counted.group_meetings, period=period, as_of=as_of),
        party_groups=tuple(group.name for group in _groups_in_force(groups, period, as_of)),
        **contents,
        probation_completed=heads.get("probation_completed", Tally()),
        publicity=publicity,
        **_rectification_facts(rectifications, period),
        details=tuple(_detail(a, post_of) for a in details),
        membership=membership(members, period=period, as_of=as_of),
        heads=MappingProxyType(heads),
        group_rows=tuple(groups),
        roster=tuple(members),
        counted_kinds=MappingProxyType({pk: frozenset(codes) for pk, codes in counted.kinds_of.items()}),
        evidence_gaps=tuple(a.pk for a in details if missing_evidence(a, counted.kinds_of.get(a.pk, ()))),
        year_kinds=tuple(year_rows) if period.end <= year_end else None,
        attendance=None if attendance is None else tuple(attendance),
        rule_rows=rules,
        published_before=published_before,
        first_record=first_record,
    )


def _rectification_facts(rectifications: list[Activity], period: Period) -> dict:
    """What the period's facts say of its 整改台账: items open at its end (with their deadlines),
    those its meetings found, and those not yet resolved at all."""
    open_items = tuple(
        Named(a.title, (a.pk,))
        for a in rectifications
        if not a.is_resolved or (a.resolved_on is not None and a.resolved_on > period.end)
    )
    open_ids = {item.activity_ids[0] for item in open_items}
    return {
        "open_rectifications": open_items,
        "rectification_deadlines": MappingProxyType(
            {a.pk: a.deadline for a in rectifications if a.deadline and a.pk in open_ids}
        ),
        "rectifications_found": tuple(
            a.pk for a in rectifications if period.contains(a.date) and a.rectification_source in MEETING_SOURCES
        ),
        "unresolved_rectifications": tuple(Named(a.title, (a.pk,)) for a in rectifications if not a.is_resolved),
    }


def _named(pairs: Iterable[tuple[int, str]]) -> tuple[Named, ...]:
    """Distinct names in order of first appearance, each with the records naming it."""
    ids: dict[str, list[int]] = {}
    for activity_id, name in pairs:
        name = name.strip()
        if not name:
            continue
        record_ids = ids.setdefault(name, [])
        if activity_id not in record_ids:
            record_ids.append(activity_id)
    return tuple(Named(name, tuple(record_ids)) for name, record_ids in ids.items())


def _lecture(activity: Activity) -> Lecture:
    typed = activity.speaker_post.strip()
    extra = {
        "participants": activity.participants.strip(),
        "joint_with": activity.joint_with.strip(),
        "post_typed": bool(typed),
        "place": activity.place.strip(),
    }
    if activity.speaker_id:
        speaker = activity.speaker
        post = typed or POST_TITLES.get(speaker.post, "")
        return Lecture(activity.pk, activity.date, activity.title, speaker.name, post, False, **extra)
    name = activity.speaker_name.strip()
    return Lecture(activity.pk, activity.date, activity.title, name, typed, bool(name), **extra)


def _detail(activity: Activity, post_of: Mapping[str, str]) -> Detail:
    host = activity.host.strip()
    if activity.speaker_id:
        speaker = activity.speaker.name
        speaker_post = activity.speaker_post.strip() or POST_TITLES.get(activity.speaker.post, "")
    else:
        speaker, speaker_post = activity.speaker_name.strip(), activity.speaker_post.strip()
    return Detail(
        id=activity.pk,
        kind=activity.kind,
        date=activity.date,
        title=activity.title.strip(),
        place=activity.place.strip(),
        host=host,
        host_post=post_of.get(host, ""),
        participants=activity.participants.strip(),
        occasion=activity.occasion.strip(),
        joint_with=activity.joint_with.strip(),
        content=activity.content.strip(),
        forms=tuple(activity.activity_form_list),
        basis=tuple(activity.basis_list),
        year_of=activity.year_of,
        speaker=speaker,
        speaker_post=speaker_post,
        outcome=activity.outcome.strip(),
        headcount=activity.headcount,
        party_participants=activity.party_participant_count,
        listed_members=tuple(sorted(row["id"] for row in rows_of(activity.participant_member_rows))),
        other_participants=activity.other_participants.strip(),
        interviewee=activity.interviewee.strip(),
        talk_reason=activity.talk_reason.strip(),
        payment_type=activity.payment_type,
        paid_count=activity.paid_count,
        member_total=activity.member_total,
        amount=activity.amount,
        branch_role=activity.branch_role.strip(),
        members_part=activity.members_part.strip(),
        material_type=activity.material_type,
        sent_to=activity.sent_to.strip(),
        series_kind=activity.series_kind,
        series_count=activity.series_count,
        date_to=activity.date_to,
        approval_matter=activity.approval_matter,
        approval_status=activity.approval_status,
        approval_body=activity.approval_body.strip(),
        reported_on=activity.reported_on,
        approved_on=activity.approved_on,
    )


def _party_member_on(member: Mapping, day: datetime.date) -> bool:
    """Whether the roster row was a Party member of the branch on ``day`` (dates left blank are
    taken as "before any period", as the roster had them before they were recorded)."""
    if member["status"] not in (Member.Status.FULL, Member.Status.PROBATIONARY):
        return False
    if member["joined_on"] and member["joined_on"] > day:
        return False
    if member["transferred_in_on"] and member["transferred_in_on"] > day:
        return False
    return not (member["transferred_out_on"] and member["transferred_out_on"] <= day)


def membership(members: Iterable[Mapping], *, period: Period, as_of: datetime.date) -> Membership:
    """Party members at the start and end of the period and the roster's movements inside it.

    A stage counts in the period its own date falls in: 列为积极分子 (``activist_on``, or the
    date of an activist's current status), 列为发展对象 (``candidate_on`` likewise), 接收预备党员
    (``joined_on`` of a Party member), 转正 (``full_on``) unless a record naming the member shows the
    转正 still awaiting the superior's approval (``confirmation_pending``).
    """
    members = list(members)
    start_eve = period.start - datetime.timedelta(days=1)

    def inside(day: datetime.date | None) -> bool:
        return day is not None and period.start <= day <= as_of

    def ids(test) -> tuple[int, ...]:
        return tuple(m["id"] for m in members if test(m))

    party = (Member.Status.FULL, Member.Status.PROBATIONARY)
    return Membership(
        at_start=ids(lambda m: _party_member_on(m, start_eve)),
        at_end=ids(lambda m: _party_member_on(m, as_of)),
        transferred_in=ids(lambda m: inside(m["transferred_in_on"])),
        transferred_out=ids(lambda m: inside(m["transferred_out_on"])),
        activists=ids(
            lambda m: inside(m["activist_on"] or (m["joined_on"] if m["status"] == Member.Status.ACTIVIST else None))
        ),
        candidates=ids(
            lambda m: inside(m["candidate_on"] or (m["joined_on"] if m["status"] == Member.Status.CANDIDATE else None))
        ),
        admitted=ids(lambda m: m["status"] in party and inside(m["joined_on"]) and not inside(m["transferred_in_on"])),
        # A 转正 counts once the superior approved it: the roster's date alone is the branch's
        # decision, which a record may show still awaiting 院党委审批.
        confirmed=ids(lambda m: inside(m["full_on"]) and not m.get("confirmation_pending")),
        confirmation_pending=ids(
            lambda m: m.get("confirmation_pending")
            and (inside(m["full_on"]) or m["status"] == Member.Status.PROBATIONARY)
        ),
    )


def _outlet_tallies(rows: Iterable[tuple]) -> tuple[OutletTally, ...]:
    """(entry id, count, outlet id, outlet name, level, unit) rows, in outlet order → one tally
    per outlet."""
    outlets: dict[int, dict] = {}
    for pk, count, outlet_id, name, level, unit in rows:
        outlet = outlets.setdefault(outlet_id, {"name": name, "level": level, "unit": unit, "count": 0, "ids": []})
        outlet["count"] += count
        outlet["ids"].append(pk)
    return tuple(
        OutletTally(outlet_id, o["name"], o["level"], o["unit"], o["count"], tuple(o["ids"]))
        for outlet_id, o in outlets.items()
    )


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _groups_in_force(groups: Iterable[PartyGroup], period: Period, as_of: datetime.date) -> list[PartyGroup]:
    return [
        group
        for group in groups
        if (group.established_on is None or group.established_on <= as_of)
        and (group.dissolved_on is None or group.dissolved_on > period.start)
    ]


def groups_met_monthly(
    groups: Iterable[PartyGroup],
    meetings: Iterable[tuple[datetime.date, int | None]],
    *,
    period: Period,
    as_of: datetime.date,
) -> bool:
    """Whether every party group met in every month of the period so far.

    A month is owed once it has ended by ``as_of`` (the month in progress may still see its
    meeting); a group owes months from the one it was established in, and none from the month it
    was dissolved in. With no group, or no month owed yet, the answer is no: the report then
    prints the number of meetings rather than claiming a monthly rhythm.
    """
    held = {(group_id, day.year, day.month) for day, group_id in meetings if group_id}
    owed = []
    for group in groups:
        for year, month in period.months():
            last = _month_end(year, month)
            if last > as_of:
                continue
            if group.established_on and group.established_on > last:
                continue
            if group.dissolved_on and group.dissolved_on <= last:
                continue
            owed.append((group.pk, year, month))
    return bool(owed) and all(key in held for key in owed)


# --- publicity per outlet, for the publicity page and ledger ------------------------------------


@dataclass(frozen=True)
class OutletTotal:
    outlet: Outlet
    total: int


def publicity_totals(entries) -> list[OutletTotal]:
    """Per outlet (in registry order), the sum of counts of the given entries. Two queries."""
    sums = dict(entries.order_by().values_list("outlet_id").annotate(total=Sum("count")))
    outlets = Outlet.objects.filter(pk__in=sums).order_by("sort_order", "pk")
    return [OutletTotal(outlet, sums[outlet.pk]) for outlet in outlets]
