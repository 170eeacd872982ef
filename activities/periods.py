"""The periods a page offers and accepts: from the earliest record the user can see to today.

A branch entering last years' records, or a reviewer looking for an older report, chooses the
period from the menu rather than typing ``?period=`` into the address bar; the same range decides
which ``?period=`` the server accepts (``branchwork.periods.PeriodRange``), so the two never
disagree. The earliest date is one query; a branch's is cached at its figures version (a new or
re-dated record renews it), so the branch pages cached by that version cost nothing more, and
a reviewer's menu costs one narrow query of the branches below once their dates are cached.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import OuterRef, Subquery

from branchwork.figures import BranchVersion, branch_versions, cached_figures_of_branches
from branchwork.models import Organisation
from branchwork.periods import PeriodRange

from .models import Activity, PublicityEntry


def first_record_dates(branches: Sequence[Organisation | BranchVersion]) -> dict[int, datetime.date | None]:
    """Branch id → the date of its earliest record (meeting or activity, or publicity piece), or
    ``None``. From the cache at the branches' current figures versions (a new or re-dated record
    renews them; ``cached_figures_of_branches``); the rest in one aggregate query, and cached."""
    return cached_figures_of_branches("first-record", branches, (), _first_record_dates)


def _first_record_dates(branches: Sequence[Organisation | BranchVersion]) -> dict[int, datetime.date | None]:
    dates: dict[int, datetime.date | None] = {branch.pk: None for branch in branches}
    # One index lookup per branch and table (the earliest row of its (branch, date) index), not
    # a MIN over all their records: at 300 branches ≈ 3 ms instead of ≈ 45 ms.
    firsts = Organisation.objects.filter(pk__in=list(dates)).values_list(
        "pk",
        *(
            Subquery(model.objects.filter(branch_id=OuterRef("pk")).order_by("date").values("date")[:1])
            for model in (Activity, PublicityEntry)
        ),
    )
    for pk, *earliest in firsts:
        dates[pk] = min((day for day in earliest if day is not None), default=None)
    return dates


def first_record_date(organisation: Organisation) -> datetime.date | None:
    """The date of the earliest record of the branch, or of any branch below a 党总支 or 党委
    (closed ones included: their records stay readable); ``None`` when there is none."""
    if organisation.is_branch:
        branches = [organisation]
    else:
        branches = branch_versions(Organisation.objects.below(organisation).branches())
    dates = [day for day in first_record_dates(branches).values() if day is not None]
    return min(dates, default=None)


def period_range(organisation: Organisation, today: datetime.date) -> PeriodRange:
    """The periods the organisation's menus offer and its pages accept, as of ``today``."""
    return PeriodRange.since(first_record_date(organisation), today)
