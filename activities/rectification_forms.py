"""Forms of the rectification ledger (整改台账): the filter, opening an entry from a record,
resolving it with the records that show the work, and the re-check."""

import datetime
import re

from django import forms

from branchwork import limits
from branchwork.models import Member, Organisation
from branchwork.periods import chinese_date

from .models import Activity
from .rectifications import STATUS_LABELS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "请填写有效的日期，如 2022-06-30"}


class LedgerFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *STATUS_LABELS.items()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select"

    @property
    def chosen_status(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class OpenEntryForm(forms.Form):
    """「列入整改台账」 from a record's page or a report's 存在的问题: the problem, with its
    measures, the person responsible and the deadline."""

    title = forms.CharField(
        label="存在的问题",
        max_length=Activity._meta.get_field("title").max_length,
        error_messages={"required": "请填写存在的问题", "max_length": "存在的问题不能超过 %(limit_value)d 字，请精简后再保存"},
    )
    content = forms.CharField(
        label="整改措施",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.RECORD_CONTENT_MAX_CHARS,
        error_messages={"max_length": "整改措施不能超过 %(limit_value)d 字（现有 %(show_value)d 字），请精简后再保存"},
    )
    responsible_member = forms.ModelChoiceField(
        label="责任人",
        required=False,
        queryset=Member.objects.none(),
        empty_label="（从本支部花名册中选择）",
        error_messages={"invalid_choice": "责任人须是本支部花名册中的人员"},
    )
    responsible_text = forms.CharField(
        label="责任人（其他）",
        required=False,
        max_length=Activity._meta.get_field("responsible_text").max_length,
        help_text="花名册以外的责任人或责任部门，如：支委会、组织委员",
        error_messages={"max_length": "责任人（其他）不能超过 %(limit_value)d 字"},
    )
    deadline = forms.DateField(label="整改时限", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, branch: Organisation, found_on: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.found_on = found_on
        self.fields["responsible_member"].queryset = Member.objects.filter(
            branch=branch, transferred_out_on__isnull=True
        ).order_by("name", "pk")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < self.found_on:
            raise forms.ValidationError(
                "整改时限不能早于发现问题的日期（%(date)s）", params={"date": chinese_date(self.found_on)}
            )
        return deadline


class RecordsField(forms.ModelMultipleChoiceField):
    """Records chosen by id: an id no database integer can hold is refused before the query
    (SQLite raises OverflowError on one)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not re.fullmatch(r"[0-9]{1,19}", text) or int(text) >= 2**63:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


def _records_field() -> forms.ModelMultipleChoiceField:
    refused = "整改佐证只能选择本支部的其他工作记录"
    return RecordsField(
        label="整改佐证记录",
        required=False,
        queryset=Activity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选体现整改工作的本支部记录，如研究整改措施的支委会、开展的专题学习",
        error_messages={"invalid_choice": refused, "invalid_pk_value": refused},
    )


class EvidenceForm(forms.Form):
    """The records that show the work done, chosen among ``evidence_choices``."""

    records = _records_field()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = choices
        self.fields["records"].label_from_instance = lambda r: f"{r.date:%Y-%m-%d} {r.kind_info.label}：{r.title}"


class ResolveForm(EvidenceForm):
    resolved_on = forms.DateField(
        label="整改完成日期", widget=DATE_WIDGET, error_messages={**DATE_ERRORS, "required": "请填写整改完成日期"}
    )
    field_order = ["resolved_on", "records"]


class RecheckForm(forms.Form):
    rechecked_on = forms.DateField(
        label="复查日期", widget=DATE_WIDGET, error_messages={**DATE_ERRORS, "required": "请填写复查日期"}
    )
    note = forms.CharField(
        label="复查意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.RECORD_NOTE_MAX_CHARS,
        help_text="如：经党总支复查，整改措施已落实到位，同意销号",
        error_messages={"max_length": "复查意见不能超过 %(limit_value)d 字（现有 %(show_value)d 字），请精简后再保存"},
    )

