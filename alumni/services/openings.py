"""Job openings (``invest``): HR posts, changes and closes them; alumni apply to come back from one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from alumni import rights
from alumni.limits import MAX_REFERRAL_TEXT
from alumni.models import Boomerang, Opening
from alumni.services._common import _settings
from alumni.services.boomerangs import boomerang_request, rehire_refusal


def _opening_text(data: dict[str, Any]) -> dict[str, str]:
    return {name: (data.get(name) or "").strip() for name in Opening.EDITABLE if name in data}


@transaction.atomic
def opening_create(*, by: Membership, title: str, description: str, team: str = "",
                   location: str = "") -> Opening:
    """HR posts a job opening; alumni and employees see it on the board at once."""
    rights.require_opening_manager(by, _settings(by.organization_id))
    opening = Opening(organization_id=by.organization_id, created_by=by, **_opening_text(
        {"title": title, "description": description, "team": team, "location": location}))
    full_clean_or_raise(opening, exclude=["organization", "created_by"])
    opening.save()
    return opening


@transaction.atomic
def opening_update(*, by: Membership, opening: Opening, data: dict[str, Any]) -> Opening:
    rights.require_opening_manager(by, _settings(by.organization_id))
    unknown = set(data) - set(Opening.EDITABLE)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    model_update(opening, data=_opening_text(data), fields=Opening.EDITABLE)
    return opening


@transaction.atomic
def opening_close(*, by: Membership, opening: Opening) -> Opening:
    """HR closes an opening: it leaves the board, and referrals for it are refused from now on."""
    rights.require_opening_manager(by, _settings(by.organization_id))
    now = timezone.now()
    claimed = Opening.objects.for_org(by.organization_id).filter(pk=opening.pk, state=Opening.State.OPEN).update(
        state=Opening.State.CLOSED, closed_at=now, updated_at=now)
    if claimed != 1:
        raise ApplicationError("This opening is closed already.")
    opening.refresh_from_db()
    return opening


def _open_opening(by: Membership, opening: Opening) -> Opening:
    """The opening, locked until the transaction ends, while it is open (a concurrent close waits)."""
    locked = Opening.objects.for_org(by.organization_id).select_for_update().filter(pk=opening.pk).first()
    if locked is None or not locked.is_open:
        raise field_error("opening", f"“{opening.title}” is closed: it takes no more referrals or applications.")
    return locked


@transaction.atomic
def opening_apply(*, by: Membership, opening: Opening, message: str) -> Boomerang:
    """An alumnus applies for an opening: a request to come back (the boomerang service), linked to it.
    Refused, with the reason, when their rehire eligibility recorded at their exit does not allow it."""
    settings = _settings(by.organization_id)
    if not rights.can_apply_from_opening(by, settings) or opening.organization_id != by.organization_id:
        raise field_error("opening", "No such opening.")
    opening = _open_opening(by, opening)
    refusal = rehire_refusal(by)
    if refusal:
        raise ApplicationError("Your exit's record does not allow a rehire, so you cannot apply to come back. "
                               "HR can tell you more.")
    message = (message or "").strip()
    if not message:
        raise field_error("message", "Say why you would like this job.")
    boomerang = boomerang_request(by=by, message=f"Applies for “{opening.title}”: {message}"[:MAX_REFERRAL_TEXT])
    boomerang.opening = opening
    boomerang.save(update_fields=["opening", "updated_at"])
    return boomerang
