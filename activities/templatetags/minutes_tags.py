"""Links to the printed meeting records (activities.minutes)."""

from django import template

from activities.minutes import has_minutes as kind_has_minutes

register = template.Library()


@register.filter
def has_minutes(kind) -> bool:
    """Whether records of this kind (activities.kinds.Kind) print as a meeting record."""
    return kind_has_minutes(kind)
