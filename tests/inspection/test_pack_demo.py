"""The pack of the demo branch kl for 2022H1 (the issue's measure): every record of the period is in
it, under the right item — compared with the records read straight from the tables."""

import datetime
from collections import defaultdict

import pytest

from activities.kinds import KINDS, Category
from activities.models import Activity, ActivityKind
from branchwork.models import Organisation
from branchwork.periods import Period
from demo.organisations import seed_organisations
from demo.records import seed_activities
from inspection.pack import pack_build
from tests.shared import built_once

from .factories import standard_for

H1 = Period(2022, "H1")
TODAY = datetime.date(2022, 7, 10)

pytestmark = pytest.mark.django_db


def seed() -> None:
    seed_organisations()
    seed_activities(today=datetime.date(2026, 5, 15))


_seeded = built_once(seed)


@pytest.fixture
def kl(_seeded):
    if not _seeded:
        seed()
    return Organisation.objects.select_related("parent__parent").get(code="kl")


def period_records(kl):
    return Activity.objects.filter(branch=kl, date__range=(H1.start, H1.end))


def test_without_a_standard_every_record_is_under_its_category(kl):
    pack = pack_build(branch=kl, period=H1, today=TODAY)
    expected = defaultdict(set)
    for pk, kind in period_records(kl).values_list("pk", "kind"):
        expected[Category.LABELS[KINDS[kind].category]].add(f"record-{pk}")
    held = {item.title: set(item.keys) for item in pack.items if item.title in Category.LABELS.values()}
    assert held == dict(expected)
    assert len(pack.records()) == period_records(kl).count() > 50
    # Every meeting of a kind with minutes prints its 会议记录; the others a record sheet.
    assert all((record.minutes is not None) != bool(record.sheet) for record in pack.records())


def test_with_a_standard_every_record_is_under_the_item_of_each_kind_it_counts_as(kl):
    committee = next(org for org in kl.ancestors() if org.level == Organisation.Level.COMMITTEE)
    standard_for(
        committee,
        2022,
        [{"code": f"{n}", "category": kind.label, "measure": "kind_count", "params": {"kinds": [code]}}
         for n, (code, kind) in enumerate(KINDS.items(), start=1)],
    )
    pack = pack_build(branch=kl, period=H1, today=TODAY)
    expected = defaultdict(set)
    rows = ActivityKind.objects.filter(activity__branch=kl, activity__date__range=(H1.start, H1.end))
    for pk, kind in rows.values_list("activity_id", "kind"):
        expected[KINDS[kind].label].add(f"record-{pk}")
    for pk, series_kind in period_records(kl).exclude(series_kind="").values_list("pk", "series_kind"):
        expected[KINDS[series_kind].label].add(f"record-{pk}")  # a counted series backs the kind it counts as
    held = {item.title.split("：")[0]: set(item.keys) for item in pack.items if item.keys}
    assert held == dict(expected)
    gaps = {item.title.split("：")[0] for item in pack.items if item.empty}
    assert gaps == {kind.label for kind in KINDS.values()} - set(expected)
    assert len(pack.records()) == period_records(kl).count()
