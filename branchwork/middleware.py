"""Request middleware of branchwork."""

from django.http import QueryDict

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
