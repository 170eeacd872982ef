"""操作日志 pages: a branch's own log, and the log of everything below a reviewed organisation.

Who sees what follows ``branchwork.access``: a branch's log is readable by whoever may read the
branch (its secretary and committee members, reviewers above it, administrators); the log of an
organisation by its reviewers and administrators. Anyone else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.views.decorators.http import require_GET

from branchwork.access import branch_for_user, log_scope_for_user
from branchwork.models import Organisation

from .display import describe
from .forms import AuditFilterForm
from .models import AuditEntry

PAGE_SIZE = 30


def _filtered(entries: QuerySet, form: AuditFilterForm) -> QuerySet:
    content_type = form.content_type()
    if content_type is not None:
        entries = entries.filter(content_type=content_type)
    return entries


def _page(request, entries: QuerySet):
    entries = entries.select_related("actor", "content_type", "organisation").order_by("-timestamp", "-pk")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, [describe(entry) for entry in page.object_list]


@login_required
@require_GET
def branch_log(request, code):
    branch = branch_for_user(request.user, code)
    form = AuditFilterForm(request.GET or None)
    page, rows = _page(request, _filtered(AuditEntry.objects.filter(organisation=branch), form))
    return render(
        request,
        "audit/entry_list.html",
        {
            "branch": branch,
            "scope": branch,
            "form": form,
            "page": page,
            "rows": rows,
            "show_organisation": False,
        },
    )


@login_required
@require_GET
def organisation_log(request, code):
    organisation, administering = log_scope_for_user(request.user, code)
    below = Organisation.objects.below(organisation)
    branches = below.branches().order_by("path")
    form = AuditFilterForm(request.GET or None, branches=branches)
    entries = AuditEntry.objects.filter(organisation__in=below.values("pk"))
    branch_code = form.branch_code()
    if branch_code:
        entries = entries.filter(organisation__code=branch_code)
    page, rows = _page(request, _filtered(entries, form))
    return render(
        request,
        "audit/entry_list.html",
        {
            "organisation": organisation,
            "scope": organisation,
            "form": form,
            "page": page,
            "rows": rows,
            "show_organisation": True,
            "administering": administering,
        },
    )
