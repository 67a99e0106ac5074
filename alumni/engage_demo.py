"""Demo news, benefits and events for seed_demo, through the services: the ``invest`` organization gets
news (one pinned), benefits in both tiers and a few events (one full, with a waiting list); the
``support`` organization news only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.models import Membership, Organization
from alumni import engage_services as services
from alumni.models import InvestmentLevel

NEWS = [
    ("Welcome to the new alumni network", True,
     "We built this place for **everyone who worked here**: keep in touch, refer friends, and come back "
     "one day.\n\n- the directory lists those who opted in\n- referrals earn a bonus\n- tell us what you need"),
    ("Our warehouse fleet reached its 100th site", False,
     "Thanks to many of you, the fleet now runs in **100 sites** across three countries. "
     "Read the [full story](https://example.com/fleet)."),
    ("We are hiring robotics engineers again", False,
     "Know someone great? Refer them from the *Referrals* page: a hire earns you the referral bonus."),
]
BENEFITS = [
    ("20% off our robots for personal projects", "product_discount", "alumni",
     "Alumni get a fifth off every consumer robot in the shop.", "Use the code ALUMNI20 at checkout."),
    ("Free entry to the annual tech conference", "perk", "alumni",
     "A ticket to our yearly conference, for every alumnus.", "Write to events@example.com with your name."),
    ("Career coaching sessions", "service", "alumni",
     "Two sessions with our career coaches, whatever you do now.", "Book a slot with HR."),
    ("Advisory board seat", "perk", "distinguished",
     "Distinguished alumni are invited to join the product advisory board.", "HR invites you; reply to say yes."),
    ("Lifetime product licence", "product_discount", "distinguished",
     "A free licence of our fleet software for distinguished alumni.", "Ask HR for your licence key."),
]


def seed_engagement(organization: Organization, level: str) -> str:
    people = Membership.objects.for_org(organization).select_related("user")
    hr = people.filter(role=Membership.Role.HR, status="active").first()
    if hr is None:
        return "no demo HR person"
    hr.organization = organization
    for title, pinned, body in NEWS:
        services.news_post_create(by=hr, title=title, body=body, pinned=pinned)
    if level != InvestmentLevel.INVEST:
        return f"{len(NEWS)} news posts"
    for title, kind, tier, description, claim in BENEFITS:
        services.benefit_create(by=hr, data={"title": title, "kind": kind, "tier": tier, "description": description,
                                             "how_to_claim": claim})
    start = timezone.localtime().replace(hour=18, minute=30, second=0, microsecond=0)
    full = services.event_create(by=hr, data={
        "title": "Alumni summer evening", "description": "Drinks on the roof terrace with alumni and the team.",
        "starts_at": start + timedelta(days=10), "ends_at": start + timedelta(days=10, hours=3),
        "place": "Head office, roof terrace", "capacity": 4})
    services.event_create(by=hr, data={
        "title": "Online: the fleet roadmap", "description": "Our product lead presents next year's roadmap.",
        "starts_at": start + timedelta(days=20), "ends_at": start + timedelta(days=20, hours=1),
        "link": "https://meet.example.com/fleet-roadmap"})
    services.event_create(by=hr, data={
        "title": "Mentoring breakfast", "description": "Alumni mentors meet this year's rotational program.",
        "starts_at": start + timedelta(days=35), "ends_at": start + timedelta(days=35, hours=2),
        "place": "Lisbon office", "capacity": 30})
    alumni = list(people.filter(status=Membership.Status.ALUMNUS).order_by("user__email")[:6])
    for alumnus in alumni:
        alumnus.organization = organization
        services.event_rsvp(event=full, by=alumnus)
    return f"{len(NEWS)} news posts, {len(BENEFITS)} benefits, 3 events ({len(alumni)} answers to the full one)"
