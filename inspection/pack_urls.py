from django.urls import path

from . import pack_views

# Included by inspection/urls.py (app_name "inspection"), under /inspection/.
urlpatterns = [
    path("b/<slug:code>/pack/", pack_views.pack_page, name="pack"),
    path("b/<slug:code>/pack/download.<slug:fmt>", pack_views.pack_download, name="pack_download"),
]
