"""The inspection chain end to end in Chromium: kl's secretary self-scores 2022H1 against the demo
党委's standard and submits it; the 党总支's reviewer adjusts an item with a reason and passes it
on; the 党委's reviewer re-checks it. Pages are checked at 1280 px and 375 px."""

import io

import pytest
from django.core.management import call_command

from branchwork.models import Organisation, Role
from inspection.models import BranchScore, StandardItem
from tests.factories import RoleFactory, UserFactory

from .conftest import login, look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY = ("kl_shuji", "Hongqi-kl-2022")
REVIEWER = ("hw_shenyue", "Hongqi-hw-2022")
COMMITTEE_REVIEWER = ("center_fuhe", "pass-word-123")


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    user = UserFactory(username=COMMITTEE_REVIEWER[0], first_name="党委复核人")
    RoleFactory(user=user, organisation=Organisation.objects.get(code="center"), kind=Role.Kind.REVIEWER)
    return Organisation.objects.get(code="kl")


def clean(page):
    assert page.outside_requests == [], f"requests left the machine: {page.outside_requests}"
    assert page.console_errors == [], f"console errors: {page.console_errors}"


def test_self_score_then_review_then_recheck(new_page, live_server, demo):
    url = f"{live_server.url}/inspection/b/kl/2022H1/"

    # 1. The secretary finds the self-score from the branch home, scores the manual items, submits.
    page = new_page()
    login(page, live_server, *SECRETARY)
    page.get_by_role("heading", name="迎检自评").wait_for()
    page.goto(url)
    page.get_by_role("heading", name="2022年上半年迎检自评").wait_for()
    assert page.get_by_text("支委会已到期的均按期召开").count() == 1
    look(page, "inspection-self-score")
    manual = StandardItem.objects.filter(standard__organisation__code="center", measure="manual").order_by("position")
    for item in manual:
        page.get_by_label(f"{item.code}支部自评得分").fill(str(item.points.normalize()))
        page.get_by_label(f"{item.code}支部自评说明").fill("对照支撑材料，符合要求")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存。").wait_for()
    page.get_by_role("button", name="提交党总支审查").click()
    page.get_by_text("已提交党总支审查。").wait_for()
    assert BranchScore.objects.get(branch=demo).status == "submitted"
    clean(page)

    # 2. The 党总支's reviewer sees it in the table, lowers 1.3 with a reason and passes it on.
    page = new_page()
    login(page, live_server, *REVIEWER)
    page.goto(f"{live_server.url}/inspection/o/hw/scores/2022H1/")
    page.get_by_role("heading", name="2022年上半年迎检评分表").wait_for()
    look(page, "inspection-table")
    page.get_by_role("link", name="kl所党支部").click()
    page.get_by_label("1.3党总支审查得分").fill("1")
    page.get_by_label("1.3党总支审查说明").fill("换届选举批复未归档")
    page.get_by_role("button", name="保存审查调整").click()
    page.get_by_text("已保存。").wait_for()
    page.get_by_role("button", name="审查完成，报党委复核").click()
    page.get_by_text("审查完成，已报党委复核。").wait_for()
    clean(page)

    # 3. The 党委's reviewer re-checks: the 党总支's adjustment and its reason are there.
    page = new_page()
    login(page, live_server, *COMMITTEE_REVIEWER)
    page.goto(url)
    page.get_by_text("换届选举批复未归档").wait_for()
    look(page, "inspection-recheck")
    page.get_by_label("意见（退回时必填）").fill("同意党总支审查意见")
    page.get_by_role("button", name="复核完成").click()
    page.get_by_text("复核完成。").wait_for()
    score = BranchScore.objects.get(branch=demo)
    assert score.status == "rechecked"
    assert list(score.events.values_list("action", flat=True)) == ["create", "submit", "review", "recheck"]
    row = score.items.get(item__code="1.3")
    assert (row.secretary_score, row.review_score, row.final_score) == (2, 1, 1)
    clean(page)
