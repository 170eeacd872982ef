from django.apps import AppConfig


class BranchworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "branchwork"
    verbose_name = "党组织与花名册"
