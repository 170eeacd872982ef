"""A branch the repo has never seen, set up and filled in through the pages as a new user would:
its roster, its records with the new fields (a speaker's post, a joint unit, the year an annual
meeting reviews), its profile — then the report it starts says only what those records back."""

import datetime

import pytest
from django.urls import reverse

from branchwork.models import Member, Role
from reports.claims import check_document
from reports.models import Report
from reports.profile import report_facts
from reports.selectors import draft_document
from tests.factories import BranchFactory, CommitteeFactory, RoleFactory, UserFactory
from tests.security.posting import profile_data

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def school(client):
    committee = CommitteeFactory(name="市教育局党委", code="jyj")
    branch = BranchFactory(name="实验小学党支部", code="syxx", parent=committee)
    secretary = UserFactory(username="syxx_shuji")
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    client.force_login(secretary)
    return branch


def post(client, name, *args, data):
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_school_branch_entered_through_the_pages_gets_a_true_draft(client, school):
    code = school.code
    for name, post_, status, extra in (
        ("周校长", "书记", "正式党员", {}),
        ("钱老师", "组织委员", "正式党员", {}),
        ("孙老师", "", "正式党员", {"full_on": "2022-05-10"}),
        ("李老师", "", "入党积极分子", {"activist_on": "2022-03-20"}),
    ):
        post(client, "roster:member_create", code, data={"name": name, "gender": "女", "status": status,
                                                            "joined_on": "2015-07-01" if status == "正式党员" else "2022-03-20",
                                                            "post": post_, **extra})
    head = Member.objects.get(branch=school, name="周校长")

    post(client, "activities:activity_create", code, "study",
         data={"date": "2022-03-10", "title": "学习新课程标准中的思政要求", "study_form": "集体学习",
               "materials": "《义务教育课程方案（2022年版）》"})
    post(client, "activities:activity_create", code, "themed_day",
         data={"date": "2022-04-22", "title": "“红领巾心向党”", "activity_forms": "带领少先队员参观纪念馆",
               "joint_with": "社区党委", "participants": "全体党员"})
    post(client, "activities:activity_create", code, "party_lecture",
         data={"date": "2022-06-28", "title": "做党和人民满意的好老师", "speaker": head.pk, "participants": "全体党员教师"})
    post(client, "activities:activity_create", code, "org_life",
         data={"date": "2022-02-18", "title": "2021年度组织生活会", "year_of": "2021"})
    post(client, "activities:activity_create", code, "material_review",
         data={"date": "2022-05-06", "title": "校园公众号推文审核"})
    post(client, "reports:branch_profile", code,
         data=profile_data(core_business="教育教学", key_work="教育教学\n课后服务", superiors="局党委"))

    post(client, "reports:report_start", code, data={"period": "2022H1"})

    report = Report.objects.get(branch=school, year=2022, half="H1")
    document = draft_document(report, today=D(2026, 11, 25))
    text = document.plain_text()
    facts = report_facts(branch=school, period=report.period)
    # Nothing false; only 作风建设 is empty (the school recorded no discipline work).
    flags = check_document(document, facts)
    assert [(located.section, [flag.rule for flag in located.flags]) for located in flags] == [(3, ["empty"])]
    assert "6月28日，支部书记围绕做党和人民满意的好老师为全体党员教师讲授专题党课" in text
    assert "与社区党委联合开展主题党日活动" in text and "带领少先队员参观纪念馆" in text
    assert "2021年度组织生活会" in text
    assert "在局党委的正确领导下" in text
    # The school said nothing of how its committee decides: no 议事决策水平 is claimed for it.
    assert "议事决策水平" not in text and "一岗双责" not in text and "突出党建引领" not in text
    assert "确定入党积极分子1名，预备党员转正1名" in text
    assert "校园公众号推文" in text
    done, problems = text.split("五、存在的问题")
    for absent in ("党小组", "先锋示范岗", "收费", "窗口", "上级党组织"):
        assert absent not in text
    # No 谈心谈话 was recorded: it is not claimed, it is a problem the draft names.
    assert "谈心谈话" not in done and "上半年未开展谈心谈话" in problems


def test_a_year_of_review_two_years_back_is_refused_with_a_message(client, school):
    response = client.post(
        reverse("activities:activity_create", args=[school.code, "org_life"]),
        {"date": "2022-02-18", "title": "组织生活会", "year_of": "2019"},
    )
    assert response.status_code == 200
    assert "所属年度应为会议当年或上一年（2021或2022）" in response.content.decode()


def test_a_stage_date_in_the_future_is_refused(client, school):
    response = client.post(
        reverse("roster:member_create", args=[school.code]),
        {"name": "王老师", "gender": "男", "status": "入党积极分子", "activist_on": "2999-01-01"},
    )
    assert response.status_code == 200
    assert "列为积极分子日期不能晚于今天" in response.content.decode()
