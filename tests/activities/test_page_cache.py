"""The branch home and the record list are rendered from the cache while nothing they show has
changed — and never once it has: every write, through the pages or the ORM, shows at once."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    OutletFactory,
    PublicityEntryFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2022, 5, 2)


@pytest.fixture(autouse=True)
def fixed_today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def home(client, **params):
    return client.get(reverse("activities:branch_home", args=["kl"]), params)


def record_list(client, **params):
    return client.get(reverse("activities:activity_list", args=["kl"]), params)


def section(response, element_id: str) -> str:
    return response.content.decode().split(f'id="{element_id}"')[1].split("</section>")[0]


def without_csrf_tokens(response) -> str:
    """The page as shown; CSRF tokens are masked anew on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def table(response) -> str:
    """The record table alone (a flash message may name a deleted record)."""
    content = response.content.decode()
    return content.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in content else ""


def test_a_second_view_is_served_from_the_cache(world, as_user, django_assert_max_num_queries):
    client = as_user(world.secretary)
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1))
    first = home(client)
    # Session, user, roles, branch, the report panel's two — and the request's savepoint pair.
    with django_assert_max_num_queries(8):
        second = home(client)
    assert without_csrf_tokens(second) == without_csrf_tokens(first)


def test_a_record_added_through_the_form_shows_at_once(world, as_user):
    client = as_user(world.secretary)
    assert "学习二十大报告" not in table(record_list(client))
    home(client)
    response = client.post(
        reverse("activities:activity_create", args=["kl", "study"]),
        {"date": "2022-03-15", "title": "学习二十大报告"},
    )
    assert response.status_code == 302
    assert "学习二十大报告" in table(record_list(client))
    assert "全部 1 条记录" in home(client).content.decode()


def test_an_edit_and_a_delete_show_at_once(world, as_user):
    client = as_user(world.secretary)
    activity = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1), title="旧标题")
    assert "旧标题" in table(record_list(client))
    activity.title = "新标题"
    activity.save()
    assert "新标题" in table(record_list(client))
    response = client.post(reverse("activities:activity_delete", args=["kl", activity.pk]))
    assert response.status_code == 302
    assert "新标题" not in table(record_list(client))
    assert "全部 0 条记录" in home(client).content.decode()


def test_attendance_changes_what_is_short_of_quorum(world, as_user):
    client = as_user(world.secretary)
    members = [MemberFactory(branch=world.branch) for _ in range(4)]
    meeting = ActivityFactory(branch=world.branch, kind="branch_assembly", date=datetime.date(2022, 3, 1), title="支部大会")
    for index, member in enumerate(members):
        AttendanceFactory(activity=meeting, member=member, present=index < 2, absence_reason="" if index < 2 else "病假")
    assert "支部大会" in section(home(client), "short-of-quorum")
    late = meeting.attendance.get(member=members[2])
    late.present, late.absence_reason = True, ""
    late.save()
    assert "支部大会" not in section(home(client), "short-of-quorum")


def test_readers_and_writers_get_their_own_copy(world, as_user, client):
    create_study = reverse("activities:activity_create", args=["kl", "study"])
    assert create_study in home(as_user(world.secretary)).content.decode()
    client.logout()
    assert create_study not in home(as_user(world.reviewer)).content.decode()
    client.logout()
    assert create_study in home(as_user(world.secretary)).content.decode()


def test_each_query_and_period_has_its_own_copy(world, as_user):
    client = as_user(world.secretary)
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1), title="上半年的学习")
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2021, 9, 1), title="去年的学习")
    assert "去年的学习" not in record_list(client, period="2022H1").content.decode()
    assert "去年的学习" in record_list(client, period="2021H2").content.decode()
    assert "2021年下半年" in home(client, period="2021H2").content.decode()
    bad = home(client, period="2021Q9").content.decode()
    assert "已显示本半年" in bad
    assert "已显示本半年" not in home(client).content.decode()


def test_a_new_day_gives_a_fresh_calendar(world, as_user):
    client = as_user(world.secretary)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2022, 5, 31)):
        page = home(client).content.decode()
    assert "5月待召开" in page and "5月未召开" not in page
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2022, 6, 1)):
        page = home(client).content.decode()
    assert "5月未召开" in page and "5月待召开" not in page


def test_another_branchs_change_leaves_the_copy_alone(world, as_user, django_assert_max_num_queries):
    client = as_user(world.secretary)
    home(client)
    ActivityFactory(branch=world.sibling, kind="study", date=datetime.date(2022, 3, 1))
    with django_assert_max_num_queries(8):
        home(client)


def test_publicity_shows_a_new_entry_and_a_renamed_outlet_at_once(world, as_user):
    client = as_user(world.secretary)
    outlet = OutletFactory(organisation=world.general, name="处网站")
    url = reverse("activities:publicity_list", args=["kl"])
    assert "处网站" not in table(client.get(url))
    PublicityEntryFactory(branch=world.branch, outlet=outlet, date=datetime.date(2022, 4, 1), title="开展志愿服务")
    assert "开展志愿服务" in table(client.get(url))
    outlet.name = "处微信公众号"
    outlet.save()
    assert "处微信公众号" in table(client.get(url))
