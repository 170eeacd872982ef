from django.contrib import admin
from django.db import models

from .models import Activity, ActivityKind, Attachment, Attendance, ComplianceRule, Outlet, PublicityEntry


class ActivityKindInline(admin.TabularInline):
    model = ActivityKind
    extra = 0
    verbose_name = "计入类型"
    verbose_name_plural = "计入类型（含本身类型；同时召开的会议有多行）"


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["member"]


class AttachmentInline(admin.TabularInline):
    """Attachments are uploaded on the record's page, where their content is checked; here they
    can only be seen and removed."""

    model = Attachment
    extra = 0
    fields = ["original_name", "category", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "title", "branch", "updated_at"]
    list_filter = ["kind", ("branch", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "content", "branch__name"]
    date_hierarchy = "date"
    list_select_related = ["branch"]
    raw_id_fields = ["branch", "party_group", "speaker"]
    readonly_fields = ["created_by", "created_at", "updated_by", "updated_at"]
    inlines = [ActivityKindInline, AttendanceInline, AttachmentInline]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "level", "unit", "sort_order"]
    list_filter = ["level", "unit"]
    list_editable = ["sort_order"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(PublicityEntry)
class PublicityEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "outlet", "count", "branch"]
    list_filter = [("outlet", admin.RelatedOnlyFieldListFilter), ("branch", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "branch__name", "outlet__name"]
    date_hierarchy = "date"
    list_select_related = ["outlet", "branch"]
    raw_id_fields = ["branch", "outlet"]
    # A link typed without a scheme is taken as https:// (Django 6's default, said explicitly now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "frequency", "per_party_group", "organisation", "source"]
    list_filter = ["frequency", "kind"]
    search_fields = ["source", "organisation__name"]
    list_select_related = ["organisation"]
