"""Two people at once: a stale save is refused (never merged silently), and of two reviewers acting
on one submission only the first succeeds."""

import datetime

import pytest
from django.urls import reverse

from branchwork.models import Role
from branchwork.periods import Period
from reports import services
from reports.models import Report
from tests.factories import ActivityFactory, RoleFactory, UserFactory

H1 = Period(2022, "H1")


@pytest.fixture
def report(world):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1))
    return services.report_create(branch=world.branch, period=H1, by=world.secretary)


def _arguments(report, by, title, revision):
    return {
        "report": report,
        "expected_revision": revision,
        "title": title,
        "addressee": report.addressee,
        "opening": report.opening,
        "signature": report.signature,
        "signed_on": report.signed_on,
        "items": [services.ItemInput(section=1, text=f"{title}的条目")],
        "by": by,
    }


def test_second_save_from_the_same_revision_is_refused(report, world):
    loaded_at = report.revision
    services.report_save(**_arguments(Report.objects.get(pk=report.pk), world.secretary, "书记的标题", loaded_at))

    with pytest.raises(services.ReportConflict) as conflict:
        services.report_save(**_arguments(Report.objects.get(pk=report.pk), world.member, "支委的标题", loaded_at))

    saved = Report.objects.get(pk=report.pk)
    assert saved.title == "书记的标题"
    assert list(saved.items.values_list("text", flat=True)) == ["书记的标题的条目"]
    assert conflict.value.report.title == "书记的标题"
    assert conflict.value.report.updated_by == world.secretary


def _form(report, title, item_text):
    data = {
        "revision": str(report.revision),
        "title": title,
        "addressee": report.addressee,
        "opening": report.opening,
        "signature": report.signature,
        "signed_on": "2022-07-01",
        "action": "save",
    }
    keys = []
    for item in report.items.all():
        keys.append(str(item.pk))
        data[f"item-{item.pk}-section"] = str(item.section)
        data[f"item-{item.pk}-text"] = item_text if item.section == 1 else item.text
        data[f"item-{item.pk}-numbered"] = "1"
    data["item"] = keys
    return data


def test_the_later_editor_sees_both_texts_and_loses_nothing(report, world, client):
    url = reverse("reports:report_edit", args=["kl", "2022H1"])
    first = _form(report, "书记的标题", "书记写的文字")
    second = _form(report, "支委的标题", "支委写的文字")
    client.force_login(world.secretary)
    assert client.post(url, first).status_code == 302

    client.force_login(world.member)
    response = client.post(url, second)

    assert response.status_code == 409
    page = response.content.decode()
    assert "未保存：在您编辑期间" in page
    assert "支委写的文字" in page  # theirs, kept in the form
    assert "书记写的文字" in page  # the saved text, shown beside
    saved = Report.objects.get(pk=report.pk)
    assert saved.title == "书记的标题"
    # The form now carries the current revision: saving again is a deliberate overwrite.
    assert response.context["editor"].header.data["revision"] == str(saved.revision)


def test_a_deliberate_second_save_after_a_conflict_goes_through(report, world, client):
    url = reverse("reports:report_edit", args=["kl", "2022H1"])
    stale = _form(report, "支委的标题", "支委写的文字")
    client.force_login(world.secretary)
    client.post(url, _form(report, "书记的标题", "书记写的文字"))
    client.force_login(world.member)
    response = client.post(url, stale)
    stale["revision"] = response.context["editor"].header.data["revision"]
    assert client.post(url, stale).status_code == 302
    assert Report.objects.get(pk=report.pk).title == "支委的标题"


def test_two_reviewers_on_one_submission_only_the_first_wins(report, world):
    second_reviewer = UserFactory(username="reviewer2")
    RoleFactory(user=second_reviewer, organisation=world.general, kind=Role.Kind.REVIEWER)
    services.report_submit(report=report, by=world.secretary)
    first_view = Report.objects.get(pk=report.pk)
    second_view = Report.objects.get(pk=report.pk)

    services.report_approve(report=first_view, by=world.reviewer, version_number=1)
    with pytest.raises(services.WorkflowError, match="该报告已被其他审阅人处理"):
        services.report_return(report=second_view, by=second_reviewer, comment="退回", version_number=1)

    saved = Report.objects.get(pk=report.pk)
    assert saved.status == Report.Status.APPROVED
    assert not saved.versions.get().comments.exists()


def test_the_losing_reviewer_keeps_their_typed_comments_on_screen(report, world, client):
    second_reviewer = UserFactory(username="reviewer2")
    RoleFactory(user=second_reviewer, organisation=world.general, kind=Role.Kind.REVIEWER)
    services.report_submit(report=report, by=world.secretary)
    services.report_approve(report=report, by=world.reviewer)
    client.force_login(second_reviewer)

    response = client.post(
        reverse("reports:report_return", args=["kl", "2022H1"]),
        {"version": "1", "comment": "我写的总体意见", "section_2": "支部建设要加强"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "该报告已被其他审阅人处理" in page
    assert "我写的总体意见" in page and "支部建设要加强" in page
