"""gunicorn settings, read from the project directory (gunicorn loads ./gunicorn.conf.py itself;
elsewhere pass ``-c /path/to/gunicorn.conf.py``). Command-line options still win.

The master process loads Django, WeasyPrint and the report fonts and makes a small report (PDF
and DOCX) and a small meeting record once, before it forks the workers (``when_ready``): every worker starts
with the fonts open, the stylesheets parsed and the templates compiled, so the first PDF it makes
costs what the next does, and the workers share those pages of memory with the master instead of
each loading its own copy. The objects made so far are then frozen out of the garbage collector
(``gc.freeze()``): the workers' collections neither walk nor write them (each PDF ≈ 5 % less CPU,
and fewer shared pages copied). Measured in benchmarks/export_bench.py; figures in
benchmarks/results/exports.md.

``REPORT_PDF_PRELOAD``:
- ``master`` (default): as above. The master then holds the application's modules, as with
  gunicorn's ``preload_app``: after deploying new code restart gunicorn; a ``HUP`` starts new
  workers from the old code.
- ``worker``: each worker loads the same when it starts, before it takes a request (≈ 0.7 s of
  CPU a worker; a ``HUP`` reloads the code).
- ``0``: nothing is loaded ahead; a worker's first PDF takes ≈ 1 s more.
If the master cannot preload (a missing font or library) each worker tries again when it starts;
if that fails too the worker still serves pages and the first PDF says what is missing.
"""

import gc
import os

_preloaded_in_master = False


def _mode() -> str:
    mode = os.environ.get("REPORT_PDF_PRELOAD", "master").strip().lower()
    return {"1": "master", "": "master", "0": "0", "false": "0", "no": "0"}.get(mode, mode)


def _preload() -> None:
    """Everything a first PDF needs that a later one does not (see reports.renderers.pdf.preload)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from reports.claims import warm_up as warm_up_claims
    from reports.minutes_renderers.pdf import preload as preload_minutes
    from reports.renderers import RENDERERS
    from reports.renderers.pdf import SAMPLE, preload

    try:
        import branchwork.wsgi  # noqa: F401 — the application and its middleware, as the workers load it

        if getattr(settings, "REDIS_URL", ""):
            import redis  # noqa: F401 — the cache's client (≈ 0.09 s CPU), else imported by the first request
        reverse("healthz")  # builds the URL resolver, which the first request would otherwise do
        preload()
        preload_minutes()
        RENDERERS["docx"].render(SAMPLE)  # the DOCX template, made once per process
        warm_up_claims()  # a draft's PDF is compiled and checked first
    finally:
        connections.close_all()  # never a connection shared by forked workers


def when_ready(server):
    """In the master, before the first worker is forked."""
    global _preloaded_in_master
    if _mode() != "master":
        return
    try:
        _preload()
    except Exception:  # the workers try again, and serve pages whatever happens
        server.log.exception("Could not preload the PDF renderer in the master")
        return
    _preloaded_in_master = True
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    if _mode() == "0" or _preloaded_in_master:
        return
    try:
        _preload()
    except Exception:  # a missing font or library: the first PDF will say so, the worker still serves pages
        worker.log.exception("Could not preload the PDF renderer")
        return
    gc.collect()
    gc.freeze()
