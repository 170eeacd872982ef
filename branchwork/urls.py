from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import org_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("b/<slug:code>/members/", include("branchwork.roster_urls")),
    path("o/<slug:code>/manage/", include("branchwork.org_urls")),
    path("setup/", org_views.setup, name="setup"),
    path("", include("activities.urls")),
    path("", include("reports.urls")),
    path("", include("branchwork.audit.urls")),
    path("", include("notifications.urls")),
    path("inspection/", include("inspection.urls")),
]
