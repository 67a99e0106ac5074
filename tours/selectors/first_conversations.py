"""Reads of the right of first conversation."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from alliance.models import Membership
from tours.models import (
    FirstConversation,
    Tour,
)
from tours.selectors.tours import visible_tours

# --- Right of first conversation ------------------------------------------------


def get_first_conversation_for_member(member: Membership, conversation_id: int) -> FirstConversation:
    conversation = (
        FirstConversation.objects.for_org(member.organization_id)
        .filter(pk=conversation_id, tour__in=visible_tours(member))
        .select_related("tour__employee__user", "tour__manager__user").first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def first_conversations_of(tour: Tour) -> QuerySet[FirstConversation]:
    return FirstConversation.objects.for_org(tour.organization_id).filter(tour=tour).select_related(
        "outcome_recorded_by__user"
    )


def open_first_conversation(tour: Tour) -> FirstConversation | None:
    """The exercised right of first conversation still waiting for its outcome (at most one)."""
    return first_conversations_of(tour).filter(FirstConversation.OPEN).first()


def open_first_conversations_for_manager(member: Membership) -> list[FirstConversation]:
    """Exercised rights of first conversation still waiting for the manager's outcome."""
    return list(
        FirstConversation.objects.for_org(member.organization_id)
        .filter(FirstConversation.OPEN)
        .filter(Q(tour__manager=member) | Q(tour__employee__manager=member))
        .select_related("tour__employee__user")
        .order_by("exercised_at")
    )
