"""Forms of the administrator's pages (``org_views``). Every form that offers organisations is
bound to the administrator's scope: a choice from outside it is a validation error, never a save.
The rules themselves (levels, codes, names, roles) live in the services, which the forms call."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from .accounts import AccountProblem, check_new_username, clean_person_name, clean_username
from .forms import DateInput
from .models import Organisation, Role
from .organisations import CHILD_LEVELS, OrganisationProblem, clean_code, clean_name, parent_problem
from .spreadsheets import clean_xlsx_upload

ORG_IMPORT_MAX_BYTES = 5 * 1024 * 1024

# Roles an administrator gives, with what each may do, for the choice lists.
ROLE_HELP = {
    Role.Kind.SECRETARY: "登记、修改本支部的记录和花名册，撰写、报送总结",
    Role.Kind.COMMITTEE: "与书记相同，协助登记",
    Role.Kind.REVIEWER: "查阅下属各支部，退回或审核通过报送的总结",
    Role.Kind.ADMINISTRATOR: "管理下属党组织、党小组和账号",
}


def _problem_to_error(function, value):
    try:
        return function(value)
    except (OrganisationProblem, AccountProblem) as problem:
        raise forms.ValidationError(str(problem)) from None


class OrganisationChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": "请从列表中选择您管理范围内的党组织。"}

    def label_from_instance(self, obj: Organisation) -> str:
        return "　" * obj.depth + f"{obj.name}（{obj.get_level_display()}）"


def scope_choices(scope: Organisation, *, levels=None):
    """Open organisations at and below ``scope`` (of ``levels``), in tree order."""
    organisations = Organisation.objects.below(scope).not_closed().order_by("path")
    if levels is not None:
        organisations = organisations.filter(level__in=levels)
    return organisations


class NewOrganisationForm(forms.Form):
    """The name and code of a new organisation; the code must be free."""

    name = forms.CharField(label="名称", max_length=100, help_text="全称，如“kl所党支部”")
    code = forms.CharField(
        label="代码",
        max_length=30,
        help_text="网址和导入表格中使用的简短代码：小写字母、数字和连字符，如 kl；创建后不能修改",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "请填写名称。"
        self.fields["code"].error_messages["required"] = "请填写代码。"
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})

    def clean_name(self) -> str:
        return _problem_to_error(clean_name, self.cleaned_data["name"])

    def clean_code(self) -> str:
        code = _problem_to_error(clean_code, self.cleaned_data["code"])
        if Organisation.objects.filter(code=code).exists():
            raise forms.ValidationError(f"代码“{code}”已被其他党组织使用，请换一个。")
        return code


class UnitCreateForm(NewOrganisationForm):
    """A new 党总支 or 党支部 under an organisation of the scope."""

    parent = OrganisationChoiceField(label="上级党组织", queryset=Organisation.objects.none(), empty_label=None)
    level = forms.ChoiceField(label="层级", choices=Organisation.Level.choices)

    field_order = ["parent", "level", "name", "code"]

    def __init__(self, *args, scope: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = scope_choices(
            scope, levels=[Organisation.Level.COMMITTEE, Organisation.Level.GENERAL_BRANCH]
        )
        # The pages offer the usual tree (党委 → 党总支 → 党支部); a 党委 under a 党委 is rare
        # enough for the workbook or Django admin.
        levels = [level for level in CHILD_LEVELS[scope.level] if level != Organisation.Level.COMMITTEE]
        self.fields["level"].choices = [(value, Organisation.Level(value).label) for value in levels]

    def clean(self):
        cleaned = super().clean()
        parent, level = cleaned.get("parent"), cleaned.get("level")
        problem = parent_problem(level, parent) if parent and level else None
        if problem:
            self.add_error("level", problem + "。")
        return cleaned


class UnitUpdateForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    addressee = forms.CharField(
        label="报告主送单位",
        max_length=100,
        required=False,
        help_text="半年总结的主送机关，留空则为上级组织名称",
    )

    def clean_name(self) -> str:
        return _problem_to_error(clean_name, self.cleaned_data["name"])


class UnitCloseForm(forms.Form):
    closed_on = forms.DateField(
        label="撤销日期",
        widget=DateInput(),
        error_messages={"required": "请填写撤销日期。", "invalid": "日期格式不正确，请按 2024-06-30 的格式填写。"},
    )

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("撤销日期不能晚于今天。")
        return day


class AccountNameForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=150, help_text="完整姓名，如“李一帅”")

    def clean_name(self) -> str:
        return _problem_to_error(clean_person_name, self.cleaned_data["name"])


class RoleForm(forms.Form):
    """One role in an organisation of the scope."""

    organisation = OrganisationChoiceField(label="党组织", queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label="角色", choices=Role.Kind.choices)

    def __init__(self, *args, scope: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scope_choices(scope)
        self.fields["organisation"].empty_label = "请选择"
        self.fields["kind"].choices = [("", "请选择")] + [
            (value, f"{label}：{ROLE_HELP[value]}") for value, label in Role.Kind.choices
        ]
        self.fields["organisation"].error_messages["required"] = "请选择党组织。"
        self.fields["kind"].error_messages["required"] = "请选择角色。"


class AccountCreateForm(AccountNameForm, RoleForm):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="登录时使用，英文字母、数字或 . _ -，如 kl_shuji；创建后不能修改",
    )

    field_order = ["name", "username", "organisation", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "请填写用户名。"
        self.fields["name"].error_messages["required"] = "请填写姓名。"

    def clean_username(self) -> str:
        username = _problem_to_error(clean_username, self.cleaned_data["username"])
        return _problem_to_error(lambda name: check_new_username(name) or name, username)


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label="组织设置 Excel 文件",
        help_text="请使用下载的模板填写（.xlsx，不超过 5 MB）。上传后先预览，确认后才写入。",
        error_messages={"required": "请选择要导入的 Excel 文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        limit = getattr(settings, "ORG_IMPORT_MAX_BYTES", ORG_IMPORT_MAX_BYTES)
        return clean_xlsx_upload(self.cleaned_data["file"], limit=limit)


class SetupForm(NewOrganisationForm):
    """The first organisation of a new deployment: its top 党委."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "党委名称"
        self.fields["name"].help_text = "全称，如“省高速公路服务中心党委”"
        self.fields["code"].help_text = "简短代码，小写字母、数字和连字符，如 center"
