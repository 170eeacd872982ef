"""Meeting-frequency rules a 党总支 or 党委 sets for the branches below it."""

import pytest
from django.urls import reverse

from activities.models import ComplianceRule


def rule_data(**overrides):
    return {
        "kind": "party_lecture",
        "frequency": "quarterly",
        "source": "处党总支《关于规范“三会一课”的通知》：党课每季度至少1次",
        **overrides,
    }


def test_reviewer_adds_party_lecture_quarterly(world, as_user):
    response = as_user(world.reviewer).post(reverse("activities:rule_create", args=["hw"]), rule_data())
    assert response.status_code == 302
    rule = ComplianceRule.objects.get(organisation=world.general, kind="party_lecture")
    assert rule.frequency == "quarterly"
    assert "党课每季度" in rule.source


def test_source_text_is_required(world, as_user):
    response = as_user(world.reviewer).post(
        reverse("activities:rule_create", args=["hw"]), rule_data(source="  ")
    )
    assert response.status_code == 200
    assert "请填写规则依据" in response.content.decode()
    assert not ComplianceRule.objects.filter(organisation=world.general).exists()
    # What was typed is kept.
    assert response.context["form"]["frequency"].value() == "quarterly"


def test_second_rule_for_the_same_kind_is_refused(world, as_user):
    ComplianceRule.objects.create(
        organisation=world.general, kind="party_lecture", frequency="yearly", source="x"
    )
    response = as_user(world.reviewer).post(reverse("activities:rule_create", args=["hw"]), rule_data())
    assert "本单位已为党课设定规则" in response.content.decode()
    assert ComplianceRule.objects.filter(organisation=world.general).count() == 1


def test_per_party_group_only_for_group_meetings(world, as_user):
    response = as_user(world.reviewer).post(
        reverse("activities:rule_create", args=["hw"]), rule_data(per_party_group="on")
    )
    assert "只有党小组会可以按党小组分别计算" in response.content.decode()


def test_reviewer_changes_own_rule(world, as_user):
    rule = ComplianceRule.objects.create(
        organisation=world.general, kind="party_lecture", frequency="yearly", source="x"
    )
    response = as_user(world.reviewer).post(
        reverse("activities:rule_update", args=["hw", rule.pk]), rule_data(frequency="monthly")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.frequency == "monthly"


def test_default_rules_cannot_be_edited_through_an_organisation(world, as_user):
    default = ComplianceRule.objects.get(organisation=None, kind="committee_meeting")
    response = as_user(world.reviewer).post(
        reverse("activities:rule_update", args=["hw", default.pk]), rule_data(kind="committee_meeting")
    )
    assert response.status_code == 404
    default.refresh_from_db()
    assert default.frequency == "monthly"


def test_general_branch_cannot_edit_the_committee_rule(world, as_user):
    above = ComplianceRule.objects.create(
        organisation=world.committee, kind="party_lecture", frequency="yearly", source="党委"
    )
    assert (
        as_user(world.reviewer).get(reverse("activities:rule_update", args=["hw", above.pk])).status_code
        == 404
    )


def test_rule_list_shows_inherited_rules_and_what_is_in_force(world, as_user):
    ComplianceRule.objects.create(
        organisation=world.committee, kind="party_lecture", frequency="yearly", source="党委规定"
    )
    ComplianceRule.objects.create(
        organisation=world.general, kind="party_lecture", frequency="quarterly", source="党总支规定"
    )
    response = as_user(world.reviewer).get(reverse("activities:rule_list", args=["hw"]))
    assert response.status_code == 200
    in_force = {rule.kind: rule.source for rule in response.context["effective_rules"]}
    assert in_force["party_lecture"] == "党总支规定"
    assert "已被替代" in response.content.decode()


def test_deleting_a_rule_restores_the_default(world, as_user):
    rule = ComplianceRule.objects.create(
        organisation=world.general, kind="committee_meeting", frequency="none", source="x"
    )
    client = as_user(world.reviewer)
    assert client.get(reverse("activities:rule_delete", args=["hw", rule.pk])).status_code == 200
    assert client.post(reverse("activities:rule_delete", args=["hw", rule.pk])).status_code == 302
    assert not ComplianceRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("user", ["secretary", "committee_member", "sibling_secretary", "outsider_reviewer"])
@pytest.mark.parametrize("name", ["rule_list", "rule_create"])
def test_branch_secretaries_and_other_reviewers_cannot_reach_rules(world, as_user, user, name):
    client = as_user(world.users()[user])
    assert client.get(reverse(f"activities:{name}", args=["hw"])).status_code == 404
    assert client.post(reverse("activities:rule_create", args=["hw"]), rule_data()).status_code == 404
    assert not ComplianceRule.objects.filter(organisation=world.general).exists()


def test_branch_secretary_sees_rules_on_the_compliance_page_without_edit_links(world, as_user):
    ComplianceRule.objects.create(
        organisation=world.general, kind="party_lecture", frequency="quarterly", source="党总支规定"
    )
    html = as_user(world.secretary).get(reverse("activities:compliance", args=["kl"])).content.decode()
    assert "党总支规定" in html
    assert reverse("activities:rule_list", args=["hw"]) not in html
