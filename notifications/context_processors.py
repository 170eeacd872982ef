from .selectors import navigation_counts


def inbox(request):
    """``nav_counts``: unread notifications and reports waiting for review, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_counts": navigation_counts(request)}
