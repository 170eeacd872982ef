"""Worst-case requests: the most expensive input each page accepts, timed through the real views.

    .venv/bin/python benchmarks/worst_case.py        # or: make bench-worst

Every request within the README's limits (单次请求的限额) must answer in at most 10 seconds on two
cores. This builds the biggest inputs those limits allow — a report of 60,000 characters in two
versions changed everywhere (and paragraphs on which difflib's matcher is cubic), an import of
2,000 rows of long text, the draft of that report as PDF and DOCX, every printed meeting record file
(one record, the period's book, its Word ZIP, the 三会一课 ledger as PDF and Excel) at the limits of
``branchwork.limits`` — plus the
hostile upload the probe found (900,000 rows in a column nobody reads), sends each through Django's
test client (the whole stack: middleware, the request's transaction, templates) and prints the
server time of each. A throw-away SQLite database is made for the run (``DATABASE_URL`` is not
touched); ``--database-url`` runs it on another database, e.g. a PostgreSQL one of your own.
Exits with status 1 if any request took longer than the limit.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_SECONDS = 10.0
CHARS = "党建工作学习教育组织生活会议支部书记委员群众路线作风建设意识形态宣传思想理论武装，。、"


def setup(database_url: str | None, folder: Path) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'worst.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.context, in-memory e-mail
    call_command("migrate", verbosity=0, interactive=False)
    if database_url:
        call_command("flush", verbosity=0, interactive=False)


def text(length: int, seed: int) -> str:
    return "".join(CHARS[(seed * 31 + i * i + i * seed) % len(CHARS)] for i in range(length))


class Run:
    def __init__(self):
        self.rows: list[tuple[str, float, float, str]] = []

    def time(self, label: str, request, *, expect=(200, 302), note: str = ""):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = request()
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        assert response.status_code in expect, (label, response.status_code, response.content[:500])
        self.rows.append((label, seconds, cpu, note))
        print(f"  {seconds:7.2f} s  (CPU {cpu:6.2f} s)  {label}{'  — ' + note if note else ''}", flush=True)
        return response

    def table(self) -> str:
        lines = ["| 请求 | 耗时（秒） | CPU（秒） | 说明 |", "|---|---:|---:|---|"]
        for label, seconds, cpu, note in self.rows:
            lines.append(f"| {label} | {seconds:.2f} | {cpu:.2f} | {note} |")
        return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database to use (it is flushed); default: a temporary SQLite file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="branchwork-worst-"))
    setup(args.database_url, folder)

    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from activities.ledger_imports import MEETING_COLUMNS, PUBLICITY_COLUMNS
    from branchwork.models import Member, Role
    from branchwork.periods import Period
    from branchwork.roster import COLUMNS as ROSTER_COLUMNS
    from reports import services
    from reports.models import Report, ReportVersion
    from tests.factories import (
        BranchFactory,
        CommitteeFactory,
        GeneralBranchFactory,
        MemberFactory,
        OutletFactory,
        PartyGroupFactory,
        RoleFactory,
        UserFactory,
        xlsx_bytes,
    )
    from tests.reports.editor import editor_data
    from tests.security.workbooks import sparse_rows

    period = Period(2022, "H1")
    committee = CommitteeFactory(name="省中心党委", code="center")
    general = GeneralBranchFactory(name="省高速公路处党总支", code="hw", parent=committee)
    branch = BranchFactory(name="kl所党支部", code="kl", parent=general)
    secretary, reviewer = UserFactory(username="secretary"), UserFactory(username="reviewer")
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    RoleFactory(user=reviewer, organisation=general, kind=Role.Kind.REVIEWER)
    group = PartyGroupFactory(branch=branch, name="第一党小组", established_on=datetime.date(2020, 1, 1))
    for number in range(60):
        MemberFactory(branch=branch, name=f"党员{number:02d}", party_group=group)
    OutletFactory(organisation=general, name="处工作简报")
    writer, reader = Client(), Client()
    writer.force_login(secretary)
    reader.force_login(reviewer)
    run = Run()

    print(f"branchwork worst-case requests — {platform.node()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {os.environ['DATABASE_URL'].split(':')[0]}\n")

    # --- the biggest report the limits allow ---------------------------------------------------
    report = services.report_create(branch=branch, period=period, by=secretary)
    per_item = services.ITEM_MAX_CHARS - 10
    count = (services.REPORT_MAX_CHARS - len(report.opening)) // per_item
    items = [services.ItemInput(section=1 + n % 6, text=text(per_item, n)) for n in range(count)]
    report = services.report_save(
        report=report, expected_revision=report.revision, title=report.title, addressee=report.addressee,
        opening=report.opening, signature=report.signature, signed_on=report.signed_on, items=items, by=secretary,
    )
    chars = len(report.opening) + sum(len(item.text) for item in items)
    edit_url = reverse("reports:report_edit", args=["kl", period.code])
    form = editor_data(report, **{f"item-{item.pk}-text": item.text[:-1] + "改" for item in report.items.all()})
    note = f"{count} 条 × {per_item:,} 字，共 {chars:,} 字"
    run.time("保存最长的报告", lambda: writer.post(edit_url, form), expect=(302,), note=note)
    report.refresh_from_db()
    cache.clear()
    run.time("草稿预览页（冷）", lambda: reader.get(reverse("reports:report_preview", args=["kl", period.code])), note=note)
    cache.clear()
    for fmt in ("pdf", "docx"):
        url = reverse("reports:report_download", args=["kl", period.code, fmt])
        run.time(f"草稿 {fmt.upper()}（冷）", lambda url=url: reader.get(url), note=note)
        run.time(f"草稿 {fmt.upper()}（已缓存）", lambda url=url: reader.get(url))
    cache.clear()
    run.time("报送最长的报告（含生成 DOCX 与 PDF）", lambda: writer.post(reverse("reports:report_submit", args=["kl", period.code])), expect=(302,), note=note)

    # Version 2: every item changed in its middle; version 3: short paragraphs on which
    # difflib's matcher takes cubic time ("abab…" against "aaaa…").
    first = ReportVersion.objects.get(report=report, number=1)
    document = first.document
    changed = {**document, "sections": [
        {**section, "paragraphs": [
            {**paragraph, "runs": [{"text": run_["text"][: len(run_["text"]) // 2] + "改" + run_["text"][len(run_["text"]) // 2 + 1 :]} for run_ in paragraph["runs"]]}
            for paragraph in section["paragraphs"]
        ]}
        for section in document["sections"]
    ]}
    ReportVersion.objects.create(report=report, number=2, document=changed, submitted_by=secretary)
    cubic_old = {**document, "sections": [{**document["sections"][0], "paragraphs": [{"runs": [{"text": "ab" * 499 + str(n)}], "ordinal": ""} for n in range(60)]}]}
    cubic_new = {**document, "sections": [{**document["sections"][0], "paragraphs": [{"runs": [{"text": "a" * 998 + str(n)}], "ordinal": ""} for n in range(60)]}]}
    ReportVersion.objects.create(report=report, number=3, document=cubic_old, submitted_by=secretary)
    ReportVersion.objects.create(report=report, number=4, document=cubic_new, submitted_by=secretary)
    compare = reverse("reports:version_compare", args=["kl", period.code])
    cache.clear()
    run.time("版本对比：最长的报告，每段都改（冷）", lambda: reader.get(compare + "?a=1&b=2"), note=note)
    run.time("版本对比：同上（已缓存）", lambda: reader.get(compare + "?a=1&b=2"))
    run.time("版本对比：60 段 difflib 最坏情形（冷）", lambda: reader.get(compare + "?a=3&b=4"), note="每段 1,000 字")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)

    # --- printed meeting records at the limits (branchwork.limits) --------------------------------
    printed_records(run, reviewer=reader, general=general, period=period)

    # --- the biggest imports the limits allow --------------------------------------------------
    rows = []
    for n in range(2000):
        rows.append({
            "类型": "理论学习会", "日期": datetime.date(2022, 1 + n % 6, 1 + n % 28), "主题": text(60, n),
            "地点": "三楼会议室", "主持人": "党员01", "学习材料": "；".join(text(40, n + k) for k in range(6)),
            "内容": text(600, n),  # within the 2,000,000 characters one import may write (spreadsheets)
        })
    content = xlsx_bytes(MEETING_COLUMNS, [[row.get(column) for column in MEETING_COLUMNS] for row in rows])
    size = f"2,000 行，{len(content) / 1024 / 1024:.1f} MB"
    run.time("导入会议记录 2,000 行", lambda: writer.post(reverse("activities:ledger_import", args=["kl"]), {"type": "meetings", "file": SimpleUploadedFile("台账.xlsx", content)}), expect=(302,), note=size)

    publicity = [["处工作简报", datetime.date(2022, 1 + n % 6, 1 + n % 28), 1 + n % 3, text(190, n), f"https://news.example.org/{n}/" + "a" * 300] for n in range(2000)]
    content = xlsx_bytes(PUBLICITY_COLUMNS, publicity)
    run.time("导入新闻宣传 2,000 行", lambda: writer.post(reverse("activities:ledger_import", args=["kl"]), {"type": "publicity", "file": SimpleUploadedFile("宣传.xlsx", content)}), expect=(302,), note=f"{len(content) / 1024 / 1024:.1f} MB")

    Member.objects.filter(branch=branch).delete()
    roster = [[f"党员{n:04d}{text(20, n)}", "男" if n % 2 else "女", "正式党员", datetime.date(1990 + n % 30, 1 + n % 12, 1 + n % 28), "无", "第一党小组", "在册", None, None] for n in range(2000)]
    content = xlsx_bytes(ROSTER_COLUMNS, roster, sheet_title="花名册")
    run.time("导入花名册 2,000 人", lambda: writer.post(reverse("roster:import", args=["kl"]), {"file": SimpleUploadedFile("花名册.xlsx", content)}), expect=(302,), note=f"{len(content) / 1024:.0f} KB")

    # The Excel ledger of those 2,000 imported meetings.
    ledger_url = reverse("activities:ledger_export", args=["kl", "meeting"]) + f"?period={period.code}"
    cache.clear()
    run.time("三会一课台账 Excel，2,000 条（冷）", lambda: reader.get(ledger_url), note="每条约 900 字")
    run.time("三会一课台账 Excel（已缓存）", lambda: reader.get(ledger_url))

    # --- the probe's hostile upload ----------------------------------------------------------------
    for label, name, extra, columns, sheet in (
        ("花名册", "roster:import", {}, ROSTER_COLUMNS, "花名册"),
        ("会议记录", "activities:ledger_import", {"type": "meetings"}, MEETING_COLUMNS, None),
    ):
        content = sparse_rows(columns, sheet_title=sheet)
        response = run.time(
            f"拒绝 900,000 行的{label}文件",
            lambda name=name, extra=extra, content=content: writer.post(reverse(name, args=["kl"]), {**extra, "file": SimpleUploadedFile("x.xlsx", content)}),
            note=f"{len(content) / 1024 / 1024:.1f} MB，解压后约 45 MB",
        )
        assert "过于庞杂" in response.content.decode() or "行数过多" in response.content.decode()

    over = [(label, seconds) for label, seconds, _cpu, _note in run.rows if seconds > LIMIT_SECONDS]
    print()
    print(run.table())
    print()
    if over:
        print("超过 10 秒：" + "；".join(f"{label} {seconds:.1f} 秒" for label, seconds in over))
        return 1
    print(f"全部请求均在 {LIMIT_SECONDS:.0f} 秒内完成（最慢 {max(row[1] for row in run.rows):.2f} 秒）。")
    return 0


def printed_records(run: Run, *, reviewer, general, period) -> None:
    """Every file a reader can print from meeting records, at the limits: one record with every
    text at its limit and 60 people present or absent; the period's book as a PDF, once in the
    longest records up to the book's limit of printed characters and once in the most records it
    takes; the 三会一课 ledger as a PDF; the ZIP of Word files with the most records, each at its
    limits. (Printed characters count the attendance too: ``reports.minutes.printed_chars``.)"""
    from django.core.cache import cache
    from django.urls import reverse

    from activities.models import Activity, Attendance
    from branchwork import limits
    from branchwork.figures import figures_changed
    from reports.minutes import minutes_queryset, printed_chars
    from tests.factories import BranchFactory, MemberFactory

    longest = {
        "title": 200, "place": 200, "host": 50,
        "content": limits.RECORD_CONTENT_MAX_CHARS, "decisions": limits.RECORD_TEXT_MAX_CHARS,
    }

    def branch_with(code: str, count: int, sizes: dict, *, people: int, reason: int) -> tuple:
        branch = BranchFactory(name=f"{code}党支部", code=code, parent=general)
        members = [MemberFactory(branch=branch, name=f"党员{n:02d}") for n in range(people)]
        for n in range(count):
            activity = Activity.objects.create(
                branch=branch, kind="committee_meeting", date=datetime.date(period.year, 1 + n % 6, 1 + n % 28),
                **{name: text(size, n + k) for k, (name, size) in enumerate(sizes.items())},
            )
            Attendance.objects.bulk_create(
                Attendance(activity=activity, member=member, present=bool(k % 5), absence_reason="" if k % 5 else text(reason, k))
                for k, member in enumerate(members)
            )
        figures_changed(branch_ids=[branch.pk])
        activities = list(minutes_queryset(branch))
        return branch, activities, printed_chars(activities)

    # One record, every printed text at its limit.
    _one, (record,), chars = branch_with("one", 1, longest, people=60, reason=100)
    note = f"内容 {limits.RECORD_CONTENT_MAX_CHARS:,} 字、决定事项 {limits.RECORD_TEXT_MAX_CHARS:,} 字、60 人出席情况，共 {chars:,} 字"
    for fmt in ("pdf", "docx"):
        url = reverse("reports:minutes_download", args=["one", record.pk, fmt])
        cache.clear()
        run.time(f"会议记录 {fmt.upper()}，单份（冷）", lambda url=url: reviewer.get(url), note=note)
        run.time(f"会议记录 {fmt.upper()}，单份（已缓存）", lambda url=url: reviewer.get(url))

    # The book up to its limit of printed characters, in the longest records.
    count = limits.MINUTES_BOOK_MAX_CHARS // chars
    _long, _records, total = branch_with("longbook", count, longest, people=60, reason=100)
    book = reverse("reports:minutes_book", args=["longbook", "pdf"]) + f"?period={period.code}"
    cache.clear()
    run.time("会议记录汇编 PDF，最长的记录（冷）", lambda: reviewer.get(book), note=f"{count} 份，共 {total:,} 字")
    run.time("会议记录汇编 PDF（已缓存）", lambda: reviewer.get(book))

    # The book and the ledger with the most records, as long as both limits allow.
    short = {"title": 30, "place": 20, "host": 3, "content": 80, "decisions": 10}
    _probe, _records, per_record = branch_with("shortone", 1, short, people=15, reason=0)
    count = min(
        limits.MINUTES_BOOK_MAX_RECORDS,
        limits.MINUTES_BOOK_MAX_CHARS // (per_record + limits.MINUTES_BOOK_RECORD_CHARS),
        limits.LEDGER_PDF_MAX_CHARS // per_record,
    )
    _many, _records, total = branch_with("many", count, short, people=15, reason=0)
    note = f"{count} 份，每份 15 人出席情况，共 {total:,} 字"
    book = reverse("reports:minutes_book", args=["many", "pdf"]) + f"?period={period.code}"
    cache.clear()
    run.time("会议记录汇编 PDF，份数上限（冷）", lambda: reviewer.get(book), note=note)
    ledger = reverse("reports:ledger_pdf", args=["many", "meeting"]) + f"?period={period.code}"
    run.time("三会一课台账打印版 PDF，份数上限（冷）", lambda: reviewer.get(ledger), note=note)

    # The ledger's table up to its limit of printed characters, in long rows.
    row = {"title": 200, "place": 200, "host": 50}
    _wide, _records, per_row = branch_with("widerow", 1, row, people=60, reason=100)
    count = limits.LEDGER_PDF_MAX_CHARS // per_row
    _wide, _records, total = branch_with("wide", count, row, people=60, reason=100)
    ledger = reverse("reports:ledger_pdf", args=["wide", "meeting"]) + f"?period={period.code}"
    cache.clear()
    run.time("三会一课台账打印版 PDF，最长的行（冷）", lambda: reviewer.get(ledger), note=f"{count} 行，共 {total:,} 字")

    # The ZIP of Word files: the most records, each at its limits.
    _zipped, _records, total = branch_with("zipped", limits.MINUTES_BOOK_MAX_RECORDS, longest, people=60, reason=100)
    bundle = reverse("reports:minutes_book", args=["zipped", "zip"]) + f"?period={period.code}"
    cache.clear()
    run.time("每份记录 Word（ZIP），份数上限（冷）", lambda: reviewer.get(bundle), note=f"{limits.MINUTES_BOOK_MAX_RECORDS} 份，共 {total:,} 字")
    run.time("每份记录 Word（ZIP）（已缓存）", lambda: reviewer.get(bundle))
    # Over the limits: refused at once with the way out, not rendered.
    book = reverse("reports:minutes_book", args=["zipped", "pdf"]) + f"?period={period.code}"
    run.time("会议记录汇编 PDF，超出上限（拒绝）", lambda: reviewer.get(book), expect=(302,), note=f"{total:,} 字")

if __name__ == "__main__":
    sys.exit(main())
