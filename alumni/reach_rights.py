"""Who may do what with job openings, CVs, directory photos, alumni intelligence and the dashboard.

Like ``alumni.rights``: services call the ``require_*`` functions and refuse on their own
(``NotAllowed`` → 403, or a 404 for what the investment level does not offer); views,
APIs and templates call the ``can_*`` ones only to hide what a person may not use; the
``access_*`` functions return the object or raise Http404 "No such …" for what is
missing *and* for what the caller may not see.
"""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniProfile, AlumniSettings, InvestmentLevel, LeaverStep, Opening, Referral
from alumni.rights import (
    access_referral,
    can_refer,
    can_run_network,
    can_use_directory,
    is_alumnus,
    portal_open,
)
from alumni.selectors import audience_of

INVEST = InvestmentLevel.INVEST
SUPPORT = InvestmentLevel.SUPPORT


# --- Job openings (``invest``) ---------------------------------------------------------------

def can_see_openings(member: Membership, settings: AlumniSettings) -> bool:
    """Alumni and employees see the board when the organization invests; at a lower level it does not exist."""
    return portal_open(member, settings, INVEST)


def can_manage_openings(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(INVEST)


def can_refer_from_opening(member: Membership, settings: AlumniSettings) -> bool:
    return can_see_openings(member, settings) and can_refer(member, settings)


def can_apply_from_opening(member: Membership, settings: AlumniSettings) -> bool:
    """An alumnus applies to come back from an opening (a boomerang request)."""
    return is_alumnus(member) and settings.reaches(INVEST)


def require_openings(member: Membership, settings: AlumniSettings) -> None:
    if not can_see_openings(member, settings):
        raise Http404("No such page.")


def require_opening_manager(by: Membership, settings: AlumniSettings) -> None:
    require_openings(by, settings)
    if not can_manage_openings(by, settings):
        raise NotAllowed("Only HR or an administrator can post and change job openings.")


def access_opening(member: Membership, settings: AlumniSettings, opening_id: int) -> Opening:
    """An opening of the organization. Everyone on the board sees open ones; a closed one is still
    found (its page says it is closed, and a referral for it is refused with that reason)."""
    require_openings(member, settings)
    opening = Opening.objects.for_org(member.organization_id).filter(pk=opening_id).first()
    if opening is None:
        raise Http404("No such opening.")
    return opening


# --- CVs on referrals ----------------------------------------------------------------------------

def access_referral_cv(member: Membership, referral_id: int) -> Referral:
    """The referrer and HR download a referral's CV; anyone else, or no CV: 404."""
    referral = access_referral(member, referral_id)
    if not referral.cv:
        raise Http404("No such file.")
    return referral


# --- Directory photos ----------------------------------------------------------------------------

def can_see_photo(viewer: Membership, settings: AlumniSettings, profile: AlumniProfile) -> bool:
    """Its alumnus always; anyone else through the directory: a listed alumnus's card, with the photo's
    visibility open to the viewer (alumni: alumni and everyone; employees: everyone)."""
    if profile.organization_id != viewer.organization_id or not profile.photo:
        return False
    if profile.member_id == viewer.pk:
        return is_alumnus(viewer)
    return (can_use_directory(viewer, settings) and profile.listed
            and profile.member.status == Membership.Status.ALUMNUS
            and profile.photo_visibility in audience_of(viewer))


def access_photo(viewer: Membership, settings: AlumniSettings, profile_id: int) -> AlumniProfile:
    profile = (AlumniProfile.objects.for_org(viewer.organization_id).select_related("member")
               .filter(pk=profile_id).first())
    if profile is None or not can_see_photo(viewer, settings, profile):
        raise Http404("No such photo.")
    return profile


# --- Alumni intelligence --------------------------------------------------------------------------

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


# --- The dashboard (``invest``) --------------------------------------------------------------------

def can_see_dashboard(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(INVEST)
