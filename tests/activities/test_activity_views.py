"""The record list, detail and delete pages, and who may reach each record URL."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from activities.models import Activity, ActivityKind, Attachment, Attendance
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, PartyGroupFactory


def list_url(code="kl"):
    return reverse("activities:activity_list", args=[code])


def listed(response) -> list[int]:
    return [activity.pk for activity, _missing, _rate in response.context["listing"].rows]


# Scoping: every record URL for every user ------------------------------------------------------


def record_urls(activity) -> dict[str, tuple[str, str]]:
    """name → (method, url) for every page of one record; writes are POSTs."""
    code, pk = activity.branch.code, activity.pk
    return {
        "detail": ("get", reverse("activities:activity_detail", args=[code, pk])),
        "edit_form": ("get", reverse("activities:activity_update", args=[code, pk])),
        "edit": ("post", reverse("activities:activity_update", args=[code, pk])),
        "delete_form": ("get", reverse("activities:activity_delete", args=[code, pk])),
        "delete": ("post", reverse("activities:activity_delete", args=[code, pk])),
        "attendance_form": ("get", reverse("activities:activity_attendance", args=[code, pk])),
        "attendance": ("post", reverse("activities:activity_attendance", args=[code, pk])),
        "create": ("post", reverse("activities:activity_create", args=[code, "study"])),
        "create_form": ("get", reverse("activities:activity_create", args=[code, "study"])),
    }


READS = {"detail"}
WRITES = {"edit_form", "edit", "delete_form", "delete", "attendance_form", "attendance", "create", "create_form"}


@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer", "far_secretary"])
@pytest.mark.parametrize("page", sorted(READS | WRITES))
def test_outsider_gets_404_for_every_record_url(world, as_user, user, page):
    activity = ActivityFactory(branch=world.branch, title="不该被看到")
    method, url = record_urls(activity)[page]
    response = getattr(as_user(getattr(world, user)), method)(url, {"date": "2022-01-01", "title": "篡改"})
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.title == "不该被看到"
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("page", sorted(WRITES))
def test_reviewer_gets_403_on_every_change_and_nothing_changes(world, as_user, page):
    activity = ActivityFactory(branch=world.branch, title="原样保留")
    member = MemberFactory(branch=world.branch)
    method, url = record_urls(activity)[page]
    data = {"date": "2022-01-01", "title": "篡改", f"m{member.pk}-status": "present"}
    response = getattr(as_user(world.reviewer), method)(url, data)
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "原样保留"
    assert Activity.objects.count() == 1
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("user", ["reviewer", "secretary", "member", "admin"])
def test_those_who_may_see_the_branch_read_its_records(world, as_user, user):
    activity = ActivityFactory(branch=world.branch, title="可以阅读")
    client = as_user(getattr(world, user))
    assert client.get(list_url()).status_code == 200
    response = client.get(reverse("activities:activity_detail", args=["kl", activity.pk]))
    assert response.status_code == 200
    assert "可以阅读" in response.content.decode()


def test_reviewer_sees_no_write_buttons(world, as_user):
    activity = ActivityFactory(branch=world.branch, kind="study")
    page = as_user(world.reviewer).get(reverse("activities:activity_detail", args=["kl", activity.pk])).content.decode()
    assert reverse("activities:activity_update", args=["kl", activity.pk]) not in page
    assert reverse("activities:activity_delete", args=["kl", activity.pk]) not in page
    assert reverse("activities:activity_attendance", args=["kl", activity.pk]) not in page
    assert 'type="file"' not in page


def test_a_record_of_another_branch_is_404_under_own_branch_code(world, as_user):
    """The branch in the URL is the user's, the record id is another branch's: still 404."""
    foreign = ActivityFactory(branch=world.sibling)
    client = as_user(world.secretary)
    assert client.get(reverse("activities:activity_detail", args=["kl", foreign.pk])).status_code == 404
    assert client.post(reverse("activities:activity_delete", args=["kl", foreign.pk])).status_code == 404
    assert Activity.objects.filter(pk=foreign.pk).exists()


# The list --------------------------------------------------------------------------------------


def test_list_shows_only_this_branchs_records(world, as_user):
    own = ActivityFactory(branch=world.branch)
    ActivityFactory(branch=world.sibling)
    assert listed(as_user(world.secretary).get(list_url())) == [own.pk]


def test_a_combined_meeting_appears_under_both_kinds(world, as_user):
    combined = ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"])
    ActivityFactory(branch=world.branch, kind="themed_day")
    assembly_only = ActivityFactory(branch=world.branch, kind="branch_assembly")
    client = as_user(world.secretary)
    assert set(listed(client.get(list_url(), {"kind": "branch_assembly"}))) == {combined.pk, assembly_only.pk}
    assert combined.pk in listed(client.get(list_url(), {"kind": "themed_day"}))


def test_filter_by_category_lists_each_record_once(world, as_user):
    combined = ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"])
    ActivityFactory(branch=world.branch, kind="warning_education")
    assert listed(as_user(world.secretary).get(list_url(), {"kind": "cat:meeting"})) == [combined.pk]


def test_filter_by_period_and_dates(world, as_user):
    june = ActivityFactory(branch=world.branch, date=datetime.date(2022, 6, 30))
    july = ActivityFactory(branch=world.branch, date=datetime.date(2022, 7, 1))
    client = as_user(world.secretary)
    assert listed(client.get(list_url(), {"period": "2022H1"})) == [june.pk]
    assert listed(client.get(list_url(), {"period": "2022H2"})) == [july.pk]
    assert listed(client.get(list_url(), {"period": "2022"})) == [july.pk, june.pk]
    assert listed(client.get(list_url(), {"date_from": "2022-07-01"})) == [july.pk]
    assert listed(client.get(list_url(), {"date_to": "2022-06-30"})) == [june.pk]


def test_a_bad_period_gives_a_chinese_message_not_an_error(world, as_user):
    ActivityFactory(branch=world.branch)
    response = as_user(world.secretary).get(list_url(), {"period": "2022H3"})
    assert response.status_code == 200
    assert "无法识别的期间" in response.content.decode()


def test_end_date_before_start_date_is_reported(world, as_user):
    response = as_user(world.secretary).get(list_url(), {"date_from": "2022-06-01", "date_to": "2022-01-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_ids_filter_shows_the_records_behind_a_report_figure(world, as_user):
    first = ActivityFactory(branch=world.branch)
    second = ActivityFactory(branch=world.branch)
    ActivityFactory(branch=world.branch)
    foreign = ActivityFactory(branch=world.sibling)
    response = as_user(world.secretary).get(list_url(), {"ids": f"{first.pk},{second.pk},{foreign.pk},abc,"})
    assert sorted(listed(response)) == sorted([first.pk, second.pk])
    assert "报告中该数字对应的 2 条记录" in response.content.decode()


def test_list_is_paginated_by_25(world, as_user):
    for day in range(1, 28):
        ActivityFactory(branch=world.branch, date=datetime.date(2022, 1, day))
    client = as_user(world.secretary)
    assert len(listed(client.get(list_url()))) == 25
    second = client.get(list_url(), {"page": 2})
    assert len(listed(second)) == 2
    assert "第 2/2 页" in second.content.decode()


def test_empty_list_says_what_to_do(world, as_user):
    assert "点击上方“登记会议”开始" in as_user(world.secretary).get(list_url()).content.decode()


def test_list_query_count_does_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    client = as_user(world.secretary)
    group = PartyGroupFactory(branch=world.branch)
    speaker = MemberFactory(branch=world.branch)

    def add_records(n):
        for _ in range(n):
            activity = ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"], party_group=group, speaker=speaker)
            AttendanceFactory(activity=activity, member=speaker)
            Attachment.objects.create(activity=activity, category="photo", file="x.png", original_name="x.png", content_type="image/png", size=1)

    add_records(2)
    client.get(list_url())  # warm up the session
    cache.clear()  # the rendered list is cached; measure computing it
    with django_assert_max_num_queries(12) as few:
        client.get(list_url())
    add_records(20)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url())
    assert len(listed(response)) == 22


# Detail ----------------------------------------------------------------------------------------


def test_detail_shows_the_kinds_labels_combined_kinds_and_authors(world, as_user):
    client = as_user(world.secretary)
    client.post(
        reverse("activities:activity_create", args=["kl", "themed_day"]),
        {"date": "2022-06-30", "title": "庆祝建党101周年", "start_time": "14:30", "activity_forms": "重温入党誓词\n参观教育基地", "also_counts_as": ["branch_assembly"]},
    )
    activity = Activity.objects.get()
    page = client.get(reverse("activities:activity_detail", args=["kl", activity.pk])).content.decode()
    assert "2022年6月30日" in page
    assert "同时计为支部党员大会" in page
    assert "具体活动形式" in page and "参观教育基地" in page
    assert "由 secretary 于" in page


def test_detail_shows_the_evidence_checklist(world, as_user):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", decisions="同意接收预备党员")
    response = as_user(world.secretary).get(reverse("activities:activity_detail", args=["kl", activity.pk]))
    checklist = {item.label: item.ok for item in response.context["checklist"]}
    assert checklist == {"出席登记": False, "会议记录（纪要）": False, "决定事项": True}
    assert "✗ 缺少" in response.content.decode()


# Delete ----------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes(world, as_user):
    activity = ActivityFactory(branch=world.branch, title="待删除")
    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch))
    client = as_user(world.secretary)
    url = reverse("activities:activity_delete", args=["kl", activity.pk])
    confirm = client.get(url)
    assert "确定要删除" in confirm.content.decode()
    assert Activity.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Activity.objects.exists()
    assert not Attendance.objects.exists()
    assert not ActivityKind.objects.exists()


# Administration --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["activity", "outlet", "publicityentry", "compliancerule"])
def test_admin_lists_and_change_pages_load(world, as_user, model):
    activity = ActivityFactory(branch=world.branch)
    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch))
    client = as_user(world.admin)
    assert client.get(reverse(f"admin:activities_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:activities_{model}_add")).status_code == 200
    if model == "activity":
        assert client.get(reverse("admin:activities_activity_change", args=[activity.pk])).status_code == 200


def test_period_code_is_case_insensitive_and_stays_selected(world, as_user):
    june = ActivityFactory(branch=world.branch, date=datetime.date(2022, 6, 1))
    response = as_user(world.secretary).get(list_url(), {"period": "2022h1"})
    assert listed(response) == [june.pk]
    assert '<option value="2022H1" selected>' in response.content.decode()
