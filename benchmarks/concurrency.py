"""Ordinary requests while the slowest legal requests run: no 500, and how long people wait.

    .venv/bin/python benchmarks/concurrency.py                  # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/concurrency.py --backends sqlite

For each database this makes a scratch database (a SQLite file in a temporary folder; on PostgreSQL
a database ``branchwork_hardlock`` on 127.0.0.1:5432 as user postgres, dropped afterwards), loads
the demo data and long meeting records for kl所党支部's 2022 first half (up to the book's limit of
printed characters), and starts gunicorn as the README deploys it (production settings, 5 workers,
``--timeout 60``) on 127.0.0.1. Then, while three of the slowest requests a reader may make run (the
period's book of meeting records as a PDF, the 三会一课 ledger as a PDF and the report as a PDF, each
the first time, so not cached), it sends
200 ordinary requests, 16 at a time: the login page, kl's branch home and a record save (a POST of a
new 理论学习会, with its CSRF token). It prints, per database, the status codes and the latency
(median, p95, max) of the ordinary requests and the time of each slow one, and exits with status 1
if any request answered 500. Everything it starts listens on loopback only and is stopped at the
end; the whole run is bounded (each request 60 s, the server start 60 s).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PG_DATABASE = "branchwork_hardlock"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
ORDINARY = 200
CONCURRENCY = 16
REQUEST_TIMEOUT = 60
SECRETARY, SECRETARY_PASSWORD = "kl_shuji", "Hongqi-kl-2022"
REVIEWER, REVIEWER_PASSWORD = "hw_shenyue", "Hongqi-hw-2022"

# Long meeting records for kl's 2022 first half, within the record limits (branchwork.limits), so
# that printing the period's records is as slow as the limits allow.
SETUP = """
import datetime
from activities.models import Activity
from branchwork import limits
from branchwork.figures import figures_changed
from branchwork.models import Organisation
from branchwork.periods import Period
from reports.minutes import minutes_queryset, printed_chars
branch = Organisation.objects.get(code="kl")
chars = "党建工作学习教育组织生活会议支部书记委员群众路线作风建设意识形态宣传思想理论武装，。、"
def text(n, s):
    return "".join(chars[(s * 31 + i * i + i * s) % len(chars)] for i in range(n))
budget = limits.MINUTES_BOOK_MAX_CHARS - printed_chars(list(minutes_queryset(branch).in_period(Period(2022, "H1"))))
n = 0
while budget > 1500:
    size = min(limits.RECORD_CONTENT_MAX_CHARS, budget - 500)
    Activity.objects.create(
        branch=branch, kind="study", date=datetime.date(2022, 1 + n % 6, 2 + n % 25),
        title=f"长篇理论学习{n}", content=text(size, n), materials="党章",
    )
    budget -= size + 20
    n += 1
figures_changed(branch_ids=[branch.pk])
# The longest report the limits allow, for its draft PDF.
from django.contrib.auth import get_user_model
from reports import services
secretary = get_user_model().objects.get(username="kl_shuji")
report = services.report_create(branch=branch, period=Period(2022, "H1"), by=secretary)
per_item = limits.REPORT_ITEM_MAX_CHARS - 10
items = [
    services.ItemInput(section=1 + k % 6, text=text(per_item, k))
    for k in range((limits.REPORT_MAX_CHARS - len(report.opening)) // per_item)
]
services.report_save(
    report=report, expected_revision=report.revision, title=report.title, addressee=report.addressee,
    opening=report.opening, signature=report.signature, signed_on=report.signed_on, items=items, by=secretary,
)
print(n)
"""


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    import socket

    for port in range(8101, 8200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8101–8199")


def environment(database_url: str, media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(media.parent / "static"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "REDIS_URL": "",
        "LOG_LEVEL": "ERROR",
    }


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "branchwork.wsgi", "--workers", "5", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except requests.RequestException:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not start within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def logged_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=REQUEST_TIMEOUT)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if found is None:
        raise SystemExit(f"no login form ({page.status_code}): {page.text[:300]}")
    token = found.group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=REQUEST_TIMEOUT,
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"could not log in as {username}: {response.status_code}")
    return session


def save_record(base: str, session: requests.Session, number: int) -> requests.Response:
    url = f"{base}/b/kl/records/new/study/"
    token = session.cookies.get("csrftoken")
    return session.post(
        url,
        data={"date": "2022-05-20", "title": f"并发保存的理论学习{number}", "materials": "党章", "csrfmiddlewaretoken": token},
        headers={"Referer": url},
        timeout=REQUEST_TIMEOUT,
        allow_redirects=False,
    )


def run_backend(name: str, database_url: str, folder: Path) -> dict:
    env = environment(database_url, folder / "media")
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # production settings serve the manifest's files
    manage(env, "seed_demo", timeout=600)
    added = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    log(f"[{name}] 演示数据与 {added} 份长会议记录就绪（{time.monotonic() - started:.0f} 秒）")
    port = free_port()
    server = start_gunicorn(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        reviewer = logged_in(base, REVIEWER, REVIEWER_PASSWORD)
        secretaries = [logged_in(base, SECRETARY, SECRETARY_PASSWORD) for _ in range(CONCURRENCY)]
        for session in secretaries:  # the CSRF cookie, as a browser has it from the form
            session.get(f"{base}/b/kl/records/new/study/", timeout=REQUEST_TIMEOUT)

        slow_urls = {
            "会议记录汇编 PDF": f"{base}/b/kl/minutes.pdf?period=2022H1",
            "每份记录 Word（ZIP）": f"{base}/b/kl/minutes.zip?period=2022H1",
            "工作总结草稿 PDF（6 万字）": f"{base}/b/kl/reports/2022H1/download/pdf/",
        }
        slow: dict[str, tuple[int | str, float]] = {}

        def fetch_slow(label: str, url: str) -> None:
            begun = time.monotonic()
            try:
                response = reviewer.get(url, timeout=REQUEST_TIMEOUT) if "reports" not in url else secretaries[0].get(url, timeout=REQUEST_TIMEOUT)
                slow[label] = (response.status_code, time.monotonic() - begun)
            except requests.RequestException as error:
                slow[label] = (type(error).__name__, time.monotonic() - begun)

        threads = [threading.Thread(target=fetch_slow, args=item) for item in slow_urls.items()]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # the three are rendering

        def ordinary(number: int) -> tuple[str, int | str, float]:
            session = secretaries[number % CONCURRENCY]
            kind = ("登录页", "支部首页", "保存记录")[number % 3]
            begun = time.monotonic()
            try:
                if kind == "登录页":
                    response = requests.get(f"{base}/accounts/login/", timeout=REQUEST_TIMEOUT)
                elif kind == "支部首页":
                    response = session.get(f"{base}/b/kl/", timeout=REQUEST_TIMEOUT)
                else:
                    response = save_record(base, session, number)
                status: int | str = response.status_code
            except requests.RequestException as error:
                status = type(error).__name__
            return kind, status, time.monotonic() - begun

        busy_at_start = sum(thread.is_alive() for thread in threads)
        with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
            results = list(pool.map(ordinary, range(ORDINARY)))
        busy_at_end = sum(thread.is_alive() for thread in threads)
        for thread in threads:
            thread.join(REQUEST_TIMEOUT + 5)
    finally:
        stop(server)
    return {"results": results, "slow": slow, "busy": (busy_at_start, busy_at_end)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name: str, outcome: dict) -> int:
    results = outcome["results"]
    seconds = [s for _kind, _status, s in results]
    statuses: dict[str, dict] = {}
    for kind, status, _s in results:
        statuses.setdefault(kind, {}).setdefault(status, 0)
        statuses[kind][status] += 1
    failures = sum(1 for _kind, status, _s in results if status == 500 or isinstance(status, str))
    log(f"\n## {name}：{len(results)} 个普通请求（{CONCURRENCY} 个并发），同时运行的慢请求：开始时 {outcome['busy'][0]} 个、结束时 {outcome['busy'][1]} 个")
    for kind, counts in statuses.items():
        times = [s for k, _st, s in results if k == kind]
        log(f"- {kind}：状态 {dict(sorted(counts.items(), key=str))}；中位数 {statistics.median(times) * 1000:.0f} ms，p95 {percentile(times, 95) * 1000:.0f} ms")
    log(f"- 全部：中位数 {statistics.median(seconds) * 1000:.0f} ms，p95 {percentile(seconds, 95) * 1000:.0f} ms，最长 {max(seconds) * 1000:.0f} ms；500 或无响应 {failures} 个")
    for label, (status, took) in outcome["slow"].items():
        log(f"- 慢请求 {label}：状态 {status}，{took:.1f} 秒")
    slow_failures = sum(1 for status, _t in outcome["slow"].values() if status != 200)
    return failures + slow_failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql or both (comma-separated)")
    args = parser.parse_args()
    failures = 0
    for name in [part.strip() for part in args.backends.split(",") if part.strip()]:
        folder = Path(tempfile.mkdtemp(prefix="branchwork-concurrency-"))
        try:
            if name == "sqlite":
                outcome = run_backend("SQLite", f"sqlite:///{folder / 'db.sqlite3'}", folder)
            elif name == "postgresql":
                psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c"]
                subprocess.run([*psql, f"DROP DATABASE IF EXISTS {PG_DATABASE}"], check=True, timeout=60)
                subprocess.run([*psql, f"CREATE DATABASE {PG_DATABASE}"], check=True, timeout=60)
                try:
                    outcome = run_backend("PostgreSQL", PG_URL, folder)
                finally:
                    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"], timeout=60)
            else:
                raise SystemExit(f"unknown backend {name!r}")
            failures += report(name, outcome)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
