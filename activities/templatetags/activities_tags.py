"""Template helpers for records: ``{% load activities_tags %}``."""

from django import template

from branchwork.names import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """Who did something: the user's full name, else the login name; 系统 when nobody is known."""
    if user is None:
        return "系统"
    return person_name(user)
