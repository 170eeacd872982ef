"""Creating and editing records through their kind-shaped forms: bad input gets a Chinese message
and saves nothing; good input saves through the services with the kinds it counts as."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityKind
from branchwork.models import Member
from tests.factories import ActivityFactory, MemberFactory, PartyGroupFactory


def create_url(kind, code="kl"):
    return reverse("activities:activity_create", args=[code, kind])


def post_create(client, kind, **data):
    payload = {"date": "2022-03-15", "title": "学习党的二十大精神"}
    payload.update(data)
    return client.post(create_url(kind), {k: v for k, v in payload.items() if v is not None})


def test_form_shows_only_the_kinds_fields_with_its_labels(world, as_user):
    page = as_user(world.secretary).get(create_url("rectification")).content.decode()
    assert "存在的问题" in page  # the title's label for a rectification item
    assert "整改措施" in page
    assert 'name="is_resolved"' in page
    assert 'name="start_time"' not in page
    assert 'name="also_counts_as"' not in page


def test_themed_day_form_offers_the_other_combinable_kinds(world, as_user):
    page = as_user(world.secretary).get(create_url("themed_day")).content.decode()
    assert "同时计为" in page
    assert 'value="branch_assembly"' in page
    assert 'value="themed_day"' not in page
    assert 'value="group_meeting"' not in page  # not combinable


def test_it_creates_a_study_session_and_counts_it_as_its_kind(world, as_user):
    response = post_create(
        as_user(world.secretary),
        "study",
        start_time="09:00",
        end_time="11:00",
        place="三楼会议室",
        materials="《习近平谈治国理政》第四卷\n党章",
        study_form="集体学习",
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:activity_detail", args=["kl", activity.pk])
    assert activity.branch == world.branch
    assert activity.created_by == world.secretary
    assert activity.material_list == ["《习近平谈治国理政》第四卷", "党章"]
    assert list(ActivityKind.objects.values_list("kind", flat=True)) == ["study"]


def test_a_themed_day_held_as_a_branch_assembly_counts_as_both(world, as_user):
    post_create(as_user(world.secretary), "themed_day", title="重温入党誓词", also_counts_as=["branch_assembly"])
    activity = Activity.objects.get()
    assert set(activity.counted_kinds.values_list("kind", flat=True)) == {"themed_day", "branch_assembly"}


def test_editing_replaces_the_combined_kinds_and_records_the_editor(world, as_user):
    activity = ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"])
    client = as_user(world.member)
    response = client.post(
        reverse("activities:activity_update", args=["kl", activity.pk]),
        {"date": "2022-03-16", "title": "改后的主题", "also_counts_as": ["party_lecture"]},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "改后的主题"
    assert activity.updated_by == world.member
    assert set(activity.counted_kinds.values_list("kind", flat=True)) == {"themed_day", "party_lecture"}


def test_edit_form_shows_the_current_combined_kinds_checked(world, as_user):
    activity = ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"])
    response = as_user(world.secretary).get(reverse("activities:activity_update", args=["kl", activity.pk]))
    assert response.context["form"]["also_counts_as"].value() == ["branch_assembly"]
    assert re.search(r'value="branch_assembly"\s+id="[^"]+" checked', response.content.decode())


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("study", {"date": ""}, "date", "请填写日期"),
        ("study", {"title": ""}, "title", "请填写主题"),
        ("study", {"title": "   "}, "title", "请填写主题"),
        ("party_lecture", {"title": "", "speaker_name": "王老师"}, "title", "请填写党课题目"),
        ("study", {"start_time": "10:00", "end_time": "09:00"}, "end_time", "结束时间应晚于开始时间"),
        ("study", {"date": "2099-01-01"}, "date", "日期不能晚于一年以后"),
        ("study", {"date": "2022-13-01"}, "date", "请填写有效的日期"),
        ("probation_completed", {"headcount": "0"}, "headcount", "人数至少为 1"),
        ("probation_completed", {"headcount": "-3"}, "headcount", "人数至少为 1"),
        ("probation_completed", {"headcount": ""}, "headcount", "请填写人数"),
        ("group_meeting", {}, "party_group", "党小组会须选择召开会议的党小组"),
        ("party_lecture", {}, "speaker", "请选择主讲人，或填写非本支部主讲人的姓名"),
        ("rectification", {"resolved_on": "2022-04-01"}, "resolved_on", "未勾选“已整改”时不能填写整改完成日期"),
        (
            "rectification",
            {"is_resolved": "on", "resolved_on": "2022-01-01"},
            "resolved_on",
            "整改完成日期不能早于发现问题的日期",
        ),
    ],
)
def test_it_rejects_bad_input_with_a_chinese_message_and_saves_nothing(world, as_user, kind, data, field, message):
    response = post_create(as_user(world.secretary), kind, **data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Activity.objects.exists()
    assert not ActivityKind.objects.exists()


def test_a_date_a_year_ahead_is_still_accepted(world, as_user):
    day = timezone.localdate() + datetime.timedelta(days=360)
    post_create(as_user(world.secretary), "study", date=day.isoformat())
    assert Activity.objects.get().date == day


def test_rejected_form_keeps_what_was_typed(world, as_user):
    response = post_create(
        as_user(world.secretary), "study", title="认真学习 𠮷 <script>", place="会议室", start_time="10:00", end_time="09:00"
    )
    page = response.content.decode()
    assert "认真学习 𠮷 &lt;script&gt;" in page
    assert 'value="会议室"' in page


def test_party_group_of_another_branch_is_refused(world, as_user):
    foreign = PartyGroupFactory(branch=world.sibling, name="别处党小组")
    response = post_create(as_user(world.secretary), "group_meeting", party_group=foreign.pk)
    assert "请选择本支部的党小组" in response.context["form"].errors["party_group"][0]
    assert not Activity.objects.exists()


def test_group_meeting_with_own_group_is_saved(world, as_user):
    group = PartyGroupFactory(branch=world.branch, name="第一党小组")
    post_create(as_user(world.secretary), "group_meeting", party_group=group.pk)
    assert Activity.objects.get().party_group == group


def test_speaker_from_another_branch_is_refused(world, as_user):
    stranger = MemberFactory(branch=world.sibling, name="外支部党员")
    response = post_create(as_user(world.secretary), "party_lecture", speaker=stranger.pk)
    assert "须是本支部花名册中的人员" in response.context["form"].errors["speaker"][0]
    assert not Activity.objects.exists()


def test_speaker_from_own_roster_is_saved(world, as_user):
    secretary = MemberFactory(branch=world.branch, name="张书记", post=Member.Post.SECRETARY)
    post_create(as_user(world.secretary), "party_lecture", title="加强作风建设", speaker=secretary.pk)
    assert Activity.objects.get().speaker_display == "张书记"


def test_a_kind_cannot_be_combined_with_a_non_combinable_kind(world, as_user):
    response = post_create(as_user(world.secretary), "themed_day", also_counts_as=["group_meeting"])
    assert response.status_code == 200
    assert "also_counts_as" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_unknown_kind_is_404(world, as_user):
    assert as_user(world.secretary).get(create_url("no_such_kind")).status_code == 404


def test_invalid_edit_changes_nothing(world, as_user):
    activity = ActivityFactory(branch=world.branch, title="原标题", date=datetime.date(2022, 3, 1))
    response = as_user(world.secretary).post(
        reverse("activities:activity_update", args=["kl", activity.pk]), {"date": "2022-03-01", "title": ""}
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.title == "原标题"
