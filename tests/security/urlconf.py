"""Every URL pattern of the project, found by walking the URLconf, and how to fill its arguments.

The permission matrix runs over ``app_routes()``, so a URL added later is attacked without anyone
remembering to list it; a URL whose arguments cannot be built fails the matrix until a builder
for its converter is added here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from activities.models import Activity, Attachment, ComplianceRule, Outlet, PublicityEntry
from branchwork.models import Member, Organisation, PartyGroup, Role
from notifications.models import Notification
from reports.models import ReportItem

# Left out of the matrix, on purpose:
SKIPPED_NAMESPACES = {
    "admin",  # Django admin: staff only, its own permission system (tests/branchwork/test_admin.py)
}
PUBLIC_NAMES = {
    "healthz",  # the load balancer's probe: no login, no data
    "login",
    "logout",
    "password_change",  # the user's own password: no branch, no records
    "password_change_done",
}
SKIPPED_PREFIXES = ("static/", "media/")  # served by WhiteNoise / the web server, never by a view


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the whole route, includes joined: "b/<slug:code>/records/<int:pk>/"
    arguments: tuple[str, ...]

    @property
    def url_name(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def scope(self) -> str:
        """What the URL's ``code`` names: a branch (b/…), an organisation above (o/…), or nothing."""
        if "code" not in self.arguments:
            return "none"
        # An app mounted under its own prefix ("inspection/o/…") scopes its URLs the same way.
        route = self.route.split("/", 1)[1] if self.route.startswith("inspection/") else self.route
        return "org" if route.startswith("o/") else "branch"

    def __str__(self) -> str:
        return self.name


def _walk(patterns, prefix: str, namespace: str, arguments: tuple[str, ...]):
    for pattern in patterns:
        converters = tuple(getattr(pattern.pattern, "converters", {}))
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern.url_patterns, route, space, arguments + converters)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield Route(name, route, arguments + converters), namespace


def all_routes() -> list[Route]:
    return [route for route, _namespace in _walk(get_resolver().url_patterns, "", "", ())]


def is_skipped(route: Route) -> bool:
    namespace = route.name.rpartition(":")[0]
    return (
        namespace.split(":")[0] in SKIPPED_NAMESPACES
        or (not namespace and route.name in PUBLIC_NAMES)
        or route.route.startswith(SKIPPED_PREFIXES)
    )


def app_routes() -> list[Route]:
    return [route for route in all_routes() if not is_skipped(route)]


# --- building arguments --------------------------------------------------------------------------

# ``pk`` is an object of the model the URL name starts with. In the attachment URLs ``pk`` is the
# record the attachment belongs to (…/records/<pk>/attachments/<attachment_pk>/).
MODEL_BY_NAME_PREFIX = {
    "activity": Activity,
    "attachment": Activity,
    "minutes": Activity,  # …/records/<pk>/minutes.<fmt>: the record's printed meeting record
    "rectification": Activity,  # an entry of the 整改台账: the scene's (Activity, "rectification")
    "member": Member,
    "group": PartyGroup,
    "rule": ComplianceRule,
    "outlet": Outlet,
    "publicity": PublicityEntry,
    "notification": Notification,
}
# ``<thing>_pk`` is an object of the model named by its prefix.
MODEL_BY_ARGUMENT_PREFIX = {
    "attachment": Attachment,
    "member": Member,
    "activity": Activity,
    "item": ReportItem,  # an item of 存在的问题 (reports:report_item_rectify)
    # The administrator's pages: an organisation below, an account, one of its roles.
    "unit": Organisation,
    "user": get_user_model(),
    "role": Role,
}

# Plain values by converter name.
VALUES = {"kind": "study", "period": "2022H1", "fmt": "docx", "name": "meeting", "number": 1, "year": 2022, "item_code": "1.3"}
# The few URLs that need another value: reviewing needs the submitted report.
OVERRIDES = {
    "reports:report_review": {"period": "2022H2"},
    "reports:report_return": {"period": "2022H2"},
    "reports:report_approve": {"period": "2022H2"},
    "reports:minutes_book": {"fmt": "pdf"},  # a period's meeting records: pdf or zip
    # The inspection chain: kl's 2022H2 self-score is submitted (tests/security/factories.py).
    "inspection:score_pass": {"period": "2022H2"},
    "inspection:score_return": {"period": "2022H2"},
    "inspection:score_recheck": {"period": "2022H2"},
}


class NoBuilder(LookupError):
    """The matrix cannot fill this URL: add a builder for its argument above."""


def model_for(route: Route, argument: str):
    if argument == "pk":
        prefix = route.url_name.split("_")[0]
        model = MODEL_BY_NAME_PREFIX.get(prefix)
    elif argument.endswith("_pk"):
        model = MODEL_BY_ARGUMENT_PREFIX.get(argument[: -len("_pk")])
    else:
        return None
    if model is None:
        raise NoBuilder(f"{route.name}: no model for argument {argument!r} (route {route.route})")
    return model


def build_kwargs(route: Route, *, branch_code: str, org_code: str, objects: dict) -> dict:
    """Arguments for ``reverse(route.name, kwargs=...)``: ``objects`` maps a model to the instance
    to use (the owning branch's, or another's to test that it is refused); a ``(model, scope)``
    key overrides it for the URLs of that scope (a branch's own outlet under b/…, an
    organisation's under o/…)."""
    kwargs = {}
    for argument in route.arguments:
        if argument == "code":
            kwargs[argument] = org_code if route.scope == "org" else branch_code
        elif argument == "pk" or argument.endswith("_pk"):
            model = model_for(route, argument)
            # A ``(model, prefix)`` key picks a particular object for the URLs named so (the
            # rectification ledger's entries are records of one kind).
            prefix = route.url_name.split("_")[0]
            instance = objects.get((model, prefix), objects.get((model, route.scope), objects.get(model)))
            if instance is None:
                raise NoBuilder(f"{route.name}: no {model.__name__} object to use for {argument!r}")
            kwargs[argument] = instance.pk
        elif argument in OVERRIDES.get(route.name, {}):
            kwargs[argument] = OVERRIDES[route.name][argument]
        elif argument in VALUES:
            kwargs[argument] = VALUES[argument]
        else:
            raise NoBuilder(f"{route.name}: no value for argument {argument!r} (route {route.route})")
    return kwargs
