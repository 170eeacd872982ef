"""The administrator's pages of one organisation; included at ``o/<slug:code>/manage/``."""

from django.urls import path

from . import org_views as views

app_name = "orgadmin"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/add/", views.unit_create, name="unit_create"),
    path("units/<int:unit_pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_pk>/edit/", views.unit_update, name="unit_update"),
    path("units/<int:unit_pk>/close/", views.unit_close, name="unit_close"),
    path("units/<int:unit_pk>/reopen/", views.unit_reopen, name="unit_reopen"),
    path("units/<int:unit_pk>/groups/add/", views.group_create, name="group_create"),
    path("units/<int:unit_pk>/groups/<int:pk>/edit/", views.group_update, name="group_update"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/add/", views.account_create_view, name="account_create"),
    path("accounts/<int:user_pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:user_pk>/password/", views.account_password, name="account_password"),
    path("accounts/<int:user_pk>/active/", views.account_active, name="account_active"),
    path("accounts/<int:user_pk>/roles/add/", views.role_create, name="role_create"),
    path("accounts/<int:user_pk>/roles/<int:role_pk>/delete/", views.role_delete, name="role_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/done/", views.import_done, name="import_done"),
    path("import/template.xlsx", views.import_template_view, name="import_template"),
]
