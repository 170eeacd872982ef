"""The branch profile page (支部概况): what the drafts say about the unit in its own words.

Writers of the branch edit it; reviewers above read it (the same page, read-only). A change
renews the branch's figures version, so every draft reads the new words at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from activities.periods import period_range
from branchwork import access
from branchwork.periods import PeriodRange

from . import services
from .forms import BranchProfileForm, ProfileYearForm, StandingWorkFormSet
from .profile import profile_rows


def _year(value: str | None, within: PeriodRange) -> tuple[int, str]:
    """The year whose goals are shown — ``?year=`` (or the form's) when the year menu offers it,
    else this year — and a message when the value was refused."""
    today = within.today
    if not value:
        return today.year, ""
    try:
        year = int(value)
    except ValueError:
        return today.year, f"无法识别的年度“{value}”，已显示{today.year}年。"
    if year in within.years():
        return year, ""
    return today.year, f"可选的年度为{within.label}，已显示{today.year}年。"


@login_required
@require_http_methods(["GET", "POST"])
def branch_profile(request, code):
    branch = access.branch_for_user(request.user, code, write=request.method == "POST")
    can_write = access.can_write_branch(request.user, branch)
    params = request.POST if request.method == "POST" else request.GET
    periods = period_range(branch, timezone.localdate())
    year, year_error = _year(params.get("year"), periods)
    if year_error:
        messages.warning(request, year_error)
    profile, year_row = profile_rows(branch=branch, year=year)
    data = request.POST if request.method == "POST" else None
    profile_form = BranchProfileForm(data, instance=profile)
    year_form = ProfileYearForm(data, instance=year_row, prefix="year")
    standing = StandingWorkFormSet(data, instance=branch, prefix="standing")

    if data is not None:
        if profile_form.is_valid() and year_form.is_valid() and standing.is_valid():
            services.profile_save(
                branch=branch,
                by=request.user,
                profile_form=profile_form,
                year_form=year_form,
                standing_formset=standing,
            )
            messages.success(request, "已保存支部概况。新撰写或重新汇总的总结将按此行文。")
            return redirect(f"{reverse('reports:branch_profile', args=[branch.code])}?year={year}")
        messages.error(request, "有内容需要修改，尚未保存。您填写的内容都保留在下方。")
    elif not can_write:
        for form in (profile_form, year_form, *standing.forms):
            for field in form.fields.values():
                field.disabled = True

    return render(
        request,
        "reports/branch_profile.html",
        {
            "branch": branch,
            "can_write": can_write,
            "year": year,
            "years": periods.years(),
            "profile_form": profile_form,
            "year_form": year_form,
            "standing": standing,
        },
        status=400 if data is not None else 200,
    )
