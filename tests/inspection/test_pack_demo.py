"""The pack of the demo branch kl for 2022H1 (the issue's measure): every record of the period is in
it exactly once, under the right item or, where no item names its kind, in the appendix
「附　其他工作记录」 — compared with the records read straight from the tables."""

import datetime
from collections import Counter, defaultdict

import pytest

from activities.kinds import KINDS, Category
from activities.models import Activity, ActivityKind
from branchwork.models import Organisation
from branchwork.periods import Period
from demo.inspection import seed_inspection
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


def assert_every_record_once(pack, kl) -> None:
    """Every record of the period is printed in the pack exactly once: filed under the items, or
    else in the appendix, which holds only what no item filed."""
    expected = {f"record-{pk}" for pk in period_records(kl).values_list("pk", flat=True)}
    printed = [record.key for record in pack.records()]
    assert len(printed) == len(set(printed)) and set(printed) == expected
    filed = {key for item in pack.numbered_items for key in item.keys if key.startswith("record-")}
    appendix = [item for item in pack.items if item.appendix]
    assert len(appendix) <= 1 and pack.items[len(pack.numbered_items):] == tuple(appendix)
    in_appendix = list(appendix[0].keys) if appendix else []
    assert len(in_appendix) == len(set(in_appendix)) and not filed & set(in_appendix)
    assert filed | set(in_appendix) == expected


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
    assert_every_record_once(pack, kl)
    assert pack.numbered_items == pack.items  # every record has its category: no appendix


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
    assert_every_record_once(pack, kl)
    assert pack.numbered_items == pack.items  # an item for every kind: no appendix


def test_with_the_shipped_example_the_records_it_does_not_name_are_in_the_appendix(kl):
    seed_inspection()
    pack = pack_build(branch=kl, period=H1, today=TODAY)
    assert pack.standard_title
    assert_every_record_once(pack, kl)
    *items, appendix = pack.items
    assert appendix.code == "附" and appendix.title == "其他工作记录"
    named = {code for item in items for code in item.keys if code.startswith("record-")}
    unnamed = period_records(kl).exclude(pk__in=[int(key.removeprefix("record-")) for key in named])
    assert appendix.keys == tuple(f"record-{pk}" for pk in unnamed.order_by("date", "start_time", "pk").values_list("pk", flat=True))
    # What the example's items do not name: three 督导检查 (监督检查), two 试用期满, a 纪念活动, a 纪检工作会议.
    kinds = Counter(KINDS[kind].label for kind in unnamed.values_list("kind", flat=True))
    assert kinds == {"监督检查": 3, "管理人员试用期满": 2, "纪念活动": 1, "纪检工作会议": 1}
    assert appendix.note == "本期另有以下7份工作记录未对应考核细则的具体项目，按日期排列，附此备查。"
