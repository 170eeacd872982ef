from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "消息"

    def ready(self) -> None:
        from reports.signals import report_approved, report_returned, report_submitted

        from . import services

        # The inbox (and email) follows the report workflow; the workflow imports nothing of it.
        report_submitted.connect(services.on_report_submitted, dispatch_uid="notifications.submitted")
        report_returned.connect(services.on_report_returned, dispatch_uid="notifications.returned")
        report_approved.connect(services.on_report_approved, dispatch_uid="notifications.approved")
