"""A period's book of meeting records as an inspector pages through it (issue 21): contents that
name each meeting once, PDF bookmarks 「2022年3月15日 支部党员大会」, continuation pages headed
「……会议记录（续）」, and a record's last block (决定事项) never alone on a page; the same in the
per-record DOCX."""

import datetime
import io
import re
import zipfile

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from branchwork.periods import Period
from reports.minutes import minutes_book, minutes_of_record, minutes_queryset
from reports.minutes_renderers import BOOK_RENDERERS, MINUTES_RENDERERS
from tests.factories import ActivityFactory, PartyGroupFactory

D = datetime.date
H1 = Period(2022, "H1")


def record(activity):
    return minutes_of_record(minutes_queryset(activity.branch).get(pk=activity.pk))


def test_contents_name_the_meeting_once(world):
    group = PartyGroupFactory(branch=world.branch, name="收费一班党小组")
    group_meeting = ActivityFactory(
        branch=world.branch, kind="group_meeting", party_group=group, title="收费一班党小组1月份党小组会"
    )
    combined = ActivityFactory(
        branch=world.branch, kind="themed_day", title="主题党日暨支部党员大会：党史学习教育专题交流研讨",
        also=["branch_assembly"],
    )
    committee = ActivityFactory(branch=world.branch, kind="committee_meeting", title="研究部署2022年党建工作要点")
    assert record(group_meeting).contents_entry == "收费一班党小组1月份党小组会"
    assert record(combined).contents_entry == "主题党日暨支部党员大会：党史学习教育专题交流研讨"
    assert record(committee).contents_entry == "支委会：研究部署2022年党建工作要点"


def test_bookmark_and_continued_heading_name_date_and_meeting(world):
    activity = ActivityFactory(
        branch=world.branch, kind="branch_assembly", date=D(2022, 3, 15), title="研究发展党员工作", also=["themed_day"]
    )
    minutes = record(activity)
    assert minutes.bookmark == "2022年3月15日 支部党员大会暨主题党日"
    assert minutes.continued_heading == "kl所党支部 2022年3月15日 支部党员大会暨主题党日会议记录（续）"


def test_docx_keeps_the_last_block_with_the_one_before_and_heads_later_pages(world):
    activity = ActivityFactory(
        branch=world.branch, kind="committee_meeting", date=D(2022, 3, 15), title="研究", content="内容。", decisions="无"
    )
    word = docx.Document(io.BytesIO(MINUTES_RENDERERS["docx"].render(record(activity))))
    rows = word.tables[0].rows
    assert rows[-1].cells[0].text == "决定事项"
    assert rows[-1]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert all(p.paragraph_format.keep_with_next for cell in rows[-2].cells for p in cell.paragraphs)
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == "" if section.first_page_header.paragraphs else True
    continued = "kl所党支部 2022年3月15日 支委会会议记录（续）"
    assert section.header.paragraphs[0].text == continued
    assert section.even_page_header.paragraphs[0].text == continued
    assert "PAGE" in section.first_page_footer._element.xml  # the first page keeps its number
    # The report's template: Word opens it as its own, with the Chinese faces declared.
    package = zipfile.ZipFile(io.BytesIO(MINUTES_RENDERERS["docx"].render(record(activity))))
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in package.read(
        "word/settings.xml"
    ).decode()
    assert '<w:font w:name="仿宋_GB2312">' in package.read("word/fontTable.xml").decode()


def page_texts(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.slow
def test_book_pages_read_as_an_inspector_expects(world):
    # Records of growing length: some end near a page's foot, one runs over two pages.
    for day in range(1, 15):
        ActivityFactory(
            branch=world.branch, kind="committee_meeting", date=D(2022, 3, day), title=f"研究第{day}项工作",
            content="\n".join(f"第{line}项：会议听取了有关工作情况的汇报，逐项研究并提出了具体意见。" for line in range(day * 2)),
            decisions="无",
        )
    pdf = BOOK_RENDERERS["pdf"].render(minutes_book(branch=world.branch, period=H1))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    bookmarks = [item.title for item in reader.outline]
    assert bookmarks[0] == "目\u3000录"
    assert bookmarks[1:] == [f"2022年3月{day}日 支委会" for day in range(1, 15)]
    records = page_texts(pdf)[2:]  # after the cover and the contents
    continued = [text for text in records if "会议记录（续）" in text]
    assert continued, "no record ran onto a second page: the test proves nothing"
    for text in records:
        body = re.sub(r"—\d+—$", "", text)
        if "会议记录（续）" in text:
            heading = re.search(r"kl所党支部2022年3月\d+日支委会会议记录（续）", body)
            assert heading, text
            body = body.replace(heading[0], "")
            assert not body.startswith("决定事项"), text  # the last block never alone
        else:
            assert body.startswith("会议记录"), text  # a record's first page: no （续）


def test_a_topic_that_names_the_meeting_in_other_words_is_not_prefixed(world):
    activity = ActivityFactory(branch=world.branch, kind="ideology_meeting", title="意识形态工作专题会议")
    assert record(activity).contents_entry == "意识形态工作专题会议"
