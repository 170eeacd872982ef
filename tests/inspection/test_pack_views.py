"""The pack's page and downloads: readable by whoever may read the branch (its people, the
reviewer and the 组织员 above), 404 to everyone else; the contents show 「暂无材料」 gaps; a pack
beyond the limits is refused with a message, not a file; the branch home links to it."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from branchwork import limits
from tests.factories import ActivityFactory

from .factories import standard_for

D = datetime.date


def page_url(code="kl", period="2022H1"):
    return f"{reverse('inspection:pack', args=[code])}?period={period}"


def download_url(fmt, code="kl", period="2022H1"):
    return f"{reverse('inspection:pack_download', args=[code, fmt])}?period={period}"


@pytest.fixture
def records(world):
    standard_for(
        world.committee,
        2022,
        [
            {"code": "2.1", "category": "三会一课", "measure": "rule", "params": {"kinds": ["committee_meeting"]},
             "requirement": "支委会每月至少召开1次", "materials": "支委会会议记录\n签到表"},
            {"code": "4.1", "category": "意识形态", "measure": "manual", "params": {}},
        ],
    )
    return [ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="研究部署党建工作")]


@pytest.mark.parametrize("role", ["secretary", "member", "reviewer", "organiser", "admin"])
def test_readers_of_the_branch_see_the_contents_with_the_gaps(world, as_user, records, role):
    response = as_user(getattr(world, role)).get(page_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "2022年上半年迎检支撑材料" in html
    assert "按省中心党委《2022年党支部工作考核细则》的考核项目逐项汇编" in html
    assert "三会一课：支委会每月至少召开1次" in html and "应备材料：支委会会议记录；签到表" in html
    assert "2022年1月7日 支委会：研究部署党建工作" in html
    assert "共2项，其中1项暂无材料：4.1 意识形态" in html
    assert html.count("暂无材料") == 2  # the summary and the item's badge
    assert download_url("pdf").replace("&", "&amp;") in html and download_url("zip").replace("&", "&amp;") in html


def test_records_no_item_names_are_shown_in_the_appendix_not_counted_as_an_item(world, as_user, records):
    ActivityFactory(branch=world.branch, kind="supervision", date=D(2022, 4, 12), title="督导检查收费现场管理")
    html = as_user(world.secretary).get(page_url()).content.decode()
    assert "共2项，其中1项暂无材料：4.1 意识形态" in html
    assert "本期另有1份工作记录不属于以上各项，列于最后的「附　其他工作记录」，本期记录全部收入支撑材料。" in html
    assert "2022年4月12日 监督检查：督导检查收费现场管理" in html
    assert "本期另有以下1份工作记录未对应考核细则的具体项目，按日期排列，附此备查。" in html


@pytest.mark.parametrize("role", ["sibling_secretary", "outsider_reviewer", "far_secretary"])
def test_outsiders_get_404_for_the_page_and_the_files(world, as_user, records, role):
    client = as_user(getattr(world, role))
    assert client.get(page_url()).status_code == 404
    assert client.get(download_url("zip")).status_code == 404
    assert client.get(download_url("pdf")).status_code == 404


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(download_url("zip"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_format_the_pack_does_not_have_is_404(world, as_user):
    assert as_user(world.secretary).get(download_url("docx")).status_code == 404


def test_the_zip_downloads_privately_with_its_chinese_name(world, as_user, records):
    response = as_user(world.reviewer).get(download_url("zip"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert "kl%E6%89%80" in response["Content-Disposition"]  # kl所…, encoded
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "kl所党支部-2022年上半年-会议记录.pdf" in names


def test_a_pack_beyond_the_limits_is_refused_with_the_reason(world, as_user, records, monkeypatch):
    monkeypatch.setattr(limits, "PACK_MAX_CHARS", 10)
    client = as_user(world.secretary)
    page = client.get(page_url()).content.decode()
    assert "超过一次打印成 PDF 的上限 10 字" in page
    response = client.get(download_url("pdf"), follow=True)
    assert response.redirect_chain[-1][0] == page_url()
    assert "超过一次打印成 PDF 的上限 10 字" in response.content.decode()


def test_too_many_records_leave_the_page_with_the_message_only(world, as_user, records, monkeypatch):
    monkeypatch.setattr(limits, "PACK_MAX_RECORDS", 0)
    html = as_user(world.secretary).get(page_url()).content.decode()
    assert "记录超过0条，一份支撑材料放不下，请按半年分别生成" in html
    assert "下载PDF" not in html


def test_the_branch_home_links_to_the_pack_of_its_period(world, as_user, records):
    html = as_user(world.secretary).get(f"{reverse('activities:branch_home', args=['kl'])}?period=2022H1").content.decode()
    assert f'href="{page_url().replace("&", "&amp;")}">2022年上半年支撑材料</a>' in html
    assert f'href="{page_url(period="2022").replace("&", "&amp;")}">2022年支撑材料</a>' in html


def test_a_long_list_of_materials_shows_eight_and_folds_the_rest(world, as_user, records):
    for day in range(2, 12):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, day), title=f"第{day}次")
    html = as_user(world.secretary).get(page_url()).content.decode()
    # 11 records (two on 7 January) and the calendar: 8 shown, 4 folded.
    assert "<summary>其余4项材料</summary>" in html
    assert html.index("2022年1月8日 支委会：第8次") < html.index("<summary>") < html.index("2022年1月9日 支委会：第9次")
