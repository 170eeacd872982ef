from django.urls import include, path

app_name = "inspection"
urlpatterns = [
    path("", include("inspection.pack_urls")),
]
