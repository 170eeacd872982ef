"""The demo records: the reference report's figures for kl所党支部 in 2022H1, idempotent seeding,
quorate meetings, and a live current year for every demo branch."""

import datetime

import pytest

from activities.models import Activity, ActivityKind, Attendance, Outlet, PublicityEntry
from activities.quorum import short_of_quorum
from activities.selectors import period_facts
from branchwork.models import Organisation
from branchwork.periods import Period
from demo.organisations import seed_organisations
from demo.records import seed_activities
from tests.shared import built_once

D = datetime.date
TODAY = D(2026, 5, 15)

# shared/reference/seed-figures.json
FIGURES = {
    "meetings": {"study": 6, "themed_day": 6, "branch_assembly": 2, "committee_meeting": 24, "org_life": 1, "party_lecture": 2},
    "study_materials": ["党的十九届六次全会精神", "党史", "新中国史", "改革开放史", "社会主义发展史", "省第十四次党代会精神"],
    "themed_day_forms": [
        "观看反腐题材影片", "召开专题交流研讨会议", "春耕", "节假日保通保畅", "路域环境整治", "贫困小学捐资助学", "赴党史教育基地",
    ],
    "publicity": [
        ("省交通厅网站和微信公众号", 14, "篇"), ("省服务中心网站", 16, "篇"), ("新**", 5, "次"), ("新华网客户端", 2, "次"),
        ("中国**网", 1, "次"), ("澎湃新闻", 1, "次"), ("腾讯新闻", 1, "次"), ("**法制报", 3, "篇"), ("民族日报等地方媒体", 39, "篇"),
    ],
}

pytestmark = pytest.mark.django_db


def seed() -> None:
    seed_organisations()
    seed_activities(today=TODAY)


_seeded = built_once(seed)  # once for the module (tests/shared.py), when the module can share


@pytest.fixture
def kl(_seeded):
    if not _seeded:
        seed()
    return Organisation.objects.get(code="kl")


@pytest.fixture
def facts(kl):
    return period_facts(branch=kl, period=Period.parse("2022H1"))


def test_kl_first_half_of_2022_holds_the_reference_meetings(facts):
    assert {code: facts.count(code).count for code in FIGURES["meetings"]} == FIGURES["meetings"]
    assert facts.group_meetings_monthly is True
    assert len(facts.party_groups) == 3
    assert facts.count("democratic_appraisal").count == 1


def test_one_branch_assembly_is_held_together_with_a_themed_day(facts):
    combined = set(facts.count("branch_assembly").activity_ids) & set(facts.count("themed_day").activity_ids)
    assert len(combined) == 1


def test_kl_first_half_of_2022_holds_the_reference_lists(facts):
    assert [m.name for m in facts.study_materials] == FIGURES["study_materials"]
    assert {f.name for f in facts.study_forms} == {"集体学习", "专题研讨", "个人自学"}
    assert [f.name for f in facts.themed_day_forms] == FIGURES["themed_day_forms"]
    assert [t.name for t in facts.themed_education] == [
        "“社会主义核心价值观主题实践教育月”", "全民国家安全教育日普法宣传", "“健康人生、绿色无毒”主题禁毒宣传",
    ]
    [anniversary] = facts.commemorations
    assert (anniversary.place, anniversary.participants) == ("*村", "全体党员、发展对象、入党积极分子")
    assert "101周年" in anniversary.title and anniversary.date.month == 6 and anniversary.date.day > 20


def test_the_secretary_lectures_on_work_style(facts):
    by_secretary = [lecture for lecture in facts.lectures if lecture.speaker_post == "支部书记"]
    assert [lecture.topic for lecture in by_secretary] == ["习近平总书记关于作风建设重要论述的丰富内涵"]


def test_kl_first_half_of_2022_holds_the_reference_publicity(kl, facts):
    assert [(o.name, o.count, o.unit) for o in facts.publicity] == FIGURES["publicity"]
    assert facts.publicity_total == 82
    assert [o.name for o in Outlet.objects.filter(organisation__code="hw")] == [name for name, _, _ in FIGURES["publicity"]]


def test_kl_first_half_of_2022_holds_the_discipline_and_people_figures(facts):
    assert [m.name for m in facts.warning_materials] == [
        "“@党员干部，这样的生活方式要远离”", "中央纪委国家监委公开通报十起违反中央八项规定精神典型问题", "反腐败斗争电视专题片《零容忍》",
    ]
    assert [t.occasion for t in facts.integrity_talks] == ["春节前", "端午节前"]
    assert facts.probation_completed.count == 3
    assert [r.date.month for r in facts.petition_publicity] == [4]
    assert [r.date for r in facts.discipline_meetings] == [D(2022, 6, 29)]
    assert facts.count("heart_talk").count >= 2 and facts.count("supervision").count >= 1
    # Two posts; 疫情防控 and 保通保畅 are the urgent tasks their members took on, not posts.
    assert [p.name for p in facts.pioneer_posts] == ["收费服务党员先锋示范岗", "ETC客服党员先锋示范岗"]
    assert {task for d in facts.of_kind("pioneer_post") for task in d.forms} == {"疫情防控", "保通保畅"}
    assert {r.kind for r in facts.ideology} >= {"material_review", "online_conduct"}
    assert [r.name for r in facts.open_rectifications] == ["党建与业务工作融合方面，工作措施和力度不够"]


def test_a_record_on_1_july_2022_sits_just_outside_the_half_year(kl):
    july = Activity.objects.get(branch=kl, date=D(2022, 7, 1))

    assert july.pk not in period_facts(branch=kl, period=Period.parse("2022H1")).count(july.kind).activity_ids
    assert july.pk in period_facts(branch=kl, period=Period.parse("2022")).count(july.kind).activity_ids
    assert july.pk in period_facts(branch=kl, period=Period.parse("2022H2")).count(july.kind).activity_ids


def test_every_demo_meeting_has_attendance_and_a_quorum(kl):
    meetings = Activity.objects.filter(kind__in=["committee_meeting", "branch_assembly", "study", "group_meeting"])

    assert short_of_quorum(meetings) == set()
    assert not meetings.exclude(attendance__isnull=False).exists()
    absences = Attendance.objects.filter(present=False)
    assert absences.exists() and not absences.filter(absence_reason="").exists()


def test_every_demo_meeting_record_names_a_chair_who_was_there(kl):
    from activities.meeting_record import presence_warnings
    from reports.minutes import MINUTES_KINDS

    meetings = Activity.objects.filter(kind__in=MINUTES_KINDS).prefetch_related("attendance__member")
    kl_groups = [m for m in meetings if m.branch_id == kl.pk and m.kind == "group_meeting" and m.date < D(2022, 7, 1)]
    assert len(kl_groups) == 18  # three groups, six months: the twelve of the two groups 王建国 is not in among them
    assert [(m.date, m.host) for m in meetings if presence_warnings(m, m.attendance.all())] == []


def test_the_party_lectures_of_2022h1_say_what_was_taught(kl):
    lectures = Activity.objects.filter(branch=kl, kind="party_lecture", date__range=(D(2022, 1, 1), D(2022, 6, 30)))
    contents = {lecture.title: lecture.content for lecture in lectures}
    assert len(contents) == 2 and all(len(text) > 100 for text in contents.values())
    assert "作风建设" in contents["习近平总书记关于作风建设重要论述的丰富内涵"]
    assert "省第十四次党代会" in contents["学习贯彻省第十四次党代会精神，奋力推动收费运营高质量发展"]


def test_every_demo_branch_has_records_this_year_up_to_today(kl):
    for code in ("kl", "xy", "jg"):
        this_year = Activity.objects.filter(branch__code=code, date__year=TODAY.year)
        assert this_year.filter(kind="committee_meeting").count() == TODAY.month
        assert not this_year.filter(date__gt=TODAY).exists()
        assert PublicityEntry.objects.filter(branch__code=code, date__year=TODAY.year).exists()


def _snapshot() -> dict:
    stamps = {"created_at", "updated_at"}
    return {
        model.__name__: [{k: v for k, v in row.items() if k not in stamps} for row in model.objects.order_by("pk").values()]
        for model in (Activity, ActivityKind, Attendance, Outlet, PublicityEntry)
    }


def test_seeding_twice_leaves_identical_data(kl):
    before = _snapshot()

    seed_organisations()
    seed_activities(today=TODAY)

    assert _snapshot() == before


def test_seeding_repairs_a_changed_demo_record(kl):
    committee = Activity.objects.filter(branch=kl, kind="committee_meeting", date__year=2022).first()
    committee.content = "被改动的内容"
    committee.save()
    committee.counted_kinds.all().delete()

    seed_activities(today=TODAY)

    committee.refresh_from_db()
    assert committee.content != "被改动的内容"
    assert list(committee.counted_kinds.values_list("kind", flat=True)) == ["committee_meeting"]
