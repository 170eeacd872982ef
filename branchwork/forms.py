"""Forms of the roster (花名册) and party groups. Every form is bound to one branch, so a choice
from another branch is a validation error, never a silent save."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from . import member_rules
from .models import Member, Organisation, PartyGroup
from .spreadsheets import clean_xlsx_upload

ROSTER_IMPORT_MAX_BYTES = 5 * 1024 * 1024


class DateInput(forms.DateInput):
    """The browser's date picker; the value must be ISO for it to show."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _today() -> datetime.date:
    return timezone.localdate()


class BranchGroupChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": "所选党小组不属于本支部，请从列表中选择本支部的党小组。"}


# The roster's dated stages (发展党员 and transfers in): optional, they feed the report's
# membership figures.
STAGE_DATES = ("activist_on", "candidate_on", "full_on", "transferred_in_on")
STAGE_FIELDS = (*STAGE_DATES, "transferred_from")


class MemberForm(forms.ModelForm):
    """Add or edit one member of ``branch``. Transfer out has its own form and confirmation."""

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "status",
            "joined_on",
            "post",
            "party_group",
            *STAGE_FIELDS,
        ]
        widgets = {"joined_on": DateInput(), **{name: DateInput() for name in STAGE_DATES}}
        help_texts = {
            "joined_on": "正式党员、预备党员填入党日期；发展对象、入党积极分子填列为的日期",
            "post": "支部委员会中的职务；普通党员选“无”",
            "activist_on": "选填。各阶段日期用于工作总结中的发展党员情况，只计日期在当期的",
            "full_on": "选填。预备党员按期转为正式党员的日期",
            "transferred_in_on": "选填。从其他党组织转入本支部的，填转入日期",
        }
        error_messages = {
            # The model's own checks (required, length) speak in the roster columns' words too.
            **{column.identifier: {"required": column.missing} for column in member_rules.COLUMNS},
            **{
                column.identifier: {"required": column.missing, "max_length": column.too_long}
                for column in member_rules.COLUMNS
                if isinstance(column, member_rules.TextColumn)
            },
            "joined_on": {"invalid": "日期格式不正确，请按 2022-06-30 的格式填写。"},
            **{name: {"invalid": "日期格式不正确，请按 2022-06-30 的格式填写。"} for name in STAGE_DATES},
        }

    def __init__(self, *args, branch: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.instance.branch = branch
        current = self.instance.party_group_id
        groups = PartyGroup.objects.filter(branch=branch)
        # Dissolved groups are offered only to the members still recorded in them.
        groups = groups.filter(dissolved_on__isnull=True) | groups.filter(pk=current)
        self.fields["party_group"] = BranchGroupChoiceField(
            queryset=groups.order_by("name"),
            required=False,
            label="党小组",
            empty_label="（不属于党小组）",
        )
        self.fields["name"].widget.attrs.update({"autocomplete": "off", "maxlength": 50})
        self.fields["gender"].choices = [("", "请选择")] + Member.Gender.choices

    def _clean_field(self, name: str):
        """A field by its roster column's rule (``member_rules``), as the imports keep it."""
        return member_rules.clean_value(name, self.cleaned_data.get(name), self.cleaned_data)

    def clean_name(self) -> str:
        name = self._clean_field("name")
        others = Member.objects.filter(branch=self.branch, name=name).exclude(pk=self.instance.pk).count()
        problem = member_rules.name_problem(name, on_roster=others)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean(self):
        cleaned = super().clean()
        for name in self._meta.fields:
            if name != "name" and name in member_rules.BY_FIELD and name in cleaned:
                try:
                    cleaned[name] = self._clean_field(name)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        values = {"post": cleaned.get("post"), "transferred_out_on": self.instance.transferred_out_on}
        if member_rules.holds_secretary(values):
            holders = (
                Member.objects.active()
                .filter(branch=self.branch, post=Member.Post.SECRETARY)
                .exclude(pk=self.instance.pk)
                .values_list("name", flat=True)[:1]
            )
            problem = member_rules.secretary_problem(values, holders=holders)
            if problem:
                self.add_error("post", problem)
        return cleaned


class TransferOutForm(forms.Form):
    transferred_out_on = forms.DateField(
        label="转出日期",
        widget=DateInput(),
        error_messages={
            "required": "请填写转出日期。",
            "invalid": "日期格式不正确，请按 2023-03-15 的格式填写。",
        },
    )
    transferred_to = forms.CharField(
        label="转往",
        max_length=member_rules.TRANSFERRED_TO.max_length,
        help_text="组织关系转入的党组织或单位，如“**省高速公路处xy所党支部”",
        error_messages={"required": "请填写转往的党组织或单位。", "max_length": member_rules.TRANSFERRED_TO.too_long},
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_transferred_out_on(self) -> datetime.date:
        day = self.cleaned_data["transferred_out_on"]
        return member_rules.clean_value("transferred_out_on", day, {"joined_on": self.member.joined_on})

    def clean_transferred_to(self) -> str:
        value = member_rules.clean_value("transferred_to", self.cleaned_data["transferred_to"])
        if not value:
            raise forms.ValidationError("请填写转往的党组织或单位。")
        return value


class PartyGroupForm(forms.ModelForm):
    class Meta:
        model = PartyGroup
        fields = ["name", "established_on", "dissolved_on"]
        widgets = {"established_on": DateInput(), "dissolved_on": DateInput()}
        help_texts = {"dissolved_on": "党小组撤销后不再出现在合规日历和党员的党小组选项中；未撤销请留空"}
        error_messages = {"name": {"required": "请填写党小组名称。"}}

    def __init__(self, *args, branch: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.instance.branch = branch

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("请填写党小组名称。")
        if PartyGroup.objects.filter(branch=self.branch, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"本支部已有名为“{name}”的党小组。")
        return name

    def validate_unique(self):
        # The name clash is reported by clean_name in plain words; the branch is not a form field.
        pass

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("established_on"), cleaned.get("dissolved_on")
        if start and end and end < start:
            self.add_error("dissolved_on", "撤销日期不能早于成立日期。")
        if end and end > _today():
            self.add_error("dissolved_on", "撤销日期不能晚于今天。")
        return cleaned


class MemberFilterForm(forms.Form):
    """GET filters of the roster list. Bad values are ignored rather than shown as errors."""

    STATE_CHOICES = [("active", "在册"), ("transferred", "已转出"), ("all", "全部")]

    q = forms.CharField(label="姓名", required=False, max_length=50)
    status = forms.ChoiceField(
        label="政治面貌", required=False, choices=[("", "全部")] + Member.Status.choices
    )
    group = forms.ChoiceField(label="党小组", required=False)
    state = forms.ChoiceField(label="在册状态", required=False, choices=STATE_CHOICES)

    def __init__(self, *args, branch: Organisation, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = groups if groups is not None else PartyGroup.objects.filter(branch=branch)
        self.fields["group"].choices = (
            [("", "全部")] + [(str(g.pk), g.name) for g in groups] + [("none", "（不属于党小组）")]
        )

    def filter(self, members):
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or "active"
        if state == "active":
            members = members.active()
        elif state == "transferred":
            members = members.filter(transferred_out_on__isnull=False)
        if data.get("status"):
            members = members.filter(status=data["status"])
        group = data.get("group")
        if group == "none":
            members = members.filter(party_group__isnull=True)
        elif group:
            members = members.filter(party_group_id=int(group))
        if data.get("q"):
            members = members.filter(name__contains=data["q"].strip())
        return members

    @property
    def is_filtered(self) -> bool:
        if not self.is_valid():
            return False
        data = self.cleaned_data
        return bool(
            data.get("q")
            or data.get("status")
            or data.get("group")
            or data.get("state") not in ("", "active")
        )


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="花名册 Excel 文件",
        help_text="请使用下载的模板填写（.xlsx，不超过 5 MB）。",
        error_messages={"required": "请选择要导入的 Excel 文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        limit = getattr(settings, "ROSTER_IMPORT_MAX_BYTES", ROSTER_IMPORT_MAX_BYTES)
        return clean_xlsx_upload(self.cleaned_data["file"], limit=limit)
