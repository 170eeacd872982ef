"""The load benchmark's account of where the server's CPU went, and the bound it draws from it."""

import pytest

from benchmarks import request_cpu

ROWS = [
    ("GET", "/b/k1/records/", 200, 3.0),
    ("GET", "/b/k1/records/", 200, 17.0),
    ("GET", "/b/k1/records/7/", 200, 16.0),
    ("POST", "/b/k1/records/7/edit/", 302, 12.0),
    ("GET", "/nowhere/at/all/", 404, 2.0),
]


def test_requests_are_summed_by_method_and_view_the_costliest_first(tmp_path):
    (tmp_path / "101.tsv").write_text("".join("\t".join(map(str, row)) + "\n" for row in ROWS[:2]))
    (tmp_path / "102.tsv").write_text("".join("\t".join(map(str, row)) + "\n" for row in ROWS[2:]))

    views = request_cpu.by_view(request_cpu.read_log(tmp_path))

    assert [(row["method"], row["view"], row["requests"]) for row in views] == [
        ("GET", "activities:activity_list", 2),
        ("GET", "activities:activity_detail", 1),
        ("POST", "activities:activity_update", 1),
        ("GET", "/nowhere/at/all/", 1),
    ]
    assert views[0]["share"] == pytest.approx(20 / 50)
    assert views[0]["mean_ms"] == 10.0


def test_the_bound_prices_the_pages_read_as_cached_and_keeps_writes_and_their_redirects(tmp_path):
    views = request_cpu.by_view(ROWS[:4])
    cached_page = {"rps": 500.0, "cpu_ms_per_request": 2.0, "path": "/b/k1/records/", "failed": 0}

    estimate = request_cpu.bound(views, cached_page, {"activities:activity_list"})

    # Two list reads at 2 ms, the record page a save redirects to at 16, the save at 12.
    assert estimate["bound_cpu_ms"] == pytest.approx((2 + 2 + 16 + 12) / 4)
    assert estimate["bound_rps"] == pytest.approx(500 * 2 / 8)


def test_the_timing_config_is_the_projects_gunicorn_settings_with_the_two_hooks(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_REQUEST_CPU_DIR", str(tmp_path))
    settings = {"__file__": str(request_cpu.CONFIG)}
    exec(compile(request_cpu.CONFIG.read_text(), str(request_cpu.CONFIG), "exec"), settings)

    assert callable(settings["when_ready"]) and callable(settings["post_worker_init"])  # the project's
    request = type("Request", (), {"method": "GET", "path": "/b/k1/"})()
    settings["pre_request"](None, request)
    settings["post_request"](None, request, {}, type("Response", (), {"status_code": 200})())
    [log] = tmp_path.glob("*.tsv")
    method, path, status, spent = log.read_text().strip().split("\t")
    assert (method, path, status) == ("GET", "/b/k1/", "200") and float(spent) >= 0
