"""The API lists' filter backend."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


class ListFilterBackend(DjangoFilterBackend):
    """django-filter's backend, without building the filter set's form for a request that gives none of
    its parameters (a sync client's ``?page_size=…&cursor=…``): with no parameter of its own a filter set
    filters nothing and finds no error, so the queryset is returned as it is, and the form is built (and
    checked) exactly as before whenever any other parameter is present."""

    # Read by the paginator (alliance.pagination.StableCursorPagination), never by a filter set.
    PAGINATION_PARAMETERS = frozenset({"cursor", "page_size"})

    def filter_queryset(self, request, queryset, view):
        if self.PAGINATION_PARAMETERS.issuperset(request.query_params.keys()):
            filterset_class = self.get_filterset_class(view, queryset)
            if filterset_class is None or not any(
                getattr(item, "extra", {}).get("required") for item in filterset_class.base_filters.values()
            ):
                return queryset
        return super().filter_queryset(request, queryset, view)
