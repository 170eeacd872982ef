"""Django admin, for superusers only: what no page of the app covers. Daily administration —
branches, party groups, accounts and roles — is done in the app by 组织员 (``org_views``).

Everything here is Chinese: our own models' labels, one 姓名 field for people, permission names
(stored in English by Django) shown in Chinese, and third-party apps' words translated in
``locale/zh_Hans``."""

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group, Permission
from django.db.models import Count
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from .accounts import clean_person_name
from .models import Member, Organisation, PartyGroup, Role
from .names import person_name
from .organisations import parent_problem

admin.site.site_header = "支部工作台 · 系统管理"
admin.site.site_title = "支部工作台系统管理"
admin.site.index_title = "系统管理（仅系统管理员）"


def _superusers_only(request) -> bool:
    """The Django admin is the superuser's: 组织员 administer in the app, within their subtree."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only

User = get_user_model()


def _boolean_icon(value) -> str:
    """Django's yes/no icon, its alt text in Chinese: Django writes "True"/"False" in every language
    (django.contrib.admin.templatetags.admin_list._boolean_icon, which its list and form helpers
    import when they draw a boolean)."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), {True: "是", False: "否", None: "未知"}[value])


admin_list._boolean_icon = _boolean_icon


class PasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin password form, whose warning it joins to the help text untranslated."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        gettext_lazy("If disabled, the current password for this user will be lost."),
    )

# Django names permissions in English ("Can add activity kind") when it creates them.
PERMISSION_ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission: Permission) -> str:
    """党组织与花名册 | 党组织 | 添加: the app, the model and the action, in Chinese."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    verb = PERMISSION_ACTIONS.get(action) if model_name == model._meta.model_name else None
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {verb or permission.name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return permission_label(obj)


class ChinesePermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "code", "level", "parent", "addressee", "closed_on"]

    def clean(self):
        cleaned = super().clean()
        level, parent = cleaned.get("level"), cleaned.get("parent")
        problem = parent_problem(level, parent) if level else None
        if problem:
            self.add_error("parent", problem + "。")
        if parent and self.instance.pk and self.instance.contains(parent):
            self.add_error("parent", "上级党组织不能是它自己或它的下级。")
        return cleaned


class PartyGroupInline(admin.TabularInline):
    model = PartyGroup
    extra = 0
    fields = ["name", "established_on", "dissolved_on"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["tree_name", "code", "level", "parent", "report_addressee", "closed_on"]
    list_filter = ["level", ("closed_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code"]
    ordering = ["path"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [PartyGroupInline]

    @admin.display(description="名称（树形）", ordering="path")
    def tree_name(self, obj: Organisation):
        depth = max(obj.path.strip("/").count("/"), 0)
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>', depth * 1.5, "└ " if depth else "", obj.name
        )

    @admin.display(description="报告主送单位")
    def report_addressee(self, obj: Organisation) -> str:
        return obj.report_addressee

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.is_branch else []


@admin.register(PartyGroup)
class PartyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "established_on", "dissolved_on", "member_count"]
    list_filter = ["branch", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "branch__name", "branch__code"]
    list_select_related = ["branch"]
    autocomplete_fields = ["branch"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description="党员人数", ordering="_members")
    def member_count(self, obj) -> int:
        return obj._members

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = Organisation.objects.branches()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "branch",
            "party_group",
            "name",
            "gender",
            "status",
            "joined_on",
            "post",
            "transferred_out_on",
            "transferred_to",
        ]

    def clean(self):
        cleaned = super().clean()
        branch, group = cleaned.get("branch"), cleaned.get("party_group")
        if branch and not branch.is_branch:
            self.add_error("branch", "党员只能属于党支部。")
        if branch and group and group.branch_id != branch.pk:
            self.add_error("party_group", f"“{group.name}”不是{branch.name}的党小组。")
        if cleaned.get("transferred_to") and not cleaned.get("transferred_out_on"):
            self.add_error("transferred_out_on", "填写了转往，请同时填写转出日期。")
        return cleaned


class TransferredFilter(admin.SimpleListFilter):
    title = "在册状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "在册"), ("transferred", "已转出")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "transferred":
            return queryset.filter(transferred_out_on__isnull=False)
        return queryset


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    form = MemberAdminForm
    list_display = [
        "name",
        "branch",
        "party_group",
        "gender",
        "status",
        "joined_on",
        "post",
        "transferred_out_on",
    ]
    list_filter = [TransferredFilter, "status", "post", "gender", "branch"]
    search_fields = ["name", "branch__name", "branch__code"]
    list_select_related = ["branch", "party_group"]
    autocomplete_fields = ["branch", "party_group"]
    date_hierarchy = "joined_on"
    list_per_page = 50


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Role.clean (secretaries and committee members belong to a branch) runs in the admin form."""

    list_display = ["user", "user_name", "organisation", "kind"]
    list_filter = ["kind", "organisation__level"]
    search_fields = [
        "user__username",
        "user__first_name",
        "organisation__name",
        "organisation__code",
    ]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    @admin.display(description="姓名", ordering="user__first_name")
    def user_name(self, obj: Role) -> str:
        return person_name(obj.user)


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["organisation"]


class NameFieldMixin(forms.ModelForm):
    """One 姓名 field, stored whole in ``first_name`` (``last_name`` stays empty): 李一帅."""

    name = forms.CharField(label="姓名", max_length=150, required=False, help_text="填写完整姓名，如“李一帅”")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].initial = person_name(self.instance) if self.instance.first_name or self.instance.last_name else ""

    def clean_name(self) -> str:
        value = self.cleaned_data.get("name", "")
        return clean_person_name(value) if value.strip() else ""

    def save(self, commit=True):
        self.instance.first_name = self.cleaned_data.get("name", "")
        self.instance.last_name = ""
        return super().save(commit=commit)


class UserNameChangeForm(NameFieldMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        fields = [
            "username",
            "password",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        ]


class UserNameCreationForm(NameFieldMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        fields = ["username"]


for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, BaseUserAdmin):
    """The stock user admin with one 姓名 field and the user's roles edited on the same page."""

    form = UserNameChangeForm
    add_form = UserNameCreationForm
    change_password_form = PasswordChangeForm
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "email")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "usable_password", "password1", "password2")}),
    )
    list_display = ["username", "user_name", "is_active", "is_staff", "is_superuser", "last_login"]
    search_fields = ["username", "first_name", "last_name", "email"]

    @admin.display(description="姓名", ordering="first_name")
    def user_name(self, obj) -> str:
        return person_name(obj) if obj.first_name or obj.last_name else ""


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, BaseGroupAdmin):
    pass
