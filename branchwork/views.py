from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import access, health
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
