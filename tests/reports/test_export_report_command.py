"""``manage.py export_report``: the compiled report of a branch and period, in any renderer's format."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import Activity
from branchwork.models import Organisation
from branchwork.periods import Period
from demo.organisations import seed_organisations
from demo.records import seed_activities
from reports.compile import compile_defaults
from reports.management.commands.export_report import export_document
from reports.models import Report, ReportItem, ReportVersion
from reports.selectors import report_document
from tests.shared import built_once

D = datetime.date
CHECKER = Path(settings.BASE_DIR).parent / "shared" / "tools" / "check-seed-report"

def export(*args) -> str:
    out = io.StringIO()
    call_command("export_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def seed() -> None:
    seed_organisations()
    seed_activities(today=D(2026, 5, 15))


_seeded = built_once(seed)  # once for the module (tests/shared.py), when the module can share


@pytest.fixture
def kl(_seeded, db):
    if not _seeded:
        seed()
    return Organisation.objects.get(code="kl")


def test_the_demo_report_prints_every_reference_figure(kl):
    """What ``shared/tools/check-seed-report`` looks for, checked in-process."""
    text = re.sub(r"\s+", "", export("--branch", "kl", "--period", "2022H1", "--format", "text"))

    for kind, n in {"理论学习会": 6, "主题党日": 6, "支部党员大会": 2, "支委会": 24, "组织生活会": 1, "党课": 2}.items():
        assert re.search(rf"{kind}(活动)?{n}次|{n}次[^。；]{{0,6}}{kind}", text), kind
    assert "截至6月30日，共召开理论学习会6次、主题党日活动6次、支部党员大会2次、支委会24次、组织生活会1次，按月召开党小组会议" in text
    assert "共发布新闻宣传稿件82篇（其中：省交通厅网站和微信公众号发布14篇、省服务中心网站16篇；" in text
    for outlet, figure in [("新**", "5次"), ("新华网客户端", "2次"), ("**法制报", "3篇"), ("民族日报等地方媒体", "39篇")]:
        assert re.search(re.escape(outlet) + rf"[^；;。]{{0,24}}{figure}", text), outlet
    assert re.search(r"试用期[^。]{0,30}3人", text)
    assert "支部书记围绕习近平总书记关于作风建设重要论述" in text
    assert "在春节、端午节前，支部书记对全体党员干部进行集体廉政谈话" in text
    assert "4月份开展了纪检监察信访举报宣传活动" in text and "6月底，召开kl所纪检工作会议" in text
    assert not re.search(r"(?<!\d)0(次|篇|人)", text)


def _figure_ids(document) -> set[int]:
    return {pk for s in document.sections for p in s.paragraphs for run in p.runs for pk in run.activity_ids}


def test_the_1_july_record_is_absent_from_2022h1_and_present_in_2022(kl):
    july = Activity.objects.get(branch=kl, date=D(2022, 7, 1))

    assert july.pk not in _figure_ids(export_document(branch=kl, period=Period.parse("2022H1")))
    assert july.pk in _figure_ids(export_document(branch=kl, period=Period.parse("2022")))
    assert "支委会24次" in export("--branch", "kl", "--period", "2022H1")
    assert "支委会25次" in export("--branch", "kl", "--period", "2022")


def test_a_draft_report_is_compiled_from_its_items(kl):
    report = Report.objects.create(
        branch=kl, year=2022, half="H1", title="草稿标题", addressee="处党总支", opening="开头。", signature="kl所党支部",
        signed_on=D(2022, 7, 1),
    )
    ReportItem.objects.create(report=report, section=1, position=1, text="我们共召开〔会议次数〕。")

    text = export("--branch", "kl", "--period", "2022H1")

    assert text.startswith("草稿标题\n")
    # The only item of its section: no 「一是」 without a 「二是」.
    assert "\n我们共召开理论学习会6次、主题党日活动6次" in text


def test_a_submitted_report_is_exported_as_frozen(kl):
    frozen = compile_defaults(branch=kl, period=Period.parse("2022H1"))
    report = Report.objects.create(
        branch=kl, year=2022, half="H1", status=Report.Status.SUBMITTED, title="已报送", addressee="处党总支", opening="",
        signature="kl所党支部", signed_on=D(2022, 7, 1),
    )
    ReportVersion.objects.create(report=report, number=1, document=frozen.to_json())
    Activity.objects.filter(branch=kl, kind="committee_meeting", date__year=2022).delete()  # records change later

    text = export("--branch", "kl", "--period", "2022H1")

    assert text == frozen.plain_text()
    assert "支委会24次" in text


def test_a_returned_report_is_exported_as_the_preview_shows_it(kl):
    """The command reads the report through ``report_document``, as the preview and print view do:
    a returned report is the draft compiled from today's records, not its last frozen version."""
    report = Report.objects.create(
        branch=kl, year=2022, half="H1", status=Report.Status.RETURNED, title="退回修改稿", addressee="处党总支",
        opening="", signature="kl所党支部", signed_on=D(2022, 7, 1),
    )
    ReportItem.objects.create(report=report, section=1, position=1, text="我们共召开〔会议次数〕。")
    ReportVersion.objects.create(report=report, number=1, document=compile_defaults(branch=kl, period=Period.parse("2022H1")).to_json())
    Activity.objects.filter(branch=kl, kind="committee_meeting", date__year=2022).delete()  # records change later

    preview, version = report_document(report=report, today=timezone.localdate())
    exported = export_document(branch=kl, period=Period.parse("2022H1"))

    assert version is None
    assert exported.to_json() == preview.to_json()
    assert exported.title == "退回修改稿"
    assert "支委会" not in exported.plain_text()


def test_output_goes_to_a_file_with_o(kl, tmp_path):
    path = tmp_path / "kl.txt"

    call_command("export_report", "--branch", "kl", "--period", "2022H1", "-o", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert "按月召开党小组会议" in path.read_text(encoding="utf-8")


class FakeBinary:
    identifier = "fake"
    verbose_name = "测试二进制"
    extension = "bin"
    content_type = "application/octet-stream"

    def render(self, document):
        return b"\x00" + document.title.encode("utf-8")


def test_binary_formats_need_an_output_file(kl, monkeypatch, tmp_path):
    from reports.renderers import RENDERERS

    monkeypatch.setitem(RENDERERS, "fake", FakeBinary())

    with pytest.raises(CommandError, match="需要用 -o 指定输出文件"):
        export("--branch", "kl", "--period", "2022H1", "--format", "fake")
    path = tmp_path / "kl.bin"
    export("--branch", "kl", "--period", "2022H1", "--format", "fake", "-o", str(path))
    assert path.read_bytes() == b"\x00" + "kl所党支部2022年上半年全面从严治党暨党建工作情况汇报".encode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", "nowhere", "--period", "2022H1"], "找不到代码为“nowhere”的党支部"),
        (["--branch", "hw", "--period", "2022H1"], "找不到代码为“hw”的党支部"),  # a general branch is no branch
        (["--branch", "kl", "--period", "2022H3"], "无法识别的期间"),
        (["--branch", "kl", "--period", "2022H1", "--format", "rtf"], "不支持的导出格式“rtf”"),
    ],
)
def test_bad_arguments_are_refused_in_chinese(kl, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)


@pytest.mark.slow
@pytest.mark.skipif(not CHECKER.exists(), reason="the shared reference checker is not available here")
def test_the_reference_checker_passes_after_seed_demo(tmp_path):
    """Exactly as the issue checks it: migrate and seed a fresh SQLite database, then run
    ``check-seed-report`` from the project root."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'seed.sqlite3'}"}
    root = Path(settings.BASE_DIR)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=root, env=env, check=True, capture_output=True)

    result = subprocess.run([sys.executable, str(CHECKER)], cwd=root, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "All reference figures present." in result.stdout


@pytest.mark.slow  # renders every meeting record of the half-year
def test_exports_a_meeting_record_and_a_periods_records(kl, tmp_path):
    assembly = Activity.objects.filter(branch=kl, kind="branch_assembly").order_by("date").first()
    target = tmp_path / "会议记录.docx"
    call_command("export_report", "--branch", "kl", "--record", str(assembly.pk), "--format", "docx",
                 "-o", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    assert target.read_bytes()[:2] == b"PK"
    book = tmp_path / "会议记录.zip"
    call_command("export_report", "--branch", "kl", "--period", "2022H1", "--minutes", "--format", "zip",
                 "-o", str(book), stdout=io.StringIO(), stderr=io.StringIO())
    assert book.read_bytes()[:2] == b"PK"


def test_record_export_refuses_a_record_that_is_not_a_meeting(kl):
    talk = Activity.objects.filter(branch=kl, kind="heart_talk").first()
    assert talk is not None  # the demo's 谈心谈话: a record, not a meeting with minutes
    pk = talk.pk
    with pytest.raises(CommandError, match="会议记录"):
        export("--branch", "kl", "--record", str(pk), "--format", "pdf", "-o", "/dev/null")
    with pytest.raises(CommandError, match="--period"):
        export("--branch", "kl", "--minutes")
