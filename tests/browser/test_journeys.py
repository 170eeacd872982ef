"""End-to-end journeys in Chromium, driven only by what a person sees: labels, buttons, Chinese text.

The demo data (``seed_demo``) gives kl所党支部 its roster and a record of every month of the
current year so far; its secretary, the reviewer of the general branch above it, and the
secretary of a sibling branch log in with the demo passwords. The journeys work in the current
half-year, as people do, so that they never depend on the date they run (the period pickers only
offer the last five years).

Every journey saves full-page screenshots of its key pages at 1280 px and the main ones again at
375 px (``test-artifacts/screenshots/``), where no page may scroll sideways; no request may leave
the machine and no page may log a console error or a Content-Security-Policy violation.
"""

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from activities.models import Activity
from branchwork.models import Member, Organisation
from branchwork.periods import Period, chinese_date
from reports import services
from reports.models import Report

from .conftest import DESK, PHONE, login, look, page_width, screenshot

# serialized_rollback: the flush after each transactional test also empties what migrations put
# in (the default meeting rules of the compliance calendar); this brings it back first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY = ("kl_shuji", "Hongqi-kl-2022")
REVIEWER = ("hw_shenyue", "Hongqi-hw-2022")
OTHER_SECRETARY = ("xy_shuji", "Hongqi-xy-2022")


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return Organisation.objects.get(code="kl")


@pytest.fixture
def half_year():
    return Period.containing(timezone.localdate())


def tiny_png() -> bytes:
    """A real 2×2 PNG (red pixels), as a phone camera's photo would be, only smaller."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xc8\x16\x1d" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def tiny_pdf() -> bytes:
    """A real one-page PDF, as scanned minutes would be."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def assert_clean(page) -> None:
    assert page.outside_requests == [], f"requests left the machine: {page.outside_requests}"
    assert page.console_errors == [], f"console errors: {page.console_errors}"


def card(page, heading: str):
    """A card of a page, found by the heading text on top of it, e.g. 「出席情况」."""
    return page.locator(".card").filter(has=page.get_by_text(heading, exact=True))


def menu(page, name: str):
    """A link of the red navigation bar at the top of every page."""
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name)


def download(page, link_name: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def docx_text(path: Path) -> str:
    assert path.suffix == ".docx"
    with zipfile.ZipFile(path) as docx:
        assert "word/document.xml" in docx.namelist()
        return re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode("utf-8"))


def pdf_text(path: Path) -> str:
    data = path.read_bytes()
    assert path.suffix == ".pdf" and data.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    """PDF text comes back with line breaks wherever a line of the page ended."""
    return re.sub(r"\s+", "", text)


def edit_first_item(page, sentence: str) -> str:
    """Add a sentence at the end of the report's first item, as a person typing; return the item."""
    first = page.get_by_label("第1条", exact=True).first
    first.click()
    first.press("Control+End")
    first.type(sentence)
    return first.input_value()


def submit_report(*, branch: Organisation, period: Period) -> Report:
    """Set-up for the review journeys: the secretary has started and submitted the half-year report."""
    secretary = get_user_model().objects.get(username=SECRETARY[0])
    report = services.report_create(branch=branch, period=period, by=secretary)
    services.report_submit(report=report, by=secretary)
    return report


def test_secretary_logs_a_study_session_with_attendance_and_evidence(new_page, live_server, demo, half_year):
    today = timezone.localdate()
    page = new_page()
    page.goto(live_server.url)
    page.wait_for_load_state()
    look(page, "j1-login")
    login(page, live_server, *SECRETARY)
    page.get_by_role("heading", name="kl所党支部", level=1).wait_for()

    # From the branch home: 登记会议 → 理论学习会, held today together with the month's 主题党日.
    page.get_by_role("button", name="登记会议").click()
    page.get_by_role("link", name="理论学习会", exact=True).filter(
        visible=True
    ).first.click()  # the opened menu
    page.get_by_role("heading", name="登记理论学习会").wait_for()
    assert page.get_by_label("日期").input_value() == today.isoformat()  # today unless changed
    page.get_by_label("主题*").fill("学习《习近平谈治国理政》第四卷")
    page.get_by_label("开始时间").fill("14:30")
    page.get_by_label("结束时间").fill("16:00")
    page.get_by_label("地点").fill("所三楼会议室")
    page.get_by_label("学习材料").fill("《习近平谈治国理政》第四卷\n《中国共产党章程》")
    page.get_by_label("学习形式").select_option(label="集体学习")
    page.get_by_label("主题党日").check()
    look(page, "j1-record-form")
    page.get_by_role("button", name="保存").click()

    # The record: 同时计为主题党日, both materials listed, attendance and evidence still to come.
    page.get_by_role("heading", name="学习《习近平谈治国理政》第四卷").wait_for()
    assert page.get_by_text("同时计为主题党日").is_visible()
    assert page.get_by_text(chinese_date(today), exact=True).first.is_visible()
    materials = page.get_by_role("listitem").filter(has_text="《中国共产党章程》")
    assert materials.count() == 1

    # Attendance from the roster: one member away on business, everyone else present.
    away = Member.objects.active().filter(branch=demo).order_by("name").first().name
    page.get_by_role("link", name="登记出席").first.click()
    page.get_by_role("heading", name="登记出席情况").wait_for()
    page.get_by_role("group", name=f"{away}的出席情况").get_by_text("缺席").click()
    page.get_by_label(f"{away}缺席原因").fill("出差")
    look(page, "j1-attendance-form")
    page.get_by_role("button", name="保存出席情况").click()
    attendance = card(page, "出席情况")
    attendance.get_by_text("缺席：").wait_for()
    assert re.search(r"应到 \d+ 人，实到 \d+ 人", attendance.inner_text())
    assert f"{away}（出差）" in attendance.inner_text()

    # The evidence: the minutes as a PDF and a photo as a PNG; the checklist fills in.
    evidence = card(page, "佐证材料")
    assert evidence.get_by_text("✗ 缺少").count() == 2
    for category, name, mime, data in (
        ("会议记录（纪要）", "理论学习会纪要.pdf", "application/pdf", tiny_pdf()),
        ("照片", "学习现场.png", "image/png", tiny_png()),
    ):
        page.get_by_label("类别").select_option(label=category)
        page.get_by_label("文件").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
        page.get_by_role("button", name="上传").click()
        page.get_by_role("link", name=name).wait_for()
    assert evidence.get_by_text("✗ 缺少").count() == 0
    with page.expect_download() as photo:
        page.get_by_role("link", name="学习现场.png").click()
    assert Path(photo.value.path()).read_bytes() == tiny_png()
    look(page, "j1-record-detail")

    # The record list, from the branch home's count of 理论学习会 for the half-year.
    menu(page, "kl所党支部").click()
    page.get_by_role("heading", name=f"{half_year.label}工作记录").wait_for()
    page.get_by_role("link", name="理论学习会", exact=True).click()
    row = page.get_by_role("row").filter(has_text="学习《习近平谈治国理政》第四卷")
    assert chinese_date(today) in row.inner_text()
    assert "+主题党日" in row.inner_text()
    look(page, "j1-record-list")

    # The compliance calendar of the branch home: this month's 主题党日 counts the session.
    menu(page, "kl所党支部").click()
    calendar = page.get_by_role("region", name=re.compile(f"{half_year.label}三会一课合规日历"))
    themed_day = calendar.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile("^主题党日"))
    )
    month = themed_day.get_by_role("link", name=re.compile(f"^{today.month}月召开"))
    held = (
        Activity.objects.for_branch(demo)
        .of_kind("themed_day")
        .filter(date__year=today.year, date__month=today.month)
    )
    assert month.get_attribute("aria-label").startswith(f"{today.month}月召开{held.count()}次")
    look(page, "j1-branch-home")
    month.click()
    page.get_by_role("link", name="学习《习近平谈治国理政》第四卷").wait_for()
    assert_clean(page)


def test_secretary_writes_previews_downloads_and_submits_the_half_year_report(
    new_page, live_server, demo, half_year, tmp_path
):
    page = new_page()
    login(page, live_server, *SECRETARY)

    # Start the half-year's report from the report list.
    menu(page, "工作总结").click()
    page.get_by_role("heading", name="kl所党支部工作总结").wait_for()
    look(page, "j2-report-list")
    page.get_by_role("button", name=f"开始撰写{half_year.long_label}总结").click()
    page.get_by_role("heading", name=re.compile(f"^{half_year.long_label}工作总结")).wait_for()
    title = page.get_by_label("标题*").input_value()
    assert title == f"kl所党支部{half_year.label}全面从严治党暨党建工作情况汇报"
    look(page, "j2-report-editor")

    # Edit an item, then save and preview it as it will be printed.
    sentence = "支部书记带头讲授专题党课，党员参学率达到百分之百。"
    edit_first_item(page, sentence)
    page.get_by_role("button", name="保存并预览").click()
    sheet = page.get_by_role("region", name="报告正文")
    sheet.get_by_text(sentence, exact=False).wait_for()
    assert title in sheet.inner_text()
    look(page, "j2-report-preview")

    # Download both files; they are the real thing, with the edit in them.
    text = squash(docx_text(download(page, "下载 Word", tmp_path)))
    assert title in text and sentence in text
    text = squash(pdf_text(download(page, "下载 PDF", tmp_path)))
    assert title in text and squash(sentence) in text

    # Submit; the confirmation names the general branch that reviews it.
    page.get_by_role("button", name="报送").click()
    page.get_by_text("已报送，正在等待").wait_for()
    assert "审阅" in page.dialogs[-1]
    assert page.get_by_text("已报送", exact=True).first.is_visible()
    assert page.get_by_role("button", name="报送").count() == 0
    look(page, "j2-report-submitted", phone=False)
    assert_clean(page)


def test_reviewer_returns_the_report_and_approves_the_revision(
    new_page, live_server, demo, half_year, tmp_path
):
    title = submit_report(branch=demo, period=half_year).title
    comment = "第一部分请补充理论学习的具体成效。"
    revision = "通过专题学习，全体党员撰写心得体会二十三篇。"

    # The reviewer finds the report in the queue of the half-year and returns it with a comment.
    reviewer = new_page()
    login(reviewer, live_server, *REVIEWER)
    reviewer.get_by_role("heading", name=re.compile(f"{half_year.long_label}工作总结$")).wait_for()
    queue = reviewer.get_by_role("region", name=re.compile("^待审阅"))
    assert "kl所党支部" in queue.inner_text()
    look(reviewer, "j3-review-dashboard")
    queue.get_by_role("link", name="审阅").click()
    reviewer.get_by_role("heading", name=re.compile("^审阅：kl所党支部")).wait_for()
    look(reviewer, "j3-review")
    reviewer.get_by_label("总体意见").fill(comment)
    reviewer.get_by_role("button", name="退回修改").click()
    reviewer.get_by_text("该报告已退回修改").wait_for()

    # The secretary sees the comment beside the report, revises it and submits the revision.
    secretary = new_page()
    login(secretary, live_server, *SECRETARY)
    menu(secretary, "工作总结").click()
    secretary.get_by_role("link", name="继续撰写").click()
    secretary.get_by_role("heading", name="第1版已退回修改").wait_for()
    assert comment in secretary.get_by_role("status").filter(has_text="已退回修改").inner_text()
    look(secretary, "j3-returned-editor")
    edit_first_item(secretary, revision)
    secretary.get_by_role("button", name="保存并预览").click()
    secretary.get_by_role("region", name="报告正文").get_by_text(revision, exact=False).wait_for()
    secretary.get_by_role("button", name="报送修改稿").click()
    secretary.get_by_text("已报送，正在等待").wait_for()

    # The reviewer compares the two versions: the added sentence is marked as new.
    reviewer.reload()  # still on the review page of the returned report: back to the half-year's queue
    reviewer.get_by_role("navigation", name="当前位置").get_by_role("link", name=re.compile("审阅$")).click()
    reviewer.get_by_role("region", name=re.compile("^待审阅")).get_by_role("link", name="审阅").click()
    reviewer.get_by_text("第2版", exact=False).first.wait_for()
    reviewer.get_by_role("link", name="查看与上一版的改动").click()
    reviewer.get_by_role("heading", name=re.compile("版本对比")).wait_for()
    changes = reviewer.get_by_role("table")
    assert revision in "".join(changes.locator("ins").all_inner_texts())
    assert changes.locator("del").count() == 0  # nothing else changed
    look(reviewer, "j3-compare")

    # Approve, then download the approved PDF: the revision is in it.
    reviewer.get_by_role("link", name="返回审阅").click()
    # The page's script (at the end of the body) asks before approving; on a busy machine the
    # button could be clicked before it had run, and then nothing asked.
    reviewer.wait_for_load_state()
    reviewer.get_by_role("button", name="审核通过").click()
    reviewer.get_by_text("该报告已审核通过").wait_for()
    assert "定稿" in reviewer.dialogs[-1]
    look(reviewer, "j3-approved", phone=False)
    text = squash(pdf_text(download(reviewer, "下载 PDF", tmp_path)))
    assert title in text and squash(revision) in text

    # The secretary sees the verdict.
    menu(secretary, "工作总结").click()
    assert (
        "已审核通过" in secretary.get_by_role("listitem").filter(has_text=half_year.long_label).inner_text()
    )
    for page in (reviewer, secretary):
        assert_clean(page)


def test_secretary_of_another_branch_gets_404_for_everything_of_the_branch(
    new_page, live_server, demo, half_year
):
    submit_report(branch=demo, period=half_year)
    record = Activity.objects.for_branch(demo).first()
    reports = f"/b/kl/reports/{half_year.code}"
    urls = [
        "/b/kl/",
        "/b/kl/records/",
        f"/b/kl/records/{record.pk}/",
        f"/b/kl/records/{record.pk}/edit/",
        "/b/kl/reports/",
        f"{reports}/",
        f"{reports}/preview/",
        f"{reports}/download/docx/",
        f"{reports}/download/pdf/",
        f"{reports}/versions/1/pdf/",
        f"{reports}/compare/",
    ]
    page = new_page(width=PHONE)  # on her phone
    login(page, live_server, *OTHER_SECRETARY)
    page.get_by_role("heading", name="xy所党支部", level=1).wait_for()
    for url in urls:
        response = page.goto(live_server.url + url)  # she types the address
        assert response.status == 404, url
        assert page.get_by_role("heading", name="页面不存在").is_visible(), url
        assert "kl所" not in page.content(), url
        assert page_width(page) <= PHONE, url
    screenshot(page, f"j4-not-found-{PHONE}")
    page.set_viewport_size({"width": DESK, "height": 900})
    screenshot(page, f"j4-not-found-{DESK}")
    # The browser logs each 404 it was given, and nothing else.
    assert all("404" in text for text, _ in page.console_errors), page.console_errors
    page.console_errors.clear()
    page.get_by_role("link", name="返回首页").click()
    page.get_by_role("heading", name="xy所党支部", level=1).wait_for()
    assert_clean(page)
    assert Report.objects.get(branch=demo).status == Report.Status.SUBMITTED
