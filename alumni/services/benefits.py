"""The benefits catalog (``invest``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from alumni import rights
from alumni.models import Benefit
from alumni.services._common import _settings

BENEFIT_FIELDS = ("title", "description", "kind", "tier", "how_to_claim")


def _benefit_data(data: dict[str, Any]) -> dict[str, Any]:
    return {name: (data[name] or "").strip() for name in BENEFIT_FIELDS if name in data}


@transaction.atomic
def benefit_create(*, by: Membership, data: dict[str, Any]) -> Benefit:
    rights.require_benefit_editor(by, _settings(by.organization_id))
    benefit = Benefit(organization_id=by.organization_id, **_benefit_data(data))
    full_clean_or_raise(benefit, exclude=["organization"])
    benefit.save()
    return benefit


@transaction.atomic
def benefit_update(*, benefit: Benefit, by: Membership, data: dict[str, Any]) -> Benefit:
    rights.require_benefit_editor(by, _settings(by.organization_id))
    model_update(benefit, data=_benefit_data(data), fields=BENEFIT_FIELDS)
    return benefit


@transaction.atomic
def benefit_delete(*, benefit: Benefit, by: Membership) -> None:
    rights.require_benefit_editor(by, _settings(by.organization_id))
    Benefit.objects.for_org(by.organization_id).filter(pk=benefit.pk).delete()
