"""The pack as files: the ZIP of originals (a folder per item named by code and title with the
attachments and the tables as xlsx, the 会议记录 PDF, a list of what is where) and the PDF (cover,
contents with page numbers and 「暂无材料」, 会议记录 pages, images placed and scaled, other files
listed), each cached per figures version."""

import datetime
import io
import zipfile

import openpyxl
import pypdf
import pytest

from activities.attachments import human_size
from branchwork.models import Organisation
from branchwork.periods import Period
from inspection.pack import pack_build, pack_render
from inspection.pack_renderers import PACK_RENDERERS
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

from .factories import attach, jpeg_bytes, standard_for

D = datetime.date
H1 = Period(2022, "H1")
TODAY = D(2022, 7, 10)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def pack(world):
    standard_for(
        world.committee,
        2022,
        [
            {"code": "2.1", "category": "三会一课", "measure": "rule", "params": {"kinds": ["committee_meeting"]},
             "requirement": "支委会每月至少召开1次"},
            {"code": "2.2", "category": "三会一课", "measure": "kind_count", "params": {"kinds": ["themed_day"]}},
            {"code": "4.1", "category": "意识形态", "measure": "manual", "params": {}},
        ],
    )
    member = MemberFactory(branch=world.branch, name="王建国", post="书记")
    # A branch with a committee (activities.committee): its 支委会 is due every month.
    MemberFactory(branch=world.branch, name="李明", post="组织委员")
    meeting = ActivityFactory(
        branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="=研究部署党建工作", host="王建国",
        content="会议研究部署2022年党建工作。", decisions="形成一致意见。", also=["themed_day"],
    )
    AttendanceFactory(activity=meeting, member=member)
    attach(meeting, "会议合影.jpg", jpeg_bytes(3000, 2000), "image/jpeg")
    attach(meeting, "签到表.docx", b"PK\x03\x04 a word file", DOCX_TYPE, "document")
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    return pack_build(branch=branch, period=H1, today=TODAY)


def test_the_zip_holds_the_originals_in_a_folder_per_item(pack):
    archive = zipfile.ZipFile(io.BytesIO(PACK_RENDERERS["zip"].render(pack)))
    names = set(archive.namelist())
    folder = "2.1 三会一课：支委会每月至少召开1次"
    assert {
        "kl所党支部-2022年上半年-会议记录.pdf",
        f"{folder}/2022年1月7日-会议合影.jpg",
        f"{folder}/2022年1月7日-签到表.docx",
        f"{folder}/2022年上半年支委会合规日历.xlsx",
        f"{folder}/2022年上半年支委会出席情况.xlsx",
        # The meeting counted as a themed day too: its files are in that item's folder as well.
        "2.2 三会一课：三会一课的要求/2022年1月7日-会议合影.jpg",
        "目录.txt",
    } <= names
    assert archive.read(f"{folder}/2022年1月7日-签到表.docx") == b"PK\x03\x04 a word file"
    assert archive.read(f"{folder}/2022年1月7日-会议合影.jpg") == jpeg_bytes(3000, 2000)
    listing = archive.read("目录.txt").decode("utf-8-sig").split("\r\n")
    at = listing.index(f"{folder}/")
    assert listing[at + 1 : at + 4] == [
        "  2022年1月7日 支委会暨主题党日：=研究部署党建工作（会议记录见kl所党支部-2022年上半年-会议记录.pdf）",
        f"    附件 2022年1月7日-会议合影.jpg（{human_size(len(jpeg_bytes(3000, 2000)))}）",
        "    附件 2022年1月7日-签到表.docx（16 字节）",
    ]
    assert listing[listing.index("4.1 意识形态：意识形态的要求/") + 1] == "  暂无材料"
    assert not any(name.startswith("4.1") for name in names)
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(f"{folder}/2022年上半年支委会合规日历.xlsx"))).active
    assert [cell.value for cell in sheet[2]] == ["会议类型", "1月", "2月", "3月", "4月", "5月", "6月", "缺"]
    assert [cell.value for cell in sheet[3]][:3] == ["支委会", "√", "×"]
    book = pypdf.PdfReader(io.BytesIO(archive.read("kl所党支部-2022年上半年-会议记录.pdf")))
    assert "研究部署党建工作" in "".join(book.pages[-1].extract_text().split())


def test_table_cells_are_never_formulas(world):
    from inspection.pack_document import TableMaterial
    from inspection.pack_renderers import table_workbook

    table = TableMaterial(key="t", title="表", columns=("名称",), widths=(10,), rows=(("=1+1",), ("@SUM(A1)",)))
    sheet = openpyxl.load_workbook(io.BytesIO(table_workbook(table))).active
    assert [sheet.cell(row=3, column=1).value, sheet.cell(row=4, column=1).value] == ["'=1+1", "'@SUM(A1)"]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)


def page_texts(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.slow
def test_the_pdf_has_a_cover_paged_contents_minutes_and_the_photo_placed(pack):
    pdf = PACK_RENDERERS["pdf"].render(pack)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = page_texts(pdf)
    assert "省中心党委" in texts[0] and "迎检支撑材料" in texts[0] and "对照《2022年党支部工作考核细则》" in texts[0]
    contents = texts[1]
    assert contents.startswith("目录")
    # Item 2.1 starts on body page 1; its meeting record is there too; 4.1 has nothing.
    assert "2.1三会一课：支委会每月至少召开1次1" in contents
    assert "2022年1月7日支委会暨主题党日：=研究部署党建工作1" in contents
    assert "4.1意识形态：意识形态的要求暂无材料" in contents
    body = texts[2:]
    assert "会议记录" in body[0] and "王建国" in body[0]
    assert any("—1—" in text for text in body[:1])  # page numbers from 1 after the front matter
    assert any("见第2.1项" in text for text in body)  # 2.2 names the record printed under 2.1
    assert any("签到表.docx" in text for text in body)
    assert any("暂无材料" in text for text in body)
    # WeasyPrint shares one resource dictionary between pages: the image is one object.
    images = {image.name: image for page in reader.pages for image in page.images}
    assert len(images) == 1 and max(next(iter(images.values())).image.size) == 1400  # scaled from 3000 × 2000
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert outline[:2] == ["目\u3000录", "2.1 三会一课：支委会每月至少召开1次"]


@pytest.mark.slow
def test_an_unreadable_image_is_listed_not_placed(world, pack):
    from activities.models import Attachment

    attachment = Attachment.objects.get(original_name="会议合影.jpg")
    with attachment.file.open("wb") as broken:
        broken.write(b"not a jpeg")
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    pdf = PACK_RENDERERS["pdf"].render(pack_build(branch=branch, period=H1, today=TODAY))
    assert not [image for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert any("会议合影.jpg" in text for text in page_texts(pdf))


def test_files_are_cached_per_figures_version(world, pack, monkeypatch):
    from inspection import pack_renderers

    calls = []
    original = pack_renderers.PackZipRenderer.render
    monkeypatch.setattr(pack_renderers.PackZipRenderer, "render", lambda self, p: calls.append(1) or original(self, p))
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    first = pack_render(branch=branch, period=H1, fmt="zip", today=TODAY)
    again = pack_render(branch=branch, period=H1, fmt="zip", today=TODAY)
    assert first.file.getvalue() == again.file.getvalue() and len(calls) == 1
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 2, 7), title="二月支委会")
    branch.refresh_from_db()
    changed = pack_render(branch=branch, period=H1, fmt="zip", today=TODAY)
    assert len(calls) == 2 and first.filename == changed.filename == "kl所党支部-2022年上半年-迎检支撑材料.zip"


@pytest.mark.slow
@pytest.mark.renders("pdf")
def test_the_report_item_prints_the_report_as_submitted_and_packs_its_pdf(world):
    from reports import services as report_services
    from tests.factories import report_written

    standard_for(world.committee, 2022, [{"code": "6.1", "category": "计划总结", "measure": "report", "params": {}}])
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="研究部署党建工作")
    report = report_written(world.branch, H1, world.secretary)
    version = report_services.report_submit(report=report, by=world.secretary)
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    pack = pack_build(branch=branch, period=H1, today=TODAY)
    texts = page_texts(PACK_RENDERERS["pdf"].render(pack))
    title = "".join(version.document["title"].split())
    assert "6.1计划总结：计划总结的要求" in texts[1] and "暂无材料" not in texts[1]
    assert any("工作总结报送情况" in text and "第1版" in text for text in texts[2:])
    assert any(title in text for text in texts[2:])  # the report's text as submitted
    archive = zipfile.ZipFile(io.BytesIO(PACK_RENDERERS["zip"].render(pack)))
    [stored] = [name for name in archive.namelist() if name.startswith("6.1 ")]
    assert stored.endswith(".pdf") and archive.read(stored)[:5] == b"%PDF-"


def test_a_zip_of_large_attachments_is_written_to_a_file_not_cached(world, pack, monkeypatch):
    from branchwork import limits
    from inspection import pack_renderers

    monkeypatch.setattr(limits, "PACK_CACHED_ZIP_BYTES", 1000)  # the photo is larger
    calls = []
    original = pack_renderers.PackZipRenderer.write
    monkeypatch.setattr(pack_renderers.PackZipRenderer, "write", lambda self, p, out: calls.append(1) or original(self, p, out))
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    for _ in range(2):
        rendered = pack_render(branch=branch, period=H1, fmt="zip", today=TODAY)
        archive = zipfile.ZipFile(rendered.file)
        photo = archive.getinfo("2.1 三会一课：支委会每月至少召开1次/2022年1月7日-会议合影.jpg")
        assert photo.compress_type == zipfile.ZIP_STORED  # a JPEG is not deflated again
    assert len(calls) == 2


def test_a_picture_too_large_to_decode_is_listed_not_placed(world, monkeypatch):
    from inspection import pack_renderers

    monkeypatch.setattr(pack_renderers, "IMAGE_MAX_SOURCE_PIXELS", 100 * 100)
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7))
    attach(activity, "大图.jpg", jpeg_bytes(200, 100), "image/jpeg")
    attach(activity, "小图.jpg", jpeg_bytes(100, 50), "image/jpeg")
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    pack = pack_build(branch=branch, period=H1, today=TODAY)
    with pack_renderers.tempfile.TemporaryDirectory() as folder:
        placed = pack_renderers._place_images(pack, pack_renderers.Path(folder))
        entries = pack_renderers._entries(pack, placed)
    [material] = entries[0]["materials"]
    assert [image.name for image, _ in material["images"]] == ["小图.jpg"]
    assert [file.name for file in material["files"]] == ["大图.jpg"]


def test_many_materials_printed_under_other_items_are_counted_by_item(world):
    from inspection.pack_renderers import _entries

    standard_for(
        world.committee,
        2022,
        [
            {"code": "2.1", "category": "三会一课", "measure": "kind_count", "params": {"kinds": ["committee_meeting"]}},
            {"code": "2.3", "category": "三会一课", "measure": "kind_count", "params": {"kinds": ["group_meeting"]}},
            {"code": "2.6", "category": "三会一课", "measure": "manual", "params": {"kinds": ["committee_meeting", "group_meeting"]}},
        ],
    )
    for day in range(1, 6):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, day))
    ActivityFactory(branch=world.branch, kind="group_meeting", date=D(2022, 2, 1))
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    entries = _entries(pack_build(branch=branch, period=H1, today=TODAY), {})
    assert entries[2]["elsewhere"] == [] and entries[2]["elsewhere_groups"] == [("2.1", 5), ("2.3", 1)]
    assert [m["first_code"] for m in entries[1]["elsewhere"]] == []  # 2.3 prints its own record


def test_the_zip_holds_each_items_record_sheets_as_the_pdf_prints_them(world, monkeypatch):
    standard_for(
        world.committee,
        2022,
        [
            {"code": "3.1", "category": "志愿服务", "measure": "kind_count", "params": {"kinds": ["volunteer"]}},
            {"code": "3.2", "category": "服务群众", "measure": "manual", "params": {"kinds": ["volunteer"]}},
        ],
    )
    ActivityFactory(branch=world.branch, kind="volunteer", date=D(2022, 3, 5), title="春耕志愿服务", place="*村", headcount=8)
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="研究部署党建工作")
    check = ActivityFactory(
        branch=world.branch, kind="supervision", date=D(2022, 4, 12), title="督导检查收费现场管理", content="深入一线检查督导工作。"
    )
    attach(check, "检查记录.docx", b"PK\x03\x04 checked", DOCX_TYPE, "document")
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    pack = pack_build(branch=branch, period=H1, today=TODAY)
    archive = zipfile.ZipFile(io.BytesIO(PACK_RENDERERS["zip"].render(pack)))

    def sheets(folder: str) -> str:
        return "".join(page_texts(archive.read(f"{folder}/记录单.pdf")))

    # The 志愿服务 backs both items: its sheet is in both folders, as its attachments would be.
    for folder in ("3.1 志愿服务：志愿服务的要求", "3.2 服务群众：服务群众的要求"):
        text = sheets(folder)
        assert "志愿服务记录" in text and "春耕志愿服务" in text and "*村" in text and "记录单共1份" in text
    # The records no item names are in the appendix's folder: the 监督检查's sheet there, naming
    # its attachment as stored beside it; the 支委会 in the book of 会议记录, not among the sheets.
    appendix = sheets("附 其他工作记录")
    assert appendix.startswith("附其他工作记录") and "监督检查记录" in appendix and "深入一线检查督导工作。" in appendix
    assert "2022年4月12日-检查记录.docx" in appendix and "研究部署党建工作" not in appendix
    assert archive.read("附 其他工作记录/2022年4月12日-检查记录.docx") == b"PK\x03\x04 checked"
    book = "".join(page_texts(archive.read("kl所党支部-2022年上半年-会议记录.pdf")))
    assert "研究部署党建工作" in book
    listing = archive.read("目录.txt").decode("utf-8-sig").split("\r\n")
    at = listing.index("附 其他工作记录/")
    assert listing[at + 1 : at + 6] == [
        "  记录单.pdf（记录单1份）",
        "  2022年1月7日 支委会：研究部署党建工作（会议记录见kl所党支部-2022年上半年-会议记录.pdf）",
        "  2022年4月12日 监督检查：督导检查收费现场管理（记录单见本文件夹记录单.pdf）",
        "    附件 2022年4月12日-检查记录.docx（12 字节）",
        "",
    ]
    # Whatever the PDF prints of a record, the ZIP holds: each in the book or in a folder's sheets.
    folders = [name.rsplit("/", 1)[0] for name in archive.namelist() if name.endswith("/记录单.pdf")]
    for record in pack.records():
        title = record.entry.split("：", 1)[-1]
        assert title in book if record.minutes is not None else any(title in sheets(folder) for folder in folders)
    # A sheet is printed again in a later folder only while the ZIP prints no more records than a
    # pack may hold (a standard naming one kind in every item must not multiply the work): beyond,
    # the later folder points to the first. Here the pack holds 3, as many as it may.
    from branchwork import limits

    monkeypatch.setattr(limits, "PACK_MAX_RECORDS", 3)
    archive = zipfile.ZipFile(io.BytesIO(PACK_RENDERERS["zip"].render(pack)))
    assert "3.1 志愿服务：志愿服务的要求/记录单.pdf" in archive.namelist()
    assert "3.2 服务群众：服务群众的要求/记录单.pdf" not in archive.namelist()
    listing = archive.read("目录.txt").decode("utf-8-sig").split("\r\n")
    at = listing.index("3.2 服务群众：服务群众的要求/")
    assert listing[at + 1] == "  2022年3月5日 春耕志愿服务（记录单见3.1 志愿服务：志愿服务的要求/记录单.pdf）"
