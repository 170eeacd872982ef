from . import access


def navigation(request):
    """What the navigation bar offers: the user's own branches and the organisations they review
    or administer (a superuser reaches 组织管理 from the home page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = access._roles(user)
    return {
        "nav_branches": [role.organisation for role in roles if role.writes_branch],
        "nav_reviewed": [role.organisation for role in roles if role.kind == role.Kind.REVIEWER],
        "nav_administered": [role.organisation for role in roles if role.administers],
    }
