"""The branch profile page (支部概况): writers edit it, readers above see it, drafts follow it."""

import datetime

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports.compile import compile_defaults
from reports.models import BranchProfile, ProfileYear, StandingWork
from tests.factories import ActivityFactory
from tests.security.posting import profile_data

pytestmark = pytest.mark.django_db
URL = reverse("reports:branch_profile", args=["kl"])


def test_a_secretary_saves_the_profile_and_the_draft_speaks_its_words(world, as_user):
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1))
    before = compile_defaults(branch=world.branch, period=Period.parse("2022H1")).plain_text()  # cached once
    data = profile_data(
        core_business="收费运营",
        key_work="收费运营\n隧道安全管理",
        superiors="中心党委\n处党总支",
        superiors_opening="省中心党委和处党总支",
        heading_3="加强作风建设，打造“过硬”职工队伍",
        **{"year-goals": "省中心“提效能、优服务”目标计划", "year-campaigns": "“行业管理提升年”"},
        **{
            "standing-TOTAL_FORMS": "1",
            "standing-0-title": "“模范机关”创建",
            "standing-0-section": "2",
            "standing-0-measures": "坚决执行24小时值班制度",
            "standing-0-sort_order": "1",
        },
    )

    response = as_user(world.secretary).post(URL, data)

    assert response.status_code == 302 and response["Location"].endswith("?year=2022")
    profile = BranchProfile.objects.get(branch=world.branch)
    assert profile.headings == {"3": "加强作风建设，打造“过硬”职工队伍"}
    assert ProfileYear.objects.get(branch=world.branch, year=2022).goals == "省中心“提效能、优服务”目标计划"
    assert StandingWork.objects.get(branch=world.branch).title == "“模范机关”创建"
    world.branch.refresh_from_db()  # the figures version was renewed: no stale cached draft
    after = compile_defaults(branch=world.branch, period=Period.parse("2022H1")).plain_text()
    assert after != before
    assert "在省中心党委和处党总支的正确领导下" in after
    assert "积极做好“模范机关”创建工作。坚决执行24小时值班制度。" in after
    assert "三、加强作风建设，打造“过硬”职工队伍" in after


def test_a_bad_standing_work_keeps_everything_typed(world, as_user):
    data = profile_data(
        unit_name="kl所",
        **{"standing-TOTAL_FORMS": "1", "standing-0-title": "", "standing-0-section": "2", "standing-0-measures": "做法"},
    )

    response = as_user(world.secretary).post(URL, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写工作名称" in page and 'value="kl所"' in page and "做法" in page
    assert BranchProfile.objects.get(branch=world.branch).unit_name == ""


def test_the_reviewer_reads_it_without_a_save_button(world, as_user):
    page = as_user(world.reviewer).get(URL).content.decode()
    assert "只读" in page and "disabled" in page and ">保存</button>" not in page
    assert as_user(world.reviewer).post(URL, profile_data(unit_name="x")).status_code == 403


def test_a_year_outside_the_calendar_falls_back_to_this_year(world, as_user):
    response = as_user(world.secretary).get(URL, {"year": "99999"})
    assert response.status_code == 200 and response.context["year"] == datetime.date.today().year


def test_a_forged_form_count_builds_no_more_than_the_cap(world, as_user):
    response = as_user(world.secretary).post(URL, profile_data(**{"standing-TOTAL_FORMS": "1000"}))
    assert response.status_code == 400
    assert len(response.context["standing"].forms) == 20
    assert "20" in " ".join(response.context["standing"].non_form_errors())
    assert not StandingWork.objects.filter(branch=world.branch).exists()
