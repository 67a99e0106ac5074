"""The right of first conversation over the API (grant, withdraw, exercise, record the outcome) and
the next-tour plan: actions on a tour, answered with the tour.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from alliance.serializers import InputSerializer, StrictCharField
from tours import limits, selectors, services
from tours.apis.tours import NoteInputSerializer, TourActionApi, _tour_action
from tours.models import FirstConversation, Tour


class NextPlanInputSerializer(InputSerializer):
    next_tour_plan = serializers.ChoiceField(choices=Tour.NextPlan.choices)
    notes = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class OutcomeInputSerializer(InputSerializer):
    outcome = serializers.ChoiceField(choices=FirstConversation.Outcome.choices)
    note = StrictCharField(max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="")


class FirstConversationGrantApi(TourActionApi):
    @_tour_action("Grant the right of first conversation", "The employee only; the date is recorded.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.first_conversation_grant(tour=tour, by=request.member)


class FirstConversationWithdrawApi(TourActionApi):
    @_tour_action("Withdraw the right of first conversation", "The employee only.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.first_conversation_withdraw(tour=tour, by=request.member)


class FirstConversationExerciseApi(TourActionApi):
    input_serializer = NoteInputSerializer

    @_tour_action("Exercise the right of first conversation",
                  "The employee only: “I'm starting to think about what's next.”", NoteInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.first_conversation_exercise(tour=tour, by=request.member, note=data["note"])


class FirstConversationOutcomeApi(TourActionApi):
    input_serializer = OutcomeInputSerializer

    @_tour_action("Record the outcome of the open first conversation", "Manager side.", OutcomeInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        conversation = selectors.open_first_conversation(tour)
        if conversation is None:
            raise ValidationError({"outcome": ["No first conversation is waiting for an outcome."]})
        services.first_conversation_record_outcome(conversation=conversation, by=request.member,
                                                   outcome=data["outcome"], note=data["note"])


class TourNextPlanApi(TourActionApi):
    input_serializer = NextPlanInputSerializer

    @_tour_action("Record the next-tour plan", "Manager side, on an active tour.", NextPlanInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, tour, data):
        services.tour_record_next_plan(tour=tour, by=request.member, plan=data["next_tour_plan"],
                                       notes=data["notes"])
