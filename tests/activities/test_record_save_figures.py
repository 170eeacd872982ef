"""A record's save renews its branch's figures version once — the record's own save does, in the
transaction that writes its participants and counted kinds too — and a save that changes only
those still leaves no cached figure stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.services import activity_create, activity_update
from branchwork.figures import cached_figures
from branchwork.models import Organisation
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def version(branch) -> object:
    return Organisation.objects.values_list("figures_version", flat=True).get(pk=branch.pk)


def renewals(queries) -> int:
    return sum(1 for query in queries if "figures_version" in query["sql"] and query["sql"].startswith("UPDATE"))


def test_creating_and_saving_a_record_renews_the_figures_once(world):
    member = MemberFactory(branch=world.branch)
    before = version(world.branch)
    with CaptureQueriesContext(connection) as queries:
        activity = activity_create(
            branch=world.branch, kind="branch_assembly", date=datetime.date(2022, 3, 1), title="支部党员大会",
            participant_members=[member], also_counts_as=["study"],
        )
    assert renewals(queries) == 1
    assert version(world.branch) != before

    before = version(world.branch)
    with CaptureQueriesContext(connection) as queries:
        activity_update(activity=activity, title="支部党员大会（改）", participant_members=[], also_counts_as=["study"])
    assert renewals(queries) == 1
    assert version(world.branch) != before
    assert not activity.participant_members.exists()


def test_a_save_changing_only_participants_or_kinds_leaves_nothing_stale(world):
    member = MemberFactory(branch=world.branch)
    activity = activity_create(branch=world.branch, kind="branch_assembly", date=datetime.date(2022, 3, 1), title="大会")

    def participants() -> list[int]:
        branch = Organisation.objects.get(pk=world.branch.pk)
        return cached_figures(
            "test-participants", branch, (), lambda: list(activity.participant_members.values_list("pk", flat=True))
        )

    assert participants() == []
    activity_update(activity=activity, participant_members=[member])
    assert participants() == [member.pk]

    def kinds() -> list[str]:
        branch = Organisation.objects.get(pk=world.branch.pk)
        return cached_figures("test-kinds", branch, (), lambda: sorted(activity.counted_kinds.values_list("kind", flat=True)))

    assert kinds() == ["branch_assembly"]
    activity_update(activity=activity, also_counts_as=["study"])
    assert kinds() == ["branch_assembly", "study"]


def test_setting_kinds_on_their_own_renews_the_figures_when_one_is_only_taken_away(world):
    from activities.services import activity_set_kinds
    from tests.factories import ActivityFactory

    activity = ActivityFactory(branch=world.branch, kind="themed_day", also=["group_meeting"])
    before = version(world.branch)
    activity_set_kinds(activity=activity, also_counts_as=[])
    assert set(activity.counted_kinds.values_list("kind", flat=True)) == {"themed_day"}
    assert version(world.branch) != before
