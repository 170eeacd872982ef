"""Audit-log entries as people read them: who, when, what, and which fields went from what to what.

django-auditlog stores each change as strings (``"None"``, ``"True"``, ``"2022-06-30"``, naive UTC
datetimes, choice codes); here they become 空、是/否、2022年6月30日、Shanghai time and choice labels,
with the fields' Chinese verbose names.
"""

import datetime
from dataclasses import dataclass

from auditlog.registry import auditlog
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from branchwork.names import person_label
from branchwork.periods import chinese_date

from .models import AuditEntry

ACTION_LABELS = {
    AuditEntry.Action.CREATE: "新建",
    AuditEntry.Action.UPDATE: "修改",
    AuditEntry.Action.DELETE: "删除",
    AuditEntry.Action.ACCESS: "查看",
}
EMPTY = "（空）"
SYSTEM_ACTOR = "系统（非网页操作）"
TRUNCATE_AT = 300


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    when: datetime.datetime
    who: str
    action: str
    object_type: str
    object_repr: str
    changes: list[Change]

    @property
    def when_display(self) -> str:
        return when_display(self.when)


def when_display(moment: datetime.datetime) -> str:
    """2022年6月30日 14:05, in the deployment's time zone (Asia/Shanghai)."""
    local = timezone.localtime(moment)
    return f"{chinese_date(local.date())} {local:%H:%M}"


def actor_display(entry: AuditEntry) -> str:
    actor = entry.actor
    if actor is not None:
        return person_label(actor)
    if entry.actor_email:
        return f"已删除的用户（{entry.actor_email}）"
    return SYSTEM_ACTOR


def object_type_display(entry: AuditEntry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else entry.content_type.model


def _field_label(model, field, name: str) -> str:
    if model is not None and auditlog.contains(model):
        mapped = auditlog.get_model_fields(model)["mapping_fields"].get(name)
        if mapped:
            return mapped
    if field is not None and field.verbose_name and field.verbose_name != field.name.replace("_", " "):
        return str(field.verbose_name)
    return name


def value_display(field: models.Field | None, value) -> str:
    """One stored value as text for people."""
    if value is None or value in ("None", ""):
        return EMPTY
    text = str(value)
    if field is None:
        return _truncate(text)
    if isinstance(field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(text, text)
    choices = getattr(field, "flatchoices", None)
    if choices and not field.is_relation:
        labels = {str(key): str(label) for key, label in choices}
        if text in labels:
            return labels[text]
    if isinstance(field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_naive(moment):  # django-auditlog stores naive UTC
            moment = moment.replace(tzinfo=datetime.UTC)
        return when_display(moment)
    if isinstance(field, models.DateField):
        try:
            return chinese_date(datetime.date.fromisoformat(text[:10]))
        except ValueError:
            return text
    if isinstance(field, models.TimeField):
        return text[:5]
    return _truncate(text)


def _truncate(text: str) -> str:
    return text if len(text) <= TRUNCATE_AT else text[:TRUNCATE_AT] + "…"


def changes_display(entry: AuditEntry) -> list[Change]:
    model = entry.content_type.model_class()
    result = []
    for name, values in (entry.changes or {}).items():
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": ..., "objects": [...]}
            verb = "添加" if values.get("operation") == "add" else "移除"
            result.append(Change(name, "", f"{verb}：{'、'.join(map(str, values.get('objects', [])))}"))
            continue
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if field is not None and (not field.concrete or field.primary_key):
            continue  # a reverse relation's manager, or the id a new row got: nothing for people
        old, new = (list(values) + [None, None])[:2]
        result.append(
            Change(_field_label(model, field, name), value_display(field, old), value_display(field, new))
        )
    return result


def describe(entry: AuditEntry) -> EntryView:
    """Needs ``actor`` and ``content_type`` loaded (select_related) to stay one query a page."""
    return EntryView(
        entry=entry,
        when=entry.timestamp,
        who=actor_display(entry),
        action=ACTION_LABELS.get(entry.action, str(entry.action)),
        object_type=object_type_display(entry),
        object_repr=entry.object_repr,
        changes=changes_display(entry),
    )
