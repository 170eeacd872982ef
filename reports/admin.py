"""Administrators see reports and their trail; the workflow itself runs on the report pages, so
submitted versions, events and comments are read-only here (a frozen version must never change)."""

from django.contrib import admin
from django.db.models import F
from django.utils import timezone

from .models import Report, ReportEvent, ReportItem, ReportVersion, ReviewComment


class ReportItemInline(admin.TabularInline):
    model = ReportItem
    extra = 0
    fields = ["section", "position", "numbered", "text", "origin"]
    readonly_fields = ["origin"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportVersionInline(ReadOnlyInline):
    model = ReportVersion
    fields = ["number", "submitted_by", "submitted_at", "docx_file", "pdf_file"]
    readonly_fields = fields


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["action", "version", "by", "at", "comment"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "branch", "year", "half", "status", "updated_at"]
    list_filter = ["status", "year", "half"]
    search_fields = ["title", "branch__name", "branch__code"]
    list_select_related = ["branch"]
    raw_id_fields = ["branch"]
    readonly_fields = ["revision", "created_by", "created_at", "updated_by", "updated_at", "dismissed_origins"]
    inlines = [ReportItemInline, ReportVersionInline, ReportEventInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # An administrator's correction is a change like any other: an editor still open on the
        # old text is now stale (optimistic locking), and compiled drafts must be compiled again.
        Report.objects.filter(pk=form.instance.pk).update(revision=F("revision") + 1, updated_at=timezone.now())


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    list_display = ["report", "number", "submitted_by", "submitted_at"]
    list_select_related = ["report", "submitted_by"]
    search_fields = ["report__title", "report__branch__name"]
    readonly_fields = ["report", "number", "document", "submitted_by", "submitted_at", "docx_file", "pdf_file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["version", "section", "by", "at"]
    list_select_related = ["version__report", "by"]
    readonly_fields = ["version", "event", "section", "text", "by", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
