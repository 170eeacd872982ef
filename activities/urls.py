from django.urls import path

from . import compliance_urls, ledger_urls, publicity_urls, rectification_urls, views

app_name = "activities"

urlpatterns: list = [
    path("b/<slug:code>/", views.branch_home, name="branch_home"),
    path("b/<slug:code>/records/", views.activity_list, name="activity_list"),
    path("b/<slug:code>/records/new/<slug:kind>/", views.activity_create, name="activity_create"),
    path("b/<slug:code>/records/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("b/<slug:code>/records/<int:pk>/edit/", views.activity_update, name="activity_update"),
    path("b/<slug:code>/records/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("b/<slug:code>/records/<int:pk>/attendance/", views.activity_attendance, name="activity_attendance"),
    path("b/<slug:code>/records/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "b/<slug:code>/records/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "b/<slug:code>/records/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("b/<slug:code>/attendance/members/<int:member_pk>/", views.member_attendance, name="member_attendance"),
    # Printed meeting records (会议记录): one record, a period's book, the 三会一课 ledger as PDF
    *compliance_urls.urlpatterns,
    *publicity_urls.urlpatterns,
    *ledger_urls.urlpatterns,
    *rectification_urls.urlpatterns,
]
