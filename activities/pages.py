"""What the branch home and the record list show, as objects computed part by part on first use.

The pages render these inside ``{% cache_figures %}`` fragments keyed by the branch's figures
version (``branchwork.figures``): when the fragment is cached, nothing here is computed and no
query runs — which is most requests, since records change far less often than they are read.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, QueryDict

from branchwork.models import Organisation
from branchwork.periods import Period, PeriodRange, period_from_query

from . import evidence
from .compliance import Calendar, branch_calendar
from .forms import ActivityFilterForm, parse_ids
from .kinds import KINDS, Category, Kind, kinds_in
from .models import Activity, ActivityKind, Outlet, PublicityEntry
from .periods import period_range
from .publicity_forms import PublicityFilterForm
from .quorum import short_of_quorum
from .selectors import publicity_totals

PAGE_SIZE = 25
PUBLICITY_PAGE_SIZE = 20
MAX_IDS_IN_URL = 200


def period_from_request(
    request: HttpRequest, today: datetime.date, within: PeriodRange | None = None
) -> Period:
    """The period named by ``?period=`` (see ``period_from_query``), with a message when unreadable
    or outside ``within``, the periods the page's menu offers."""
    period, error = period_from_query(request.GET, today, within)
    if error:
        messages.warning(request, error)
    return period


def period_select(period: Period, within: PeriodRange) -> dict:
    """The period menu's context: the period shown, and the menu's choices grouped by year."""
    return {"period": period, "period_choices": within.choices()}


def branch_records(branch: Organisation):
    return Activity.objects.for_branch(branch)


@dataclass(frozen=True)
class HomePanel:
    """A box another app shows on the branch home page beside the records: its template and the
    data it shows (the template takes data only; it queries nothing)."""

    template: str
    data: object


# Boxes other apps add to the branch home page (the reports app: the branch's reports). Each is a
# callable ``(*, branch, period, today, can_write) -> HomePanel | None``, registered by its app
# when it is ready, so this app imports none of them.
BRANCH_HOME_PANELS: list[Callable[..., HomePanel | None]] = []


def register_branch_home_panel(panel: Callable[..., HomePanel | None]) -> Callable[..., HomePanel | None]:
    BRANCH_HOME_PANELS.append(panel)
    return panel


def branch_home_panels(*, branch: Organisation, period: Period, today: datetime.date, can_write: bool) -> list[HomePanel]:
    panels = (panel(branch=branch, period=period, today=today, can_write=can_write) for panel in BRANCH_HOME_PANELS)
    return [panel for panel in panels if panel is not None]


def with_details(queryset):
    # Aggregates drop Meta.ordering, so the order is stated again.
    return evidence.with_evidence(queryset).select_related("party_group", "speaker").order_by("-date", "-pk")


def with_dependants(queryset):
    """Each record with ``n_attendance`` and ``n_attachments``: what deleting it deletes with it."""
    return queryset.annotate(n_attendance=Count("attendance", distinct=True), n_attachments=Count("attachments", distinct=True))


class BranchOverview:
    """The branch home page for a period: meetings by kind, what lacks evidence, what was held
    without quorum, and the compliance calendar."""

    def __init__(self, *, branch: Organisation, period: Period, today: datetime.date):
        self.branch, self.period, self.today = branch, period, today

    @cached_property
    def _in_period(self):
        return branch_records(self.branch).in_period(self.period)

    @cached_property
    def kind_counts(self) -> list[tuple[str, list[tuple[Kind, int]]]]:
        """(category label, [(kind, records counted as it)]) in the registry's order."""
        counts = Counter(
            dict(
                # The copies of branch and date on ActivityKind: no join with the records.
                ActivityKind.objects.filter(branch=self.branch, date__range=(self.period.start, self.period.end))
                .values_list("kind")
                .annotate(n=Count("activity_id"))
                .values_list("kind", "n")
            )
        )
        return [
            (label, [(kind, counts.get(kind.code, 0)) for kind in kinds_in(category)])
            for category, label in Category.LABELS.items()
            if kinds_in(category)
        ]

    @cached_property
    def records(self) -> list[Activity]:
        return list(with_details(self._in_period))

    @property
    def total(self) -> int:
        return len(self.records)

    @cached_property
    def lacking(self) -> list[tuple[Activity, list]]:
        """(record, missing evidence items) for every record of the period lacking any."""
        missing = [(activity, evidence.missing(activity)) for activity in self.records]
        return [(activity, items) for activity, items in missing if items]

    @cached_property
    def _short_ids(self) -> set[int]:
        return short_of_quorum(self.records)

    @cached_property
    def short(self) -> list[Activity]:
        return [activity for activity in self.records if activity.pk in self._short_ids]

    @cached_property
    def calendar(self) -> Calendar:
        return branch_calendar(
            branch=self.branch, period=self.period, today=self.today, short_of_quorum_ids=self._short_ids
        )


class RecordListing:
    """The record list filtered by the query string ``params`` (the filter form's fields, or
    ``ids`` from a report figure), one page of it."""

    def __init__(self, *, branch: Organisation, params: QueryDict, today: datetime.date):
        self.branch = branch
        self.page_number = params.get("page")
        self.params = params.copy()
        self.params.pop("page", None)
        self.today = today

    @property
    def filtered(self) -> bool:
        return bool(self.params)

    @cached_property
    def form(self) -> ActivityFilterForm:
        form = ActivityFilterForm(self.params or None, within=period_range(self.branch, self.today))
        if form.is_bound:
            form.is_valid()
        return form

    @cached_property
    def _cleaned(self) -> dict:
        return getattr(self.form, "cleaned_data", {})

    @property
    def ids(self) -> list[int]:
        return self._cleaned.get("ids") or []

    @property
    def kind(self) -> Kind | None:
        return KINDS.get(self._cleaned.get("kind") or "")

    @cached_property
    def page(self) -> Page:
        records = branch_records(self.branch)
        if self.form.is_bound:
            records = self.form.filter(records)
        return Paginator(with_details(records), PAGE_SIZE).get_page(self.page_number)

    @cached_property
    def rows(self) -> list[tuple[Activity, list, int | None]]:
        """(record, missing evidence, attendance rate) for the page's records."""
        return [(activity, evidence.missing(activity), evidence.attendance_rate(activity)) for activity in self.page]


class PublicityListing:
    """The publicity list: the entries of a period (the current half-year unless the filter
    says otherwise), of an outlet, between dates, or the ``ids`` behind a report figure; totals
    per outlet; one page."""

    def __init__(self, *, branch: Organisation, params: QueryDict, today: datetime.date):
        self.branch, self.params, self.today = branch, params, today
        self.ids = parse_ids(params.get("ids", ""))[:MAX_IDS_IN_URL]

    @cached_property
    def form(self) -> PublicityFilterForm:
        return PublicityFilterForm(
            self.params or None,
            branch=self.branch,
            today=self.today,
            within=period_range(self.branch, self.today),
        )

    @cached_property
    def _filtered(self) -> tuple[QuerySet, Period | None]:
        entries = PublicityEntry.objects.for_branch(self.branch).select_related("outlet")
        form = self.form
        if self.ids:
            return entries.filter(pk__in=self.ids), None
        if form.is_bound and not form.is_valid():
            return entries.none(), None
        data = form.cleaned_data if form.is_bound else {}
        if data.get("outlet"):
            entries = entries.filter(outlet=data["outlet"])
        if data.get("date_from") or data.get("date_to"):
            if data.get("date_from"):
                entries = entries.filter(date__gte=data["date_from"])
            if data.get("date_to"):
                entries = entries.filter(date__lte=data["date_to"])
            if data.get("period") and data["period"] != "all":
                period = Period.parse(data["period"])
                return entries.in_period(period), period
            return entries, None
        if data.get("period") == "all":
            return entries, None
        period = Period.parse(data["period"]) if data.get("period") else Period.containing(self.today)
        return entries.in_period(period), period

    @property
    def period(self) -> Period | None:
        return self._filtered[1]

    @cached_property
    def totals(self) -> list:
        return publicity_totals(self._filtered[0])

    @property
    def grand_total(self) -> int:
        return sum(total.total for total in self.totals)

    @cached_property
    def page(self) -> Page:
        entries = self._filtered[0].order_by("-date", "-pk")
        return Paginator(entries, PUBLICITY_PAGE_SIZE).get_page(self.params.get("page"))

    @cached_property
    def has_outlets(self) -> bool:
        return Outlet.objects.in_force_for(self.branch).exists()
