"""A reviewer's comment over the limit is refused in words, the typed text shown again, the report
still submitted — not a 'page expired' message (the form's own limit speaks first)."""

from django.urls import reverse

from branchwork import limits
from branchwork.periods import Period
from reports import services
from reports.models import Report
from tests.factories import report_written


def test_an_over_long_comment_is_refused_in_words_and_kept(world, as_user, monkeypatch):
    report = report_written(world.branch, Period(2022, "H1"), world.secretary)
    monkeypatch.setattr(services, "version_files_ensure", lambda *, version, formats=(): version)
    services.report_submit(report=report, by=world.secretary)
    too_long = "改" * (limits.COMMENT_MAX_CHARS + 1)
    response = as_user(world.reviewer).post(
        reverse("reports:report_return", args=["kl", "2022H1"]), {"version": "1", "comment": too_long}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"每条意见最多 {limits.COMMENT_MAX_CHARS:,} 字" in page and too_long in page
    assert "页面已过期" not in page
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
