from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "工作记录"

    def ready(self):
        from . import signals  # noqa: F401  (connects the figure-version receivers)
        # The registry's default meeting rules exist wherever the app is migrated (kinds.Rule).
        post_migrate.connect(_seed_rules, sender=self, dispatch_uid="activities_seed_rules")


def _seed_rules(sender, using="default", **kwargs):
    from .compliance import rules_seed_defaults

    rules_seed_defaults(using=using)
