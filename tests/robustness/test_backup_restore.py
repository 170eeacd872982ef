"""``backup_data`` and ``restore_data``: a round trip gives back the same reports, records, users
and stored files; a restore never lands on top of data by accident and never half-happens."""

import io
import json
import shutil
import zipfile

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from activities import services as activity_services
from activities.models import Activity, Attachment
from branchwork import backup
from branchwork.models import Organisation
from branchwork.periods import Period
from reports import services as report_services
from reports.models import Report, ReportVersion

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def dump() -> list[str]:
    """Every backed-up row as natural-key JSON, in a canonical order: equal lists mean equal data
    (users compared by username, everything else by primary key and every field, times to the
    microsecond)."""
    out = io.StringIO()
    backup._serialize_rows(out, backup.backed_up_models(), "default")
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in json.loads(out.getvalue()))


def stored_files() -> dict[str, bytes]:
    names = [a.file.name for a in Attachment.objects.all()]
    for version in ReportVersion.objects.all():
        names += [f.name for f in (version.docx_file, version.pdf_file) if f]
    contents = {}
    for name in names:
        with default_storage.open(name, "rb") as handle:
            contents[name] = handle.read()
    return contents


def demo_with_a_submission_and_attachments():
    """seed_demo, kl's 2022H1 report submitted (its DOCX and PDF stored) and approved, and two
    attachments on one of kl's meetings."""
    call_command("seed_demo", stdout=io.StringIO())
    secretary = get_user_model().objects.get(username="kl_shuji")
    reviewer = get_user_model().objects.get(username="hw_shenyue")
    branch = Organisation.objects.get(code="kl")
    report = report_services.report_create(branch=branch, period=Period(2022, "H1"), by=secretary)
    report_services.report_submit(report=report, by=secretary)
    report_services.report_approve(report=report, by=reviewer, comment="同意上报")
    meeting = Activity.objects.for_branch(branch).order_by("date", "pk").first()
    for name, content, category in (("三月会议记录.pdf", PDF, "minutes"), ("现场照片.png", PNG, "photo")):
        activity_services.attachment_add(
            activity=meeting, upload=SimpleUploadedFile(name, content), category=category, by=secretary
        )
    return report


@pytest.mark.slow
@pytest.mark.renders
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_round_trip_gives_back_the_same_reports_records_users_and_files(tmp_path, client):
    report = demo_with_a_submission_and_attachments()
    rows_before = dump()
    files_before = stored_files()
    documents_before = {v.number: v.document for v in ReportVersion.objects.filter(report=report)}
    counts_before = {model._meta.label: model._base_manager.count() for model in backup.backed_up_models()}
    assert len(files_before) == 4  # two attachments, the version's DOCX and PDF
    assert counts_before["branchwork.Member"] > 0 and counts_before["activities.Activity"] > 0
    archive = tmp_path / "备份.zip"

    call_command("backup_data", "-o", str(archive), stdout=io.StringIO())

    # A new server: the database emptied, the media directory gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Organisation.objects.exists() and not get_user_model().objects.exists()

    call_command("restore_data", str(archive), stdout=io.StringIO())

    rows_after = dump()
    lost, gained = sorted(set(rows_before) - set(rows_after)), sorted(set(rows_after) - set(rows_before))
    assert not lost and not gained, f"lost {lost[:2]}, gained {gained[:2]}"
    assert rows_after == rows_before
    assert {model._meta.label: model._base_manager.count() for model in backup.backed_up_models()} == counts_before
    restored = Report.objects.get(branch__code="kl", year=2022, half="H1")
    assert restored.status == Report.Status.APPROVED
    assert {v.number: v.document for v in restored.versions.all()} == documents_before
    assert stored_files() == files_before  # byte for byte, read back through the storage

    # People log in with their old passwords and find their report, its stored PDF unchanged.
    response = client.post(reverse("login"), {"username": "kl_shuji", "password": "Hongqi-kl-2022"})
    assert response.status_code == 302
    pdf = client.get(reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"]))
    assert pdf.status_code == 200
    version = restored.versions.get()
    assert b"".join(pdf.streaming_content) == files_before[version.pdf_file.name]
    assert client.get(reverse("reports:report_edit", args=["kl", "2022H1"])).status_code == 200


# --- refusals and failures ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """A restore inside a test's transaction recreates content types that the test's rollback then
    removes again: forget their cached ids, so the next test does not use them."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def meeting(world):
    from tests.factories import ActivityFactory

    return ActivityFactory(branch=world.branch, kind="study", title="三月理论学习")


def attach(meeting, user, name="会议记录.pdf", content=PDF) -> Attachment:
    return activity_services.attachment_add(
        activity=meeting, upload=SimpleUploadedFile(name, content), category="minutes", by=user
    )


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_already_has_data(world, tmp_path):
    archive = tmp_path / "backup.zip"
    run("backup_data", "-o", str(archive))
    world.branch.name = "改过的名称"
    world.branch.save()

    with pytest.raises(CommandError, match="目标数据库中已有数据.*--force"):
        run("restore_data", str(archive))

    assert Organisation.objects.get(pk=world.branch.pk).name == "改过的名称"


@pytest.mark.django_db
def test_restore_with_force_replaces_everything_that_is_there(world, meeting, tmp_path):
    attachment = attach(meeting, world.secretary)
    archive = tmp_path / "backup.zip"
    run("backup_data", "-o", str(archive))
    before = dump()
    world.branch.name = "改过的名称"
    world.branch.save()
    Activity.objects.create(branch=world.sibling, kind="study", date=meeting.date, title="备份之后的记录")
    default_storage.delete(attachment.file.name)

    run("restore_data", str(archive), "--force")

    assert dump() == before
    with default_storage.open(attachment.file.name, "rb") as handle:
        assert handle.read() == PDF


@pytest.mark.django_db
def test_a_damaged_file_in_the_backup_restores_nothing(world, meeting, tmp_path):
    attachment = attach(meeting, world.secretary)
    archive, damaged = tmp_path / "backup.zip", tmp_path / "damaged.zip"
    run("backup_data", "-o", str(archive))
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            target.writestr(entry, b"not the minutes" if entry.filename.endswith(attachment.file.name) else content)
    world.branch.name = "恢复失败后仍应保留的名称"
    world.branch.save()

    with pytest.raises(CommandError, match="已损坏"):
        run("restore_data", str(damaged), "--force")

    assert Organisation.objects.get(pk=world.branch.pk).name == "恢复失败后仍应保留的名称"
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.django_db
def test_a_file_missing_from_storage_is_named_and_the_rest_is_backed_up(world, meeting, tmp_path):
    gone, kept = attach(meeting, world.secretary), attach(meeting, world.secretary, "照片.png", PNG)
    default_storage.delete(gone.file.name)
    archive = tmp_path / "backup.zip"

    out, err = run("backup_data", "-o", str(archive))

    assert gone.file.name in err and "不存在" in err
    assert "1 个文件" in out
    with zipfile.ZipFile(archive) as backed_up:
        manifest = json.loads(backed_up.read("manifest.json"))
        assert backed_up.read(f"files/{kept.file.name}") == PNG
    assert manifest["missing_files"] == [gone.file.name]
    assert [entry["name"] for entry in manifest["files"]] == [kept.file.name]


@pytest.mark.django_db
def test_a_failed_backup_leaves_no_file_behind(world, meeting, tmp_path, monkeypatch):
    attach(meeting, world.secretary)
    folder = tmp_path / "backups"
    folder.mkdir()
    archive = folder / "backup.zip"

    def storage_breaks(*args, **kwargs):
        raise RuntimeError("storage backend crashed")

    monkeypatch.setattr(type(default_storage._wrapped), "open", storage_breaks)

    with pytest.raises(RuntimeError):
        run("backup_data", "-o", str(archive))

    assert list(folder.iterdir()) == []  # neither the zip nor its partial copy


@pytest.mark.django_db
def test_a_zip_that_is_not_a_backup_is_refused(world, tmp_path):
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.png", PNG)

    with pytest.raises(CommandError, match="不是 branchwork 的备份文件"):
        run("restore_data", str(other), "--force")

    assert Organisation.objects.filter(pk=world.branch.pk).exists()


@pytest.mark.django_db
def test_a_backup_from_a_newer_version_is_refused(world, tmp_path):
    archive, newer = tmp_path / "backup.zip", tmp_path / "newer.zip"
    run("backup_data", "-o", str(archive))
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(newer, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "manifest.json":
                manifest = json.loads(content)
                manifest["migrations"]["reports"].append("0099_from_the_future")
                content = json.dumps(manifest).encode()
            target.writestr(entry, content)

    with pytest.raises(CommandError, match="备份来自更新版本.*reports.0099_from_the_future"):
        run("restore_data", str(newer), "--force")

    assert Organisation.objects.filter(pk=world.branch.pk).exists()
