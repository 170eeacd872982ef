from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "branchwork.audit"
    label = "audit"
    verbose_name = "操作日志"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        _exclude_reverse_relations()


def _exclude_reverse_relations() -> None:
    """Keep reverse relations (``report.items``, ``activity.attendance``…) out of the diffs.

    django-auditlog compares every field ``_meta.get_fields()`` lists when a row is created or
    deleted, reverse relations included, and would log their managers' text as values. Models are
    registered from ``settings.AUDITLOG_INCLUDE_TRACKING_MODELS`` (by auditlog, listed before this
    app); here each registration is renewed with those relations excluded.
    """
    from auditlog.registry import auditlog

    for model in auditlog.get_models():
        options = auditlog.get_model_fields(model)
        reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
        auditlog.unregister(model)
        auditlog.register(
            model,
            include_fields=options["include_fields"],
            exclude_fields=sorted({*options["exclude_fields"], *reverse}),
            mapping_fields=options["mapping_fields"],
            mask_fields=options["mask_fields"],
        )
