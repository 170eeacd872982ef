"""The user each request loads (``notifications.auth.InboxModelBackend``): the same user Django's
ModelBackend loads, carrying their unread count — counted, not cached, so it is never stale."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from notifications.auth import InboxModelBackend
from notifications.models import Notification
from tests.factories import UserFactory
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _notify(user, report, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        recipient=user, event="returned", report=report, version_number=1, text="退回",
        read_at=timezone.now() if read else None,
    )


def test_the_user_loaded_is_modelbackends_with_their_unread_count():
    user, other = UserFactory(first_name="张三"), UserFactory()
    report = ReportFactory()
    backend = InboxModelBackend()
    loaded = backend.get_user(user.pk)
    assert loaded.unread_notifications == 0
    # Every field as Django's own backend reads it, and a user that saves as one read by it.
    plain = ModelBackend().get_user(user.pk)
    fields = [field.attname for field in type(user)._meta.concrete_fields]
    assert [getattr(loaded, name) for name in fields] == [getattr(plain, name) for name in fields]
    assert not loaded._state.adding and loaded._state.db == plain._state.db

    _notify(user, report)
    _notify(user, report)
    _notify(user, report, read=True)  # read: not counted
    _notify(other, report)  # someone else's: not counted
    assert backend.get_user(user.pk).unread_notifications == 2
    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    assert backend.get_user(user.pk).unread_notifications == 0


def test_no_user_for_an_unknown_id_or_an_inactive_account():
    user = UserFactory()
    backend = InboxModelBackend()
    assert backend.get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None
