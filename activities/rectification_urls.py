"""URL patterns of the rectification ledger (整改台账); joined into activities.urls."""

from django.urls import path

from . import rectification_views as views

urlpatterns: list = [
    path("b/<slug:code>/rectifications/", views.rectification_ledger, name="rectification_ledger"),
    path("b/<slug:code>/rectifications/export.xlsx", views.rectification_export, name="rectification_export"),
    path("b/<slug:code>/rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("b/<slug:code>/rectifications/<int:pk>/resolve/", views.rectification_resolve, name="rectification_resolve"),
    path("b/<slug:code>/rectifications/<int:pk>/evidence/", views.rectification_evidence, name="rectification_evidence"),
    path("b/<slug:code>/rectifications/<int:pk>/recheck/", views.rectification_recheck, name="rectification_recheck"),
    path("b/<slug:code>/records/<int:pk>/rectify/", views.activity_rectify, name="activity_rectify"),
]
