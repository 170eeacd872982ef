from django.apps import AppConfig


class BranchworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "branchwork"
    verbose_name = "党组织与花名册"

    def ready(self):
        from . import signals  # noqa: F401  (connects the figure-version receivers)
