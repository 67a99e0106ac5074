from __future__ import annotations

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from alliance.datetimes import offset_in_range

INVALID_CURSOR = "This cursor is not one the API gave out; follow the `next` or `previous` link as it is."


class StableCursorPagination(CursorPagination):
    """Cursor pagination on (updated_at, id): stable while rows change, good for sync.

    A sync client pages with ``?updated_since=<last seen>`` and follows ``next``; a
    row updated during the walk moves to the end instead of shifting later pages.

    A cursor is opaque but only base64: one that was edited (``p=abc``) is a 400 with a
    field error on ``cursor``, never a database error.
    """

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        if request.query_params.get(self.cursor_query_param) == "":
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from error
        if cursor is not None and cursor.position is not None:
            position = _parse_position(cursor.position)
            if position is None or not offset_in_range(position):
                raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        return cursor


def _parse_position(text: str):
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for the page links of the browser's lists."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
