"""The report pages take a fixed number of queries, cold (nothing cached), whatever the number of
records, members and party groups: issue 23's budget for the editor, the preview and the draft
preview (``benchmarks/run.py`` measures the same pages on PostgreSQL)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from branchwork.periods import Period
from reports import services
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
)

H1 = Period(2022, "H1")
PREVIEW = reverse("reports:report_preview", args=["kl", "2022H1"])
EDIT = reverse("reports:report_edit", args=["kl", "2022H1"])

# Cold, on the test settings: session, user, roles, report, then the facts and judgments.
DRAFT_PREVIEW_QUERIES = 10
SUBMITTED_PAGE_QUERIES = 10


def add_branch_life(world, n: int) -> None:
    """``n`` members, party groups and months of meetings with attendance and publicity."""
    outlet = OutletFactory(organisation=world.branch)
    for index in range(n):
        member = MemberFactory(branch=world.branch)
        group = PartyGroupFactory(branch=world.branch)
        day = datetime.date(2022, 1 + index % 6, 10)
        for kind, also in (("branch_assembly", []), ("themed_day", ["group_meeting"]), ("study", [])):
            activity = ActivityFactory(branch=world.branch, kind=kind, also=also, party_group=group, date=day)
            AttendanceFactory(activity=activity, member=member, present=index % 2 == 0)
        PublicityEntryFactory(branch=world.branch, outlet=outlet, date=day)


def cold_queries(client, url, django_assert_max_num_queries, budget: int) -> int:
    cache.clear()  # the figures, the draft and the rendered document are cached: compute them
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("submitted", [False, True], ids=["draft preview", "submitted report"])
def test_report_pages_take_the_same_queries_however_big_the_branch(
    world, as_user, monkeypatch, submitted, django_assert_max_num_queries
):
    budget = SUBMITTED_PAGE_QUERIES if submitted else DRAFT_PREVIEW_QUERIES
    client = as_user(world.secretary)
    add_branch_life(world, 1)
    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)
    if submitted:
        monkeypatch.setattr(services, "version_files_ensure", lambda *, version, formats=(): version)
        services.report_submit(report=report, by=world.secretary)
    client.get(PREVIEW)  # warm up the session
    pages = [PREVIEW, EDIT]
    small = [cold_queries(client, url, django_assert_max_num_queries, budget) for url in pages]
    add_branch_life(world, 3)
    big = [cold_queries(client, url, django_assert_max_num_queries, budget) for url in pages]
    assert big == small
