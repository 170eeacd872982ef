"""New figure versions (``branchwork.figures``) when the roster, party groups or organisations change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .figures import figures_changed
from .models import Member, Organisation, PartyGroup


@receiver([post_save, post_delete], sender=Member)
@receiver([post_save, post_delete], sender=PartyGroup)
def roster_changed(sender, instance, **kwargs):
    # Attendance is counted against the roster, quorum against 正式党员, calendars per party group.
    if kwargs.get("raw"):
        return  # loaddata / restore_data: rows come back as they were, versions included
    figures_changed(branch_ids=[instance.branch_id])


@receiver(post_save, sender=Organisation)
def organisation_changed(sender, instance, created, **kwargs):
    # Names and addressees appear in compiled reports of everything below.
    if kwargs.get("raw"):
        return  # loaddata / restore_data: rows come back as they were, versions included
    if not created and instance.path:
        figures_changed(below=instance)
