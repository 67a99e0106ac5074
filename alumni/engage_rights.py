"""Who may do what with news, benefits and events — and at which investment level.

News is part of the portal from ``support``; benefits and events from ``invest``. Below its level
a feature does not exist for anyone (404), HR included; nothing is deleted, so it comes back as it was
when the level goes up again. The ``access_*`` lookups answer 404 for what is missing or not visible.
"""

from __future__ import annotations

from django.db.models import Exists, Q
from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import (
    AlumniEvent,
    AlumniProfile,
    AlumniSettings,
    Benefit,
    BenefitTier,
    ExitProcess,
    InvestmentLevel,
    NewsPost,
)
from alumni.rights import can_run_network, in_the_network, is_alumnus, portal_open

NEWS_LEVEL = InvestmentLevel.SUPPORT
BENEFITS_LEVEL = InvestmentLevel.INVEST
EVENTS_LEVEL = InvestmentLevel.INVEST


def can_read_news(member: Membership, settings: AlumniSettings) -> bool:
    return portal_open(member, settings, NEWS_LEVEL)


def can_manage_news(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(NEWS_LEVEL)


def can_see_benefits(member: Membership, settings: AlumniSettings) -> bool:
    """Alumni claim benefits; HR keeps the catalog. Employees have their own perks elsewhere."""
    return settings.reaches(BENEFITS_LEVEL) and (is_alumnus(member) or can_run_network(member))


def can_manage_benefits(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(BENEFITS_LEVEL)


def can_see_events(member: Membership, settings: AlumniSettings) -> bool:
    """Alumni and employees meet at alumni events (links both ways)."""
    return portal_open(member, settings, EVENTS_LEVEL)


def can_manage_events(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(EVENTS_LEVEL)


def can_rsvp(member: Membership, event: AlumniEvent) -> bool:
    return in_the_network(member) and not event.is_cancelled


def is_distinguished(member: Membership) -> bool:
    """An alumnus's tier: distinguished on their directory card or in the exit that made them an alumnus."""
    if not is_alumnus(member):
        return False
    card = AlumniProfile.objects.for_org(member.organization_id).filter(member=member, distinguished=True)
    exits = ExitProcess.objects.for_org(member.organization_id).filter(
        member=member, state=ExitProcess.State.COMPLETED, alumni_tier=ExitProcess.Tier.DISTINGUISHED)
    return Membership.objects.for_org(member.organization_id).filter(pk=member.pk).filter(
        Q(Exists(card)) | Q(Exists(exits))).exists()


def benefit_tiers_for(member: Membership) -> tuple[str, ...]:
    """HR sees the whole catalog; an alumnus the tiers they belong to."""
    if can_run_network(member):
        return tuple(BenefitTier.values)
    if is_distinguished(member):
        return (BenefitTier.ALUMNI, BenefitTier.DISTINGUISHED)
    return (BenefitTier.ALUMNI,)


# --- Refusals, raised by the services ----------------------------------------------------


def require_level(member: Membership, settings: AlumniSettings, check) -> None:
    """A feature the level does not offer (or not to this person) answers like a page that does not exist."""
    if not check(member, settings):
        raise Http404("No such page.")


def require_news_editor(by: Membership, settings: AlumniSettings) -> None:
    require_level(by, settings, lambda m, s: can_read_news(m, s) or can_manage_news(m, s))
    if not can_manage_news(by, settings):
        raise NotAllowed("Only HR or an administrator can publish news.")


def require_benefit_editor(by: Membership, settings: AlumniSettings) -> None:
    require_level(by, settings, can_see_benefits)
    if not can_manage_benefits(by, settings):
        raise NotAllowed("Only HR or an administrator can change the benefits catalog.")


def require_event_editor(by: Membership, settings: AlumniSettings) -> None:
    require_level(by, settings, can_see_events)
    if not can_manage_events(by, settings):
        raise NotAllowed("Only HR or an administrator can change events.")


def require_rsvp(by: Membership, settings: AlumniSettings, event: AlumniEvent) -> None:
    require_level(by, settings, can_see_events)
    if not can_rsvp(by, event):
        raise NotAllowed("This event is cancelled." if event.is_cancelled else
                         "Only members and alumni of the organization can answer an invitation.")


# --- Lookups: 404 for what is missing or not visible ----------------------------------------


def access_news_post(member: Membership, settings: AlumniSettings, post_id: int) -> NewsPost:
    if not (can_read_news(member, settings) or can_manage_news(member, settings)):
        raise Http404("No such news post.")
    post = NewsPost.objects.for_org(member.organization_id).select_related("author__user").filter(pk=post_id).first()
    if post is None:
        raise Http404("No such news post.")
    return post


def access_benefit(member: Membership, settings: AlumniSettings, benefit_id: int) -> Benefit:
    if not can_see_benefits(member, settings):
        raise Http404("No such benefit.")
    benefit = (Benefit.objects.for_org(member.organization_id)
               .filter(pk=benefit_id, tier__in=benefit_tiers_for(member)).first())
    if benefit is None:
        raise Http404("No such benefit.")
    return benefit


def access_event(member: Membership, settings: AlumniSettings, event_id: int) -> AlumniEvent:
    if not can_see_events(member, settings):
        raise Http404("No such event.")
    event = (AlumniEvent.objects.for_org(member.organization_id).select_related("created_by__user")
             .filter(pk=event_id).first())
    if event is None:
        raise Http404("No such event.")
    return event


# --- Navigation: read the level once per request (the member object lives for one request) ----------


def _network_of(member: Membership) -> AlumniSettings:
    cached = getattr(member, "_alumni_network_settings", None)
    if cached is None:
        found = AlumniSettings.objects.for_org(member.organization_id).first()
        cached = found or AlumniSettings(organization_id=member.organization_id)
        member._alumni_network_settings = cached
    return cached


def nav_news(member: Membership) -> bool:
    return in_the_network(member) and can_read_news(member, _network_of(member))


def nav_events(member: Membership) -> bool:
    return in_the_network(member) and can_see_events(member, _network_of(member))


def nav_benefits(member: Membership) -> bool:
    return in_the_network(member) and can_see_benefits(member, _network_of(member))


def nav_directory(member: Membership) -> bool:
    """The alumni's directory link: not at ``ignore`` (employees reach the directory from the network page)."""
    return is_alumnus(member) and portal_open(member, _network_of(member))


def nav_referrals(member: Membership) -> bool:
    """Employees refer at every level (no query); alumni from ``support``."""
    return member.is_active or (is_alumnus(member) and portal_open(member, _network_of(member)))
