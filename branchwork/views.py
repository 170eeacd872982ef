from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import access
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
@transaction.non_atomic_requests  # opening the request's transaction would fail before we can say 503
def healthz(request):
    """200 when the database answers, 503 when it does not. For load balancers; no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
