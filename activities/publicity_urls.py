"""URL patterns of publicity: the outlet registry of a 党总支/党委, a branch's own outlets and its
entries; joined into activities.urls."""

from django.urls import path

from . import publicity_views as views

urlpatterns: list = [
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
]
