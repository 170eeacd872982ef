"""Hostile uploads through the real pages: attachments of a record, roster and ledger imports.

Every one is refused with a Chinese message naming the problem, nothing reaches the storage (or
the database), and the page comes back with the form as it was filled. Downloads go only to
those who may see the record, as attachments that a browser will not sniff into a page.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from activities.models import Activity, Attachment
from branchwork.models import Member

from .factories import PDF_BYTES, branch_objects, db_fingerprint, media_fingerprint, org_objects, xlsx_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
SVG_BARE = b'\xef\xbb\xbf  <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def zip_bomb(folder: str, main: str, *, expands_to: int = 30 * 1024 * 1024) -> bytes:
    """A well-formed Office package whose main part inflates ~1000× (zeros deflate that well)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{folder}/main.xml" ContentType="application/vnd.openxmlformats-officedocument.{main}"/>'
            "</Types>",
        )
        with package.open(f"{folder}/main.xml", "w") as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(expands_to // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def xlsx_bomb(*, expands_to: int = 30 * 1024 * 1024) -> bytes:
    """A real workbook (openpyxl opens it) whose first sheet carries ~30 MB of whitespace: parsing
    it costs time and memory in proportion, which a 5 MB upload could multiply a thousandfold."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["姓名", "性别"], [["张三", "男"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, tail = content.partition(b"</sheetData>")
                with package.open(info.filename, "w") as part:
                    part.write(head)
                    chunk = b" " * (1024 * 1024)
                    for _ in range(expands_to // len(chunk)):
                        part.write(chunk)
                    part.write(b"</sheetData>" + tail)
            else:
                package.writestr(info, content)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def kl(world):
    hw = org_objects(world.general)
    return branch_objects(world.branch, outlet=hw.outlet, by=world.secretary)


@pytest.fixture
def xy(world, kl):
    return branch_objects(world.sibling, outlet=kl.publicity.outlet, by=world.sibling_secretary)


def _refused(response, before_db: str, before_media, *, message: str) -> str:
    body = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert message in body, body[:2000]
    assert db_fingerprint() == before_db, "the database changed"
    assert media_fingerprint() == before_media, "a file was stored"
    return body


# --- attachments of a record ------------------------------------------------------------------------

ATTACKS = [
    pytest.param("会议纪要.pdf", EXE, "无法识别文件“会议纪要.pdf”的内容", id="exe-named-pdf"),
    pytest.param("会议纪要.pdf", ELF, "无法识别文件“会议纪要.pdf”的内容", id="elf-named-pdf"),
    pytest.param("现场照片.jpg", HTML, "出于安全考虑，不接受 SVG、HTML 等网页类文件", id="html-named-jpg"),
    pytest.param("现场照片.svg", SVG, "出于安全考虑，不接受 SVG、HTML 等网页类文件", id="svg-with-script"),
    pytest.param("现场照片.png", SVG_BARE, "出于安全考虑，不接受 SVG、HTML 等网页类文件", id="svg-named-png"),
    pytest.param("纪要.docx", zip_bomb("word", "wordprocessingml.document.main+xml"), "疑似恶意文件，已拒绝", id="zip-bomb-docx"),
    pytest.param("空文件.pdf", b"", "文件是空的（0 字节），请重新选择", id="zero-bytes"),
    pytest.param("照片.jpg", PDF_BYTES, "内容是PDF 文档，与扩展名“.jpg”不符", id="pdf-named-jpg"),
    pytest.param("setup.exe", EXE, "无法识别文件“setup.exe”的内容", id="exe"),
]


@pytest.mark.parametrize(("name", "content", "message"), ATTACKS)
def test_hostile_attachment_is_refused_and_nothing_stored(world, kl, as_user, name, content, message, record_property):
    client = as_user(world.secretary)
    before_db, before_media = db_fingerprint(), media_fingerprint()
    url = reverse("activities:attachment_upload", args=["kl", kl.activity.pk])
    response = client.post(url, {"category": "photo", "file": upload(name, content)})
    _refused(response, before_db, before_media, message=message)
    form = response.context["upload_form"]
    assert form["category"].value() == "photo", "the chosen category is kept"
    assert form.errors["file"]
    record_property("security:upload_attacks", 1)


def test_a_file_over_the_limit_is_refused_before_it_is_stored(world, kl, as_user, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024  # instead of building 20 MB: the check is the same
    client = as_user(world.secretary)
    before_db, before_media = db_fingerprint(), media_fingerprint()
    big = PDF_BYTES + b"%" * 2048
    response = client.post(
        reverse("activities:attachment_upload", args=["kl", kl.activity.pk]),
        {"category": "minutes", "file": upload("扫描件.pdf", big)},
    )
    body = _refused(response, before_db, before_media, message="超过了 1 KB 的上限，请压缩或拆分后再上传")
    assert "扫描件.pdf" in body
    assert response.context["upload_form"]["category"].value() == "minutes"


def test_the_form_says_what_may_be_uploaded_and_how_large(world, kl, as_user):
    body = as_user(world.secretary).get(reverse("activities:activity_detail", args=["kl", kl.activity.pk])).content.decode()
    assert "可上传 PDF、JPG、PNG" in body and "单个文件不超过 20 MB" in body


def test_a_good_pdf_is_stored_under_a_random_name(world, kl, as_user):
    """The control case: the same page stores what is what it says it is."""
    client = as_user(world.secretary)
    before = media_fingerprint()
    response = client.post(
        reverse("activities:attachment_upload", args=["kl", kl.activity.pk]),
        {"category": "minutes", "file": upload("../../etc/纪要.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    added = media_fingerprint() - before
    assert len(added) == 1
    (path, _size), = added
    assert path.startswith(f"attachments/{world.branch.pk}/") and "纪要" not in path and ".." not in path
    assert Attachment.objects.order_by("-pk").first().original_name == "纪要.pdf"


# --- downloads ------------------------------------------------------------------------------------


def test_download_is_an_attachment_the_browser_will_not_sniff(world, kl, as_user):
    response = as_user(world.secretary).get(
        reverse("activities:attachment_download", args=["kl", kl.activity.pk, kl.attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("user", "code", "whose"),
    [
        ("sibling_secretary", "xy", "kl"),  # own branch's code, another branch's record and file
        ("secretary", "kl", "xy"),
        ("secretary", "xy", "xy"),  # another branch's own URL
        ("outsider_reviewer", "kl", "kl"),
    ],
)
def test_attachment_via_another_branchs_url_is_404(world, kl, xy, as_user, user, code, whose):
    objects = {"kl": kl, "xy": xy}[whose]
    url = reverse("activities:attachment_download", args=[code, objects.activity.pk, objects.attachment.pk])
    assert as_user(getattr(world, user)).get(url).status_code == 404


def test_attachment_under_another_record_of_the_same_branch_is_404(world, kl, as_user):
    other = Activity.objects.create(branch=world.branch, kind="study", date=datetime.date(2022, 4, 1), title="另一次学习")
    url = reverse("activities:attachment_download", args=["kl", other.pk, kl.attachment.pk])
    assert as_user(world.secretary).get(url).status_code == 404


# --- Excel imports: roster and ledgers -----------------------------------------------------------------

IMPORTS = [
    pytest.param("roster:import", {}, id="roster"),
    pytest.param("activities:ledger_import", {"type": "meetings"}, id="ledger-meetings"),
    pytest.param("activities:ledger_import", {"type": "publicity"}, id="ledger-publicity"),
]


@pytest.mark.parametrize(("name", "extra"), IMPORTS)
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        pytest.param("花名册.csv", "姓名,性别\n张三,男\n".encode(), "只能导入 .xlsx 格式的 Excel 文件", id="csv"),
        pytest.param("花名册.xlsx", EXE, "xlsx", id="exe-named-xlsx"),
        pytest.param("花名册.xlsx", HTML, "xlsx", id="html-named-xlsx"),
        pytest.param("花名册.xlsx", b"", "上传的文件是空的", id="zero-bytes"),
        pytest.param("花名册.xlsx", xlsx_bomb(), "疑似恶意文件", id="zip-bomb-xlsx"),
    ],
)
def test_hostile_import_is_refused_and_nothing_saved(world, as_user, name, extra, filename, content, message, record_property):
    client = as_user(world.secretary)
    before_db, before_media = db_fingerprint(), media_fingerprint()
    response = client.post(reverse(name, args=["kl"]), {**extra, "file": upload(filename, content)})
    _refused(response, before_db, before_media, message=message)
    assert response.context["form"].errors["file"]
    if extra:
        assert response.context["form"]["type"].value() == extra["type"], "the chosen import type is kept"
    record_property("security:upload_attacks", 1)


@pytest.mark.parametrize(("name", "setting"), [("roster:import", "ROSTER_IMPORT_MAX_BYTES"), ("activities:ledger_import", "LEDGER_IMPORT_MAX_BYTES")])
def test_an_import_over_the_limit_is_refused(world, as_user, settings, name, setting):
    setattr(settings, setting, 1024)
    content = xlsx_bytes(["姓名"], [["张三" * 400]])
    assert len(content) > 1024
    response = as_user(world.secretary).post(reverse(name, args=["kl"]), {"type": "meetings", "file": upload("大.xlsx", content)})
    assert response.status_code == 200
    assert "文件" in response.content.decode() and ("过大" in response.content.decode() or "超过" in response.content.decode())
    assert not Member.objects.exists() and not Activity.objects.exists()


def test_a_good_roster_import_still_works(world, as_user):
    """The control case for the bomb check: a real workbook of a normal size passes."""
    from .factories import roster_xlsx

    response = as_user(world.secretary).post(reverse("roster:import", args=["kl"]), {"file": roster_xlsx("赵六")})
    assert response.status_code == 302
    assert Member.objects.filter(branch=world.branch, name="赵六").exists()
