from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils import timezone


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

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        # axes names its rows in English f-strings (「Access Log for alice @ …」), and Django admin
        # shows that name as a page's subtitle and in its breadcrumbs: named in Chinese here.
        AccessLog.__str__ = lambda row: f"{row.username} {_when(row.attempt_time)} 登录"
        AccessAttempt.__str__ = lambda row: f"{row.username} {_when(row.attempt_time)} 登录失败"
        AccessFailureLog.__str__ = lambda row: (
            f"{row.username} {_when(row.attempt_time)} 登录失败（{row.ip_address}）"
            + ("，账号已锁定" if row.locked_out else "")
        )


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""
