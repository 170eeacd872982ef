from django.urls import path

from . import roster_views as views

app_name = "roster"
urlpatterns: list = []
