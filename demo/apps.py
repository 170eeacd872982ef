from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (``manage.py seed_demo``). Product apps never import it."""

    name = "demo"
    verbose_name = "演示数据"
