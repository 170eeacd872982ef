from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig


class BranchworkConfig(AppConfig):
    default = True  # the module holds AxesConfig too: this is the one for "branchwork"
    default_auto_field = "django.db.models.BigAutoField"
    name = "branchwork"
    verbose_name = "党组织与花名册"

    def ready(self):
        from . import signals  # noqa: F401  (connects the figure-version receivers)


class AxesConfig(BaseAxesConfig):
    """django-axes under a Chinese name in Django admin (its own is the label, "Axes"); its
    models' and columns' words are translated in ``locale/zh_Hans``."""

    verbose_name = "登录失败锁定"
