"""New figure versions (``branchwork.figures``) whenever a branch's records, publicity, rules or
outlets are saved or deleted through the ORM. Bulk writes call ``figures_changed`` themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from branchwork.figures import figures_changed
from branchwork.signals import organisations_created

from .models import Activity, ActivityKind, Attachment, Attendance, ComplianceRule, Outlet, PublicityEntry
from .outlets import outlets_seed_defaults_for


@receiver([post_save, post_delete], sender=Activity)
@receiver([post_save, post_delete], sender=PublicityEntry)
def branch_row_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata / restore_data: rows come back as they were, versions included
    figures_changed(branch_ids=[instance.branch_id])


@receiver([post_save, post_delete], sender=ActivityKind)
@receiver([post_save, post_delete], sender=Attendance)
@receiver([post_save, post_delete], sender=Attachment)
def record_detail_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata / restore_data: rows come back as they were, versions included
    activity = sender.activity.field.get_cached_value(instance, default=None)
    if activity is not None:
        figures_changed(branch_ids=[activity.branch_id])
    else:
        figures_changed(branch_ids=Activity.objects.filter(pk=instance.activity_id).values("branch_id"))


@receiver([post_save, post_delete], sender=ComplianceRule)
@receiver([post_save, post_delete], sender=Outlet)
def rule_or_outlet_changed(sender, instance, **kwargs):
    # A system default (no organisation) decides every calendar.
    if kwargs.get("raw"):
        return  # loaddata / restore_data: rows come back as they were, versions included
    if instance.organisation_id is None:
        figures_changed(everywhere=True)
    else:
        figures_changed(below=instance.organisation)


@receiver(organisations_created)
def give_new_organisations_outlets(sender, organisations, **kwargs):
    """A new 党委 or 党总支 starts with the default outlet registry (names those above it already
    registered are skipped), so no branch below it is ever without an outlet to record news in."""
    outlets_seed_defaults_for(organisations=organisations)
