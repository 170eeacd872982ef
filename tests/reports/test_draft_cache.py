"""A draft's preview is compiled once and then served from the cache — until a record, the
report's text, an administrator's correction or the day changes it."""

import datetime
import pickle
import re
from types import MappingProxyType

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from branchwork.periods import Period
from reports import services
from reports.admin import ReportAdmin
from reports.models import Report
from reports.profile import report_facts
from reports.selectors import cached_report_facts, document_claims, draft_document
from tests.factories import ActivityFactory, report_saved
from tests.memory import facts_of, record
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


def test_the_editor_reads_the_facts_once_between_saves(report, world, as_user, monkeypatch):  # noqa: F811
    """Saving the text does not change the facts: the editor it returns to reads them from the
    cache, and reads them again as soon as a record changes."""
    client = as_user(world.secretary)
    client.get(EDIT)
    read = []
    monkeypatch.setattr("reports.selectors.report_facts", lambda **kwargs: read.append(kwargs) or report_facts(**kwargs))
    item = report.items.filter(section=1).first()
    assert client.post(EDIT, editor_data(report, **{f"item-{item.pk}-text": "改写后的第一条。"})).status_code == 302
    page = client.get(EDIT)
    assert "改写后的第一条" in page.content.decode()
    assert read == []
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 4, 10))
    client.get(EDIT)
    assert len(read) == 1


def test_the_cached_facts_are_those_of_the_problems_they_were_read_with(report, world):  # noqa: F811
    """Last period's 存在的问题 are read by the judgments: other rows, other facts."""
    today = datetime.date(2022, 7, 1)
    first = cached_report_facts(branch=world.branch, period=report.period, today=today, problem_rows=[])
    again = cached_report_facts(branch=world.branch, period=report.period, today=today, problem_rows=[])
    row = (1, "", "上期问题：学习不够深入。", True, 2021, "H2")
    other = cached_report_facts(branch=world.branch, period=report.period, today=today, problem_rows=[row])
    assert again == first and again.judgments == first.judgments
    assert other.judgments.typed_carried != first.judgments.typed_carried


def test_facts_travel_through_the_cache_whole():
    """What the cache stores (a pickle) reads back as the same facts, its mappings still read-only."""
    records = [
        record("study", datetime.date(2022, 3, 1), speaker_name="王某某"),
        record("themed_day", datetime.date(2022, 4, 1), also=("study",)),
    ]
    facts = facts_of(records, period=Period(2022, "H1"))
    copy = pickle.loads(pickle.dumps(facts))
    assert type(copy) is type(facts)
    assert copy == facts
    assert copy.count("study").activity_ids == facts.count("study").activity_ids
    assert isinstance(copy.kinds, MappingProxyType) and isinstance(copy.counted_kinds, MappingProxyType)
    with pytest.raises(TypeError):
        copy.kinds["study"] = None





def test_the_cached_draft_is_the_fresh_one_after_last_periods_problems_change(report, world):  # noqa: F811
    """Last period's 存在的问题 reach this period's report when it is created (the 「上期查摆问题的
    整改情况」 item) and in the editor's hints and carry-over options (facts keyed by those rows);
    the draft and its claim check read only this report's items and the records. So the draft's
    key need not hold them: revising a returned report of last period leaves the cached draft of
    this one what a fresh compile gives."""
    later = services.report_create(branch=world.branch, period=Period(2022, "H2"), by=world.secretary)
    today = datetime.date(2022, 12, 1)
    cached = (draft_document(later, today=today), document_claims(later, today=today))
    kept = [item for item in report.items.all() if item.origin != "problem:rule:themed_day"]
    assert len(kept) < report.items.count()
    report_saved(report, kept, world.secretary)
    later = Report.objects.get(pk=later.pk)
    assert (draft_document(later, today=today), document_claims(later, today=today)) == cached
    cache.clear()
    assert (draft_document(later, today=today), document_claims(later, today=today)) == cached
