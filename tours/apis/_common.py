"""Shared by the tours API views: reading a request's input, and resolving the people and tours it
names within the caller's rights.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.exceptions import ValidationError

from alliance.models import Membership
from tours import selectors
from tours.models import Tour

NOT_A_DRAFTABLE_EMPLOYEE = "Choose one of your direct reports (HR: an active member other than yourself)."
NOT_A_POSSIBLE_MANAGER = "Choose an active manager, HR person or admin of this organization."


def _one_of(queryset, pk: int | None, field: str, message: str) -> Membership | None:
    """The member with ``pk`` among those the caller may choose; the same message whether the id
    does not exist or is not the caller's to choose, so no error text tells which ids exist."""
    if pk is None:
        return None
    found = queryset.select_related("user", "manager").filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


def _visible_tour(request, pk: int | None, field: str) -> Tour | None:
    if pk is None:
        return None
    try:
        return selectors.get_tour_for_member(request.member, pk)
    except Http404 as error:
        raise ValidationError({field: ["No tour you can see has this id."]}) from error


def _input(serializer_class, request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
