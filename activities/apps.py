from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "工作记录"

    def ready(self):
        from . import signals  # noqa: F401  (connects the figure-version receivers)
