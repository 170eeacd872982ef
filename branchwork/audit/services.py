"""Audit entries for bulk writes, which Django's model signals (and so django-auditlog) never see.

``bulk_create`` and ``bulk_update`` send no ``post_save``; services that use them call these so
the audit log stays complete. Queryset ``delete()`` needs nothing: it sends ``post_delete``.
The entries themselves are written in bulk too: an import of 750 党员 writes its 750 entries in
one statement, not 750.
"""

from collections.abc import Iterable, Sequence

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from .models import AuditEntry, organisation_id_for

BATCH_SIZE = 500


def _entry(instance: models.Model, *, action: int, changes: dict) -> AuditEntry:
    """What ``AuditEntry.objects.log_create`` would save, unsaved. The pre_save signal
    django-auditlog listens to fills in the actor and address of the request, as for one entry."""
    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk if isinstance(instance.pk, int) else None,
        object_repr=smart_str(instance),
        action=action,
        changes=changes,
        cid=get_cid(),
        organisation_id=organisation_id_for(instance),
    )
    pre_save.send(sender=AuditEntry, instance=entry, raw=False, using="default", update_fields=None)
    return entry


def _save(entries: list[AuditEntry]) -> None:
    if entries:
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def _enabled(model: type[models.Model]) -> bool:
    return auditlog.contains(model) and not auditlog_disabled.get()


def audit_bulk_created(*, objects: Iterable[models.Model]) -> None:
    """Log the creation of rows just saved by ``bulk_create`` (their primary keys must be set)."""
    entries = []
    for instance in objects:
        if not _enabled(type(instance)):
            continue
        changes = model_instance_diff(
            None, instance, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        if changes:
            entries.append(_entry(instance, action=AuditEntry.Action.CREATE, changes=changes))
    _save(entries)


def audit_bulk_updating(*, objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Log the changes ``bulk_update(objects, fields)`` is about to write.

    Call it inside the same transaction, just before ``bulk_update``: the rows are read back from
    the database in one query as they still are, and compared with the objects in memory.
    """
    if not objects or not _enabled(type(objects[0])):
        return
    model = type(objects[0])
    # Foreign keys are logged by name: fetch the related rows with the old ones, not one by one.
    related = [name for name in fields if model._meta.get_field(name).many_to_one]
    before = model._base_manager.select_related(*related).in_bulk([instance.pk for instance in objects])
    entries = []
    for instance in objects:
        old = before.get(instance.pk)
        if old is None:
            continue
        changes = model_instance_diff(
            old, instance, fields_to_check=fields, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        if changes:
            entries.append(_entry(instance, action=AuditEntry.Action.UPDATE, changes=changes))
    _save(entries)
