"""The inbox: a person's own notifications, nobody else's (another's is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .selectors import notifications_listed
from .services import notifications_mark_read

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request):
    """Unread first, then the rest, newest first within each (``selectors.notifications_listed``)."""
    only_unread = request.GET.get("show") == "unread"
    listed = notifications_listed(user=request.user, only_unread=only_unread)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.for_user(request.user).unread().count()
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "only_unread": only_unread, "unread": unread},
    )


@login_required
@require_POST
def notification_open(request, pk):
    """Mark the notification read and go to the report it is about."""
    notification = get_object_or_404(
        Notification.objects.for_user(request.user).select_related("report__branch"), pk=pk
    )
    notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.target_url)


@login_required
@require_POST
def notification_mark_all_read(request):
    changed = notifications_mark_read(user=request.user)
    if changed:
        messages.success(request, f"已将 {changed} 条消息标为已读")
    return redirect("notifications:notification_list")
