"""Downloads: drafts render on demand; submitted versions serve their stored files, which never
change; Chinese file names (RFC 5987); the reviewer's ZIP of approved reports."""

import datetime
import io
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse

from activities.models import Activity
from branchwork.models import Role
from branchwork.periods import Period
from reports import services
from reports.models import ReportVersion
from tests.factories import ActivityFactory, RoleFactory, UserFactory, report_written

H1 = Period(2022, "H1")
STEM = "kl所党支部2022年上半年全面从严治党暨党建工作情况汇报"


@pytest.fixture
def report(world):
    for month in (1, 2):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, month, 10))
    return services.report_create(branch=world.branch, period=H1, by=world.secretary)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_draft_renders_on_demand_with_a_chinese_file_name(report, world, as_user):
    response = as_user(world.secretary).get(reverse("reports:report_download", args=["kl", "2022H1", "docx"]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(STEM + '（草稿）.docx')}" in disposition
    assert _body(response)[:2] == b"PK"
    assert not ReportVersion.objects.exists()


def test_a_draft_pdf_download(report, world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:report_download", args=["kl", "2022H1", "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _body(response)[:5] == b"%PDF-"


@pytest.mark.parametrize("fmt", ["text", "exe", "html"])
def test_other_formats_are_404(report, world, as_user, fmt):
    response = as_user(world.secretary).get(reverse("reports:report_download", args=["kl", "2022H1", fmt]))
    assert response.status_code == 404


@pytest.mark.renders
def test_a_submitted_report_serves_its_stored_files(report, world, as_user):
    version = services.report_submit(report=report, by=world.secretary)
    response = as_user(world.secretary).get(reverse("reports:report_download", args=["kl", "2022H1", "pdf"]))
    assert f"filename*=utf-8''{quote(STEM + '.pdf')}" in response["Content-Disposition"]
    with version.pdf_file.open("rb") as stored:
        assert _body(response) == stored.read()


def test_a_version_download_names_the_version(report, world, as_user):
    services.report_submit(report=report, by=world.secretary)
    response = as_user(world.reviewer).get(reverse("reports:version_download", args=["kl", "2022H1", 1, "docx"]))
    assert response.status_code == 200
    assert f"filename*=utf-8''{quote(STEM + '（第1版）.docx')}" in response["Content-Disposition"]


@pytest.mark.renders
def test_submitted_version_does_not_change_when_records_change(report, world, as_user):
    version = services.report_submit(report=report, by=world.secretary)
    document = ReportVersion.objects.get(pk=version.pk).document
    with version.docx_file.open("rb") as f:
        docx = f.read()
    with version.pdf_file.open("rb") as f:
        pdf = f.read()

    Activity.objects.filter(branch=world.branch).first().delete()
    Activity.objects.filter(branch=world.branch).update(title="改过的标题")
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1))

    version.refresh_from_db()
    assert version.document == document
    client = as_user(world.secretary)
    assert _body(client.get(reverse("reports:version_download", args=["kl", "2022H1", 1, "docx"]))) == docx
    assert _body(client.get(reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"]))) == pdf
    page = client.get(reverse("reports:version_detail", args=["kl", "2022H1", 1])).content.decode()
    assert "理论学习会2次" in page


def test_missing_files_are_rendered_once_on_first_download(report, world, as_user, monkeypatch):
    # Not marked ``renders``: submitted without files, as after a failed render (tests/conftest.py).
    version = services.report_submit(report=report, by=world.secretary)
    assert not version.pdf_file
    client = as_user(world.secretary)
    first = _body(client.get(reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"])))
    version.refresh_from_db()
    assert version.pdf_file and not version.docx_file
    second = _body(client.get(reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"])))
    assert first == second and first[:5] == b"%PDF-"


# --- the reviewer's ZIP ------------------------------------------------------------------------


def _approved(branch, secretary, reviewer):
    report = report_written(branch, H1, secretary)
    services.report_submit(report=report, by=secretary)
    services.report_approve(report=report, by=reviewer)
    return report


@pytest.fixture
def bundle(world):
    kl = _approved(world.branch, world.secretary, world.reviewer)
    submitted = report_written(world.sibling, H1, world.sibling_secretary)
    services.report_submit(report=submitted, by=world.sibling_secretary)
    far = _approved(world.far, world.far_secretary, world.outsider_reviewer)
    other_period = services.report_create(branch=world.branch, period=Period(2021, "H2"), by=world.secretary)
    return kl, far, other_period


def test_zip_holds_the_approved_reports_below_the_reviewer_only(bundle, world, as_user):
    kl, _, _ = bundle
    response = as_user(world.reviewer).get(reverse("reports:approved_zip", args=["hw", "2022H1"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    filename = "省高速公路处党总支2022年上半年已审核工作总结.zip"
    assert f"filename*=utf-8''{quote(filename)}" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    assert sorted(archive.namelist()) == [f"{STEM}.docx", f"{STEM}.pdf"]
    version = kl.versions.get()
    with version.pdf_file.open("rb") as stored:
        assert archive.read(f"{STEM}.pdf") == stored.read()


def test_zip_of_a_committee_reviewer_spans_general_branches(bundle, world, as_user):
    top = UserFactory(username="top")
    RoleFactory(user=top, organisation=world.committee, kind=Role.Kind.REVIEWER)
    response = as_user(top).get(reverse("reports:approved_zip", args=["center", "2022H1"]))
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert len(names) == 4
    assert any(name.startswith("路政一大队党支部") for name in names)


def test_zip_renders_missing_files_on_the_fly(world, as_user, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(services, "version_files_ensure", lambda *, version, formats=(): version)
        report = _approved(world.branch, world.secretary, world.reviewer)
    response = as_user(world.reviewer).get(reverse("reports:approved_zip", args=["hw", "2022H1"]))
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    assert archive.read(f"{STEM}.pdf")[:5] == b"%PDF-"
    assert report.versions.get().docx_file


def test_zip_without_approved_reports_explains_instead(world, as_user):
    response = as_user(world.reviewer).get(reverse("reports:approved_zip", args=["hw", "2022H1"]), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("reports:review_dashboard", args=["hw"]))
    assert "还没有审核通过的工作总结" in response.content.decode()
