from django.apps import AppConfig


class InspectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspection"
    verbose_name = "迎检考核"

    def ready(self) -> None:
        from activities.pages import register_branch_home_panel

        from .pages import branch_home_panel

        register_branch_home_panel(branch_home_panel)
