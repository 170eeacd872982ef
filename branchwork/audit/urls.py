from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("b/<slug:code>/audit/", views.branch_log, name="branch_log"),
    path("o/<slug:code>/audit/", views.organisation_log, name="organisation_log"),
]
