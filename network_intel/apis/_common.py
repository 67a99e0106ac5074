"""Shared by the API views: input validation, the caller's companies and contacts, money fields."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from network_intel.models.companies import Company
from network_intel.models.contacts import Contact
from network_intel.models.fund import MONEY_DIGITS, MONEY_PLACES

# Bounds of the JSON input, before the services' own checks (a 40-digit amount is a 400, not an overflow).
MAX_MONEY = Decimal("9999999999.99")


def validated_input(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def org_companies(request, ids: list[int]) -> list[Company]:
    found = list(Company.objects.for_org(request.member.organization_id).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"companies": ["No company of this organization has one of these ids."]})
    return found


def own_contacts(request, ids: list[int]) -> list[Contact]:
    found = list(Contact.objects.for_org(request.member.organization_id).filter(pk__in=ids, owner=request.member))
    if len(found) != len(set(ids)):
        raise ValidationError({"contacts": ["Only your own contacts can be named."]})
    return found


def money_input(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)
