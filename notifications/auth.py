"""The signed-in user as every request loads them: Django's ModelBackend, with the user's unread
notifications counted in the same query. The navigation bar shows that count on every page; read
apart it was a query of its own on each page the cache had not kept it for."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Notification


class InboxModelBackend(ModelBackend):
    """Authenticates as ``ModelBackend`` does; the user it loads for a session carries
    ``unread_notifications`` (read by ``notifications.selectors.unread_count``)."""

    def get_user(self, user_id):
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            get_user_model()
            ._default_manager.annotate(
                unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
