"""New figure versions (``branchwork.figures``) when the roster, party groups or organisations change;
at login, whether the user must first replace a password an administrator issued."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .figures import figures_changed
from .models import IssuedPassword, Member, Organisation, PartyGroup

# Sent by the organisation services (the pages and the setup workbook) once new organisations
# exist, with ``organisations`` (parents before children). Apps that give a new organisation its
# starting data listen (activities: the default outlet registry), so the core imports none of them.
organisations_created = Signal()


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


@receiver(user_logged_in)
def note_issued_password(sender, request, user, **kwargs):
    """At login, remember in the session whether the user must replace an issued password."""
    from .middleware import MUST_CHANGE_PASSWORD

    if request is not None and hasattr(request, "session") and IssuedPassword.objects.filter(user=user).exists():
        request.session[MUST_CHANGE_PASSWORD] = True
