"""Export benchmark: compile, DOCX and PDF times and peak memory, against LibreOffice.

    .venv/bin/python benchmarks/export_bench.py            # compiled from the demo data
    .venv/bin/python benchmarks/export_bench.py --hand-built   # documents built by hand, no database

Two documents: the reference report (kl所党支部 2022年上半年, compiled from ``seed_demo``'s
records) and the same period grown to 2,000 records (the demo's records copied, each copy with its
own study material and activity form, so the report's lists grow with them). The compile step
runs against a throw-away SQLite database made for the run (``DATABASE_URL`` is not touched).
With ``--hand-built`` (or when compiling fails) the documents are built by hand instead: the
reference text cut into the document model, and the same with lists of 2,000 entries.

For each document: compile time and SQL queries, DOCX time (median of 5), PDF time of the first
render in the process (importing WeasyPrint and loading fonts included for the first document)
and warm (median of 5), and, in the same run on the same DOCX, ``soffice --headless
--convert-to pdf`` (a warm-up conversion, then the median of 3). Peak memory: Python allocations
(tracemalloc) during a warm PDF render, and the peak resident size of this process and of
LibreOffice (ru_maxrss).

Targets for the reference report: DOCX < 0.1 s; PDF < 0.5 s warm; PDF ≥ 3× faster than
LibreOffice's conversion of the same DOCX. (LibreOffice's time is mostly start-up and hardly grows
with the document; WeasyPrint's grows by 20–40 ms a page, so the ratio shrinks for long reports.)
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEATS = 5
RECORDS = 2000
TARGET_DOCX_S = 0.1
TARGET_PDF_S = 0.5
TARGET_LO_RATIO = 3.0


def timed(function, repeats: int = REPEATS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def setup_django(database: Path | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")
    if database is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


def compiled_documents() -> list[tuple[str, object, float, int]]:
    """(name, document, compile seconds, SQL queries) for the demo period and the grown one."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.models import Activity, ActivityKind
    from branchwork.models import Organisation
    from branchwork.periods import Period
    from reports.compile import compile_defaults

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    branch = Organisation.objects.get(code="kl")
    period = Period.parse("2022H1")

    def compile_once():
        with CaptureQueriesContext(connection) as queries:
            document = compile_defaults(branch=branch, period=period)
        return document, len(queries)

    results = []
    seconds, (document, queries) = timed(compile_once)
    records = Activity.objects.filter(branch=branch, date__range=(period.start, period.end)).count()
    results.append((f"reference ({records} records)", document, seconds, queries))

    base = list(
        Activity.objects.filter(branch=branch, date__range=(period.start, period.end)).prefetch_related("counted_kinds")
    )
    copies, kinds = [], []
    skip = {"id", "created_at", "updated_at"}
    for number in range(1, RECORDS - len(base) + 1):
        source = base[number % len(base)]
        copy = Activity(**{f.attname: getattr(source, f.attname) for f in Activity._meta.concrete_fields if f.name not in skip})
        copy.title = f"{source.title}（{number}）"
        if copy.materials:
            copy.materials = f"第{number}号学习材料"
        if copy.activity_forms:
            copy.activity_forms = f"第{number}种活动形式"
        copies.append(copy)
        kinds.append([row.kind for row in source.counted_kinds.all()])
    Activity.objects.bulk_create(copies, batch_size=500)
    ActivityKind.objects.bulk_create(
        [ActivityKind.of(copy, kind) for copy, copy_kinds in zip(copies, kinds, strict=True) for kind in copy_kinds],
        batch_size=1000,
    )
    seconds, (document, queries) = timed(compile_once)
    records = Activity.objects.filter(branch=branch, date__range=(period.start, period.end)).count()
    results.append((f"{records} records", document, seconds, queries))
    return results


def hand_built_documents() -> list[tuple[str, object, float | None, int | None]]:
    from tests.reports.sample_documents import large_document, reference_document

    return [
        ("reference (hand-built)", reference_document(), None, None),
        (f"{RECORDS} records (hand-built)", large_document(RECORDS), None, None),
    ]


LIBREOFFICE_PEAK_KIB: list[int] = []


def libreoffice_seconds(docx: bytes, workdir: Path, profile: Path) -> tuple[float | None, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None, "LibreOffice not installed (apt-get install libreoffice-writer-nogui)"
    # GNU time reports LibreOffice's own peak: this process's RUSAGE_CHILDREN would count the
    # Python process a child was forked from.
    gnu_time = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
    source = workdir / "report.docx"
    source.write_bytes(docx)
    target = workdir / "report.pdf"
    command = [
        *gnu_time, soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", "pdf", "--outdir", str(workdir), str(source),
    ]

    def convert():
        target.unlink(missing_ok=True)
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        last = (result.stderr.strip().splitlines() or [""])[-1]
        if gnu_time and last.isdigit():
            LIBREOFFICE_PEAK_KIB.append(int(last))
        if not target.exists():  # soffice exits 0 even when it failed
            raise RuntimeError("LibreOffice produced no PDF")

    convert()  # warm-up: the profile is created on the first run
    seconds, _ = timed(convert, repeats=3)
    return seconds, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hand-built", action="store_true", help="build the documents by hand; no database")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="export_bench_"))
    try:
        setup_django(None if args.hand_built else workdir / "bench.sqlite3")
        note = ""
        if args.hand_built:
            documents = hand_built_documents()
        else:
            try:
                documents = compiled_documents()
            except Exception as error:  # the compile step is another part of the app: still bench the renderers
                note = f"compiling failed ({error.__class__.__name__}: {error}); documents built by hand"
                documents = hand_built_documents()

        import docx as python_docx
        import pypdf

        from reports.renderers import RENDERERS

        started = time.perf_counter()
        import weasyprint

        import_seconds = time.perf_counter() - started
        docx_renderer, pdf_renderer = RENDERERS["docx"], RENDERERS["pdf"]

        rows = []
        met = True
        for index, (name, document, compile_s, queries) in enumerate(documents):
            docx_s, docx_bytes = timed(lambda document=document: docx_renderer.render(document))
            started = time.perf_counter()
            pdf_bytes = pdf_renderer.render(document)
            first_s = time.perf_counter() - started + (import_seconds if index == 0 else 0.0)
            warm_s, pdf_bytes = timed(lambda document=document: pdf_renderer.render(document))
            tracemalloc.start()
            pdf_renderer.render(document)
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            pages = len(pypdf.PdfReader(__import__("io").BytesIO(pdf_bytes)).pages)
            lo_s, lo_note = libreoffice_seconds(docx_bytes, workdir, workdir / f"lo_profile_{index}")
            ratio = lo_s / warm_s if lo_s else None
            if index == 0:  # the targets are set for the reference report
                met &= docx_s < TARGET_DOCX_S and warm_s < TARGET_PDF_S
                met &= ratio is None or ratio >= TARGET_LO_RATIO
            rows.append(
                {
                    "document": name,
                    "chars": len(document.plain_text()),
                    "pages": pages,
                    "compile": "—" if compile_s is None else f"{compile_s:.3f} ({queries} q)",
                    "docx": f"{docx_s:.3f}",
                    "pdf_first": f"{first_s:.3f}",
                    "pdf_warm": f"{warm_s:.3f}",
                    "pdf_kib": f"{len(pdf_bytes) / 1024:.0f}",
                    "lo": f"{lo_s:.2f}" if lo_s else "—",
                    "ratio": f"{ratio:.1f}×" if ratio else "—",
                    "traced": f"{traced_peak / 2**20:.1f}",
                }
            )
            if lo_note:
                note = (note + "; " if note else "") + lo_note

        lo_version = ""
        soffice = shutil.which("soffice")
        if soffice:
            lo_version = subprocess.run([soffice, "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
        print(
            f"Export benchmark — {os.cpu_count()} cores, Python {platform.python_version()}, WeasyPrint "
            f"{weasyprint.__version__}, python-docx {python_docx.__version__ if hasattr(python_docx, '__version__') else ''}"
            f"{', ' + lo_version if lo_version else ''}"
        )
        print(f"import weasyprint: {import_seconds:.2f} s (once per process; included in the first PDF)")
        headers = {
            "document": "document", "chars": "chars", "pages": "pages", "compile": "compile s (SQL)",
            "docx": "DOCX s", "pdf_first": "PDF first s", "pdf_warm": "PDF warm s", "pdf_kib": "PDF KiB",
            "lo": "LibreOffice s", "ratio": "LO/PDF", "traced": "PDF peak MiB (tracemalloc)",
        }
        widths = {key: max(len(headers[key]), *(len(str(row[key])) for row in rows)) for key in headers}
        print(" | ".join(headers[key].ljust(widths[key]) for key in headers))
        print("-+-".join("-" * widths[key] for key in headers))
        for row in rows:
            print(" | ".join(str(row[key]).ljust(widths[key]) for key in headers))
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        libreoffice = f"{max(LIBREOFFICE_PEAK_KIB) / 1024:.0f} MiB" if LIBREOFFICE_PEAK_KIB else "not measured"
        print(f"peak resident memory (ru_maxrss): this process {own:.0f} MiB; LibreOffice {libreoffice}")
        print(
            f"targets (reference report): DOCX < {TARGET_DOCX_S} s, PDF warm < {TARGET_PDF_S} s, "
            f"PDF ≥ {TARGET_LO_RATIO:.0f}× faster than LibreOffice: {'met' if met else 'NOT MET'}"
        )
        if note:
            print(f"note: {note}")
        return 0 if met else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
