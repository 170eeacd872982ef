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


@register.filter
def cn_duration(value) -> str:
    """A timedelta in words: 15 分钟, 1 小时, 1 小时 30 分钟."""
    if not isinstance(value, datetime.timedelta):
        return ""
    minutes = max(round(value.total_seconds() / 60), 1)
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{hours} 小时"] if hours else []) + ([f"{minutes} 分钟"] if minutes else [])
    return " ".join(parts)
