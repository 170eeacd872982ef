"""Template helpers shared by every app: ``{% load branchwork_tags %}``."""

import datetime

from django import template

from branchwork.periods import chinese_date

register = template.Library()


@register.filter
def cn_date(value) -> str:
    """2022年6月30日. Datetimes are shown in the local date; anything else empty."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return chinese_date(value)
    return ""
