"""gunicorn settings, read from the project directory (gunicorn loads ./gunicorn.conf.py itself;
elsewhere pass ``-c /path/to/gunicorn.conf.py``). Command-line options still win.

Each worker loads WeasyPrint and the report fonts when it starts, before it takes a request, so
the first PDF a worker makes costs what the next does (measured in benchmarks/export_bench.py: the
first PDF's CPU time 1.24 s → 0.51 s). It costs ≈ 0.7 s of CPU at start; a worker that has made a
PDF peaks at the same memory either way (≈ 170 MiB). Set ``REPORT_PDF_PRELOAD=0`` to skip it.
"""

import os


def post_worker_init(worker):
    if os.environ.get("REPORT_PDF_PRELOAD", "1") == "0":
        return
    from django.urls import reverse

    from reports.minutes_renderers.pdf import preload as preload_minutes
    from reports.renderers.pdf import preload

    try:
        reverse("healthz")  # builds the URL resolver, which the first request would otherwise do
        preload()
        preload_minutes()
    except Exception:  # a missing font or library: the first PDF will say so, the worker still serves pages
        worker.log.exception("Could not preload the PDF renderer")
