"""操作日志 in Django admin, for administrators: read-only, in Chinese, filterable and searchable."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from .display import ACTION_LABELS, actor_display, changes_display, object_type_display, when_display
from .forms import audited_type_choices
from .models import AuditEntry

# django-auditlog registers its own (English) admin for the log-entry model; ours replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [
            (str(value), label) for value, label in ACTION_LABELS.items() if value != AuditEntry.Action.ACCESS
        ]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() in {"0", "1", "2"} else queryset


class RecordTypeFilter(admin.SimpleListFilter):
    title = "记录类型"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return audited_type_choices()

    def queryset(self, request, queryset):
        if self.value() not in dict(audited_type_choices()):
            return queryset
        app_label, model = self.value().split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "when",
        "who",
        "action_label",
        "object_type",
        "object_repr",
        "organisation",
        "changed_fields",
    ]
    list_filter = [ActionFilter, RecordTypeFilter, "timestamp"]
    search_fields = [
        "object_repr",
        "actor__username",
        "actor__first_name",
        "actor__last_name",
        "organisation__name",
    ]
    list_select_related = ["actor", "content_type", "organisation"]
    date_hierarchy = "timestamp"
    fields = [
        "when",
        "who",
        "action_label",
        "object_type",
        "object_repr",
        "organisation",
        "remote_addr",
        "changes_table",
    ]
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description="时间（北京时间）", ordering="timestamp")
    def when(self, entry):
        return when_display(entry.timestamp)

    @admin.display(description="操作人")
    def who(self, entry):
        return actor_display(entry)

    @admin.display(description="操作", ordering="action")
    def action_label(self, entry):
        return ACTION_LABELS.get(entry.action, entry.action)

    @admin.display(description="记录类型")
    def object_type(self, entry):
        return object_type_display(entry)

    @admin.display(description="改动的字段")
    def changed_fields(self, entry):
        if entry.action != AuditEntry.Action.UPDATE:
            return ""
        return "、".join(change.field for change in changes_display(entry))

    @admin.display(description="改动")
    def changes_table(self, entry):
        rows = changes_display(entry)
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>字段</th><th>原值</th><th>新值</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", ((c.field, c.old, c.new) for c in rows)
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
