from __future__ import annotations

from django.http import HttpRequest
from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Cursor pagination on (updated_at, id): stable while rows change, good for sync.

    A sync client pages with ``?updated_since=<last seen>`` and follows ``next``; a
    row updated during the walk moves to the end instead of shifting later pages.
    """

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for the page links of the browser's lists."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
