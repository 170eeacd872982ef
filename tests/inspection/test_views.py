"""The inspection pages: what each shows, what a refused save keeps, and their query budgets."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branchwork.models import Role
from branchwork.periods import Period
from inspection import services
from inspection.models import BranchScore, Standard
from inspection.standards import COLUMNS, SHEET, standard_from_example, standard_item_update
from tests.factories import ActivityFactory, BranchFactory, RoleFactory, UserFactory, xlsx_bytes

H1 = Period(2022, "H1")


@pytest.fixture
def standard(world):
    return standard_from_example(organisation=world.committee, year=2022, by=None)


def score_url(code="kl", period="2022H1"):
    return reverse("inspection:score", args=[code, period])


def test_the_branch_sees_proposals_with_reasons_and_missing_materials(world, standard, as_user, django_assert_max_num_queries):
    ActivityFactory(branch=world.branch, kind="branch_assembly", date=datetime.date(2022, 5, 20), title="支部党员大会")
    client = as_user(world.secretary)
    with django_assert_max_num_queries(16):
        response = client.get(score_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "支部党员大会第一季度未召开，-1.5分/次，-1.5分" in html
    assert "缺出席登记、会议记录（纪要）、活动照片、决定事项：2022-05-20 支部党员大会" in html
    assert 'name="score-' in html  # the secretary writes


def test_the_page_costs_the_same_queries_with_more_records(world, standard, as_user, django_assert_num_queries):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 2, 1))
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 2, 1))
    client = as_user(world.secretary)
    client.get(score_url())  # warm the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(score_url())
    for day in range(1, 28):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, day))
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 4, day))
    with django_assert_num_queries(len(few)):
        client.get(score_url())


def test_a_refused_save_keeps_what_was_typed(world, standard, as_user):
    item = standard.items.get(code="1.3")
    response = as_user(world.secretary).post(score_url(), {f"score-{item.pk}": "9", f"reason-{item.pk}": "我写的说明"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "1.3：得分应在0至2分之间" in html
    assert 'value="9"' in html and "我写的说明" in html
    assert not BranchScore.objects.exists()


def test_readers_read_and_a_reviewer_cannot_write_the_self_score(world, standard, as_user):
    client = as_user(world.reviewer)
    response = client.get(score_url())
    assert response.status_code == 200 and 'name="score-' not in response.content.decode()
    item = standard.items.get(code="1.3")
    assert client.post(score_url(), {f"score-{item.pk}": "1", f"reason-{item.pk}": "x"}).status_code == 403
    assert as_user(world.sibling_secretary).get(score_url()).status_code == 404


def test_submitting_with_items_unscored_is_a_conflict_with_the_list(world, standard, as_user):
    client = as_user(world.secretary)
    client.post(score_url(), {})
    response = client.post(reverse("inspection:score_submit", args=["kl", "2022H1"]))
    assert response.status_code == 409
    assert "以下项目尚未评分：1.3" in response.content.decode()


def test_the_branch_sees_that_the_standard_was_revised(world, standard, as_user):
    client = as_user(world.secretary)
    client.post(score_url(), {})
    standard_item_update(item=standard.items.get(code="1.3"), values={"points": Decimal("3")}, by=world.admin)
    html = client.get(score_url()).content.decode()
    standard.refresh_from_db()
    revised = timezone.localtime(standard.revised_at)
    assert f"考核细则已于{revised.year}年{revised.month}月{revised.day}日修订（第2版），请重新核对" in html


def submitted(world, standard, branch=None, secretary=None):
    manual = {item.pk: services.Entry(str(item.points), "对照材料") for item in standard.items.filter(measure="manual")}
    branch, secretary = branch or world.branch, secretary or world.secretary
    services.score_save(branch=branch, period=H1, step="self", entries=manual, by=secretary, today=datetime.date(2022, 8, 1))
    services.score_submit(branch=branch, period=H1, by=secretary, today=datetime.date(2022, 8, 1))


def test_the_reviewers_table_shows_totals_grades_and_vetoes(world, standard, as_user, django_assert_num_queries):
    submitted(world, standard)
    veto = standard.items.get(code="11.1")
    services.score_save(branch=world.branch, period=H1, step="review", entries={veto.pk: services.Entry("0", "班子成员受处分")}, by=world.reviewer)
    client = as_user(world.reviewer)
    url = reverse("inspection:score_table", args=["hw", "2022H1"])
    client.get(url)
    with django_assert_num_queries(len_of(client, url)):
        response = client.get(url)
    html = response.content.decode()
    assert "一票否决：11.1" in html
    assert "尚未提交" in html  # the sibling
    # More branches, same queries.
    for n in range(3):
        other = BranchFactory(parent=world.general, code=f"extra{n}")
        secretary = UserFactory()
        RoleFactory(user=secretary, organisation=other)
        submitted(world, standard, other, secretary)
    before = len_of(client, url)
    assert before == len_of(client, url)
    assert as_user(world.secretary).get(url).status_code == 404


def len_of(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_table_query_count_does_not_grow_with_branches(world, standard, as_user):
    submitted(world, standard)
    client = as_user(world.reviewer)
    url = reverse("inspection:score_table", args=["hw", "2022H1"])
    client.get(url)
    few = len_of(client, url)
    for n in range(4):
        other = BranchFactory(parent=world.general, code=f"more{n}")
        secretary = UserFactory()
        RoleFactory(user=secretary, organisation=other)
        submitted(world, standard, other, secretary)
    assert len_of(client, url) == few


def test_the_standard_pages(world, as_user):
    admin = as_user(world.admin)
    response = admin.post(reverse("inspection:standard_list", args=["center"]), {"year": "2022"})
    assert response.status_code == 302
    standard = Standard.objects.get()
    detail = admin.get(reverse("inspection:standard_detail", args=["center", 2022])).content.decode()
    assert "合计100分" in detail and "一票否决" in detail
    export = admin.get(reverse("inspection:standard_export", args=["center", 2022]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = [row for row in load_workbook(io.BytesIO(export.content))[SHEET].iter_rows(min_row=2, values_only=True) if any(row)]
    assert len(rows) == standard.items.count()
    bad = io.BytesIO(xlsx_bytes(COLUMNS, [["9.9", "", "内容", 1]], sheet_title=SHEET))
    bad.name = "细则.xlsx"
    response = admin.post(reverse("inspection:standard_import", args=["center"]), {"year": "2022", "file": bad})
    assert response.status_code == 400
    assert "第2行" in response.content.decode() and "“类别”列不能为空" in response.content.decode()
    assert standard.items.count() == 39
    # The 党总支's reviewer reads the 党委's standard under the 党总支's code; cannot edit it.
    reviewer = as_user(world.reviewer)
    assert reviewer.get(reverse("inspection:standard_detail", args=["hw", 2022])).status_code == 200
    assert reviewer.post(reverse("inspection:standard_list", args=["hw"]), {"year": "2023"}).status_code == 403


def test_the_committee_organiser_edits_an_item(world, standard, as_user):
    organiser = UserFactory()
    RoleFactory(user=organiser, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    client = as_user(organiser)
    url = reverse("inspection:standard_item_edit", args=["center", 2022, "2.4"])
    from tests.security.posting import standard_item_data

    item = standard.items.get(code="2.4")
    response = client.post(url, standard_item_data(item, params_text='{"kinds": ["党课"], "min": 0}'))
    assert response.status_code == 400 and "min 应为1至1000的整数" in response.content.decode()
    response = client.post(url, standard_item_data(item, params_text='{"kinds": ["党课"], "min": 2}'))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.params == {"kinds": ["party_lecture"], "min": 2}
