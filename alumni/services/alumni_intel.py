"""Alumni intelligence: alumni share feedback and intel notes into network intelligence, with consent."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alumni import rights
from alumni.models import CONSENT_TEXT_VERSION, AlumniNoteReach, InvestmentLevel, LeaverStep
from alumni.services._common import _settings
from alumni.services.directory import _step_of
from network_intel import services as intel_services

FEEDBACK_TAG = "alumni feedback"
INVEST = InvestmentLevel.INVEST


def note_visibilities(settings) -> tuple[str, ...]:
    """The audiences an alumnus may choose, up to the widest the organization allows."""
    if settings.alumni_note_visibility == AlumniNoteReach.ORGANIZATION:
        return (AlumniNoteReach.LEADERSHIP, AlumniNoteReach.ORGANIZATION)
    return (AlumniNoteReach.LEADERSHIP,)


@transaction.atomic
def alumni_sharing_consent(*, by: Membership, feedback: bool, who_knows: bool | None = None) -> LeaverStep:
    """The alumnus gives or withdraws their consent to share feedback and intelligence, and (``invest``)
    to appear in "who here knows someone at X?". Both take effect at once; the consent is recorded
    with its text version and time on their leaver step, like their other consents."""
    settings = _settings(by.organization_id)
    if not rights.can_share_feedback(by, settings):
        raise Http404("No such page.")
    step = _step_of(by)
    if step is None:
        raise ApplicationError("Your exit has no record of consents to change; ask HR.")
    if step.consent_feedback != feedback:
        step.consent_feedback = feedback
        step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, timezone.now()
        step.save(update_fields=["consent_feedback", "consent_text_version", "consented_at", "updated_at"])
    if who_knows is not None:
        if who_knows and not rights.can_share_intel(by, settings):
            raise Http404("No such page.")
        intel_services.alumnus_listing_set(member=by, listed=who_knows)  # withdrawing works at any level
    return step


@transaction.atomic
def alumni_note_share(*, by: Membership, kind: str, title: str, body: str, visibility: str,
                      company: str = "", learned_on: date | None = None):
    """An alumnus shares ``feedback`` (about the organization; ``support``) or an ``intel`` note (about
    the outside world, optionally a company; ``invest``) into network intelligence, marked as from an
    alumnus, for an audience they choose within what the organization allows. Needs their consent."""
    if kind not in ("feedback", "intel"):
        raise field_error("kind", "Choose feedback or an intel note.")
    settings = _settings(by.organization_id)
    rights.require_alumni_sharing(by, settings, _step_of(by), intel=kind == "intel")
    if visibility not in note_visibilities(settings):
        allowed = " or ".join(AlumniNoteReach(v).label.lower() for v in note_visibilities(settings))
        raise field_error("visibility", f"Choose who sees it: {allowed}.")
    tags = [intel_services.tag_resolve(by=by, name=FEEDBACK_TAG)] if kind == "feedback" else []
    companies = [intel_services.company_resolve(by=by, name=company)] if kind == "intel" and company.strip() else []
    return intel_services.alumni_note_create(by=by, title=title, body=body, visibility=visibility,
                                             companies=companies, tags=tags, learned_on=learned_on)


def level_changed(settings) -> None:
    """The investment level decides whether consenting alumni appear in who-knows (``invest``): told to
    network intelligence when an administrator saves it. Nothing is deleted going down a level."""
    intel_services.alumni_who_knows_enable(organization_id=settings.organization_id,
                                           enabled=settings.reaches(INVEST))
