"""The right of first conversation (grant, withdraw, exercise, the outcome) and the next-tour plan,
posted from a tour's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.errors import ApplicationError
from alliance.http import OrgRequest
from tours import selectors, services
from tours.forms import FirstConversationOutcomeForm, NextPlanForm, NoteForm
from tours.models import FirstConversation
from tours.views._common import _back_to, _safe_next, _tour_url


@require_POST
def first_conversation_action(request: OrgRequest, org_slug: str, tour_id: int, action: str) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    by = request.member
    try:
        if action == "grant":
            services.first_conversation_grant(tour=tour, by=by)
            messages.success(request, "You granted the right of first conversation: when you start thinking "
                                      "about what's next, you'll talk to us first.")
        elif action == "withdraw":
            services.first_conversation_withdraw(tour=tour, by=by)
            messages.success(request, "You withdrew the right of first conversation.")
        elif action == "exercise":
            form = NoteForm(request.POST)
            form.is_valid()
            services.first_conversation_exercise(tour=tour, by=by, note=form.cleaned_data.get("note", ""))
            messages.success(request, f"{tour.manager.user.full_name} sees it now on their dashboard and will "
                                      "set up the conversation.")
        else:
            raise Http404("No such action.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to(request, _safe_next(request) or _tour_url(tour))


@require_POST
def first_conversation_outcome(request: OrgRequest, org_slug: str, conversation_id: int) -> HttpResponse:
    conversation = selectors.get_first_conversation_for_member(request.member, conversation_id)
    form = FirstConversationOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the outcome of the conversation.")
    else:
        try:
            services.first_conversation_record_outcome(conversation=conversation, by=request.member,
                                                       **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Outcome recorded: {conversation.get_outcome_display()}.")
            if conversation.outcome == FirstConversation.Outcome.NEW_INTERNAL_TOUR:
                url = reverse("tours:create", args=[org_slug]) + f"?previous={conversation.tour_id}"
                return _back_to(request, url)
    return _back_to(request, _tour_url(conversation.tour))


@require_POST
def tour_next_plan(request: OrgRequest, org_slug: str, tour_id: int) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    form = NextPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the plan for the next tour.")
        return _back_to(request, _tour_url(tour))
    try:
        services.tour_record_next_plan(tour=tour, by=request.member, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Next-tour plan recorded: {tour.get_next_tour_plan_display()}.")
    return _back_to(request, _tour_url(tour))
