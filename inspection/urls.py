from django.urls import include, path

from reports.urls import PeriodConverter  # noqa: F401  (registers the report_period converter)

from . import views

app_name = "inspection"
urlpatterns = [
    # The 党委's standard (考核细则), shown for any organisation above the branches.
    path("o/<slug:code>/standards/", views.standard_list, name="standard_list"),
    path("o/<slug:code>/standards/import/", views.standard_import, name="standard_import"),
    path("o/<slug:code>/standards/<int:year>/", views.standard_detail, name="standard_detail"),
    path("o/<slug:code>/standards/<int:year>/export.xlsx", views.standard_export, name="standard_export"),
    path("o/<slug:code>/standards/<int:year>/items/<str:item_code>/", views.standard_item_edit, name="standard_item_edit"),
    # A branch's self-score and its chain: 支部自评 → 党总支审查 → 党委复核.
    path("b/<slug:code>/<report_period:period>/", views.score, name="score"),
    path("b/<slug:code>/<report_period:period>/submit/", views.score_submit, name="score_submit"),
    path("b/<slug:code>/<report_period:period>/pass/", views.score_pass, name="score_pass"),
    path("b/<slug:code>/<report_period:period>/recheck/", views.score_recheck, name="score_recheck"),
    path("b/<slug:code>/<report_period:period>/return/", views.score_return, name="score_return"),
    path(
        "b/<slug:code>/<report_period:period>/items/<str:item_code>/rectify/",
        views.score_item_rectify,
        name="score_item_rectify",
    ),
    # The reviewer's working table: branches × items.
    path("o/<slug:code>/scores/<report_period:period>/", views.score_table, name="score_table"),
    # A branch's supporting-material pack (支撑材料): its contents, the PDF and the ZIP.
    path("", include("inspection.pack_urls")),
]
