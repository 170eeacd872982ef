"""Figure versions (branchwork.figures): every change a branch's figures depend on gives the
branch — and only the branches concerned — a new version, so no cached copy can be served stale."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import ComplianceRule
from activities.services import (
    AttendanceRow,
    activity_create,
    activity_delete,
    activity_update,
    attachment_add,
    attendance_save,
)
from branchwork.figures import cached_figures, cached_figures_of_branches, figures_changed
from branchwork.models import Organisation
from branchwork.roster import roster_import
from tests.branchwork.test_roster_import import GOOD, xlsx
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
)

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def versions(world) -> dict[str, object]:
    orgs = Organisation.objects.filter(
        pk__in=[o.pk for o in (world.committee, world.general, world.branch, world.sibling, world.far)]
    )
    return dict(orgs.values_list("code", "figures_version"))


def changed(before: dict, after: dict) -> set[str]:
    return {code for code in before if before[code] != after[code]}


@pytest.fixture
def watch(world):
    """``with watch() as seen: …`` then ``seen.codes``: the organisations given new versions."""

    class Watch:
        def __enter__(self):
            self.before = versions(world)
            return self

        def __exit__(self, *exc):
            self.codes = changed(self.before, versions(world))

    return Watch


def test_records_and_their_details_renew_only_their_branch(world, watch):
    member = MemberFactory(branch=world.branch)
    with watch() as seen:
        activity = activity_create(
            branch=world.branch, kind="study", date=datetime.date(2022, 3, 1), title="学习"
        )
    assert seen.codes == {"kl"}
    with watch() as seen:
        activity_update(activity=activity, title="学习二十大报告", also_counts_as=["themed_day"])
    assert seen.codes == {"kl"}
    with watch() as seen:
        attendance_save(activity=activity, rows=[AttendanceRow(member_id=member.pk, present=True)])
    assert seen.codes == {"kl"}
    with watch() as seen:
        attachment_add(activity=activity, upload=SimpleUploadedFile("签到.png", PNG), category="photo")
    assert seen.codes == {"kl"}
    with watch() as seen:
        activity_delete(activity=activity)
    assert seen.codes == {"kl"}


def test_publicity_roster_and_groups_renew_their_branch(world, watch):
    with watch() as seen:
        entry = PublicityEntryFactory(branch=world.sibling, outlet=OutletFactory(organisation=world.general))
    assert "xy" in seen.codes and "kl" in seen.codes  # a new outlet of the general branch: everything below
    with watch() as seen:
        entry.delete()
    assert seen.codes == {"xy"}
    with watch() as seen:
        MemberFactory(branch=world.branch)
    assert seen.codes == {"kl"}
    with watch() as seen:
        PartyGroupFactory(branch=world.far)
    assert seen.codes == {"lz1"}


def test_a_roster_import_renews_the_branch_though_bulk_writes_send_no_signals(world, watch):
    PartyGroupFactory(branch=world.branch, name="收费一班党小组")
    with watch() as seen:
        result = roster_import(branch=world.branch, file=xlsx(GOOD), by=world.secretary)
    assert result.created
    assert seen.codes == {"kl"}


def test_rules_renew_everything_below_the_organisation_that_sets_them(world, watch):
    with watch() as seen:
        rule = ComplianceRule.objects.create(
            organisation=world.general, kind="party_lecture", frequency="monthly"
        )
    assert seen.codes == {"hw", "kl", "xy"}
    with watch() as seen:
        rule.delete()
    assert seen.codes == {"hw", "kl", "xy"}
    with watch() as seen:
        ComplianceRule.objects.filter(organisation=None).first().save()  # a system default
    assert seen.codes == {"center", "hw", "kl", "xy", "lz1"}


def test_renaming_an_organisation_renews_everything_below(world, watch):
    world.general.name = "省高速公路管理处党总支"
    with watch() as seen:
        world.general.save()
    assert seen.codes == {"hw", "kl", "xy"}


def test_cached_figures_are_computed_again_after_a_change(world):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    def figures():
        branch = Organisation.objects.get(pk=world.branch.pk)
        return cached_figures("test", branch, ("2022H1",), compute)

    assert figures() == 1
    assert figures() == 1  # from the cache
    ActivityFactory(branch=world.branch)
    assert figures() == 2
    figures_changed(branch_ids=[world.sibling.pk])
    assert figures() == 2  # another branch's change leaves this one cached


def test_figures_of_many_branches_are_computed_again_for_the_changed_branchs_group_only(world):
    computed = []

    def compute(branches):
        computed.append(sorted(branch.code for branch in branches))
        return {branch.pk: f"{branch.code}:{len(computed)}" for branch in branches}

    def figures():
        branches = Organisation.objects.branches().select_related("parent")
        return cached_figures_of_branches("test", branches, ("2022H1",), compute)

    first = figures()
    assert computed == [["kl", "lz1", "xy"]]  # once for all, in one call
    assert figures() == first  # from the cache
    ActivityFactory(branch=world.branch)
    again = figures()
    # kl's 党总支 (kl and xy) is computed again, with kl's new figures; lz1 keeps its cached ones.
    assert computed[1:] == [["kl", "xy"]]
    assert again == {world.branch.pk: "kl:2", world.sibling.pk: "xy:2", world.far.pk: "lz1:1"}
    figures_changed(branch_ids=[world.far.pk])
    assert figures()[world.far.pk] == "lz1:3"
    assert computed[2:] == [["lz1"]]
