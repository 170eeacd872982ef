from django import template

from reports.document import chinese_ordinal

register = template.Library()


@register.filter
def cn_ordinal(number) -> str:
    """1 → 一: section numbers as the report writes them."""
    try:
        return chinese_ordinal(int(number))
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
