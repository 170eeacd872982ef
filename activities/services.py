"""Workflows on records: creating and changing activities keeps the kinds they count as in step."""

from collections.abc import Iterable

from .models import Activity, ActivityKind


def activity_set_kinds(*, activity: Activity, also_counts_as: Iterable[str] = ()) -> None:
    """Make the record count as its own kind plus ``also_counts_as`` (a meeting held as several)."""
    wanted = {activity.kind, *also_counts_as}
    existing = set(activity.counted_kinds.values_list("kind", flat=True))
    if existing - wanted:
        activity.counted_kinds.filter(kind__in=existing - wanted).delete()
    ActivityKind.objects.bulk_create([ActivityKind(activity=activity, kind=code) for code in wanted - existing])
