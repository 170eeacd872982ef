from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "工作总结"

    def ready(self) -> None:
        from activities.pages import register_branch_home_panel

        from . import checks  # noqa: F401  (registers the export system checks)
        from .selectors import branch_home_panel

        register_branch_home_panel(branch_home_panel)
