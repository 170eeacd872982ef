"""Copy each record's branch, date and party group onto the kinds it counts as (see ActivityKind)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_activities(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    ActivityKind = apps.get_model("activities", "ActivityKind")
    own = Activity.objects.filter(pk=OuterRef("activity_id"))
    ActivityKind.objects.update(
        branch_id=Subquery(own.values("branch_id")[:1]),
        date=Subquery(own.values("date")[:1]),
        party_group_id=Subquery(own.values("party_group_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_default_compliance_rules"),
        ("branchwork", "0002_organisation_figures_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="activitykind",
            name="branch",
            field=models.ForeignKey(
                null=True, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="branchwork.organisation",
            ),
        ),
        migrations.AddField(
            model_name="activitykind",
            name="date",
            field=models.DateField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="activitykind",
            name="party_group",
            field=models.ForeignKey(
                null=True, editable=False, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                to="branchwork.partygroup",
            ),
        ),
        migrations.RunPython(copy_from_activities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activitykind",
            name="branch",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="branchwork.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="activitykind",
            name="date",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="activitykind",
            index=models.Index(fields=["branch", "date", "kind", "party_group"], name="activitykind_branch_date"),
        ),
    ]
