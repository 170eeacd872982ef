from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import access, health
from .accounts import issued_password_replaced
from .middleware import MUST_CHANGE_PASSWORD
from .models import Organisation


@login_required
def home(request):
    """Send each user to where their work is: their branch, the organisation they review or the
    one they administer; a superuser of a deployment not yet set up, to the setup checklist."""
    user = request.user
    branches = access.home_branch_codes(user)
    reviewed = access.reviewed_organisations(user)
    administered = access.administered_organisations(user)
    if len(branches) == 1 and not reviewed and not administered:
        return redirect("activities:branch_home", code=branches[0])
    if len(reviewed) == 1 and not branches and not administered:
        return redirect("reports:review_dashboard", code=reviewed[0].code)
    if len(administered) == 1 and not branches and not reviewed:
        return redirect("orgadmin:overview", code=administered[0].code)
    if user.is_superuser and not Organisation.objects.branches().exists():
        return redirect("setup")  # first run: no branch yet, so nothing to show but the setup
    if user.is_superuser:
        administered = list(Organisation.objects.filter(parent__isnull=True).not_closed().order_by("name"))
    return render(
        request,
        "branchwork/home.html",
        {
            "branches": access.visible_branches(user).not_closed().select_related("parent"),
            "reviewed": reviewed,
            "administered": administered,
        },
    )


@require_GET
@never_cache
@transaction.non_atomic_requests  # the probe opens (and rolls back) its own write transaction
def healthz(request):
    """200 when the database would accept a write within a second and the file storage can be
    written; 503 naming what is wrong otherwise. For load balancers; no login."""
    problems = {}
    database = health.database_problem()
    if database:
        problems["database"] = database
    storage = health.storage_problem()
    if storage:
        problems["storage"] = storage
    if problems:
        return JsonResponse({"status": "error", **problems}, status=503)
    return JsonResponse({"status": "ok"})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password guarded as the login guards the password
    (django-axes: the same failure limit and cool-off per user name and address), and the duty
    to replace an issued password ended only here, by a real change."""

    def _credentials(self) -> dict:
        return {"username": self.request.user.get_username()}

    def post(self, request, *args, **kwargs):
        if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, self._credentials()):
            return get_lockout_response(request, None, self._credentials())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            # Counted as a failed login: django-axes records it and, at the limit, sets
            # request.axes_locked_out, which its middleware turns into the lockout page.
            user_login_failed.send(sender=__name__, credentials=self._credentials(), request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        issued_password_replaced(user=form.user)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        return response
