"""URL patterns of the compliance calendar and its rules; joined into activities.urls."""

from django.urls import path

from . import compliance_views as views

urlpatterns: list = [
    path("b/<slug:code>/compliance/", views.compliance, name="compliance"),
    path("o/<slug:code>/compliance/", views.compliance_overview, name="compliance_overview"),
    path("o/<slug:code>/rules/", views.rule_list, name="rule_list"),
    path("o/<slug:code>/rules/new/", views.rule_create, name="rule_create"),
    path("o/<slug:code>/rules/<int:pk>/edit/", views.rule_update, name="rule_update"),
    path("o/<slug:code>/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
