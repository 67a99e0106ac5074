"""The alumnus's directory card: made from their stay, edited by them."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed, field_error
from alliance.models import Membership
from alliance.services import (
    full_clean_or_raise,
    model_update,
)
from alumni import rights
from alumni.limits import MAX_TOUR_TITLES
from alumni.models import CONSENT_TEXT_VERSION, DIRECTORY_FIELDS, AlumniProfile, ExitProcess, LeaverStep, Visibility
from alumni.services._common import _settings
from tours import selectors as tour_selectors


def _stay_of(member: Membership, *, viewer: Membership | None = None) -> dict[str, Any]:
    """What the directory records of a person's time here: years, team, the titles of their tours."""
    process = (ExitProcess.objects.for_org(member.organization_id)
               .filter(member=member, state=ExitProcess.State.COMPLETED).order_by("-completed_at").first())
    ledger = tour_selectors.career_ledger(member=viewer or member, subject=member)
    titles = [tour.title for tour in ledger if tour.status in ("active", "completed", "ended_early")]
    return {
        "joined_on": member.employment_started_on,
        "left_on": process.last_working_day if process else None,
        "teams": member.team,
        "tour_titles": "\n".join(dict.fromkeys(titles))[:MAX_TOUR_TITLES],
        "distinguished": bool(process and process.alumni_tier == ExitProcess.Tier.DISTINGUISHED),
    }


def _step_of(member: Membership) -> LeaverStep | None:
    return (LeaverStep.objects.for_org(member.organization_id)
            .filter(process__member=member, process__state=ExitProcess.State.COMPLETED)
            .order_by("-process__completed_at").first())


@transaction.atomic
def alumni_profile_ensure(*, member: Membership, viewer: Membership | None = None) -> AlumniProfile:
    """The alumnus's directory card, made from their stay the first time (on their last day, or when
    they first open it). Listed only if they consented to the directory."""
    profile = AlumniProfile.objects.for_org(member.organization_id).filter(member=member).first()
    if profile is not None:
        return profile
    if member.status != Membership.Status.ALUMNUS:
        raise ApplicationError("Only alumni have a directory card.")
    step = _step_of(member)
    profile = AlumniProfile(organization_id=member.organization_id, member=member,
                            listed=bool(step and step.consent_directory), city=step.city if step else "",
                            **_stay_of(member, viewer=viewer))
    full_clean_or_raise(profile, exclude=["organization", "member"])
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # made by a concurrent request
        profile = AlumniProfile.objects.for_org(member.organization_id).get(member=member)
    return profile


CARD_FIELDS = ("listed", "current_company", "current_role", "city",
               *(f"{field}_visibility" for field in DIRECTORY_FIELDS), "photo_visibility")


@transaction.atomic
def alumni_profile_update(*, profile: AlumniProfile, by: Membership, data: dict[str, Any]) -> AlumniProfile:
    """The alumnus edits their own card. Listing is their directory consent: ticking or unticking it
    records the consent (text version and time) on their leaver step at once."""
    settings = _settings(by.organization_id)
    rights.require_portal(by, settings)
    if profile.member_id != by.pk or not rights.is_alumnus(by):
        raise NotAllowed("Only the alumnus edits their directory card.")
    unknown = set(data) - set(CARD_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    data = {name: (value.strip() if isinstance(value, str) else value) for name, value in data.items()}
    for name in data:
        if name.endswith("_visibility") and data[name] not in Visibility.values:
            raise field_error(name, "Choose alumni, alumni and employees, or hidden.")
    changed = model_update(profile, data=data, fields=CARD_FIELDS)
    if "listed" in changed:
        step = _step_of(by)
        if step is not None and step.consent_directory != profile.listed:
            step.consent_directory = profile.listed
            step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, timezone.now()
            step.save(update_fields=["consent_directory", "consent_text_version", "consented_at", "updated_at"])
    return profile
