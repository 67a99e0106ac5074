"""Alumni intelligence: who may share feedback and intel notes."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniSettings, LeaverStep
from alumni.rights.network import INVEST, SUPPORT, is_alumnus


def can_share_feedback(member: Membership, settings: AlumniSettings) -> bool:
    """Feedback from ``support``: the page exists for alumni (sharing also needs their consent)."""
    return is_alumnus(member) and settings.reaches(SUPPORT)


def can_share_intel(member: Membership, settings: AlumniSettings) -> bool:
    """Intel notes about the outside world, and being listed in "who knows": ``invest``."""
    return is_alumnus(member) and settings.reaches(INVEST)


def has_feedback_consent(step: LeaverStep | None) -> bool:
    return step is not None and step.consent_feedback


def require_alumni_sharing(by: Membership, settings: AlumniSettings, step: LeaverStep | None, *,
                           intel: bool) -> None:
    allowed = can_share_intel(by, settings) if intel else can_share_feedback(by, settings)
    if not allowed:
        raise Http404("No such page.")
    if not has_feedback_consent(step):
        raise NotAllowed("Sharing needs your consent: tick “share feedback and intelligence” first. "
                         "You can withdraw it at any time.")
