from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType


def audited_type_choices() -> list[tuple[str, str]]:
    """The audited record types as (``app.model``, 中文名), in a stable order."""
    models = sorted(auditlog.get_models(), key=lambda m: m._meta.label_lower)
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in models]


class AuditFilterForm(forms.Form):
    """Optional filters of an audit page. Bad values are ignored, never an error page."""

    type = forms.ChoiceField(label="记录类型", required=False)
    branch = forms.ChoiceField(label="党支部", required=False)

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "全部类型"), *audited_type_choices()]
        self.fields["type"].widget.attrs["class"] = "form-select"
        if branches is None:
            del self.fields["branch"]
        else:
            self.fields["branch"].choices = [("", "全部党支部"), *((b.code, b.name) for b in branches)]
            self.fields["branch"].widget.attrs["class"] = "form-select"

    def content_type(self) -> ContentType | None:
        code = self.cleaned_data.get("type") if self.is_valid() else ""
        if not code:
            return None
        app_label, model = code.split(".")
        return ContentType.objects.get_by_natural_key(app_label, model)

    def branch_code(self) -> str:
        return self.cleaned_data.get("branch", "") if self.is_valid() else ""
