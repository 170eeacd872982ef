"""Fill the configured database with a realistic large data set for the benchmarks.

At scale 1.0: one committee, 30 general branches, 300 branches of 25 members each (three party
groups), five years of records at the frequencies branches really keep (≈ 200,000 records),
attendance for the meetings that decide a quorum, publicity pieces, and a report per branch for
the last half-year. Scale 0.1 gives a tenth of the branches with the same per-branch density, so
the two sizes show how pages grow with the data, not with a branch's own load.

    python benchmarks/generate.py --scale 1.0

Deterministic (seeded), and it replaces any earlier benchmark data (codes starting "bench").
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from activities.models import Activity, ActivityKind, Attendance, Outlet, PublicityEntry  # noqa: E402
from branchwork.models import Member, Organisation, PartyGroup, Role  # noqa: E402

# kind → records a year (group meetings are per party group per month)
YEARLY = {
    "study": 12,
    "themed_day": 12,
    "branch_assembly": 4,
    "committee_meeting": 20,
    "party_lecture": 4,
    "org_life": 1,
    "democratic_appraisal": 1,
    "heart_talk": 12,
    "warning_education": 4,
    "integrity_talk": 2,
    "petition_publicity": 1,
    "discipline_meeting": 2,
    "rules_study": 2,
    "material_review": 4,
    "online_conduct": 2,
    "themed_education": 3,
    "pioneer_post": 1,
    "probation_completed": 1,
    "rectification": 2,
}
GROUPS_PER_BRANCH = 3
MEMBERS_PER_BRANCH = 25
YEARS = 5
PUBLICITY_PER_YEAR = 40
PASSWORD = "bench-pass-2026"


def wipe() -> None:
    """Remove earlier benchmark data, children before parents, without per-row signals.

    A cascading ORM delete sends a signal per row (the audit log listens), which for 200,000
    records takes many minutes; the benchmark's own data needs no audit trail of its removal."""
    from django.apps import apps

    from reports.models import Report, ReportEvent, ReportItem, ReportVersion, ReviewComment

    bench = Organisation.objects.filter(code__startswith="bench")
    org_ids = list(bench.values_list("pk", flat=True))
    User = get_user_model()
    user_ids = list(User.objects.filter(username__startswith="bench_").values_list("pk", flat=True))
    reports = Report.objects.filter(branch_id__in=org_ids)
    steps = [
        ReviewComment.objects.filter(version__report__in=reports),
        ReportEvent.objects.filter(report__in=reports),
        ReportItem.objects.filter(report__in=reports),
        ReportVersion.objects.filter(report__in=reports),
        reports,
        Attendance.objects.filter(activity__branch_id__in=org_ids),
        ActivityKind.objects.filter(activity__branch_id__in=org_ids),
        apps.get_model("activities", "Attachment").objects.filter(activity__branch_id__in=org_ids),
        Activity.objects.filter(branch_id__in=org_ids),
        PublicityEntry.objects.filter(branch_id__in=org_ids),
        Member.objects.filter(branch_id__in=org_ids),
        PartyGroup.objects.filter(branch_id__in=org_ids),
        Outlet.objects.filter(organisation_id__in=org_ids),
        apps.get_model("activities", "ComplianceRule").objects.filter(organisation_id__in=org_ids),
        Role.objects.filter(user_id__in=user_ids),
        apps.get_model("audit", "AuditEntry").objects.filter(organisation_id__in=org_ids),
    ]
    for queryset in steps:
        # Subqueries are evaluated to ids first: a raw delete cannot join.
        queryset.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))._raw_delete(queryset.db)
    User.objects.filter(pk__in=user_ids).delete()
    for level in (Organisation.Level.BRANCH, Organisation.Level.GENERAL_BRANCH, Organisation.Level.COMMITTEE):
        ids = list(bench.filter(level=level).values_list("pk", flat=True))
        Organisation.objects.filter(pk__in=ids)._raw_delete(Organisation.objects.db)


def generate(scale: float = 1.0, seed: int = 2026, today: datetime.date | None = None) -> dict:
    rng = random.Random(seed)
    today = today or datetime.date.today()
    n_general = max(1, round(30 * scale))
    first_year = today.year - YEARS + 1
    started = time.perf_counter()
    User = get_user_model()
    with transaction.atomic():
        wipe()
        committee = Organisation.objects.create(name="基准测试党委", code="bench", level=Organisation.Level.COMMITTEE)
        generals, branches = [], []
        for g in range(n_general):
            general = Organisation.objects.create(
                name=f"基准第{g + 1}党总支", code=f"bench-g{g + 1}", level=Organisation.Level.GENERAL_BRANCH, parent=committee
            )
            generals.append(general)
            for b in range(10):
                branches.append(
                    Organisation.objects.create(
                        name=f"基准{g + 1}-{b + 1}所党支部",
                        code=f"bench-{g + 1}-{b + 1}",
                        level=Organisation.Level.BRANCH,
                        parent=general,
                    )
                )
        outlets = {}
        for general in generals:
            outlets[general.pk] = Outlet.objects.bulk_create(
                [
                    Outlet(organisation=general, name=f"{general.name}媒体{i}", level=level, unit=unit, sort_order=i)
                    for i, (level, unit) in enumerate([("行业", "篇"), ("省级", "篇"), ("中央", "次"), ("地方", "篇")])
                ]
            )
        groups = PartyGroup.objects.bulk_create(
            [
                PartyGroup(branch=branch, name=f"第{i + 1}党小组", established_on=datetime.date(first_year - 1, 1, 1))
                for branch in branches
                for i in range(GROUPS_PER_BRANCH)
            ]
        )
        groups_by_branch: dict[int, list[PartyGroup]] = {}
        for group in groups:
            groups_by_branch.setdefault(group.branch_id, []).append(group)
        posts = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"]
        members = []
        for branch in branches:
            for i in range(MEMBERS_PER_BRANCH):
                status = "正式党员" if i < 21 else ("预备党员" if i < 23 else ("发展对象" if i == 23 else "入党积极分子"))
                members.append(
                    Member(
                        branch=branch,
                        party_group=groups_by_branch[branch.pk][i % GROUPS_PER_BRANCH],
                        name=f"成员{branch.pk}-{i + 1}",
                        gender="男" if i % 2 else "女",
                        status=status,
                        joined_on=datetime.date(first_year - 5 + i % 5, 7, 1),
                        post=posts[i] if i < len(posts) else "",
                    )
                )
        members = Member.objects.bulk_create(members, batch_size=2000)
        members_by_branch: dict[int, list[Member]] = {}
        for member in members:
            members_by_branch.setdefault(member.branch_id, []).append(member)

        users = []
        for branch in branches:
            users.append(User(username=f"bench_{branch.code}", first_name=f"{branch.name}书记"))
        for general in generals:
            users.append(User(username=f"bench_{general.code}", first_name=f"{general.name}审阅人"))
        from django.contrib.auth.hashers import make_password

        password = make_password(PASSWORD)
        for user in users:
            user.password = password
        users = User.objects.bulk_create(users)
        by_name = {user.username: user for user in users}
        Role.objects.bulk_create(
            [Role(user=by_name[f"bench_{b.code}"], organisation=b, kind=Role.Kind.SECRETARY) for b in branches]
            + [Role(user=by_name[f"bench_{g.code}"], organisation=g, kind=Role.Kind.REVIEWER) for g in generals]
        )

        activities: list[Activity] = []
        for branch in branches:
            for year in range(first_year, today.year + 1):
                for kind, per_year in YEARLY.items():
                    for i in range(per_year):
                        month = 1 + (i * 12) // per_year
                        day = datetime.date(year, month, 1 + rng.randrange(27))
                        if day > today:
                            continue
                        activities.append(_activity(branch, kind, day, i, rng, members_by_branch[branch.pk]))
                for month in range(1, 13):
                    for group in groups_by_branch[branch.pk]:
                        day = datetime.date(year, month, 1 + rng.randrange(27))
                        if day <= today:
                            activity = _activity(branch, "group_meeting", day, month, rng, members_by_branch[branch.pk])
                            activity.party_group = group
                            activities.append(activity)
        activities = Activity.objects.bulk_create(activities, batch_size=5000)
        ActivityKind.objects.bulk_create([ActivityKind.of(a, a.kind) for a in activities], batch_size=10000)

        attendance = []
        for activity in activities:
            if activity.kind in ("branch_assembly", "committee_meeting"):
                roster = members_by_branch[activity.branch_id]
                people = roster if activity.kind == "branch_assembly" else roster[:5]
                for member in people:
                    present = rng.random() > 0.1
                    attendance.append(
                        Attendance(activity=activity, member=member, present=present, absence_reason="" if present else "公出")
                    )
        Attendance.objects.bulk_create(attendance, batch_size=10000)

        publicity = []
        for branch in branches:
            branch_outlets = outlets[branch.parent_id]
            for year in range(first_year, today.year + 1):
                for i in range(PUBLICITY_PER_YEAR):
                    day = datetime.date(year, 1 + (i * 12) // PUBLICITY_PER_YEAR, 1 + rng.randrange(27))
                    if day <= today:
                        publicity.append(
                            PublicityEntry(
                                branch=branch,
                                outlet=branch_outlets[i % len(branch_outlets)],
                                date=day,
                                count=1 + (i % 3 == 0),
                                title=f"{branch.name}宣传稿件{year}-{i + 1}",
                            )
                        )
        PublicityEntry.objects.bulk_create(publicity, batch_size=5000)

        # Every branch has written its report for the last half-year; one in ten has submitted it.
        from branchwork.periods import Period
        from reports.services import report_create, report_submit

        previous = Period.containing(today).previous()
        reports = 0
        for index, branch in enumerate(branches):
            secretary = by_name[f"bench_{branch.code}"]
            report = report_create(branch=branch, period=previous, by=secretary)
            if index % 10 == 0:
                report_submit(report=report, by=secretary)
            reports += 1
    from branchwork.figures import figures_changed

    figures_changed(everywhere=True)  # the data was written in bulk, without signals
    # A database that has been running has planner statistics; one filled a second ago has none
    # until autovacuum gets round to it, and its plans would be for empty tables.
    from django.db import connection

    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: otherwise autovacuum wakes up for the freshly written tables
        # while the pages are being timed.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "branches": len(branches),
        "general_branches": len(generals),
        "members": len(members),
        "activities": len(activities),
        "attendance": len(attendance),
        "publicity": len(publicity),
        "reports": reports,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _activity(branch, kind, day, i, rng, roster) -> Activity:
    activity = Activity(branch=branch, kind=kind, date=day, title=f"{day.year}年第{i + 1}次{kind}", place="会议室")
    if kind == "study":
        activity.materials = "党章\n习近平新时代中国特色社会主义思想学习纲要"
        activity.study_form = "集体学习"
    elif kind == "themed_day":
        activity.activity_forms = rng.choice(["志愿服务", "观看教育影片", "赴教育基地参观"])
    elif kind == "party_lecture":
        activity.speaker = roster[0]
    elif kind == "warning_education":
        activity.materials = "典型案例通报"
    elif kind == "integrity_talk":
        activity.occasion = "春节前" if day.month < 6 else "中秋节前"
    elif kind == "probation_completed":
        activity.headcount = 1 + rng.randrange(3)
    elif kind == "rectification":
        activity.is_resolved = rng.random() > 0.3
    return activity


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(generate(scale=args.scale, seed=args.seed))
