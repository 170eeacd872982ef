"""``manage.py cleanup``: files no row refers to (left by a killed worker) and stale upload
temporary files are listed and removed; referenced and recent files are kept."""

import datetime
import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from activities.models import Attachment
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

TWO_HOURS_AGO = time.time() - 2 * 3600


def aged(name: str) -> str:
    os.utime(default_storage.path(name), (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return name


@pytest.fixture
def files(world, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    activity = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1))
    attachment = Attachment(activity=activity, category="minutes", original_name="会议记录.pdf", content_type="application/pdf", size=8)
    attachment.file.save("会议记录.pdf", ContentFile(b"%PDF-1.4"), save=True)
    stale_upload = tmp_path / "tmpa1b2c3.upload.xlsx"
    stale_upload.write_bytes(b"x" * 1000)
    os.utime(stale_upload, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    fresh_upload = tmp_path / "tmpd4e5f6.upload.xlsx"
    fresh_upload.write_bytes(b"y")
    return {
        "referenced": aged(attachment.file.name),
        "orphan": aged(default_storage.save("reports/2022/kl-2022H1-v1.docx", ContentFile(b"docx"))),
        "recent": default_storage.save("reports/2022/kl-2022H1-v2.pdf", ContentFile(b"pdf")),
        "stale_upload": stale_upload,
        "fresh_upload": fresh_upload,
    }


def test_it_lists_without_removing_on_a_dry_run(files):
    out = StringIO()
    call_command("cleanup", "--dry-run", stdout=out)
    text = out.getvalue()
    assert files["orphan"] in text and str(files["stale_upload"]) in text
    assert files["referenced"] not in text and files["recent"] not in text
    assert "发现 2 个孤立文件" in text
    assert default_storage.exists(files["orphan"]) and files["stale_upload"].exists()


def test_it_removes_orphans_and_stale_uploads_and_keeps_the_rest(files):
    out = StringIO()
    call_command("cleanup", stdout=out)
    assert "已删除 2 个孤立文件" in out.getvalue()
    assert not default_storage.exists(files["orphan"])
    assert not files["stale_upload"].exists()
    assert default_storage.exists(files["referenced"]) and default_storage.exists(files["recent"])
    assert files["fresh_upload"].exists()


def test_an_empty_storage_has_nothing_to_clean(db, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    out = StringIO()
    call_command("cleanup", stdout=out)
    assert "已删除 0 个孤立文件" in out.getvalue()
