"""Who may open each report page: the scoping matrix over every URL of the reports, against one
approved report of kl built once for the module (``tests/shared.py``)."""

import datetime

import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports import services
from tests.factories import ActivityFactory
from tests.shared import copy_or_build

pytestmark = pytest.mark.django_db

H1 = Period(2022, "H1")

READ_URLS = [
    ("reports:report_list", ["kl"]),
    ("reports:report_edit", ["kl", "2022H1"]),
    ("reports:report_preview", ["kl", "2022H1"]),
    ("reports:report_print", ["kl", "2022H1"]),
    ("reports:report_download", ["kl", "2022H1", "docx"]),
    ("reports:report_versions", ["kl", "2022H1"]),
    ("reports:version_detail", ["kl", "2022H1", 1]),
    ("reports:version_download", ["kl", "2022H1", 1, "pdf"]),
    ("reports:version_compare", ["kl", "2022H1"]),
]
WRITE_URLS = [
    ("reports:report_start", ["kl"]),
    ("reports:report_edit", ["kl", "2022H1"]),
    ("reports:report_submit", ["kl", "2022H1"]),
]
REVIEW_URLS = [
    ("reports:report_return", ["kl", "2022H1"]),
    ("reports:report_approve", ["kl", "2022H1"]),
]
ORG_URLS = [
    ("reports:review_dashboard", ["hw"]),
    ("reports:approved_zip", ["hw", "2022H1"]),
]
ALL = [(name, args, "get") for name, args in READ_URLS + [("reports:report_review", ["kl", "2022H1"])] + ORG_URLS]
ALL += [(name, args, "post") for name, args in WRITE_URLS + REVIEW_URLS]


def build_approved(world):
    """kl's report of 2022H1 with three study sessions, submitted (its files unrendered: they
    render on first download) and approved."""
    for month in (1, 2, 3):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, month, 10))
    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "version_files_ensure", lambda *, version, formats=(): version)
        services.report_submit(report=report, by=world.secretary)
    services.report_approve(report=report, by=world.reviewer)
    return report


@pytest.fixture(scope="module")
def _module_approved(module_data, _module_world):
    return module_data.build(build_approved, _module_world) if module_data else None


@pytest.fixture
def approved(_module_approved, world, copies):
    return copy_or_build(_module_approved, copies, lambda: build_approved(world))


@pytest.mark.parametrize(("name", "args", "method"), ALL)
@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer", "far_secretary"])
def test_outsiders_get_404(approved, world, as_user, name, args, method, user):
    client = as_user(getattr(world, user))
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "args", "method"), ALL)
def test_anonymous_users_are_sent_to_log_in(approved, client, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), READ_URLS)
def test_reviewer_reads_every_page(approved, world, as_user, name, args):
    assert as_user(world.reviewer).get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(("name", "args"), WRITE_URLS)
def test_reviewer_cannot_write(approved, world, as_user, name, args):
    assert as_user(world.reviewer).post(reverse(name, args=args), {"period": "2022H1"}).status_code == 403


@pytest.mark.parametrize(("name", "args"), ORG_URLS)
def test_secretaries_have_no_review_dashboard(approved, world, as_user, name, args):
    assert as_user(world.secretary).get(reverse(name, args=args)).status_code == 404
