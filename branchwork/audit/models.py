"""Audit-log entries, django-auditlog's log entry plus the organisation the record belongs to."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

# Where each audited model's organisation is found: an attribute of the record, or a foreign key
# followed by an attribute of the row it points to ("activity.branch_id"). An organisation's own
# row belongs to its parent: it is the level above that manages it (and sees it deleted).
ORGANISATION_OF = {
    "branchwork.organisation": "parent_id",
    "branchwork.partygroup": "branch_id",
    "branchwork.member": "branch_id",
    "branchwork.role": "organisation_id",
    "activities.activity": "branch_id",
    "activities.attendance": "activity.branch_id",
    "activities.attachment": "activity.branch_id",
    "activities.outlet": "organisation_id",
    "activities.publicityentry": "branch_id",
    "activities.compliancerule": "organisation_id",
    "reports.report": "branch_id",
    "reports.reportitem": "report.branch_id",
    "reports.reportversion": "report.branch_id",
    "inspection.standard": "organisation_id",
    "inspection.standarditem": "standard.organisation_id",
    "inspection.branchscore": "branch_id",
    "inspection.itemscore": "branch_score.branch_id",
    "inspection.branchscoreversion": "branch_score.branch_id",
    # An account belongs to no one organisation: the administrator's services name the one they
    # acted in (``branchwork.accounts``); changes made in Django admin are system-wide.
    "auth.user": "_audit_organisation_id",
}


def organisation_id_for(instance: models.Model) -> int | None:
    """The id of the organisation ``instance`` belongs to, or None (system-wide rows)."""
    path = ORGANISATION_OF.get(instance._meta.label_lower)
    if path is None:
        return None
    if "." not in path:
        return getattr(instance, path, None)
    relation, attribute = path.split(".")
    field = instance._meta.get_field(relation)
    if field.is_cached(instance):
        related = getattr(instance, relation)
        return getattr(related, attribute) if related is not None else None
    related_id = getattr(instance, field.attname)
    if related_id is None:
        return None
    # One small query; the related row may be on its way out in the same delete, so no instance.
    try:
        return field.related_model._base_manager.values_list(attribute, flat=True).get(pk=related_id)
    except ObjectDoesNotExist:
        return None


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        if kwargs.get("changes") is not None or force_log:
            kwargs.setdefault("organisation_id", organisation_id_for(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("organisation_id", organisation_id_for(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class AuditEntry(AbstractLogEntry):
    """One create, change or delete of an audited record (``settings.AUDITLOG_INCLUDE_TRACKING_MODELS``)."""

    # No database constraint and no cascade: an entry outlives its organisation (the delete of a
    # branch is itself logged), and deleting a branch must not touch its history.
    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name="所属党组织",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        indexes = [models.Index(fields=["organisation", "timestamp"], name="audit_org_time")]
