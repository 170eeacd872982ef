"""Helpers for the robustness tests: real threads on PostgreSQL, and a way to make two of them
meet inside a transaction so that a race is certain rather than lucky.

Each thread runs with its own database connection (Django keeps connections per thread) and closes
it when done, so the test database can be flushed and dropped afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency needs row locks between real connections: run with DATABASE_URL=postgres://…",
)

# Nothing here should take long; a thread still running after this is a deadlock, not a slow test.
THREAD_TIMEOUT = 30


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def run_concurrently(*functions: Callable[[], Any]) -> list[Outcome]:
    """Run each function in its own thread (and so on its own connection); wait for all.

    Returns, per function and in order, what it returned or the exception it raised."""
    outcomes = [Outcome() for _ in functions]

    def run(index: int, function: Callable[[], Any]) -> None:
        try:
            outcomes[index].value = function()
        except BaseException as error:  # reported to the test, which asserts on it
            outcomes[index].error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f), daemon=True) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
        assert not thread.is_alive(), "a thread did not finish: deadlock?"
    return outcomes


def blocking_someone() -> bool:
    """Whether another connection is waiting for a lock this connection holds (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT DISTINCT pid FROM pg_locks WHERE NOT granted) AS waiting "
            "WHERE pg_backend_pid() = ANY(pg_blocking_pids(waiting.pid))"
        )
        return cursor.fetchone()[0] > 0


class HoldAfter:
    """Wrap ``function`` so that the first call, once it has returned, keeps its thread — and so
    its open transaction and the row locks it took — waiting until another connection is blocked
    by those locks, ``release`` is set, or a timeout passes.

    ``blocked`` tells afterwards whether the other side really had to wait for the lock, which is
    what proves the two were serialised by the database and not by luck."""

    def __init__(self, function: Callable, *, release: threading.Event | None = None, timeout: float = 10):
        self.function = function
        self.release = release
        self.timeout = timeout
        self.blocked: bool | None = None
        self.holding = threading.Event()  # set while the first caller waits, holding its locks
        self._first = threading.Lock()
        self._called = False

    def __call__(self, *args, **kwargs):
        result = self.function(*args, **kwargs)
        with self._first:
            first, self._called = not self._called, True
        if first:
            self.holding.set()
            self.blocked = self._wait()
        return result

    def _wait(self) -> bool:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if blocking_someone():
                return True
            if self.release is not None and self.release.is_set():
                return False
            time.sleep(0.01)
        return False
