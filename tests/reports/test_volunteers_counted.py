"""Who served in a 志愿服务, as the draft says it: 「N名党员」 only of people the record shows were
Party members on the day; a count that holds anyone else is 「N名党员群众」."""

import datetime

import pytest

from branchwork.models import Member
from branchwork.periods import Period
from reports.compile import compile_defaults
from tests.factories import ActivityFactory, BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

H1 = Period.parse("2022H1")
DAY = datetime.date(2022, 5, 12)


def _served(branch, members=(), **fields):
    record = ActivityFactory(
        branch=branch, kind="volunteer", date=DAY, title="社区环境清扫", place="幸福小区", **fields
    )
    record.participant_members.set(members)
    return compile_defaults(branch=branch, period=H1).plain_text()


def test_three_listed_members_and_a_count_of_three_are_three_party_members():
    branch = BranchFactory()
    members = MemberFactory.create_batch(3, branch=branch)

    text = _served(branch, members, headcount=3)

    assert "5月12日，组织3名党员在幸福小区开展社区环境清扫" in text


def test_listed_members_without_a_count_are_counted_from_the_list():
    branch = BranchFactory()

    assert "组织2名党员在幸福小区" in _served(branch, MemberFactory.create_batch(2, branch=branch))


@pytest.mark.parametrize(
    "not_yet",
    [
        {"status": Member.Status.ACTIVIST, "joined_on": None},
        {"status": Member.Status.FULL, "joined_on": datetime.date(2022, 7, 1)},  # joined after the day
    ],
    ids=["an activist", "joined later"],
)
def test_someone_who_was_not_a_party_member_on_the_day_makes_the_count_party_members_and_masses(not_yet):
    branch = BranchFactory()
    members = [*MemberFactory.create_batch(2, branch=branch), MemberFactory(branch=branch, **not_yet)]

    text = _served(branch, members, headcount=3)

    assert "组织3名党员群众在幸福小区" in text
    assert "3名党员在" not in text


def test_volunteers_from_outside_the_roster_make_it_party_members_and_masses_and_are_named():
    branch = BranchFactory()
    members = MemberFactory.create_batch(4, branch=branch)

    text = _served(branch, members, headcount=10, other_participants="社区志愿者")

    assert "组织10名党员群众在幸福小区开展社区环境清扫，社区志愿者参加" in text


def test_a_count_with_no_one_listed_stays_party_members_and_masses():
    assert "组织15名党员群众在幸福小区" in _served(BranchFactory(), headcount=15)
