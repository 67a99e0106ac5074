"""The networking fund's policy and a member's balance."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.etags import VersionedResourceMixin
from alliance.models import Membership
from alliance.serializers import InputSerializer, StrictBooleanField, StrictCharField
from network_intel import rights, selectors, services
from network_intel.apis._common import money_input, validated_input
from network_intel.models.fund import FundPolicy

# --- Policy and balance ---------------------------------------------------------------------------------

class OverrideOutputSerializer(serializers.Serializer):
    role = StrictCharField()
    team = StrictCharField()
    amount = money_input()


class PolicyOutputSerializer(serializers.ModelSerializer):
    currency = serializers.SerializerMethodField()
    overrides = serializers.SerializerMethodField()

    class Meta:
        model = FundPolicy
        fields = ["period", "amount", "currency", "per_expense_max", "receipt_required_above", "cap_mode", "rollover",
                  "report_back_days", "overrides", "updated_at"]

    def get_currency(self, policy: FundPolicy) -> str:
        return self.context["currency"]

    @extend_schema_field(OverrideOutputSerializer(many=True))
    def get_overrides(self, policy: FundPolicy) -> list[dict]:
        return OverrideOutputSerializer(self.context["overrides"], many=True).data


class PolicyInputSerializer(InputSerializer):
    period = serializers.ChoiceField(choices=FundPolicy.Period.choices, required=False)
    amount = money_input(min_value=0, required=False)
    per_expense_max = money_input(min_value=0, required=False, allow_null=True)
    receipt_required_above = money_input(min_value=0, required=False)
    cap_mode = serializers.ChoiceField(choices=FundPolicy.CapMode.choices, required=False)
    rollover = StrictBooleanField(required=False)
    report_back_days = serializers.IntegerField(min_value=1, max_value=60, required=False)


def _policy_response(request, policy: FundPolicy) -> Response:
    context = {"currency": request.member.organization.currency,
               "overrides": list(selectors.override_list(request.member.organization_id))}
    return Response(PolicyOutputSerializer(policy, context=context).data)


class FundPolicyApi(VersionedResourceMixin, APIView):
    serializer_class = PolicyOutputSerializer

    @extend_schema(summary="The organization's networking-fund policy", responses=PolicyOutputSerializer)
    def get(self, request):
        policy = selectors.fund_policy(request.member.organization_id)
        if policy is None:
            raise Http404("This organization has no networking fund yet.")
        return _policy_response(request, policy)

    @extend_schema(summary="Set the fund policy (HR)", request=PolicyInputSerializer,
                   responses=PolicyOutputSerializer)
    def put(self, request):
        policy = services.fund_policy_save(by=request.member, data=validated_input(PolicyInputSerializer, request))
        return _policy_response(request, policy)


class BalanceOutputSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    currency = StrictCharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    budget = money_input()
    rolled_over = money_input()
    approved = money_input()
    pending = money_input()
    left = money_input()
    cap_mode = StrictCharField()


class BalanceApi(APIView):
    serializer_class = BalanceOutputSerializer

    @extend_schema(summary="A member's fund balance this period (yours, or ?member= for their manager or HR)",
                   parameters=[OpenApiParameter("member", OpenApiTypes.INT, required=False,
                                                description="Another member's id (their manager or HR only).")],
                   responses=BalanceOutputSerializer)
    def get(self, request):
        member = request.member
        raw = request.query_params.get("member")
        if raw is not None:
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
                raise ValidationError({"member": ["Give a member's id."]})
            subject = (Membership.objects.for_org(member.organization_id).select_related("organization")
                       .filter(pk=int(raw)).first())
            if subject is None or not rights.can_see_balance_of(member, subject):
                raise Http404("No such member.")
            member = subject
        balance = selectors.balance_of(member)
        if balance is None:
            raise Http404("This organization has no networking fund yet.")
        return Response(BalanceOutputSerializer(balance).data)
