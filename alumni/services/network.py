"""The alumni network's settings: the investment level and the bonus policy."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alliance.money import clean_currency_field
from alliance.services import (
    full_clean_or_raise,
    model_update,
)
from alumni import rights
from alumni.models import AlumniSettings, InvestmentLevel
from alumni.services.alumni_intel import level_changed

SETTINGS_FIELDS = ("level", "referral_bonus_for", "referral_bonus_amount", "lead_bonus_for", "lead_bonus_amount",
                   "bonus_currency", "retention_days", "alumni_note_visibility")


@transaction.atomic
def network_settings_save(*, by: Membership, data: dict[str, Any]) -> AlumniSettings:
    """An administrator sets the investment level and the bonus policy. A lower level hides what it
    does not offer from that moment on; nothing is deleted, so going back up shows it all again."""
    rights.require_network_admin(by)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    data = dict(data)
    if "level" in data and data["level"] not in InvestmentLevel.values:
        raise field_error("level", "Choose ignore, support or invest.")
    if "bonus_currency" in data:
        data["bonus_currency"] = clean_currency_field(data["bonus_currency"], "bonus_currency")
    current = AlumniSettings.objects.for_org(by.organization_id).select_for_update().first()
    if current is None:
        current = AlumniSettings(organization_id=by.organization_id, bonus_currency=by.organization.currency)
        for name, value in data.items():
            setattr(current, name, value)
        full_clean_or_raise(current, exclude=["organization"])
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as error:  # saved by someone else a moment ago
            raise ApplicationError("The settings were saved a moment ago; look at them again.") from error
    else:
        model_update(current, data=data, fields=SETTINGS_FIELDS)
    level_changed(current)
    return current
