"""When a branch's figures change, so that computed figures and pages can be cached safely.

Every branch carries ``figures_version``, a fresh UUID written whenever anything its figures,
calendar or ledgers are computed from changes: its records (and the kinds they count as, their
attendance and attachments), its publicity, roster and party groups, and the rules, outlets and
names of the organisations above it. Cached figures are keyed by the version, so a change makes
every cached copy unreachable at once, in every process sharing the cache — nothing has to be
deleted, and a copy computed from rolled-back data can never be found again.

The version is written in the same transaction as the change: a reader sees the new version only
together with the new data. Writes through the ORM's ``save``/``delete`` are caught by the signal
receivers below; code that writes in bulk (``bulk_create``, ``bulk_update``, ``QuerySet.update``)
calls ``figures_changed`` itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import QuerySet

from .models import Organisation

# A cached copy outlives its version only by this long; versions make it unreachable before.
FIGURES_CACHE_SECONDS = 6 * 60 * 60


def figures_changed(
    *,
    branch_ids: Iterable[int] | QuerySet = (),
    below: Organisation | None = None,
    everywhere: bool = False,
) -> None:
    """Give new figure versions to the branches ``branch_ids`` (ids, or a queryset of ids), to
    every organisation ``below`` one (itself included), or ``everywhere`` (a system-wide rule)."""
    organisations = Organisation.objects.all()
    if below is not None:
        organisations = organisations.below(below)
    elif isinstance(branch_ids, QuerySet):
        organisations = organisations.filter(pk__in=branch_ids)
    elif not everywhere:
        ids = {pk for pk in branch_ids if pk is not None}
        if not ids:
            return
        organisations = organisations.filter(pk__in=ids)
    organisations.update(figures_version=uuid.uuid4())


def figures_key(name: str, branch: Organisation, *parts) -> str:
    """A cache key for something computed from ``branch``'s figures at its current version."""
    return ":".join(["figures", name, str(branch.pk), branch.figures_version.hex, *map(str, parts)])


def cached_figures(name: str, branch: Organisation, parts: tuple, compute):
    """``compute()`` for ``branch`` at its current figures version, from the cache when there."""
    key = figures_key(name, branch, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_CACHE_SECONDS)
    return value
