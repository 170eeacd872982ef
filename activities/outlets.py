"""The outlet registry (宣传媒体名录): what a new organisation starts with, and what a branch sees.

An organisation's outlets serve every branch below it; a branch may register outlets of its own
(its unit's WeChat account, a local paper its superiors never listed), so that no branch is ever
kept from recording its news. Its superiors see those outlets in their own registry page.

A new 党委 or 党总支 starts with ``DEFAULT_OUTLETS``: the kinds of outlet a unit's publicity
appears in — its own website and WeChat account, its superior department's and trade press, the
central, provincial and local media — named so that an organisation recognises them and renames
them to its own (省级党报 → 甘肃日报). Outlets already registered above are not registered again,
so the branches below never see one outlet twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from branchwork.audit.services import audit_bulk_created
from branchwork.figures import figures_changed
from branchwork.models import Organisation

from .models import Outlet

L, U = Outlet.Level, Outlet.Unit
OWN_SITE = "{unit}网站和微信公众号"
# In the order a report lists them (the reference's: trade, central, provincial, local).
DEFAULT_OUTLETS: tuple[tuple[str, str, str], ...] = (
    (OWN_SITE, L.INDUSTRY, U.PIECE),
    ("上级主管部门网站和微信公众号", L.INDUSTRY, U.PIECE),
    ("行业报刊", L.INDUSTRY, U.PIECE),
    ("人民网", L.CENTRAL, U.TIMES),
    ("新华网", L.CENTRAL, U.TIMES),
    ("中央广播电视总台", L.CENTRAL, U.TIMES),
    ("学习强国学习平台", L.CENTRAL, U.PIECE),
    ("省级党报", L.PROVINCIAL, U.PIECE),
    ("省级广播电视台", L.PROVINCIAL, U.TIMES),
    ("省级新闻网站和客户端", L.PROVINCIAL, U.TIMES),
    ("市县级媒体", L.LOCAL, U.PIECE),
)
SORT_STEP = 10
PARTY_SUFFIXES = ("党总支", "党委", "党支部")


def unit_name(organisation: Organisation) -> str:
    """The unit a party organisation belongs to, as its website is named: 省高速公路处党总支 → 省高速公路处."""
    for suffix in PARTY_SUFFIXES:
        stem = organisation.name.removesuffix(suffix)
        if stem != organisation.name and stem:
            return stem
    return organisation.name


def outlets_seed_defaults(*, organisation: Organisation) -> list[Outlet]:
    """Give a 党委 or 党总支 the default registry: every outlet of ``DEFAULT_OUTLETS`` that neither
    it nor an organisation above it has registered by that name (its own website always, as it
    is its own). Call it when an organisation is created; calling it again adds only what is
    missing. Branches get nothing: they use their superiors' registry and add their own.
    Returns the outlets created."""
    return outlets_seed_defaults_for(organisations=[organisation])


def outlets_seed_defaults_for(*, organisations: Iterable[Organisation]) -> list[Outlet]:
    """``outlets_seed_defaults`` for several organisations at once (a workbook's new 党委 and
    党总支), parents before children, in a fixed number of queries."""
    organisations = sorted((org for org in organisations if not org.is_branch), key=lambda org: org.path)
    if not organisations:
        return []
    with transaction.atomic():
        names: dict[int, set[str]] = defaultdict(set)
        last: dict[int, int] = defaultdict(int)
        lineage = {pk for org in organisations for pk in org.lineage_ids}
        for org_id, name, order in Outlet.objects.filter(organisation_id__in=lineage).values_list(
            "organisation_id", "name", "sort_order"
        ):
            names[org_id].add(name)
            last[org_id] = max(last[org_id], order)
        created = []
        for organisation in organisations:
            taken = set().union(*(names[pk] for pk in organisation.lineage_ids))
            for template, level, unit in DEFAULT_OUTLETS:
                name = template.format(unit=unit_name(organisation)[:90])
                if name in taken:
                    continue
                taken.add(name)
                names[organisation.pk].add(name)
                last[organisation.pk] += SORT_STEP
                created.append(
                    Outlet(organisation=organisation, name=name, level=level, unit=unit, sort_order=last[organisation.pk])
                )
        if created:
            created = Outlet.objects.bulk_create(created)
            audit_bulk_created(objects=created)
            # bulk_create sends no post_save: renew the figures below each topmost organisation.
            tops = [org for org in organisations if not any(o.contains(org) and o is not org for o in organisations)]
            for top in tops:
                figures_changed(below=top)
    return created


def organisations_without_outlets() -> list[Organisation]:
    """The 党委 and 党总支 under which no branch can choose an outlet yet: nothing is registered
    at them, above them or below them. Topmost first; seeding one of them covers those below."""
    registering = list(Organisation.objects.filter(outlets__isnull=False).distinct())
    candidates = Organisation.objects.exclude(level=Organisation.Level.BRANCH).order_by("path")
    chosen: list[Organisation] = []
    for organisation in candidates:
        if any(top.contains(organisation) for top in chosen):
            continue  # covered by the registry seeded above it
        near = any(organisation.contains(other) or other.contains(organisation) for other in registering)
        if not near:
            chosen.append(organisation)
    return chosen


def next_sort_order(organisation: Organisation) -> int:
    """After every outlet the organisation's branches see now (its own and those above), so a new
    one is listed last in reports."""
    above = Outlet.objects.filter(organisation_id__in=organisation.lineage_ids)
    last = above.aggregate(last=Max("sort_order"))["last"] or 0
    return (last // SORT_STEP + 1) * SORT_STEP  # a round number after the last


def next_own_sort_order(organisation: Organisation) -> int:
    """After the organisation's own outlets: what a 党总支 or 党委 adds to its registry comes last in it."""
    last = Outlet.objects.filter(organisation=organisation).aggregate(last=Max("sort_order"))["last"]
    return (last or 0) + SORT_STEP


# A registry page lists the outlets the branches below registered themselves up to this many.
BRANCH_OUTLETS_SHOWN = 200


@dataclass
class OutletRegistry:
    """A 党总支's or 党委's registry page: its own outlets, those of the organisations above it,
    and what the branches below registered for themselves (their superiors see where their news
    went), the first ``BRANCH_OUTLETS_SHOWN`` of them."""

    own: list[Outlet]
    inherited: list[Outlet]
    of_branches: list[Outlet]
    more_of_branches: bool
    defaults: list[str]  # the names ``DEFAULT_OUTLETS`` would register here


def outlet_registry(*, organisation: Organisation) -> OutletRegistry:
    of_branches = list(
        Outlet.objects.below(organisation).filter(organisation__level=Organisation.Level.BRANCH)
        .select_related("organisation")
        .order_by("organisation__path", "sort_order", "pk")[: BRANCH_OUTLETS_SHOWN + 1]
    )
    return OutletRegistry(
        own=list(Outlet.objects.filter(organisation=organisation)),
        inherited=list(Outlet.objects.filter(organisation_id__in=organisation.ancestor_ids).select_related("organisation")),
        of_branches=of_branches[:BRANCH_OUTLETS_SHOWN],
        more_of_branches=len(of_branches) > BRANCH_OUTLETS_SHOWN,
        defaults=[name.format(unit=unit_name(organisation)) for name, _level, _unit in DEFAULT_OUTLETS],
    )


def branch_outlets(*, branch: Organisation) -> tuple[list[Outlet], list[Outlet]]:
    """The outlets a branch records its news in: (its own, those of the organisations above). One query."""
    outlets = list(Outlet.objects.in_force_for(branch).select_related("organisation").order_by("sort_order", "pk"))
    own = [outlet for outlet in outlets if outlet.organisation_id == branch.pk]
    return own, [outlet for outlet in outlets if outlet.organisation_id != branch.pk]


# What a piece in an unnamed outlet is counted under: a unit's internal bulletin, a notice board…
INTERNAL_OR_OTHER = "内部刊物/其他"


def branch_outlet_named(*, branch: Organisation, name: str, level: str = L.OTHER) -> tuple[Outlet, bool]:
    """The outlet called ``name`` that the branch records its news in — the nearest registered by
    the branch or an organisation above it — or, when none is, a new outlet of the branch's own
    (listed after the others, counted in 篇), kept for the next piece. Never changes an outlet of
    the superiors. Returns the outlet and whether it was created."""
    depth = {pk: index for index, pk in enumerate(branch.lineage_ids)}
    seen = Outlet.objects.filter(organisation_id__in=depth, name=name)
    nearest = max(seen, key=lambda outlet: depth[outlet.organisation_id], default=None)
    if nearest is not None:
        return nearest, False
    with transaction.atomic():
        return Outlet.objects.get_or_create(
            organisation=branch,
            name=name,
            defaults={"level": level, "unit": U.PIECE, "sort_order": next_sort_order(branch)},
        )
