"""The supporting-material pack (支撑材料) of a branch: its contents with the gaps (「暂无材料」)
and its downloads, the PDF and the ZIP of the originals. Views only find what the user may read
(``branchwork.access``: outside the user's branches, 404) and serve what ``inspection.pack`` builds
and renders. Both are GETs: they run in autocommit and hold no lock while the pack renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from activities.pages import period_from_request, period_select
from activities.periods import period_range
from branchwork import access
from branchwork.downloads import file_download

from .pack import PackTooLarge, pack_model, pack_render, render_problem
from .pack_renderers import PACK_RENDERERS


@login_required
@require_GET
def pack_page(request, code):
    branch = access.branch_for_user(request.user, code)
    today = timezone.localdate()
    periods = period_range(branch, today)
    period = period_from_request(request, today, periods)
    try:
        pack, problem = pack_model(branch=branch, period=period, today=today), ""
    except PackTooLarge as error:
        pack, problem = None, str(error)
    downloads, contents = [], []
    if pack is not None:
        downloads = [(renderer, render_problem(pack, fmt)) for fmt, renderer in PACK_RENDERERS.items()]
        first = pack.first_item_of()
        contents = [(item, [(pack.materials[key], first[key]) for key in item.keys]) for item in pack.items]
    return render(
        request,
        "inspection/pack.html",
        {
            "branch": branch,
            "pack": pack,
            "problem": problem,
            "downloads": downloads,
            "contents": contents,
            "gaps": [item for item in pack.numbered_items if item.empty] if pack else [],
            "appendix": next((item for item in pack.items if item.appendix), None) if pack else None,
            **period_select(period, periods),
        },
    )


@login_required
@require_GET
def pack_download(request, code, fmt):
    branch = access.branch_for_user(request.user, code)
    if fmt not in PACK_RENDERERS:
        raise Http404("没有这种格式")
    period = period_from_request(request, timezone.localdate())
    try:
        rendered = pack_render(branch=branch, period=period, fmt=fmt, today=timezone.localdate())
    except PackTooLarge as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('inspection:pack', args=[branch.code])}?period={period.code}")
    return file_download(rendered.file, filename=rendered.filename, content_type=rendered.content_type)

