"""URL patterns for compliance, ledgers (台账) and publicity; joined into activities.urls."""

from django.urls import path

from . import ledger_views as views

urlpatterns: list = [
    # Compliance calendar and its rules
    path("b/<slug:code>/compliance/", views.compliance, name="compliance"),
    path("o/<slug:code>/compliance/", views.compliance_overview, name="compliance_overview"),
    path("o/<slug:code>/rules/", views.rule_list, name="rule_list"),
    path("o/<slug:code>/rules/new/", views.rule_create, name="rule_create"),
    path("o/<slug:code>/rules/<int:pk>/edit/", views.rule_update, name="rule_update"),
    path("o/<slug:code>/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    # Publicity: the outlet registry of a 党总支/党委, and a branch's entries
    path("o/<slug:code>/outlets/", views.outlet_list, name="outlet_list"),
    path("o/<slug:code>/outlets/new/", views.outlet_create, name="outlet_create"),
    path("o/<slug:code>/outlets/<int:pk>/edit/", views.outlet_update, name="outlet_update"),
    path("o/<slug:code>/outlets/defaults/", views.outlet_defaults, name="outlet_defaults"),
    # … and a branch's own outlets, beside those of its superiors
    path("b/<slug:code>/outlets/", views.outlet_branch_list, name="outlet_branch_list"),
    path("b/<slug:code>/outlets/new/", views.outlet_branch_create, name="outlet_branch_create"),
    path("b/<slug:code>/outlets/<int:pk>/edit/", views.outlet_branch_update, name="outlet_branch_update"),
    path("b/<slug:code>/publicity/", views.publicity_list, name="publicity_list"),
    path("b/<slug:code>/publicity/new/", views.publicity_create, name="publicity_create"),
    path("b/<slug:code>/publicity/<int:pk>/edit/", views.publicity_update, name="publicity_update"),
    path("b/<slug:code>/publicity/<int:pk>/delete/", views.publicity_delete, name="publicity_delete"),
    # Excel ledgers and imports
    path("b/<slug:code>/ledgers/", views.ledger_index, name="ledger_index"),
    path("b/<slug:code>/ledgers/import/", views.ledger_import, name="ledger_import"),
    path("b/<slug:code>/ledgers/import/template.xlsx", views.import_template_view, name="import_template"),
    path("b/<slug:code>/ledgers/<slug:name>.xlsx", views.ledger_export_view, name="ledger_export"),
]
