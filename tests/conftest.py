"""The shared cast of every test, after healthchecks' BaseTestCase (alice, bob, charlie):

    committee 党委
    ├── general 处党总支          reviewer: ``reviewer``, administrator (组织员): ``organiser``
    │   ├── branch  kl所党支部    secretary: ``secretary``, committee member: ``member``
    │   └── sibling 另一党支部    secretary: ``sibling``
    └── other_general 另一党总支  reviewer: ``outsider_reviewer``
        └── far     远方党支部     secretary: ``far_secretary``
    ``admin`` is a superuser.

kl所党支部 has a short profile (支部概况: its main work and the rules it keeps), so that a report
started from a few study sessions has something true to say in every section and can be submitted.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from branchwork.models import Organisation, Role
from reports.models import BranchProfile

from .factories import BranchFactory, CommitteeFactory, GeneralBranchFactory, RoleFactory, UserFactory

PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    committee: Organisation
    general: Organisation
    branch: Organisation
    sibling: Organisation
    other_general: Organisation
    far: Organisation
    secretary: object
    member: object
    reviewer: object
    sibling_secretary: object
    outsider_reviewer: object
    far_secretary: object
    admin: object
    organiser: object

    def users(self) -> dict:
        return {
            "secretary": self.secretary,
            "committee_member": self.member,
            "reviewer": self.reviewer,
            "sibling_secretary": self.sibling_secretary,
            "outsider_reviewer": self.outsider_reviewer,
            "admin": self.admin,
            "organiser": self.organiser,
        }


@pytest.fixture
def world(db) -> World:
    committee = CommitteeFactory(name="省中心党委", code="center")
    general = GeneralBranchFactory(name="省高速公路处党总支", code="hw", parent=committee)
    branch = BranchFactory(name="kl所党支部", code="kl", parent=general, addressee="**省高速公路处党总支")
    sibling = BranchFactory(name="xy所党支部", code="xy", parent=general)
    other_general = GeneralBranchFactory(name="省路政处党总支", code="lz", parent=committee)
    far = BranchFactory(name="路政一大队党支部", code="lz1", parent=other_general)

    def user(username, org, kind):
        u = UserFactory(username=username)
        RoleFactory(user=u, organisation=org, kind=kind)
        return u

    BranchProfile.objects.create(branch=branch, key_work="收费运营、隧道安全管理", institutions="民主集中制")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)
    return World(
        committee=committee,
        general=general,
        branch=branch,
        sibling=sibling,
        other_general=other_general,
        far=far,
        secretary=user("secretary", branch, Role.Kind.SECRETARY),
        member=user("member", branch, Role.Kind.COMMITTEE),
        reviewer=user("reviewer", general, Role.Kind.REVIEWER),
        sibling_secretary=user("sibling", sibling, Role.Kind.SECRETARY),
        outsider_reviewer=user("outsider", other_general, Role.Kind.REVIEWER),
        far_secretary=user("far", far, Role.Kind.SECRETARY),
        admin=admin,
        organiser=user("organiser", general, Role.Kind.ADMINISTRATOR),
    )


@pytest.fixture
def as_user(client):
    """``as_user(world.secretary)`` logs the test client in and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login
