"""A person's inbox, and what the navigation bar counts on every page: unread notifications (from
the cache) and, for a reviewer, the reports waiting below each organisation they review (one
COUNT query)."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from branchwork import access
from branchwork.models import Organisation, below_q
from reports.models import Report
from reports.selectors import waiting_counted

from .models import Notification

# The services delete a user's count when it changes; a count a slow request computed from data
# older than that deletion (and stored after it) lives no longer than this.
UNREAD_CACHE_SECONDS = 60


def unread_cache_key(user: AbstractBaseUser) -> str:
    # date_joined tells apart two accounts that came to have the same id (a database restored).
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    return f"notifications:unread:{user.pk}:{joined}"


def unread_count(user: AbstractBaseUser) -> int:
    # Counted with the user when the request loaded them (``notifications.auth``): no query.
    counted = getattr(user, "unread_notifications", None)
    if counted is not None:
        return counted
    key = unread_cache_key(user)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.for_user(user).unread().count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def notifications_listed(*, user: AbstractBaseUser, only_unread: bool = False) -> QuerySet[Notification]:
    """The user's notifications (or only the unread), unread first, then newest first within each."""
    mine = Notification.objects.for_user(user)
    return (mine.unread() if only_unread else mine).select_related("report__branch").order_by(
        ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()).desc(), "-created_at", "-pk"
    )


def waiting_counts(organisations: list[Organisation]) -> dict[int, int]:
    """Organisation id → reports submitted (or resubmitted) below it, of any period. One query."""
    if not organisations:
        return {}
    totals = Report.objects.filter(status=Report.Status.SUBMITTED).aggregate(
        **{
            f"o{org.pk}": Count("pk", filter=below_q(org, via="branch") & ~Q(branch_id=org.pk))
            for org in organisations
        }
    )
    return {org.pk: totals[f"o{org.pk}"] or 0 for org in organisations}


class NavigationCounts:
    """Computed when the navigation bar first asks, once per request. Waiting counts the
    request's view has already made (``reports.selectors.waiting_counted``: a review dashboard's
    queue) are taken from it rather than counted again."""

    def __init__(self, user: AbstractBaseUser, request=None):
        self.user = user
        self.request = request

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)

    @cached_property
    def reviewed(self) -> list[tuple[Organisation, int]]:
        """The organisations the user reviews, each with its number of waiting reports."""
        organisations = access.reviewed_organisations(self.user)
        known = waiting_counted(self.request) if self.request is not None else {}
        counts = waiting_counts([org for org in organisations if org.pk not in known]) | known
        return [(org, counts[org.pk]) for org in organisations]


def navigation_counts(request) -> NavigationCounts:
    """The request's navigation counts (made on first use, then kept on the request)."""
    counts = getattr(request, "_nav_counts", None)
    if counts is None:
        counts = request._nav_counts = NavigationCounts(request.user, request)
    return counts
