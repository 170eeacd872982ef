"""The supporting-material pack (issue 22) as a secretary reaches it: from the branch home of a past
half-year to the contents, read on a 375 px phone without scrolling sideways, and the ZIP
downloaded. Saved at 1280 and 375 px (``test-artifacts/screenshots``)."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command

from branchwork.models import Organisation

from .conftest import login
from .test_phone_width import SECRETARY, assert_clean, fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    return Organisation.objects.get(code="kl")


def test_the_pack_contents_fit_a_phone_and_the_zip_downloads(new_page, live_server, demo):
    page = new_page()
    login(page, live_server, *SECRETARY)
    page.goto(f"{live_server.url}/b/kl/?period=2022H1")
    page.get_by_role("link", name="2022年上半年支撑材料").click()
    page.get_by_role("heading", name="2022年上半年迎检支撑材料", level=1).wait_for()
    # The demo's 党委 publishes the example standard: its items, the records under them, the gaps.
    contents = page.get_by_role("region", name="目录")
    assert contents.get_by_text(re.compile("支部委员会会议一般每月召开1次")).count() == 1
    assert contents.get_by_text("2022年1月7日 支委会：研究部署2022年党建工作要点").first.is_visible()
    assert contents.get_by_text("暂无材料").count() > 0
    fits_a_phone(page, "pack-contents")
    # The first download renders the pack (seconds on a busy machine): wait for it.
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("link", name=re.compile("ZIP")).click(timeout=120_000)
    archive = zipfile.ZipFile(download.value.path())
    assert "kl所党支部-2022年上半年-会议记录.pdf" in archive.namelist()
    assert download.value.suggested_filename == "kl所党支部-2022年上半年-迎检支撑材料.zip"
    assert_clean(page)
