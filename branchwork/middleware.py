"""Request middleware of branchwork."""

from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .text import UNSTORABLE, strip_control_characters


def _cleaned(query: QueryDict) -> QueryDict:
    if not any(
        UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values) for key, values in query.lists()
    ):
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


# Methods that by HTTP's contract change nothing: their requests read in autocommit mode.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _view_is_non_atomic(request) -> bool:
    """Whether the view of ``request`` runs its own transactions (Django's
    ``transaction.non_atomic_requests``): it renders files and must not hold the write lock while
    it does, so its service opens the transaction only around what it writes."""
    from django.urls import Resolver404, resolve

    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return DEFAULT_DB_ALIAS in getattr(view, "_non_atomic_requests", ())


class WriteTransactionMiddleware:
    """Every request that may write (POST and the other unsafe methods) is one transaction; a
    request that only reads is not.

    This replaces ``ATOMIC_REQUESTS``, which wraps reads too: on SQLite a transaction begins
    ``IMMEDIATE`` (taking the one write lock, so that two simultaneous saves queue and the second
    sees the first's conflict, never a 500), so a read of a minute — a period's book of meeting
    records printed as a PDF — held the lock for that minute, and every login and save waited
    for it and failed with ``database is locked``. Reads run in autocommit mode and hold no lock
    between queries; on PostgreSQL, under READ COMMITTED, each statement saw its own snapshot
    anyway, so nothing a reader sees changes.

    A write is still all or nothing, as before: the view runs inside ``transaction.atomic()``,
    and any exception it raises (a 404 or 403 too) or a 5xx answer rolls everything back —
    records, their audit-log entries, figure versions. Views marked
    ``transaction.non_atomic_requests`` (those that render files: the report submission) are
    left to the transactions of their services."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or _view_is_non_atomic(request):
            return self.get_response(request)
        block = transaction.atomic()
        block.__enter__()
        request._write_transaction = block
        try:
            response = self.get_response(request)
        except BaseException as error:
            self._end(request, error)
            raise
        if request._write_transaction is not None and response.status_code >= 500:
            transaction.set_rollback(True)
        self._end(request, None)
        return response

    def process_exception(self, request, exception):
        # Raised by the view: undo what it wrote now, so that the 404/403/500 page after it (whose
        # context processors query the database) is rendered outside the failed transaction.
        self._end(request, exception)
        return None

    @staticmethod
    def _end(request, error: BaseException | None) -> None:
        block = getattr(request, "_write_transaction", None)
        if block is None:
            return
        request._write_transaction = None
        if error is None:
            block.__exit__(None, None, None)
        else:
            block.__exit__(type(error), error, error.__traceback__)
