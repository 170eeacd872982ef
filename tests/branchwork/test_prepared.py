"""Prepared queries (branchwork.prepared): compiled once with stand-ins, they run exactly the SQL
and parameters the ORM compiles for the real values, and return the rows the queryset returns."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from activities import selectors
from activities.models import ActivityKind
from branchwork.models import Member, Organisation, Role
from branchwork.periods import Period
from branchwork.prepared import PreparedQuery
from reports import profile
from reports.models import BranchProfile, ProfileYear, StandingWork
from tests.factories import (
    ActivityFactory,
    BranchFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
H1 = Period.parse("2022H1")


def orm_sql(prepared: PreparedQuery, **values) -> tuple[str, tuple]:
    sql, params = prepared.build(**values).query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


@pytest.fixture
def branch(world):
    """A branch with something in every list the report's row reads."""
    branch = world.branch
    group = PartyGroupFactory(branch=branch, name="第一党小组")
    MemberFactory(branch=branch, name="张三", party_group=group)
    ActivityFactory(branch=branch, kind="study", date=D(2022, 3, 1), title="学习")
    ActivityFactory(branch=branch, kind="branch_assembly", date=D(2022, 8, 1), title="大会")
    PublicityEntryFactory(branch=branch, outlet=OutletFactory(organisation=world.general), date=D(2022, 4, 1))
    StandingWork.objects.create(branch=branch, section=2, title="党建品牌", measures="每月一次")
    ProfileYear.objects.create(branch=branch, year=2022, goals="争创先进")
    return branch


def report_row_values(branch: Organisation, period: Period) -> dict:
    return dict(
        branch_id=branch.pk, lineage_ids=tuple(branch.lineage_ids), start=period.start, end=period.end, year=period.year
    )


def test_the_reports_row_runs_the_orms_sql_and_reads_its_rows(branch):
    values = report_row_values(branch, H1)
    assert profile._REPORT_ROW.sql_and_params(**values) == orm_sql(profile._REPORT_ROW, **values)
    assert profile._REPORT_ROW.dicts(**values) == list(profile._report_row_query(**values))


def test_the_reports_row_reads_the_year_and_the_branch_asked_for(branch, world):
    """Compiled once, bound per call: another year, another branch (of another depth) each read
    their own row, as the ORM would."""
    profile._report_row(branch, H1)  # compiled for this shape
    for other, period in ((branch, Period.parse("2023H1")), (world.sibling, H1), (world.general, H1)):
        values = report_row_values(other, period)
        assert profile._REPORT_ROW.sql_and_params(**values) == orm_sql(profile._REPORT_ROW, **values)
        assert profile._REPORT_ROW.dicts(**values) == list(profile._report_row_query(**values))
    assert profile._report_row(branch, H1)["year_row__goals"] == "争创先进"
    assert profile._report_row(branch, Period.parse("2023H1"))["year_row__id"] is None


def test_the_profile_read_with_the_row_is_the_saved_one(branch):
    BranchProfile.objects.update_or_create(branch=branch, defaults={"unit_name": "kl所", "headings": {"1": "一、学习"}})
    row = profile._report_row(branch, H1)
    read, year_row = profile._profile_rows_of(branch, 2022, row)
    saved = BranchProfile.objects.get(branch=branch)
    assert [getattr(read, name) for name in profile.PROFILE_FIELDS] == [
        getattr(saved, name) for name in profile.PROFILE_FIELDS
    ]
    assert year_row.goals == "争创先进"


def test_the_period_facts_reads_match_the_orms(branch):
    kinds = dict(branch_id=branch.pk, year_start=D(2022, 1, 1), year_end=D(2022, 12, 31))
    assert selectors._YEAR_KIND_ROWS.sql_and_params(**kinds) == orm_sql(selectors._YEAR_KIND_ROWS, **kinds)
    assert selectors._YEAR_KIND_ROWS.rows(**kinds) == list(selectors._YEAR_KIND_ROWS.build(**kinds))
    assert {row[0] for row in selectors._YEAR_KIND_ROWS.rows(**kinds)} == {"study", "branch_assembly"}
    roster = dict(branch_id=branch.pk, as_of=D(2022, 6, 30))
    assert selectors._ROSTER_ROWS.sql_and_params(**roster) == orm_sql(selectors._ROSTER_ROWS, **roster)
    assert selectors._ROSTER_ROWS.dicts(**roster) == list(selectors._roster_query(**roster))
    assert [row["name"] for row in selectors._ROSTER_ROWS.dicts(**roster)] == list(
        Member.objects.filter(branch=branch).values_list("name", flat=True)
    )


def test_a_query_that_computes_with_a_value_or_leaves_one_out_is_refused():
    shifted = PreparedQuery(
        lambda day: ActivityKind.objects.filter(activity__date__gte=day + datetime.timedelta(days=1)).values_list("kind")
    )
    with pytest.raises(ValueError, match="computed"):
        shifted.rows(day=D(2022, 1, 1))
    ignored = PreparedQuery(lambda branch_id: ActivityKind.objects.filter(activity__branch_id=1).values_list("kind"))
    with pytest.raises(ValueError, match="did not use"):
        ignored.rows(branch_id=5)


def test_values_a_query_cannot_take_as_they_are_are_refused():
    prepared = PreparedQuery(lambda flag: Member.objects.filter(pk=flag).values_list("pk"))
    with pytest.raises(TypeError):
        prepared.rows(flag=True)
    with pytest.raises(TypeError):
        PreparedQuery(lambda ids: Member.objects.filter(pk__in=ids).values_list("pk")).rows(ids=())


def test_it_answers_as_the_orm_on_a_new_branch_with_nothing(world):
    empty = BranchFactory(parent=world.general, name="空支部", code="empty")
    values = report_row_values(empty, H1)
    (row,) = profile._REPORT_ROW.dicts(**values)
    assert row == next(iter(profile._report_row_query(**values)))
    assert row["report_profile__id"] is None


def test_the_period_records_are_read_as_the_orm_reads_them(branch):
    """The records ``period_facts`` reads are made as the ORM makes them: the same fields read,
    the rest deferred, the annotations on them, the speaker a member."""
    speaker = MemberFactory(branch=branch, name="李四", post=Member.Post.SECRETARY)
    ActivityFactory(branch=branch, kind="party_lecture", date=D(2022, 5, 1), title="党课", speaker=speaker)
    values = dict(branch_id=branch.pk, start=H1.start, end=H1.end)
    assert selectors._PERIOD_RECORDS.sql_and_params(**values) == orm_sql(selectors._PERIOD_RECORDS, **values)
    records = selectors._period_records(branch, H1)
    orm = list(selectors._period_records_query(**values))
    assert [tuple(getattr(r, name) for name in selectors._RECORD_ATTNAMES) for r in records] == [
        row[: len(selectors._RECORD_ATTNAMES)] for row in orm
    ]
    deferred = {field.attname for field in records[0]._meta.concrete_fields} - set(selectors._RECORD_ATTNAMES)
    assert records[0].get_deferred_fields() == deferred
    lecture = next(r for r in records if r.kind == "party_lecture")
    assert (lecture.speaker.name, lecture.speaker.post) == ("李四", Member.Post.SECRETARY)
    assert not lecture._state.adding and lecture._state.db == "default"


def test_the_report_items_read_match_the_orms(branch, world):
    """Strings are bound too: the previous period's half, and a whole year's empty one."""
    from reports import services
    from reports.judgments import _PROBLEM_ITEMS, _problem_items
    from reports.selectors import _ITEM_ATTNAMES, _ITEMS_WITH_LAST_PROBLEMS, report_items_with_last_problems

    earlier = services.report_create(branch=branch, period=Period.parse("2021H2"), by=world.secretary)
    earlier.items.create(section=5, text="学习不够深入", origin="")
    report = services.report_create(branch=branch, period=H1, by=world.secretary)
    for period in (H1, Period.parse("2022")):
        previous = period.previous()
        problems = dict(
            branch_id=branch.pk, previous_year=previous.year, previous_half=previous.half, year=period.year,
            half=period.half,
        )
        assert _PROBLEM_ITEMS.sql_and_params(**problems) == orm_sql(_PROBLEM_ITEMS, **problems)
        assert _problem_items(branch, period) == list(_PROBLEM_ITEMS.build(**problems))
    assert "学习不够深入" in [row[2] for row in _problem_items(branch, H1)]
    values = dict(branch_id=branch.pk, report_id=report.pk, previous_year=2021, previous_half="H2")
    assert _ITEMS_WITH_LAST_PROBLEMS.sql_and_params(**values) == orm_sql(_ITEMS_WITH_LAST_PROBLEMS, **values)
    items = report_items_with_last_problems(report)
    orm = list(_ITEMS_WITH_LAST_PROBLEMS.build(**values))
    assert [tuple(getattr(item, name) for name in (*_ITEM_ATTNAMES, "report_year", "report_half")) for item in items] == orm
    assert {(item.report_year, item.report_half) for item in items} == {(2022, "H1"), (2021, "H2")}
    assert {item.report_id for item in items} == {report.pk, earlier.pk}
    assert not items[0]._state.adding


def test_the_session_user_is_loaded_as_the_orm_loads_it(world):
    from notifications.auth import _SESSION_USER, InboxModelBackend, _session_user_query

    values = dict(user_id=world.secretary.pk)
    assert _SESSION_USER.sql_and_params(**values) == orm_sql(_SESSION_USER, **values)
    loaded = InboxModelBackend().get_user(world.secretary.pk)
    orm = _session_user_query(world.secretary.pk).first()
    assert [getattr(loaded, f.attname) for f in loaded._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in orm._meta.concrete_fields
    ]
    assert loaded.unread_notifications == orm.unread_notifications
    assert loaded.get_session_auth_hash() == orm.get_session_auth_hash()
    assert InboxModelBackend().get_user(10**9) is None
    assert InboxModelBackend().get_user(str(world.secretary.pk)) == orm


def _lineage(role) -> list:
    """The role's fields, then each organisation select_related cached above it (None: cached
    as missing), as tuples of their fields."""
    chain = [tuple(getattr(role, f.attname) for f in role._meta.concrete_fields)]
    node, descriptor = role, Role.organisation
    while descriptor.is_cached(node):
        above = descriptor.field.get_cached_value(node)
        chain.append(None if above is None else tuple(getattr(above, f.attname) for f in above._meta.concrete_fields))
        if above is None:
            break
        node, descriptor = above, Organisation.parent
    return chain


def test_a_users_roles_come_with_their_lineage_as_select_related_brings_it(world):
    """A branch's secretary (three levels), a 党总支's reviewer (two, then none cached), a
    党委's reviewer (one, its missing parent cached), the superuser (no roles)."""
    from branchwork.access import _ROLES, _roles

    committee_reviewer = get_user_model().objects.create_user("top", password="x")
    Role.objects.create(user=committee_reviewer, organisation=world.committee, kind=Role.Kind.REVIEWER)
    for user in (world.secretary, world.reviewer, world.organiser, committee_reviewer, world.admin):
        orm = Role.objects.filter(user=user).select_related("organisation__parent__parent")
        assert [_lineage(role) for role in _roles(get_user_model().objects.get(pk=user.pk))] == [
            _lineage(role) for role in orm
        ]
    assert _ROLES.sql_and_params(user_id=world.secretary.pk) == orm_sql(_ROLES, user_id=world.secretary.pk)
    assert len(_lineage(_roles(get_user_model().objects.get(pk=world.secretary.pk))[0])) == 4


def test_a_branchs_report_is_read_as_the_orm_reads_it(world):
    from reports import services
    from reports.models import Report
    from reports.selectors import branch_report

    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)
    whole_year = services.report_create(branch=world.branch, period=Period.parse("2022"), by=world.secretary)
    Report.objects.filter(pk=whole_year.pk).update(updated_by=None)
    for period, pk in ((H1, report.pk), (Period.parse("2022"), whole_year.pk)):
        read = branch_report(branch=world.branch, period=period)
        orm = Report.objects.filter(branch=world.branch).select_related("updated_by").get(
            year=period.year, half=period.half
        )
        assert read.pk == pk
        assert [getattr(read, f.attname) for f in Report._meta.concrete_fields] == [
            getattr(orm, f.attname) for f in Report._meta.concrete_fields
        ]
        assert Report.updated_by.is_cached(read)
        assert (read.updated_by and read.updated_by.username) == (orm.updated_by and orm.updated_by.username)
    assert branch_report(branch=world.branch, period=Period.parse("2022H2")) is None
    assert branch_report(branch=world.sibling, period=H1) is None


def test_it_keeps_no_connection_of_the_thread_that_compiled_it(branch):
    """A thread's connection goes with the thread: what a thread compiled holds none of it, and
    serves every other thread's connection."""
    import gc
    import threading
    import weakref

    from django.db import connections

    values = dict(branch_id=branch.pk, as_of=D(2022, 6, 30))
    expected = selectors._ROSTER_ROWS.rows(**values)
    seen = []

    def compile_here():
        try:
            selectors._ROSTER_ROWS._compiled.clear()
            selectors._ROSTER_ROWS.sql_and_params(**values)
            seen.append(weakref.ref(connections["default"]))
        finally:
            connections["default"].close()

    thread = threading.Thread(target=compile_here)
    thread.start()
    thread.join()
    assert len(selectors._ROSTER_ROWS._compiled) == 1
    del thread
    gc.collect()
    assert seen and seen[0]() is None
    assert selectors._ROSTER_ROWS.rows(**values) == expected
