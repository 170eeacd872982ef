"""Supporting-material pack benchmark (issue 22): the pack of kl所党支部 for 2022H1, built and printed.

    .venv/bin/python benchmarks/pack_bench.py              # the demo's records as seeded
    .venv/bin/python benchmarks/pack_bench.py --photos 20  # and 20 phone photos (4000 × 3000 JPEG) attached
    .venv/bin/python benchmarks/pack_bench.py --worst      # at the limits of branchwork/limits.py (2023H1)
    .venv/bin/python benchmarks/pack_bench.py --sheets     # 2023H1 filled to PACK_MAX_RECORDS with 志愿服务
                                                           # records: the ZIP's record sheets at their most

Runs against a throw-away SQLite database and media folder made for the run (``DATABASE_URL`` and
``MEDIA_ROOT`` are not touched): migrate, ``seed_demo``, then for the period: building the pack's
model (seconds and SQL queries), the PDF (pages, size, wall and CPU seconds) and the ZIP of the
originals (size, wall and CPU seconds). WeasyPrint is imported and its fonts loaded first, as a
gunicorn worker does when it starts (``gunicorn.conf.py``), so the times are what a reader waits
for on a cold cache: model + PDF. Target: ≤ 10 s for a half-year on 2 cores (each of PDF and ZIP,
model included).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 10.0


def setup(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "branchwork.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def attach_photos(branch, period, count: int) -> None:
    """``count`` phone-sized photos spread over the period's meetings."""
    from django.core.files.base import ContentFile
    from PIL import Image

    from activities.models import Activity, Attachment

    meetings = list(Activity.objects.filter(branch=branch, date__range=(period.start, period.end)).order_by("date", "pk"))
    for number in range(count):
        picture = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
        out = io.BytesIO()
        picture.save(out, format="JPEG", quality=90)
        data = out.getvalue()
        activity = meetings[number * len(meetings) // count]
        attachment = Attachment(
            activity=activity, category="photo", original_name=f"现场照片{number + 1}.jpg", content_type="image/jpeg", size=len(data)
        )
        attachment.file.save(f"{number}.jpg", ContentFile(data), save=False)
        attachment.save()


def fill_to_the_limits(branch, period) -> None:
    """Short 支委会 records with 15 attending each until the next would pass ``PACK_MAX_CHARS``."""
    import datetime

    from activities.models import Activity, ActivityKind, Attendance
    from branchwork import limits
    from branchwork.models import Member
    from reports.minutes import minutes_queryset, printed_chars

    members = list(Member.objects.filter(branch=branch)[:15])
    while len(members) < 15:
        members.append(
            Member.objects.create(branch=branch, name=f"党员{len(members)}", gender="男", joined_on=datetime.date(2010, 1, 1))
        )
    total, number = 0, 0
    while True:
        day = datetime.date(period.year, period.start.month + number % 6, 1 + number % 28)
        activity = Activity.objects.create(
            branch=branch, kind="committee_meeting", date=day, title=f"研究第{number + 1}项工作安排",
            place="党员活动室", host="王建国", content="研究工作。", decisions="同意。",
        )
        ActivityKind.objects.create(activity=activity, kind="committee_meeting")
        Attendance.objects.bulk_create(
            Attendance(activity=activity, member=member, present=number % 5 != 0, absence_reason="" if number % 5 else "外出学习")
            for member in members
        )
        cost = printed_chars([minutes_queryset(branch).get(pk=activity.pk)]) + limits.MINUTES_BOOK_RECORD_CHARS
        if total + cost > limits.PACK_MAX_CHARS:
            activity.delete()
            return
        total, number = total + cost, number + 1


def fill_with_sheets(branch, period) -> None:
    """Short 志愿服务 records (a record sheet each, no 会议记录) until the period holds
    ``PACK_MAX_RECORDS``: more characters than the PDF prints, so only the ZIP is made."""
    import datetime

    from activities.models import Activity, ActivityKind
    from branchwork import limits

    held = Activity.objects.filter(branch=branch, date__range=(period.start, period.end)).count()
    for number in range(limits.PACK_MAX_RECORDS - held):
        day = datetime.date(period.year, period.start.month + number % 6, 1 + number % 28)
        activity = Activity.objects.create(
            branch=branch, kind="volunteer", date=day, title=f"第{number + 1}次学雷锋志愿服务",
            place="各收费站", content="为过往司乘人员提供咨询、饮水等服务。", headcount=8,
        )
        ActivityKind.objects.create(activity=activity, kind="volunteer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--period", default="2022H1")
    parser.add_argument("--photos", type=int, default=0, help="attach this many 12-megapixel photos first")
    parser.add_argument("--worst", action="store_true", help="2023H1 filled to the pack's limits")
    parser.add_argument("--sheets", action="store_true", help="2023H1 filled to the records' limit with record sheets")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pack_bench_"))
    try:
        setup(workdir)
        import pypdf
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from activities.models import Activity
        from branchwork.models import Organisation
        from branchwork.periods import Period
        from inspection.pack import pack_build, render_problem
        from inspection.pack_renderers import PACK_RENDERERS
        from reports.renderers.pdf import preload

        preload()  # WeasyPrint imported, fonts loaded: as a gunicorn worker starts
        branch = Organisation.objects.select_related("parent__parent").get(code="kl")
        period = Period.parse(args.period)
        if args.worst:
            from branchwork import limits

            period = Period.parse("2023H1")
            fill_to_the_limits(branch, period)
            args.photos = limits.PACK_MAX_IMAGES
        if args.sheets:
            period = Period.parse("2023H1")
            fill_with_sheets(branch, period)
        if args.photos:
            attach_photos(branch, period, args.photos)
        records = Activity.objects.filter(branch=branch, date__range=(period.start, period.end)).count()

        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            pack = pack_build(branch=branch, period=period, today=period.end)
        model_s, model_cpu = time.perf_counter() - started, time.process_time() - cpu

        results = {}
        for fmt in ("pdf", "zip"):
            refused = render_problem(pack, fmt)
            if refused:  # the page offers no such download: nothing to time
                print(f"  {fmt.upper()} refused: {refused}")
                results[fmt] = (0.0, 0.0, b"")
                continue
            started, cpu = time.perf_counter(), time.process_time()
            content = PACK_RENDERERS[fmt].render(pack)
            results[fmt] = (time.perf_counter() - started, time.process_time() - cpu, content)
        pdf_s, pdf_cpu, pdf = results["pdf"]
        zip_s, zip_cpu, archive = results["zip"]
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages) if pdf else 0
        gaps = sum(1 for item in pack.numbered_items if item.empty)
        appendix = sum(len(item.keys) for item in pack.items if item.appendix)
        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            sheet_files = [name for name in opened.namelist() if name.endswith("/记录单.pdf")]
            sheet_pages = sum(len(pypdf.PdfReader(io.BytesIO(opened.read(name))).pages) for name in sheet_files)

        print(f"pack of kl所党支部 {period.label}: {records} records, {len(pack.numbered_items)} items ({gaps} 暂无材料), "
              f"{len(pack.records())} records in the pack ({appendix} in 附 其他工作记录), {args.photos} photos")
        print(f"  model: {model_s:.2f} s ({model_cpu:.2f} s CPU), {len(queries)} SQL queries")
        print(f"  PDF:   {pages} pages, {len(pdf) / 1024:.0f} KiB, {pdf_s:.2f} s ({pdf_cpu:.2f} s CPU)")
        print(f"  ZIP:   {len(archive) / 1024:.0f} KiB, {zip_s:.2f} s ({zip_cpu:.2f} s CPU); "
              f"{len(sheet_files)} folders with 记录单.pdf, {sheet_pages} pages of record sheets")
        met = model_s + pdf_s <= TARGET_S and model_s + zip_s <= TARGET_S
        print(f"  model + PDF {model_s + pdf_s:.2f} s, model + ZIP {model_s + zip_s:.2f} s; "
              f"target ≤ {TARGET_S:.0f} s each: {'met' if met else 'NOT met'}")
        return 0 if met else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
