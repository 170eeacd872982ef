"""The form a 党总支 or 党委 uses to set a meeting-frequency rule for the branches below it."""

from django import forms

from branchwork.models import Organisation

from .kinds import KINDS
from .models import ComplianceRule


class RuleForm(forms.ModelForm):
    class Meta:
        model = ComplianceRule
        fields = ["kind", "frequency", "per_party_group", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "frequency": "选“不作要求”可取消上级或系统默认的要求",
            "per_party_group": "仅适用于党小组会：每个党小组分别按频次召开",
            "source": "写明文件名称和条款，如：处党总支《关于规范“三会一课”的通知》：党课每季度至少1次",
        }
        error_messages = {
            "kind": {"required": "请选择会议类型"},
            "frequency": {"required": "请选择频次"},
            "source": {"required": "请填写规则依据（文件名称及条款）"},
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["kind"].choices = [("", "请选择")] + [(kind.code, kind.label) for kind in KINDS.values()]
        self.fields["frequency"].choices = [("", "请选择")] + list(ComplianceRule.Frequency.choices)

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if not source:
            raise forms.ValidationError("请填写规则依据（文件名称及条款）")
        return source

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            taken = ComplianceRule.objects.filter(organisation=self.organisation, kind=kind).exclude(
                pk=self.instance.pk
            )
            if taken.exists():
                self.add_error("kind", f"本单位已为{KINDS[kind].label}设定规则，请修改原规则")
            if cleaned.get("per_party_group") and "party_group" not in KINDS[kind].fields:
                self.add_error("per_party_group", "只有党小组会可以按党小组分别计算")
        return cleaned
