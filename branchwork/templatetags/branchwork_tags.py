"""Template helpers shared by every app: ``{% load branchwork_tags %}``."""

import datetime

from django import template

from branchwork.names import person_name as _person_name
from branchwork.periods import chinese_date

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A person as every page names them: 李一帅 (``branchwork.names.person_name``)."""
    return _person_name(user)


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


@register.tag("cache_figures")
def do_cache_figures(parser, token):
    """``{% cache_figures key %}…{% endcache_figures %}``: the fragment rendered once per ``key``
    — a key from ``branchwork.figures.figures_key``, which changes with everything the fragment
    shows — and kept for ``FIGURES_CACHE_SECONDS``. Context values the fragment alone uses should
    be computed lazily, so that a cached fragment costs nothing to produce."""
    from django.templatetags.cache import CacheNode

    from branchwork.figures import FIGURES_CACHE_SECONDS

    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cache_figures takes exactly one argument, the key")
    nodelist = parser.parse(("endcache_figures",))
    parser.delete_first_token()
    return CacheNode(
        nodelist,
        parser.compile_filter(str(FIGURES_CACHE_SECONDS)),
        "figures",
        [parser.compile_filter(bits[1])],
        None,
    )
