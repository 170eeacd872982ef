from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import access


@login_required
def home(request):
    """Send each user to where their work is: their branch, or the organisation they review."""
    branches = access.home_branch_codes(request.user)
    reviewed = access.reviewed_organisations(request.user)
    if len(branches) == 1 and not reviewed:
        return redirect("activities:branch_home", code=branches[0])
    if reviewed and not branches and len(reviewed) == 1:
        return redirect("reports:review_dashboard", code=reviewed[0].code)
    return render(
        request,
        "branchwork/home.html",
        {"branches": access.visible_branches(request.user).select_related("parent"), "reviewed": reviewed},
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
