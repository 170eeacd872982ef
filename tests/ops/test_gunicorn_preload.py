"""gunicorn.conf.py: where the PDF renderer is preloaded (REPORT_PDF_PRELOAD), and that a worker
forked from a master that preloaded it makes PDFs (Pango and fontconfig survive the fork)."""

import gc
import importlib.util
import io
import os
import time
from pathlib import Path

import pypdf
import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class Log:
    def __init__(self):
        self.errors = []

    def exception(self, message, *args):
        self.errors.append(message)


class Server:
    def __init__(self):
        self.log = Log()


@pytest.fixture
def conf(monkeypatch):
    """A fresh copy of gunicorn.conf.py whose preload only counts its calls (no gc.freeze)."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.calls = []
    monkeypatch.setattr(module, "_preload", lambda: module.calls.append("preload"))
    monkeypatch.setattr(gc, "freeze", lambda: module.calls.append("freeze"))
    return module


@pytest.mark.parametrize("value", [None, "master", "1"])
def test_by_default_the_master_preloads_and_the_workers_inherit(conf, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("REPORT_PDF_PRELOAD", raising=False)
    else:
        monkeypatch.setenv("REPORT_PDF_PRELOAD", value)
    conf.when_ready(Server())
    assert conf.calls == ["preload", "freeze"]
    conf.post_worker_init(Server())
    assert conf.calls == ["preload", "freeze"]  # nothing again in the worker


def test_worker_mode_preloads_in_each_worker(conf, monkeypatch):
    monkeypatch.setenv("REPORT_PDF_PRELOAD", "worker")
    conf.when_ready(Server())
    assert conf.calls == []
    conf.post_worker_init(Server())
    conf.post_worker_init(Server())
    assert conf.calls == ["preload", "freeze", "preload", "freeze"]


def test_zero_preloads_nothing(conf, monkeypatch):
    monkeypatch.setenv("REPORT_PDF_PRELOAD", "0")
    conf.when_ready(Server())
    conf.post_worker_init(Server())
    assert conf.calls == []


def test_a_master_that_cannot_preload_leaves_it_to_the_workers(conf, monkeypatch):
    monkeypatch.delenv("REPORT_PDF_PRELOAD", raising=False)

    def broken():
        raise OSError("no fonts")

    monkeypatch.setattr(conf, "_preload", broken)
    server = Server()
    conf.when_ready(server)
    assert server.log.errors and conf.calls == []
    monkeypatch.setattr(conf, "_preload", lambda: conf.calls.append("preload"))
    conf.post_worker_init(Server())
    assert conf.calls == ["preload", "freeze"]


@pytest.mark.slow
def test_a_worker_forked_after_the_preload_makes_pdfs():
    """As gunicorn does: the master's preload (the real one), fork, and in the child make a report,
    a DOCX and a document in fonts and sizes the preload never used (a new font set-up must not
    wait on state left in the parent)."""
    from reports.renderers import RENDERERS
    from reports.renderers.pdf import render_pdf

    from ..reports.sample_documents import reference_document

    spec = importlib.util.spec_from_file_location("gunicorn_conf_preloading", CONF)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    conf._preload()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report back through the pipe, never return into pytest
        status = 1
        try:
            report = RENDERERS["pdf"].render(reference_document())
            RENDERERS["docx"].render(reference_document())
            other = render_pdf('<p style="font: 33pt Unifont">Hello 𠮷 ä 新字体 <b>粗</b> <i>斜</i></p>')
            pages = len(pypdf.PdfReader(io.BytesIO(report)).pages)
            os.write(write, f"{pages} {len(other)}".encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked worker hung making a PDF")
    answer = os.read(read, 100).decode().split()
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert int(answer[0]) >= 5 and int(answer[1]) > 1000
