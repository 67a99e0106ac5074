"""Amendments of active tours over the API: a tour's amendments, and the employee's accept or decline,
the manager side's withdraw. Proposing one is a change of terms (PATCH on the tour, tours.apis.tours).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.serializers import InputSerializer, StrictCharField
from tours import selectors, services
from tours.apis._common import _input
from tours.models import TourAmendment


class AmendmentChangeSerializer(serializers.Serializer):
    label = StrictCharField()
    current = StrictCharField(source="from", help_text="The term in force, as shown to people.")
    proposed = StrictCharField(source="to")


class AmendmentOutputSerializer(serializers.ModelSerializer):
    proposed_by_name = StrictCharField(source="proposed_by.user.full_name", default="", read_only=True)
    answered_by_name = StrictCharField(source="answered_by.user.full_name", default="", read_only=True)
    diff = serializers.DictField(child=AmendmentChangeSerializer(), read_only=True,
                                 help_text="For each changed term: its label, the term in force and the proposal.")

    class Meta:
        model = TourAmendment
        fields = ["id", "tour", "status", "proposed_by", "proposed_by_name", "reason", "changes", "diff",
                  "answered_by", "answered_by_name", "answered_at", "answer_note", "created_at", "updated_at"]
        read_only_fields = fields


@extend_schema(summary="A tour's amendments, newest first", responses=AmendmentOutputSerializer(many=True))
class TourAmendmentListApi(APIView):
    def get(self, request, pk: int):
        tour = selectors.get_tour_for_member(request.member, pk)
        return Response(AmendmentOutputSerializer(selectors.tour_amendments(tour), many=True).data)


class AmendmentAnswerInputSerializer(InputSerializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


def _amendment_action(summary: str, description: str):
    return extend_schema(summary=summary, description=description, request=AmendmentAnswerInputSerializer,
                         responses={200: AmendmentOutputSerializer,
                                    400: OpenApiResponse(description="Refused in this state: the message says why."),
                                    403: OpenApiResponse(description="Not yours to answer.")})


class AmendmentActionApi(APIView):
    def act(self, request, amendment: TourAmendment, note: str) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        amendment = selectors.get_amendment_for_member(request.member, pk)
        data = _input(AmendmentAnswerInputSerializer, request)
        self.act(request, amendment, data["note"])
        amendment = selectors.get_amendment_for_member(request.member, pk)
        return Response(AmendmentOutputSerializer(amendment).data)


class AmendmentAcceptApi(AmendmentActionApi):
    @_amendment_action("Accept a proposed amendment", "The employee only: the new terms take effect now.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, amendment, note):
        services.amendment_accept(amendment=amendment, by=request.member, note=note)


class AmendmentDeclineApi(AmendmentActionApi):
    @_amendment_action("Decline a proposed amendment", "The employee only, with a note saying why.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, amendment, note):
        services.amendment_decline(amendment=amendment, by=request.member, note=note)


class AmendmentWithdrawApi(AmendmentActionApi):
    @_amendment_action("Withdraw a proposed amendment", "The manager side.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, amendment, note):
        services.amendment_withdraw(amendment=amendment, by=request.member)
