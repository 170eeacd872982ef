"""A draft's preview is compiled once and then served from the cache — until a record, the
report's text, an administrator's correction or the day changes it."""

import datetime
import re

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from reports.admin import ReportAdmin
from reports.models import Report
from tests.factories import ActivityFactory
from tests.reports.editor import editor_data
from tests.reports.test_report_views import report  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PREVIEW = reverse("reports:report_preview", args=["kl", "2022H1"])
EDIT = reverse("reports:report_edit", args=["kl", "2022H1"])


def sheet(response) -> str:
    """The report's page as laid out, without the page around it."""
    return response.content.decode().split('aria-label="报告正文"')[1].split("</aside>")[0]


def linked_records(response) -> set[int]:
    """The records the figures of the sheet link to (…/records/?ids=3,4,5)."""
    return {int(pk) for ids in re.findall(r"ids=([0-9,]+)", sheet(response)) for pk in ids.split(",") if pk}


def test_a_second_preview_is_not_compiled_again(report, world, as_user, monkeypatch):  # noqa: F811
    client = as_user(world.secretary)
    first = client.get(PREVIEW)
    compiled = []
    monkeypatch.setattr("reports.selectors.compile_report", lambda r: compiled.append(r))
    second = client.get(PREVIEW)
    assert compiled == []
    assert sheet(second) == sheet(first)


def test_a_new_record_shows_in_the_preview_at_once(report, world, as_user):  # noqa: F811
    client = as_user(world.secretary)
    before = client.get(PREVIEW)
    added = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 4, 10))
    after = client.get(PREVIEW)
    assert added.pk not in linked_records(before)
    assert added.pk in linked_records(after)  # the figure links to the records it counts


def test_the_secretarys_edit_shows_at_once(report, world, as_user):  # noqa: F811
    client = as_user(world.secretary)
    client.get(PREVIEW)
    item = report.items.filter(section=1).first()
    data = editor_data(report, **{f"item-{item.pk}-text": "改写后的第一条，共召开〔会议次数〕。"})
    assert client.post(EDIT, data).status_code == 302
    assert "改写后的第一条" in sheet(client.get(PREVIEW))


def test_an_administrators_correction_makes_open_editors_stale_and_the_preview_fresh(report, world, as_user):  # noqa: F811
    client = as_user(world.secretary)
    client.get(PREVIEW)
    item = report.items.filter(section=1).first()
    item.text = "管理员更正的文字。"
    item.save()

    class SavedForm:  # what the admin's change form hands to save_related
        instance = report

        def save_m2m(self):
            pass

    ReportAdmin(Report, site).save_related(RequestFactory().post("/"), SavedForm(), [], change=True)
    assert Report.objects.get(pk=report.pk).revision == report.revision + 1
    assert "管理员更正的文字" in sheet(client.get(PREVIEW))
