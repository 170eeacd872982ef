"""Attachments: the type is decided by the content, the name must agree, size is limited, and only
those who may see the record can download it."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from activities import attachments
from activities.models import Attachment
from tests.factories import ActivityFactory, ole_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WORD_97 = ole_bytes("WordDocument")
EXCEL_97 = ole_bytes("Workbook")
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def ooxml(folder: str, main: str, extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/{folder}/main.xml" ContentType="application/vnd.openxmlformats-officedocument.{main}"/></Types>',
        )
        package.writestr(f"{folder}/main.xml", "<x/>")
        if extra:
            package.writestr(f"{folder}/media/padding.bin", extra)
    return buffer.getvalue()


DOCX = ooxml("word", "wordprocessingml.document.main+xml")
XLSX = ooxml("xl", "spreadsheetml.sheet.main+xml")
PPTX = ooxml("ppt", "presentationml.presentation.main+xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# The validator ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("会议记录.pdf", PDF, "application/pdf"),
        ("现场.PNG", PNG, "image/png"),
        ("现场.jpeg", JPEG, "image/jpeg"),
        ("照片.jpg", JPEG, "image/jpeg"),
        ("纪要.docx", DOCX, attachments.DOCX.content_type),
        ("台账.xlsx", XLSX, attachments.XLSX.content_type),
        ("课件.pptx", PPTX, attachments.PPTX.content_type),
        ("旧纪要.doc", WORD_97, "application/msword"),
        ("旧台账.xls", EXCEL_97, "application/vnd.ms-excel"),
        ("说明.txt", "会议纪要：全体党员参加。𠮷\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_it_accepts_real_files_and_names_their_type(name, content, content_type):
    assert attachments.validate_upload(upload(name, content)).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("会议记录.pdf", PNG, "内容是PNG 图片，与扩展名“.pdf”不符"),
        ("会议记录.pdf", HTML, "不接受 SVG、HTML"),
        ("会议记录.html", HTML, "不接受 SVG、HTML"),
        ("图.svg", SVG, "不接受 SVG、HTML"),
        ("图.png", SVG, "不接受 SVG、HTML"),
        ("说明.txt", HTML, "不接受 SVG、HTML"),
        ("纪要.docx", PDF, "内容是PDF 文档，与扩展名“.docx”不符"),
        ("纪要.pdf", DOCX, "内容是Word 文档（DOCX），与扩展名“.pdf”不符"),
        ("表格.xlsx", DOCX, "与扩展名“.xlsx”不符"),
        ("纪要.docx", b"PK\x03\x04not really a zip", "无法识别文件"),
        ("说明.txt", "会议纪要".encode("gbk"), "不是 UTF-8 编码的纯文本"),
        ("说明.txt", b"abc\x00def", "不是 UTF-8 编码的纯文本"),
        ("程序.exe", b"MZ\x90\x00" + b"\x00" * 100, "无法识别文件"),
        ("无扩展名", PDF, "文件名没有扩展名"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_it_refuses_files_that_are_not_what_their_name_says(name, content, message):
    with pytest.raises(attachments.ValidationError) as caught:
        attachments.validate_upload(upload(name, content))
    assert message in caught.value.messages[0]


def test_it_refuses_a_zip_bomb_named_docx():
    bomb = ooxml("word", "wordprocessingml.document.main+xml", extra=b"\x00" * (5 * 1024 * 1024))
    assert len(bomb) < 50_000  # five megabytes of zeros shrink to a few kilobytes
    with pytest.raises(attachments.ValidationError) as caught:
        attachments.validate_upload(upload("纪要.docx", bomb))
    assert "疑似恶意文件" in caught.value.messages[0]


def test_it_refuses_packages_that_expand_beyond_the_limit(monkeypatch):
    monkeypatch.setattr(attachments, "ZIP_MAX_UNCOMPRESSED", 1000)
    with pytest.raises(attachments.ValidationError, match="解压后体积异常"):
        attachments.validate_upload(upload("纪要.docx", ooxml("word", "wordprocessingml.document.main+xml", extra=b"x" * 2000)))


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_it_refuses_files_over_the_size_setting():
    with pytest.raises(attachments.ValidationError) as caught:
        attachments.validate_upload(upload("大.pdf", PDF + b"\x00" * 2000))
    assert "超过了 1 KB 的上限" in caught.value.messages[0]


# Upload through the detail page ----------------------------------------------------------------


def upload_url(activity):
    return reverse("activities:attachment_upload", args=[activity.branch.code, activity.pk])


def test_secretary_uploads_minutes_stored_under_a_random_name(world, as_user):
    meeting = ActivityFactory(branch=world.branch)
    response = as_user(world.secretary).post(upload_url(meeting), {"category": "minutes", "file": upload("../../会议记录.pdf", PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "会议记录.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == world.secretary
    assert attachment.file.name.startswith(f"attachments/{world.branch.pk}/") and attachment.file.name.endswith(".pdf")
    assert "会议记录" not in attachment.file.name
    assert default_storage.open(attachment.file.name).read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("会议记录.pdf", PNG, "与扩展名“.pdf”不符"),
        ("会议记录.pdf", HTML, "不接受 SVG、HTML"),
        ("图.svg", SVG, "不接受 SVG、HTML"),
        ("空.pdf", b"", "0 字节"),
    ],
)
def test_a_refused_upload_shows_the_message_and_stores_nothing(world, as_user, name, content, message):
    meeting = ActivityFactory(branch=world.branch)
    response = as_user(world.secretary).post(upload_url(meeting), {"category": "photo", "file": upload(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not default_storage.exists(f"attachments/{world.branch.pk}") or not default_storage.listdir(f"attachments/{world.branch.pk}")[1]


@override_settings(ATTACHMENT_MAX_BYTES=2048)
def test_an_oversized_upload_is_refused(world, as_user):
    meeting = ActivityFactory(branch=world.branch)
    response = as_user(world.secretary).post(upload_url(meeting), {"category": "photo", "file": upload("大.png", PNG + b"\x00" * 4096)})
    assert "超过了 2 KB 的上限" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_record_full_of_files_refuses_the_next_until_one_is_deleted(world, as_user, monkeypatch):
    monkeypatch.setattr("activities.services.RECORD_MAX_ATTACHMENTS", 2)
    meeting = ActivityFactory(branch=world.branch)
    client = as_user(world.secretary)
    for name in ("一.png", "二.png"):
        assert client.post(upload_url(meeting), {"category": "photo", "file": upload(name, PNG)}).status_code == 302

    response = client.post(upload_url(meeting), {"category": "photo", "file": upload("三.png", PNG)})

    assert response.status_code == 200
    assert "每条记录最多上传 2 个附件，本记录已有 2 个" in response.content.decode()
    assert sorted(meeting.attachments.values_list("original_name", flat=True)) == ["一.png", "二.png"]
    assert len(default_storage.listdir(f"attachments/{world.branch.pk}")[1]) == 2
    first = meeting.attachments.get(original_name="一.png")
    delete = reverse("activities:attachment_delete", args=[world.branch.code, meeting.pk, first.pk])
    assert client.post(delete).status_code == 302
    assert client.post(upload_url(meeting), {"category": "photo", "file": upload("三.png", PNG)}).status_code == 302


def test_a_photo_counts_as_evidence(world, as_user):
    meeting = ActivityFactory(branch=world.branch, kind="study")
    client = as_user(world.secretary)
    client.post(upload_url(meeting), {"category": "photo", "file": upload("现场.png", PNG)})
    response = client.get(reverse("activities:activity_detail", args=["kl", meeting.pk]))
    assert {item.label: item.ok for item in response.context["checklist"]}["活动照片"] is True


# Download and delete, and who may ------------------------------------------------------------


@pytest.fixture
def stored(world, as_user):
    meeting = ActivityFactory(branch=world.branch)
    as_user(world.secretary).post(upload_url(meeting), {"category": "minutes", "file": upload("2022年3月 会议记录.pdf", PDF)})
    return Attachment.objects.get()


def download_url(attachment, code=None, pk=None):
    activity = attachment.activity
    return reverse("activities:attachment_download", args=[code or activity.branch.code, pk or activity.pk, attachment.pk])


@pytest.mark.parametrize("user", ["secretary", "member", "reviewer", "admin"])
def test_those_who_may_see_the_record_download_it(world, as_user, stored, user):
    response = as_user(getattr(world, user)).get(download_url(stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''2022%E5%B9%B43%E6%9C%88%20%E4%BC%9A%E8%AE%AE%E8%AE%B0%E5%BD%95.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer", "far_secretary"])
def test_outsiders_get_404_for_download_upload_and_delete(world, as_user, stored, user):
    client = as_user(getattr(world, user))
    activity = stored.activity
    assert client.get(download_url(stored)).status_code == 404
    assert client.post(upload_url(activity), {"category": "photo", "file": upload("x.png", PNG)}).status_code == 404
    delete = reverse("activities:attachment_delete", args=["kl", activity.pk, stored.pk])
    assert client.post(delete).status_code == 404
    assert Attachment.objects.count() == 1


def test_an_attachment_is_reached_only_through_its_own_record(world, as_user, stored):
    other_record = ActivityFactory(branch=world.branch)
    foreign_record = ActivityFactory(branch=world.sibling)
    client = as_user(world.secretary)
    assert client.get(download_url(stored, pk=other_record.pk)).status_code == 404
    assert client.get(download_url(stored, code="xy", pk=foreign_record.pk)).status_code == 404
    sibling_client = as_user(world.sibling_secretary)
    assert sibling_client.get(download_url(stored, code="xy", pk=foreign_record.pk)).status_code == 404


def test_reviewer_may_not_upload_or_delete(world, as_user, stored):
    client = as_user(world.reviewer)
    activity = stored.activity
    assert client.post(upload_url(activity), {"category": "photo", "file": upload("x.png", PNG)}).status_code == 403
    assert client.post(reverse("activities:attachment_delete", args=["kl", activity.pk, stored.pk])).status_code == 403
    assert Attachment.objects.count() == 1


def test_download_needs_a_login(client, stored):
    client.logout()
    response = client.get(download_url(stored))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_writer_deletes_an_attachment_and_its_file(world, as_user, stored, django_capture_on_commit_callbacks):
    name = stored.file.name
    client = as_user(world.member)
    url = reverse("activities:attachment_delete", args=["kl", stored.activity_id, stored.pk])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not default_storage.exists(name)


def test_deleting_a_record_removes_its_files(world, as_user, stored, django_capture_on_commit_callbacks):
    name = stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.secretary).post(reverse("activities:activity_delete", args=["kl", stored.activity_id]))
    assert not Attachment.objects.exists()
    assert not default_storage.exists(name)
