from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["text", "recipient", "created_at", "read_at"]
    list_filter = ["event"]
    search_fields = ["text", "recipient__username"]
    raw_id_fields = ["recipient", "actor", "report"]
    date_hierarchy = "created_at"
