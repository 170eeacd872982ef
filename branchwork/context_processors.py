from . import access

# The sections of a branch the navigation bar lists under it while one of its pages is open.
BRANCH_SECTIONS = (
    ("工作记录", "activities:activity_list"),
    ("新闻宣传", "activities:publicity_list"),
    ("花名册", "roster:member_list"),
    ("工作总结", "reports:report_list"),
)


def navigation(request):
    """What the navigation bar offers: the user's own branches, the sections of the branch open,
    and the organisations they administer (a superuser reaches 组织管理 from the home page). The
    organisations they review come with their waiting counts (``notifications.context_processors``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    administered = access.administered_organisations(user)
    if user.is_superuser and not administered:
        # A superuser administers the top organisations; looked up only when the bar is drawn.
        administered = _top_organisations
    return {
        "nav_branches": access.own_branches(user),
        "nav_administered": administered,
        "nav_branch_sections": BRANCH_SECTIONS,
    }


def _top_organisations():
    from .models import Organisation

    return list(Organisation.objects.filter(parent__isnull=True).not_closed().order_by("name")[:3])
