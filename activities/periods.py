"""The periods a page offers and accepts: from the earliest record the user can see to today.

A branch entering last years' records, or a reviewer looking for an older report, chooses the
period from the menu rather than typing ``?period=`` into the address bar; the same range decides
which ``?period=`` the server accepts (``branchwork.periods.PeriodRange``), so the two never
disagree. The earliest date is one query; a branch's is cached at its figures version (a new or
re-dated record renews it), so the branch pages cached by that version cost nothing more.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery

from branchwork.figures import cached_figures
from branchwork.models import Organisation
from branchwork.periods import PeriodRange

from .models import Activity, PublicityEntry

_NONE = "none"  # the cache cannot hold None (it means "not cached")


def first_record_date(organisation: Organisation) -> datetime.date | None:
    """The date of the earliest record — meeting or activity, or publicity piece — of the branch,
    or of any branch below a 党总支 or 党委; ``None`` when there is none. One query."""
    if organisation.is_branch:
        activities = Activity.objects.filter(branch=OuterRef("pk"))
        publicity = PublicityEntry.objects.filter(branch=OuterRef("pk"))
    else:
        branches = Organisation.objects.below(organisation)
        activities = Activity.objects.filter(branch__in=branches)
        publicity = PublicityEntry.objects.filter(branch__in=branches)
    row = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            first_activity=Subquery(activities.order_by("date").values("date")[:1]),
            first_publicity=Subquery(publicity.order_by("date").values("date")[:1]),
        )
        .values_list("first_activity", "first_publicity")
        .first()
    )
    dates = [day for day in row or () if day is not None]
    return min(dates) if dates else None


def period_range(organisation: Organisation, today: datetime.date) -> PeriodRange:
    """The periods the organisation's menus offer and its pages accept, as of ``today``."""
    if organisation.is_branch:
        cached = cached_figures(
            "first-record", organisation, (), lambda: first_record_date(organisation) or _NONE
        )
        first = None if cached == _NONE else cached
    else:
        first = first_record_date(organisation)
    return PeriodRange.since(first, today)
