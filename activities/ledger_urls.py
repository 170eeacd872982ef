"""URL patterns of the Excel ledgers (台账) and imports; joined into activities.urls."""

from django.urls import path

from . import ledger_views as views

urlpatterns: list = [
    path("b/<slug:code>/ledgers/", views.ledger_index, name="ledger_index"),
    path("b/<slug:code>/ledgers/import/", views.ledger_import, name="ledger_import"),
    path("b/<slug:code>/ledgers/import/template.xlsx", views.import_template_view, name="import_template"),
    path("b/<slug:code>/ledgers/<slug:name>.xlsx", views.ledger_export_view, name="ledger_export"),
]
