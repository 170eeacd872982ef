"""The chain 支部自评 → 党总支审查 → 党委复核: each step's scores side by side, versions, events."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities.models import Activity
from branchwork import access
from branchwork.models import Role
from branchwork.periods import Period
from inspection import services
from inspection.models import BranchScore, BranchScoreEvent, ItemScore
from inspection.services import REVIEW, SELF, Entry, WorkflowError
from inspection.standards import standard_from_example, standard_item_update
from tests.factories import ActivityFactory, BranchFactory, RoleFactory, UserFactory

H1 = Period(2022, "H1")
TODAY = datetime.date(2022, 8, 1)


@pytest.fixture
def standard(world):
    return standard_from_example(organisation=world.committee, year=2022, by=None)


@pytest.fixture
def committee_reviewer(world):
    user = UserFactory(username="center_reviewer")
    RoleFactory(user=user, organisation=world.committee, kind=Role.Kind.REVIEWER)
    return user


def manual_entries(standard, value="1"):
    return {item.pk: Entry(value, "对照材料自评") for item in standard.items.filter(measure="manual")}


def save(world, standard, entries, step=SELF, by=None):
    return services.score_save(branch=world.branch, period=H1, step=step, entries=entries, by=by or world.secretary, today=TODAY)


def rows(score):
    return {row.item.code: row for row in ItemScore.objects.filter(branch_score=score).select_related("item")}


def test_the_first_save_stores_the_proposals_from_the_data(world, standard):
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 1, 10), title="支委会")
    score = save(world, standard, {})
    row = rows(score)["2.1"]
    # One 支委会 in January: February to June missed (-5), capped at the item's 6 points? No: 5 × 1.
    assert row.proposed_score == Decimal("1")
    assert row.proposed_reasons[0]["text"] == "支委会2月、3月、4月、5月、6月未召开，-1分/次，-5分"
    assert rows(score)["1.3"].proposed_score is None
    assert BranchScoreEvent.objects.filter(branch_score=score, action="create").count() == 1


def test_an_override_needs_a_reason_and_both_stay_visible(world, standard):
    committee = standard.items.get(code="2.1")
    with pytest.raises(ValidationError) as refused:
        save(world, standard, {committee.pk: Entry("6", "")})
    assert refused.value.messages == ["2.1：改动系统建议得分时请说明理由"]
    assert not BranchScore.objects.exists()  # nothing half-saved
    score = save(world, standard, {committee.pk: Entry("6", "3月支委会记录尚未录入，纸质记录齐全")})
    row = rows(score)["2.1"]
    assert (row.proposed_score, row.secretary_score, row.self_score) == (Decimal("0"), Decimal("6"), Decimal("6"))


def test_a_score_outside_the_items_points_is_refused_by_item(world, standard):
    item = standard.items.get(code="1.3")
    with pytest.raises(ValidationError) as refused:
        save(world, standard, {item.pk: Entry("2.5", "x"), standard.items.get(code="1.4").pk: Entry("abc", "x")})
    assert refused.value.messages == ["1.3：得分应在0至2分之间", "1.4：“abc”不是数字"]


def test_manual_items_are_scored_with_a_note(world, standard):
    item = standard.items.get(code="1.3")
    with pytest.raises(ValidationError) as refused:
        save(world, standard, {item.pk: Entry("2", "")})
    assert refused.value.messages == ["1.3：人工评分的项目请填写说明（依据哪些材料）"]


def test_submit_needs_every_item_scored(world, standard):
    save(world, standard, {})
    with pytest.raises(WorkflowError, match="以下项目尚未评分：1.3、1.4"):
        services.score_submit(branch=world.branch, period=H1, by=world.secretary, today=TODAY)


def test_the_whole_chain_keeps_each_steps_score(world, standard, committee_reviewer):
    save(world, standard, manual_entries(standard))
    version = services.score_submit(branch=world.branch, period=H1, by=world.secretary, today=TODAY)
    assert version.number == 1 and version.status == "submitted"

    # The secretary can no longer change it; the 党总支 adjusts an item with a reason.
    with pytest.raises(WorkflowError):
        save(world, standard, manual_entries(standard, "0"))
    item = standard.items.get(code="1.3")
    with pytest.raises(ValidationError):
        save(world, standard, {item.pk: Entry("0", "")}, step=REVIEW, by=world.reviewer)
    save(world, standard, {item.pk: Entry("0.5", "换届批复未见")}, step=REVIEW, by=world.reviewer)
    # The 党委 cannot re-check before the 党总支 passes it on.
    with pytest.raises(WorkflowError):
        services.score_recheck(branch=world.branch, period=H1, by=committee_reviewer)
    services.score_pass(branch=world.branch, period=H1, by=world.reviewer, comment="")
    save(world, standard, {item.pk: Entry("1", "复核见批复，酌情给分")}, step="recheck", by=committee_reviewer)
    final = services.score_recheck(branch=world.branch, period=H1, by=committee_reviewer, comment="同意")

    row = rows(BranchScore.objects.get())["1.3"]
    assert (row.secretary_score, row.review_score, row.recheck_score, row.final_score) == (
        Decimal("1"),
        Decimal("0.5"),
        Decimal("1"),
        Decimal("1"),
    )
    assert row.review_reason == "换届批复未见"
    assert final.number == 3 and final.status == "rechecked"
    frozen = {entry["code"]: entry for entry in final.document["items"]}["1.3"]
    assert (frozen["self"], frozen["review"], frozen["recheck"]) == ("1.0", "0.5", "1.0")
    actions = list(BranchScoreEvent.objects.values_list("action", flat=True))
    assert actions == ["create", "submit", "review", "recheck"]


def test_returning_needs_a_comment_and_reopens_the_self_score(world, standard):
    save(world, standard, manual_entries(standard))
    services.score_submit(branch=world.branch, period=H1, by=world.secretary, today=TODAY)
    with pytest.raises(ValidationError):
        services.score_return(branch=world.branch, period=H1, by=world.reviewer, comment=" ")
    services.score_return(branch=world.branch, period=H1, by=world.reviewer, comment="请补充换届材料")
    score = BranchScore.objects.get()
    assert score.status == "returned"
    save(world, standard, manual_entries(standard, "0"))  # editable again
    version = services.score_submit(branch=world.branch, period=H1, by=world.secretary, today=TODAY)
    assert version.number == 2


def test_only_the_steps_own_people_act(world, standard, committee_reviewer):
    with pytest.raises(PermissionDenied):
        save(world, standard, {}, by=world.reviewer)
    save(world, standard, manual_entries(standard))
    services.score_submit(branch=world.branch, period=H1, by=world.secretary, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.score_pass(branch=world.branch, period=H1, by=world.secretary)
    with pytest.raises(PermissionDenied):
        services.score_pass(branch=world.branch, period=H1, by=world.outsider_reviewer)
    with pytest.raises(PermissionDenied):
        services.score_pass(branch=world.branch, period=H1, by=world.admin)
    # The 党委's reviewer is not the 党总支: kl has one, so the review step is not theirs.
    with pytest.raises(PermissionDenied):
        services.score_pass(branch=world.branch, period=H1, by=committee_reviewer)


def test_steps_follow_the_tree(world, committee_reviewer):
    assert access.inspection_steps(world.secretary, world.branch) == {"self"}
    assert access.inspection_steps(world.member, world.branch) == {"self"}
    assert access.inspection_steps(world.reviewer, world.branch) == {"review"}
    assert access.inspection_steps(committee_reviewer, world.branch) == {"recheck"}
    assert access.inspection_steps(world.outsider_reviewer, world.branch) == set()
    assert access.inspection_steps(world.organiser, world.branch) == set()
    assert access.inspection_steps(world.admin, world.branch) == set()
    direct = BranchFactory(parent=world.committee)  # no 党总支 between: the 党委 reviews and re-checks
    assert access.inspection_steps(committee_reviewer, direct) == {"review", "recheck"}


def test_standard_scope_rules(world):
    from django.http import Http404

    assert access.standard_scope_for_user(world.reviewer, "hw") == (world.general, world.committee)
    assert access.standard_scope_for_user(world.organiser, "hw") == (world.general, world.committee)
    with pytest.raises(PermissionDenied):
        access.standard_scope_for_user(world.organiser, "hw", write=True)  # a 党总支's 组织员 reads only
    with pytest.raises(PermissionDenied):
        access.standard_scope_for_user(world.reviewer, "hw", write=True)
    assert access.standard_scope_for_user(world.admin, "center", write=True) == (world.committee, world.committee)
    center_organiser = UserFactory()
    RoleFactory(user=center_organiser, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    assert access.standard_scope_for_user(center_organiser, "center", write=True)[1] == world.committee
    for user, code in ((world.secretary, "hw"), (world.outsider_reviewer, "hw"), (world.reviewer, "center")):
        with pytest.raises(Http404):
            access.standard_scope_for_user(user, code)


def test_a_change_after_scoring_is_announced_and_cleared_by_the_next_save(world, standard):
    score = save(world, standard, {})
    item = standard.items.get(code="1.3")
    standard_item_update(item=item, values={"points": Decimal("3")}, by=world.admin)
    standard.refresh_from_db()
    score.refresh_from_db()
    assert standard.version == 2 and score.is_outdated
    save(world, standard, {})
    score.refresh_from_db()
    assert not score.is_outdated
    assert Activity.objects.count() == 0


@pytest.mark.audited
def test_every_step_is_in_the_audit_log(world, standard):
    from branchwork.audit.models import AuditEntry

    item = standard.items.get(code="1.3")
    save(world, standard, {item.pk: Entry("2", "换届批复齐全")})
    entries = AuditEntry.objects.filter(content_type__model="itemscore", organisation_id=world.branch.pk)
    assert entries.filter(action=AuditEntry.Action.CREATE).count() == standard.items.count()
    assert entries.filter(action=AuditEntry.Action.UPDATE, changes__icontains="secretary_score").exists()
