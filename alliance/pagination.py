from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from alliance.datetimes import offset_in_range

PAGE_SIZE_PATTERN = re.compile(r"[0-9]{1,6}")
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

    def get_page_size(self, request) -> int:
        """``page_size`` is one whole number from 1 to ``max_page_size``; anything else is a 400 (a
        client that asked for a page size and silently got another would page wrongly)."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) == 1 and PAGE_SIZE_PATTERN.fullmatch(values[0]) and 1 <= int(values[0]) <= self.max_page_size:
            return int(values[0])
        raise ValidationError({self.page_size_query_param: [
            f"Give one whole number from 1 to {self.max_page_size}, or leave the parameter out."
        ]})

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = f"Rows per page, from 1 to {self.max_page_size} (default {self.page_size})."
        return parameters

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


class SortableCursorPagination(StableCursorPagination):
    """Cursor pagination with a client's choice of order (``?ordering=``) among ``orderings``: public name ->
    the rows' ordering. The first is the default and is the sync order ``(updated_at, id)``; every other is
    served by an index that leads with ``organization_id`` (tests/alliance/test_indexes.py checks each) and
    its first column must be read by the list (the cursor's position is that column's value).

    An unknown or repeated ``ordering`` is a 400 naming the choices, never a silent default."""

    ordering_query_param = "ordering"
    orderings: dict[str, tuple[str, ...]] = {"updated_at": ("updated_at", "id")}
    ordering_descriptions: dict[str, str] = {"updated_at": "oldest change first (the sync order)"}

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        values = request.query_params.getlist(self.ordering_query_param)
        if not values:
            return next(iter(self.orderings.values()))
        if len(values) == 1 and values[0] in self.orderings:
            return self.orderings[values[0]]
        raise ValidationError({self.ordering_query_param: [
            f"Give one of {', '.join(self.orderings)}, or leave the parameter out."]})

    def decode_cursor(self, request):
        if self.ordering[0].lstrip("-") == "updated_at":
            return super().decode_cursor(request)
        # Another order's position is that column's value (text or a date), compared by the database.
        if request.query_params.get(self.cursor_query_param) == "":
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        try:
            cursor = CursorPagination.decode_cursor(self, request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from error
        if cursor is not None and cursor.position is not None and len(cursor.position) > CURSOR_POSITION_MAX:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        return cursor

    def get_schema_operation_parameters(self, view) -> list[dict]:
        choices = "; ".join(f"`{name}`: {text}" for name, text in self.ordering_descriptions.items())
        return [*super().get_schema_operation_parameters(view), {
            "name": self.ordering_query_param, "required": False, "in": "query",
            "description": f"The order of the rows (default `{next(iter(self.orderings))}`): {choices}.",
            "schema": {"type": "string", "enum": list(self.orderings)},
        }]


# A cursor's position is one column's value: a sort key or a date, never longer than this.
CURSOR_POSITION_MAX = 300


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


# Above this many rows a list page says "10,000+" instead of counting every row of a big organization.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A page paginator whose count reads at most ``COUNT_CAP`` + 1 rows (an index range, whatever the
    list's size): above the cap the page shows ``count_label`` ("10,000+") and its pages end there.
    ``exact`` counts every row (the page's "exact count" link, ``?count=exact``)."""

    def __init__(self, object_list, per_page, *, exact: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.exact = exact
        self.cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        if self.exact or not hasattr(self.object_list, "values"):
            return super().count
        # The keys only: a list's per-row people (alliance.rowpeople) are not read to count.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return not self.exact and self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.count:,}"
