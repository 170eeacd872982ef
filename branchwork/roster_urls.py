"""Roster pages of one branch; included at ``b/<slug:code>/members/``, so every view takes ``code``."""

from django.urls import path

from . import roster_views as views

app_name = "roster"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("add/", views.member_create, name="member_create"),
    path("<int:pk>/edit/", views.member_update, name="member_update"),
    path("<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.roster_import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/add/", views.group_create, name="group_create"),
    path("groups/<int:pk>/edit/", views.group_update, name="group_update"),
]
