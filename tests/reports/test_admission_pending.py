"""An admission the branch voted for and its superior has still to approve is told as the branch's
decision awaiting approval — not left out (a graduate branch's draft said nothing of it), and not
told twice when the roster already counts the new 预备党员 from the vote."""

import datetime

import pytest

from branchwork.models import Member
from branchwork.periods import Period
from reports.compile import compile_defaults
from tests.factories import ActivityFactory, BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

H1 = Period.parse("2022H1")
VOTE = datetime.date(2022, 6, 12)


def _voted(branch, candidate, **fields):
    meeting = ActivityFactory(
        branch=branch, kind="branch_assembly", date=VOTE, title=f"讨论接收{candidate.name}同志为中共预备党员",
        approval_matter="接收", approval_status="pending", approval_body="学院党委", **fields,
    )
    meeting.participant_members.set([candidate])
    return compile_defaults(branch=branch, period=H1).plain_text()


def test_a_vote_awaiting_approval_is_told_as_such():
    branch = BranchFactory()
    MemberFactory.create_batch(3, branch=branch)
    candidate = MemberFactory(branch=branch, name="赵一鸣", status=Member.Status.CANDIDATE, joined_on=None,
                              candidate_on=datetime.date(2021, 9, 1))

    assert "支部党员大会讨论接收预备党员1名，已报学院党委审批" in _voted(branch, candidate)


def test_a_new_member_the_roster_already_counts_is_not_told_twice():
    branch = BranchFactory()
    MemberFactory.create_batch(3, branch=branch)
    new = MemberFactory(branch=branch, name="赵一鸣", status=Member.Status.PROBATIONARY, joined_on=VOTE)

    text = _voted(branch, new)

    assert "接收预备党员1名" in text
    assert "讨论接收预备党员" not in text
