from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "工作总结"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the export system checks)
