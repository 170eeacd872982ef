"""Views of the Excel ledgers (台账) a branch downloads for a period, and of the Excel imports of
its records and publicity. Every branch is loaded through ``branchwork.access``; the workbooks are
made in ``activities.ledgers`` and read in ``activities.ledger_imports``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from branchwork import access
from branchwork.spreadsheets import xlsx_response

from .kinds import KINDS
from .ledger_forms import LedgerImportForm
from .ledger_imports import (
    IMPORT_TYPES,
    import_template,
    import_template_filename,
    meetings_import,
    publicity_import,
)
from .ledgers import available_ledgers, ledger_file, ledger_filename, ledger_part
from .pages import MAX_IDS_IN_URL, period_from_request, period_select
from .periods import period_range


@login_required
@require_GET
def ledger_index(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    periods = period_range(branch, today)
    period = period_from_request(request, today, periods)
    ledgers = available_ledgers()
    kinds_by_ledger = {info.name: [KINDS[c] for c in info.kinds] for info in ledgers}
    return render(
        request,
        "activities/ledger_index.html",
        {
            "branch": branch,
            "ledgers": [(info, kinds_by_ledger[info.name]) for info in ledgers],
            "can_write": access.can_write_branch(request.user, branch),
            **period_select(period, periods),
        },
    )


@login_required
@require_GET
def ledger_export_view(request, code, name):
    branch = access.branch_for_user(request.user, code)
    period = period_from_request(request, timezone.localdate())
    try:
        name = ledger_part(name, request.GET.get("kind", ""))
        content = ledger_file(branch=branch, period=period, name=name)
    except KeyError:
        raise Http404("没有这种台账") from None
    return xlsx_response(content, ledger_filename(branch=branch, period=period, name=name))


@login_required
@require_GET
def import_template_view(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    kind = request.GET.get("type", "meetings")
    if kind not in IMPORT_TYPES:
        raise Http404("没有这种导入模板")
    return xlsx_response(import_template(branch=branch, type=kind), import_template_filename(branch=branch, type=kind))


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request, code):
    branch = access.branch_for_user(request.user, code, write=True)
    initial_type = request.GET.get("type") if request.GET.get("type") in IMPORT_TYPES else "meetings"
    form = LedgerImportForm(request.POST or None, request.FILES or None, initial={"type": initial_type})
    result = None
    if request.method == "POST" and form.is_valid():
        importer = meetings_import if form.cleaned_data["type"] == "meetings" else publicity_import
        result = importer(branch=branch, file=form.cleaned_data["file"], by=request.user)
        if result.ok:
            # Show what was imported, when the list of ids fits in a URL.
            ids = ",".join(str(pk) for pk in result.created_ids)
            suffix = f"?ids={ids}" if result.created <= MAX_IDS_IN_URL else ""
            if form.cleaned_data["type"] == "meetings":
                messages.success(request, f"已导入{result.created}条记录")
                return redirect(reverse("activities:activity_list", args=[branch.code]) + suffix)
            messages.success(request, "；".join([f"已导入{result.created}条新闻宣传稿件", *result.notes]))
            return redirect(reverse("activities:publicity_list", args=[branch.code]) + suffix)
    return render(
        request,
        "activities/ledger_import.html",
        {"branch": branch, "form": form, "result": result},
    )
