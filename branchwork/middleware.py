"""Request middleware of branchwork."""

from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .text import UNSTORABLE, strip_control_characters


def _cleaned(query: QueryDict) -> QueryDict:
    if not any(UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values) for key, values in query.lists()):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        for value in values:
            cleaned.appendlist(strip_control_characters(key), strip_control_characters(value))
    cleaned._mutable = False
    return cleaned


class StripControlCharactersMiddleware:
    """Take control characters out of every submitted value (query string and form data), in one
    place for every form and every view that reads ``request.POST`` itself (the report editor),
    so that what was typed is saved — less the invisible characters no database or document
    can hold — instead of a failed save (see ``branchwork.text``). Uploaded files are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.GET = _cleaned(request.GET)
        if request.method == "POST":
            request.POST = _cleaned(request.POST)
        return None


MUST_CHANGE_PASSWORD = "branchwork_must_change_password"


class IssuedPasswordMiddleware:
    """A user still on a password an administrator issued (``IssuedPassword``) chooses their own
    before anything else: every page but the password change and logging out leads there —
    密码已修改 too, so opening it directly skips nothing.

    The check is made once, at login (``branchwork.signals.note_issued_password``), and kept in
    the session, so ordinary requests cost nothing. Only a password really changed ends it
    (``branchwork.views.PasswordChangeView`` → ``accounts.issued_password_replaced``)."""

    EXEMPT = ("password_change", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "session", None) is None or not request.session.get(MUST_CHANGE_PASSWORD):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name not in self.EXEMPT and request.user.is_authenticated:
            return redirect("password_change")
        return self.get_response(request)
