from django.urls import path, register_converter

from branchwork.periods import Period

from . import minutes_views, profile_views, rectification_views, views


class PeriodConverter:
    """``2022H1``, ``2022H2`` or ``2022`` in a URL, as a ``Period``; anything else is a 404."""

    regex = r"\d{4}(?:H[12])?"

    def to_python(self, value: str) -> Period:
        return Period.parse(value)  # PeriodError is a ValueError: no match, so 404

    def to_url(self, value) -> str:
        return value.code if isinstance(value, Period) else str(value)


register_converter(PeriodConverter, "report_period")

app_name = "reports"
urlpatterns = [
    path("b/<slug:code>/reports/", views.report_list, name="report_list"),
    path("b/<slug:code>/reports/start/", views.report_start, name="report_start"),
    path("b/<slug:code>/reports/profile/", profile_views.branch_profile, name="branch_profile"),
    path("b/<slug:code>/reports/<report_period:period>/", views.report_edit, name="report_edit"),
    path("b/<slug:code>/reports/<report_period:period>/preview/", views.report_preview, name="report_preview"),
    path("b/<slug:code>/reports/<report_period:period>/print/", views.report_print, name="report_print"),
    path(
        "b/<slug:code>/reports/<report_period:period>/download/<str:fmt>/",
        views.report_download,
        name="report_download",
    ),
    path("b/<slug:code>/reports/<report_period:period>/submit/", views.report_submit, name="report_submit"),
    path("b/<slug:code>/reports/<report_period:period>/versions/", views.report_versions, name="report_versions"),
    path(
        "b/<slug:code>/reports/<report_period:period>/versions/<int:number>/",
        views.version_detail,
        name="version_detail",
    ),
    path(
        "b/<slug:code>/reports/<report_period:period>/versions/<int:number>/<str:fmt>/",
        views.version_download,
        name="version_download",
    ),
    path("b/<slug:code>/reports/<report_period:period>/compare/", views.version_compare, name="version_compare"),
    path("b/<slug:code>/reports/<report_period:period>/review/", views.report_review, name="report_review"),
    path("b/<slug:code>/reports/<report_period:period>/return/", views.report_return, name="report_return"),
    path("b/<slug:code>/reports/<report_period:period>/approve/", views.report_approve, name="report_approve"),
    # 「列入整改台账」 beside an item of 存在的问题 (the ledger is the records', activities.rectifications).
    path(
        "b/<slug:code>/reports/<report_period:period>/items/<int:item_pk>/rectify/",
        rectification_views.report_item_rectify,
        name="report_item_rectify",
    ),
    # A branch's meeting records (会议记录) and its 三会一课 ledger on paper; the pages offering them
    # are the records' own (activities), the documents are made here like the report's.
    path("b/<slug:code>/records/<int:pk>/minutes.<slug:fmt>", minutes_views.minutes_download, name="minutes_download"),
    path("b/<slug:code>/minutes.<slug:fmt>", minutes_views.minutes_book_download, name="minutes_book"),
    path("b/<slug:code>/ledgers/<slug:name>.pdf", minutes_views.ledger_pdf, name="ledger_pdf"),
    path("o/<slug:code>/review/", views.review_dashboard, name="review_dashboard"),
    path("o/<slug:code>/review/<report_period:period>/approved.zip", views.approved_zip, name="approved_zip"),
]
