"""The roles every request loads (``access._roles``, one prepared query): the same roles, in the
same order, with the same organisations and lineage as the ORM's
``select_related("organisation__parent__parent")``."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branchwork import access
from branchwork.models import Organisation, Role
from tests.factories import BranchFactory, GeneralBranchFactory, RoleFactory, UserFactory


def _values(instance) -> list:
    return [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields]


def _fresh(user):
    """The user as a new request has it: no roles read yet (read outside the counted queries)."""
    return type(user).objects.get(pk=user.pk)


def _as_the_orm_loads_them(user) -> list[Role]:
    return sorted(Role.objects.filter(user=user).select_related("organisation__parent__parent"), key=lambda r: r.pk)


def _lineage(organisation: Organisation | None, depth: int) -> list:
    """The organisation's fields and those of its parents up to ``depth``; reading them must not query."""
    lineage = []
    while organisation is not None and depth >= 0:
        lineage.append(_values(organisation))
        organisation, depth = organisation.parent if depth else None, depth - 1
    return lineage


def test_every_role_comes_with_its_organisation_and_two_levels_above_it(world):
    # Several roles up and down one lineage (an organisation both held and above another held
    # one), a top organisation (no parent), a closed branch and a user without roles.
    mixed = UserFactory(username="mixed")
    closed = BranchFactory(code="shut", parent=world.general, closed_on=datetime.date(2024, 1, 1))
    for organisation, kind in (
        (world.branch, Role.Kind.SECRETARY),
        (world.general, Role.Kind.REVIEWER),
        (world.committee, Role.Kind.ADMINISTRATOR),
        (closed, Role.Kind.COMMITTEE),
    ):
        RoleFactory(user=mixed, organisation=organisation, kind=kind)
    deep = GeneralBranchFactory(code="deep", parent=BranchFactory(code="mid", parent=world.far))  # four levels
    deeper = UserFactory(username="deeper")
    RoleFactory(user=deeper, organisation=BranchFactory(code="leaf", parent=deep), kind=Role.Kind.SECRETARY)
    users = [*world.users().values(), mixed, deeper, UserFactory(username="nobody")]

    for user in users:
        expected = _as_the_orm_loads_them(user)
        fresh = _fresh(user)
        with CaptureQueriesContext(connection) as queries:
            loaded = access._roles(fresh)
            got = [(_values(role), _lineage(role.organisation, 2)) for role in loaded]
        assert len(queries) == 1, user.username
        assert got == [(_values(role), _lineage(role.organisation, 2)) for role in expected], user.username
        assert all(not role._state.adding and role._state.db == "default" for role in loaded)
    assert len(access._roles(_fresh(mixed))) == 4 and access._roles(_fresh(users[-1])) == []


def test_a_role_given_or_taken_is_seen_by_the_next_request(world, as_user):
    """Nothing is cached across requests: permissions change at once."""
    newcomer = UserFactory(username="newcomer")
    client = as_user(newcomer)
    url = reverse("activities:branch_home", args=[world.branch.code])
    assert client.get(url).status_code == 404
    role = RoleFactory(user=newcomer, organisation=world.branch, kind=Role.Kind.SECRETARY)
    assert client.get(url).status_code == 200
    role.delete()
    assert client.get(url).status_code == 404

