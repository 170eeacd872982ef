from .selectors import NavigationCounts


def inbox(request):
    """``nav_counts``: unread notifications and reports waiting for review, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = getattr(request, "_nav_counts", None)
    if counts is None:
        counts = request._nav_counts = NavigationCounts(user)
    return {"nav_counts": counts}
