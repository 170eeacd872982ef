"""Downloads of the printed meeting records (会议记录) and of the 三会一课 ledger as a PDF. Views
only find what the user may see (``branchwork.access``) and serve what ``reports.minutes``
renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from activities.kinds import kinds_in
from activities.pages import period_from_request
from branchwork import access
from branchwork.downloads import file_download

from .files import ReportFile
from .minutes import (
    MEETING_LEDGER,
    TooManyRecords,
    meeting_ledger_render,
    minutes_book_render,
    minutes_queryset,
    minutes_render,
)
from .minutes_renderers import BOOK_RENDERERS, MINUTES_RENDERERS


def _back_to_ledgers(branch, period) -> HttpResponse:
    return redirect(f"{reverse('activities:ledger_index', args=[branch.code])}?period={period.code}")


def _download(rendered: ReportFile) -> HttpResponse:
    return file_download(rendered.file, filename=rendered.filename, content_type=rendered.content_type)


@login_required
@require_GET
def minutes_download(request, code, pk, fmt):
    branch = access.branch_for_user(request.user, code)
    activity = get_object_or_404(minutes_queryset(branch), pk=pk)
    if fmt not in MINUTES_RENDERERS:
        raise Http404("没有这种格式")
    return _download(minutes_render(activity=activity, fmt=fmt))


@login_required
@require_GET
def minutes_book_download(request, code, fmt):
    branch = access.branch_for_user(request.user, code)
    period = period_from_request(request, timezone.localdate())
    if fmt not in BOOK_RENDERERS:
        raise Http404("没有这种格式")
    try:
        return _download(minutes_book_render(branch=branch, period=period, fmt=fmt))
    except TooManyRecords as error:
        messages.error(request, str(error))
        return _back_to_ledgers(branch, period)


@login_required
@require_GET
def ledger_pdf(request, code, name):
    branch = access.branch_for_user(request.user, code)
    period = period_from_request(request, timezone.localdate())
    kind = request.GET.get("kind", "")
    if name != MEETING_LEDGER or (kind and kind not in {k.code for k in kinds_in(MEETING_LEDGER)}):
        raise Http404("没有这种台账的打印版")
    try:
        return _download(meeting_ledger_render(branch=branch, period=period, kind=kind))
    except TooManyRecords as error:
        messages.error(request, str(error))
        return _back_to_ledgers(branch, period)
