"""A record's people (participants, speaker, responsible member) are chosen from the members who
belonged to the branch on the record's date, as its attendance page lists them: a member
transferred out later may be named on an earlier record, one transferred in or joined later may
not; a new record without a date offers today's members; another branch's people never."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.forms import ActivityForm
from activities.kinds import KINDS
from activities.models import Activity
from tests.factories import ActivityFactory, MemberFactory

D = datetime.date
LEFT = D(2026, 4, 16)


@pytest.fixture
def people(world):
    return {
        "staying": MemberFactory(branch=world.branch, name="张强", joined_on=D(2010, 1, 1)),
        "left": MemberFactory(branch=world.branch, name="罗斌", joined_on=D(2010, 1, 1), transferred_out_on=LEFT),
        "came": MemberFactory(
            branch=world.branch, name="李新", joined_on=D(2012, 1, 1), transferred_in_on=D(2026, 4, 1)
        ),
        "joined": MemberFactory(branch=world.branch, name="王预", joined_on=D(2026, 5, 10)),
        "elsewhere": MemberFactory(branch=world.sibling, name="赵外", joined_on=D(2010, 1, 1)),
    }


def offered(form, name):
    return {member.name for member in form.fields[name].queryset}


def lecture_form(world, day=None, data=None, instance=None):
    if data is not None and day is not None:
        data = {"date": day.isoformat(), **data}
    return ActivityForm(data, instance=instance, kind=KINDS["party_lecture"], branch=world.branch)


@pytest.mark.parametrize(
    ("day", "names"),
    [
        (D(2026, 3, 10), {"张强", "罗斌"}),
        (D(2026, 4, 15), {"张强", "罗斌", "李新"}),
        (D(2026, 4, 16), {"张强", "李新"}),  # transferred out that day, as the attendance page has it
        (D(2026, 6, 1), {"张强", "李新", "王预"}),
    ],
)
def test_the_people_offered_are_those_on_the_roster_that_day(world, people, day, names):
    record = ActivityFactory(branch=world.branch, kind="party_lecture", date=day)
    form = lecture_form(world, instance=record)

    assert offered(form, "participant_members") == names
    assert offered(form, "speaker") == names


def test_a_member_transferred_out_later_can_be_ticked_on_an_earlier_record(world, as_user, people):
    left, staying = people["left"], people["staying"]
    response = as_user(world.secretary).post(
        reverse("activities:activity_create", args=[world.branch.code, "party_lecture"]),
        {"date": "2026-03-10", "title": "党课", "speaker": left.pk, "participant_members": [left.pk, staying.pk]},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    record = Activity.objects.get(branch=world.branch, kind="party_lecture")
    assert record.speaker == left
    assert set(record.participant_members.all()) == {left, staying}
    page = as_user(world.secretary).get(reverse("activities:activity_update", args=[world.branch.code, record.pk]))
    assert "罗斌" in page.content.decode()


def test_after_the_transfer_the_member_is_refused(world, people):
    left = people["left"]
    form = lecture_form(world, D(2026, 5, 10), {"title": "党课", "speaker": left.pk, "participant_members": [left.pk]})

    assert not form.is_valid()
    assert set(form.errors) == {"speaker", "participant_members"}
    # The message says why someone on the roster cannot be chosen for this date.
    assert "记录日期当天在册" in form.errors["participant_members"][0]


def test_an_edit_keeps_who_the_record_already_names(world, people):
    left = people["left"]
    record = ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2026, 5, 10), speaker=left)
    record.participant_members.add(left)

    form = lecture_form(world, instance=record)

    assert "罗斌" in offered(form, "participant_members") and "罗斌" in offered(form, "speaker")


def test_a_new_record_without_a_date_offers_todays_members(world, people):
    today = timezone.localdate()
    MemberFactory(branch=world.branch, name="已转出", joined_on=D(2010, 1, 1), transferred_out_on=today)
    MemberFactory(branch=world.branch, name="未转入", transferred_in_on=today + datetime.timedelta(days=30))

    names = offered(lecture_form(world), "participant_members")

    assert "已转出" not in names and "未转入" not in names and "张强" in names
    assert "赵外" not in names  # never the branch's


def test_a_rectifications_responsible_member_is_of_its_date(world, people):
    record = ActivityFactory(branch=world.branch, kind="rectification", date=D(2026, 3, 1))
    form = ActivityForm(instance=record, kind=KINDS["rectification"], branch=world.branch)

    assert offered(form, "responsible_member") == {"张强", "罗斌"}


def test_the_attendance_page_lists_the_same_people(world, people):
    from activities.services import attendance_roster

    record = ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2026, 3, 10))

    assert {member.name for member in attendance_roster(activity=record)} == offered(
        lecture_form(world, instance=record), "participant_members"
    ) == {"张强", "罗斌"}  # not 李新, transferred in in April
