"""gunicorn settings for the load benchmarks: the project's own (``gunicorn.conf.py``, read and run
here, so the workers start as in production), and each request's CPU time written down by the
worker that served it, to ``$BENCH_REQUEST_CPU_DIR/<worker pid>.tsv`` (method, path, status, ms).

A sync worker serves one request at a time, so the worker's CPU time between gunicorn's
``pre_request`` and ``post_request`` hooks is that request's: Django, the template, the database
driver's side — not PostgreSQL's, Redis's or wrk's. ``benchmarks/request_cpu.py`` reads the files.
"""

import os
import time
from pathlib import Path

_project_settings = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_project_settings.read_text(encoding="utf-8"), str(_project_settings), "exec"))

_log = None


def pre_request(worker, req):
    req.bench_cpu_started = time.process_time()


def post_request(worker, req, environ, resp):
    global _log
    if _log is None:
        _log = open(Path(os.environ["BENCH_REQUEST_CPU_DIR"]) / f"{os.getpid()}.tsv", "a", encoding="utf-8")
    spent_ms = (time.process_time() - req.bench_cpu_started) * 1000
    _log.write(f"{req.method}\t{req.path}\t{resp.status_code}\t{spent_ms:.3f}\n")
    _log.flush()
