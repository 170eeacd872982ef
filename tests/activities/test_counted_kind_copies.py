"""The counted kinds keep copies of their record's branch, date and party group (for the roll-up's
index-only monthly counts); every way a record is written keeps them in step."""

import datetime

import pytest

from activities.models import Activity, ActivityKind
from activities.services import activity_create, activity_update
from tests.factories import ActivityFactory, PartyGroupFactory

pytestmark = pytest.mark.django_db


def copies(activity) -> set[tuple]:
    return set(ActivityKind.objects.filter(activity=activity).values_list("kind", "branch_id", "date", "party_group_id"))


def test_created_rows_carry_the_copies(world):
    group = PartyGroupFactory(branch=world.branch)
    activity = activity_create(
        branch=world.branch, kind="themed_day", date=datetime.date(2022, 3, 1), title="主题党日",
        also_counts_as=["branch_assembly"],
    )
    assert copies(activity) == {
        ("themed_day", world.branch.pk, datetime.date(2022, 3, 1), None),
        ("branch_assembly", world.branch.pk, datetime.date(2022, 3, 1), None),
    }
    meeting = ActivityFactory(branch=world.branch, kind="group_meeting", party_group=group, date=datetime.date(2022, 4, 2))
    assert copies(meeting) == {("group_meeting", world.branch.pk, datetime.date(2022, 4, 2), group.pk)}


def test_a_new_date_or_party_group_moves_the_copies(world):
    first, second = PartyGroupFactory(branch=world.branch), PartyGroupFactory(branch=world.branch)
    meeting = ActivityFactory(branch=world.branch, kind="group_meeting", party_group=first, date=datetime.date(2022, 4, 2))
    activity_update(activity=meeting, date=datetime.date(2022, 5, 9), party_group=second)
    assert copies(meeting) == {("group_meeting", world.branch.pk, datetime.date(2022, 5, 9), second.pk)}
    # A plain save (the admin's) too.
    reloaded = Activity.objects.get(pk=meeting.pk)
    reloaded.date, reloaded.party_group = datetime.date(2022, 6, 1), None
    reloaded.save()
    assert copies(meeting) == {("group_meeting", world.branch.pk, datetime.date(2022, 6, 1), None)}


def test_a_moved_record_counts_in_its_new_month_on_the_calendar(world):
    from activities.compliance import ALL_GROUPS, held_months
    from branchwork.periods import Period

    meeting = ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 1, 10))
    activity_update(activity=meeting, date=datetime.date(2022, 2, 10))
    held, in_period = held_months(branch_ids=[world.branch.pk], period=Period(2022, "H1"), kinds=["committee_meeting"])
    assert held[(world.branch.pk, "committee_meeting", ALL_GROUPS)] == 1 << 2
    assert in_period == {(world.branch.pk, "committee_meeting"): 1}
