"""Django admin for administrators: the organisation tree, party groups, the roster, users and roles."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.html import format_html

from .models import Member, Organisation, PartyGroup, Role

admin.site.site_header = "支部工作台 · 系统管理"
admin.site.site_title = "支部工作台系统管理"
admin.site.index_title = "党组织、账号与角色"

User = get_user_model()


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "code", "level", "parent", "addressee"]

    def clean(self):
        cleaned = super().clean()
        level, parent = cleaned.get("level"), cleaned.get("parent")
        expected_parent = {
            Organisation.Level.GENERAL_BRANCH: {Organisation.Level.COMMITTEE},
            Organisation.Level.BRANCH: {Organisation.Level.COMMITTEE, Organisation.Level.GENERAL_BRANCH},
        }
        if level in expected_parent:
            if parent is None:
                self.add_error("parent", "党总支和党支部必须选择上级党组织。")
            elif parent.level not in expected_parent[level]:
                self.add_error(
                    "parent", f"{Organisation.Level(level).label}的上级不能是{parent.get_level_display()}。"
                )
        if parent and self.instance.pk and parent.path.startswith(self.instance.path or "\0"):
            self.add_error("parent", "上级党组织不能是它自己或它的下级。")
        return cleaned


class PartyGroupInline(admin.TabularInline):
    model = PartyGroup
    extra = 0
    fields = ["name", "established_on", "dissolved_on"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["tree_name", "code", "level", "parent", "report_addressee"]
    list_filter = ["level"]
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

    list_display = ["user", "user_full_name", "organisation", "kind"]
    list_filter = ["kind", "organisation__level"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "organisation__name",
        "organisation__code",
    ]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    @admin.display(description="姓名", ordering="user__first_name")
    def user_full_name(self, obj: Role) -> str:
        return obj.user.get_full_name()


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["organisation"]


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The stock user admin with the user's roles edited on the same page."""

    inlines = [RoleInline]
    list_display = ["username", "first_name", "is_active", "is_staff", "is_superuser", "last_login"]
