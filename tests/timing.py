"""How long a test takes, at the end of every run: the median and 95th percentile of each test's
time (set-up, call and tear-down together: the shared fixtures are most of it) and of the calls
alone, how many took over 50 ms, and the test modules that took longest; and the same of the CPU
time the tests used, which on a shared machine says more than the clock: a test waiting for a core
another process holds takes longer but costs no more CPU.

Hooked in by ``tests/conftest.py``, which pytest-xdist's controller loads too: the workers' reports
reach it, so the figures cover the whole run however many workers ran it.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

import pytest

SLOW_TEST = 0.05  # seconds: a test slower than this on a shared machine is worth a look
_total: dict[str, float] = defaultdict(float)
_call: dict[str, float] = {}
_cpu: dict[str, float] = defaultdict(float)
_CPU_STARTED = "_timing_cpu_started"


def _phase():
    """Around each phase (set-up, call, tear-down) of a test, in the process that runs it: the
    process's CPU time at its start, for ``pytest_runtest_makereport``."""

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def hook(item, **kwargs):
        setattr(item, _CPU_STARTED, time.process_time())
        yield

    return hook


pytest_runtest_setup = _phase()
pytest_runtest_call = _phase()
pytest_runtest_teardown = _phase()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    started = getattr(item, _CPU_STARTED, None)
    if started is not None:
        # An attribute of the report: pytest-xdist sends it from the worker with the rest.
        outcome.get_result().cpu = time.process_time() - started


def pytest_runtest_logreport(report) -> None:
    _total[report.nodeid] += report.duration
    _cpu[report.nodeid] += getattr(report, "cpu", 0.0)
    if report.when == "call":
        _call[report.nodeid] = report.duration


def _quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def pytest_terminal_summary(terminalreporter) -> None:
    if not _call:
        return
    write = terminalreporter.write_line
    terminalreporter.section("test durations")
    tests = [_total[nodeid] for nodeid in _call]
    median, p95 = _quantiles(tests)
    over = sum(1 for seconds in tests if seconds > SLOW_TEST)
    write(
        f"{len(tests)} tests, {sum(tests):.1f} s in all: per test median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms,"
        f" {over} over {SLOW_TEST * 1000:.0f} ms"
    )
    median, p95 = _quantiles(list(_call.values()))
    write(f"the test functions alone (no fixtures): median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    cpu = [_cpu[nodeid] for nodeid in _call]
    median, p95 = _quantiles(cpu)
    write(f"CPU time of the tests: {sum(cpu):.1f} s in all, per test median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    modules: dict[str, list[float]] = defaultdict(list)
    for nodeid in _call:
        modules[nodeid.split("::")[0]].append(_total[nodeid])
    slowest = sorted(modules.items(), key=lambda entry: -sum(entry[1]))[:5]
    write("slowest modules: " + ", ".join(f"{path} {sum(times):.1f} s/{len(times)}" for path, times in slowest))
