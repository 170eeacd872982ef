"""The default meeting frequencies of DESIGN.md, each with the text it comes from."""

from django.db import migrations

DEFAULT_RULES = [
    ("committee_meeting", "monthly", False, "《中国共产党支部工作条例（试行）》第十一条：支部委员会会议一般每月召开1次"),
    ("group_meeting", "monthly", True, "《中国共产党支部工作条例（试行）》第十三条：党小组会一般每月召开1次"),
    ("branch_assembly", "quarterly", False, "《中国共产党支部工作条例（试行）》第十二条：支部党员大会一般每季度召开1次"),
    ("themed_day", "monthly", False, "《中国共产党党员教育管理工作条例》第十六条：党支部每月相对固定1天开展主题党日"),
    ("org_life", "yearly", False, "《中国共产党党员教育管理工作条例》第十七条：组织生活会一般每年召开1次"),
    ("democratic_appraisal", "yearly", False, "《中国共产党党员教育管理工作条例》第十八条：民主评议党员一般每年开展1次"),
]


def create_defaults(apps, schema_editor):
    ComplianceRule = apps.get_model("activities", "ComplianceRule")
    for kind, frequency, per_group, source in DEFAULT_RULES:
        ComplianceRule.objects.get_or_create(
            organisation=None, kind=kind, defaults={"frequency": frequency, "per_party_group": per_group, "source": source}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("activities", "ComplianceRule").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
