"""Where the server's CPU goes under load: each request's CPU time as the gunicorn worker that
served it wrote it down (``benchmarks/gunicorn_request_cpu.py``), summed by view, and what that
says of the throughput this machine can give the mix at all.

The bound: a page served whole from the cache is the cheapest thing a logged-in user asks for.
Measured alone under the same load (``ceiling``), it shows how many requests a second the machine
gives requests of that cost. If every page the mix reads cost that much, and the writes and the
pages they redirect to (which show what the write has just changed, so no cache can hold them)
cost what they were measured to, the mix's CPU per request would be ``bound_cpu_ms``; at the
cached page's rate per CPU millisecond that is ``bound_rps``. An estimate from above: it scales
the server's CPU only (PostgreSQL's and wrk's share of the cores stays as it was on the cached
page) and lets no write make the branch's other pages cold, which every write of the mix does.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from collections import defaultdict
from pathlib import Path

from django.urls import Resolver404, resolve

CONFIG = Path(__file__).with_name("gunicorn_request_cpu.py")


def read_log(directory: Path) -> list[tuple[str, str, int, float]]:
    rows = []
    for path in sorted(directory.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            method, url_path, status, spent = line.split("\t")
            rows.append((method, url_path, int(status), float(spent)))
    return rows


def by_view(rows: list[tuple[str, str, int, float]]) -> list[dict]:
    """One row per method and view (by URL name), the costliest in all first."""
    spent: dict[tuple[str, str], list[float]] = defaultdict(list)
    for method, url_path, _status, cpu_ms in rows:
        try:
            view = resolve(url_path).view_name
        except Resolver404:
            view = url_path
        spent[method, view].append(cpu_ms)
    total = sum(sum(values) for values in spent.values()) or 1.0
    table = [
        {
            "method": method,
            "view": view,
            "requests": len(values),
            "share": sum(values) / total,
            "mean_ms": statistics.fmean(values),
            "median_ms": statistics.median(values),
        }
        for (method, view), values in spent.items()
    ]
    return sorted(table, key=lambda row: -row["share"])


def ceiling(wrk: str, port: int, path: str, cookie: str, seconds: int, cpu_seconds) -> dict:
    """wrk on one path alone with the load test's threads and connections: requests a second and
    the server's CPU per request (``cpu_seconds()``: gunicorn's CPU so far)."""
    from benchmarks.run import WRK_CONNECTIONS, WRK_THREADS

    before = cpu_seconds()
    output = subprocess.run(
        [wrk, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "-H", f"Cookie: {cookie}",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 60,
    ).stdout
    spent = cpu_seconds() - before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "path": path,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "cpu_ms_per_request": 1000 * spent / max(1, requests),
        "failed": int(failed.group(1)) if failed else 0,
    }


def bound(views: list[dict], cached_page: dict, read_views: set[str]) -> dict:
    """The mix's CPU per request with every GET of ``read_views`` (the pages the mix reads, not
    those a write redirects to) at the cached page's cost, and the rate that gives."""
    requests = sum(row["requests"] for row in views)
    cpu = sum(
        row["requests"] * (
            cached_page["cpu_ms_per_request"] if row["method"] == "GET" and row["view"] in read_views
            else row["mean_ms"]
        )
        for row in views
    )
    bound_cpu_ms = cpu / max(1, requests)
    return {
        "bound_cpu_ms": bound_cpu_ms,
        "bound_rps": cached_page["rps"] * cached_page["cpu_ms_per_request"] / bound_cpu_ms,
    }


def lines(views: list[dict], cached_page: dict, read_views: set[str], target_rps: float) -> list[str]:
    estimate = bound(views, cached_page, read_views)
    table = [
        "",
        "Where gunicorn's CPU went in this mix (each request's CPU time in the worker that served it):",
        "",
        "| method | view | requests | share of the CPU | mean ms | median ms |",
        "|---|---|---|---|---|---|",
    ]
    table += [
        f"| {row['method']} | {row['view']} | {row['requests']} | {row['share']:.1%} | {row['mean_ms']:.1f} | "
        f"{row['median_ms']:.1f} |"
        for row in views
    ]
    table += [
        "",
        f"The ceiling of this machine: one page served whole from the cache ({cached_page['path']}), alone under "
        f"the same load, answers {cached_page['rps']:.0f} req/s at {cached_page['cpu_ms_per_request']:.1f} ms of "
        f"gunicorn CPU each ({cached_page['failed']} not 2xx/3xx). With every page the mix reads "
        f"({', '.join(sorted(read_views))}) that cheap, and the writes and the pages they redirect to as "
        f"measured above, a request would cost {estimate['bound_cpu_ms']:.1f} ms: at most "
        f"≈ {estimate['bound_rps']:.0f} req/s here, against the aim of {target_rps:.0f} (an estimate from above: "
        "no write leaves its branch's other pages cold).",
    ]
    return table
