"""Demo network intelligence for seed_demo: per demo organization ~40 companies, a few
hundred notes across many topics and every audience, contacts of varied strength,
one pending introduction and some follows — so search, facets and "who knows" look
alive on first run. Rows are written with bulk_create inside the organization's
tenant context, then indexed in one statement. Idempotent: an organization that has
notes already is left as it is.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership, Organization
from network_intel.models import (
    Company,
    Contact,
    Follow,
    IntelNote,
    IntelNoteCompany,
    IntelNoteTag,
    IntroductionRequest,
    SourceKind,
    Tag,
    Visibility,
)
from network_intel.services.search import notes_reindex
from network_intel.text import company_key, render_markdown, tag_key

DEMO_ORGANIZATIONS = ("acme", "globex")
NOTES_PER_ORG = 300

COMPANIES = [
    ("Initech", "initech.com", "Software"), ("Umbrella Robotics", "umbrella-robotics.com", "Robotics"),
    ("Stark Industries", "stark.com", "Manufacturing"), ("Wayne Logistics", "waynelogistics.com", "Logistics"),
    ("Cyberdyne Systems", "cyberdyne.io", "AI"), ("Soylent Foods", "soylent.example", "Food"),
    ("Hooli", "hooli.com", "Software"), ("Pied Piper", "piedpiper.com", "Software"),
    ("Vandelay Industries", "vandelay.com", "Import/export"), ("Tyrell Corporation", "tyrell.com", "Biotech"),
    ("Wonka Industries", "wonka.com", "Food"), ("Oscorp", "oscorp.com", "Chemicals"),
    ("Massive Dynamic", "massivedynamic.com", "Research"), ("Aperture Science", "aperture.com", "Research"),
    ("Black Mesa", "blackmesa.org", "Research"), ("Dunder Mifflin", "dundermifflin.com", "Paper"),
    ("Sterling Cooper", "sterlingcooper.com", "Advertising"), ("Nakatomi Trading", "nakatomi.jp", "Trading"),
    ("Gringotts", "gringotts.co.uk", "Banking"), ("Monsters Inc", "monsters.com", "Energy"),
    ("Prestige Worldwide", "prestige.example", "Events"), ("Bluth Company", "bluth.com", "Real estate"),
    ("Los Pollos Hermanos", "lospollos.com", "Restaurants"), ("Krusty Krab", "krustykrab.com", "Restaurants"),
    ("Weyland-Yutani", "weyland.com", "Aerospace"), ("Rekall", "rekall.com", "Travel"),
    ("Octan Energy", "octan.com", "Energy"), ("Blue Sun", "bluesun.com", "Retail"),
    ("Virtucon", "virtucon.com", "Holding"), ("Ollivanders", "ollivanders.co.uk", "Retail"),
    ("Zorg Industries", "zorg.fr", "Manufacturing"), ("Paper Street Soap", "paperstreet.com", "Consumer goods"),
    ("Duff Brewing", "duff.com", "Beverages"), ("Gekko & Co", "gekko.com", "Finance"),
    ("Primatech Paper", "primatech.com", "Paper"), ("Omni Consumer Products", "ocp.com", "Robotics"),
    ("Ingen", "ingen.com", "Biotech"), ("Spacely Sprockets", "spacely.com", "Manufacturing"),
    ("Cogswell Cogs", "cogswell.com", "Manufacturing"), ("Café Müller GmbH", "cafe-mueller.de", "Food"),
]
OFFICIAL_TAGS = ["pricing", "hiring", "competitors", "product launch", "funding", "partnerships", "regulation",
                 "supply chain", "leadership change", "customer churn", "AI", "security"]
FREE_TAGS = ["rumor", "conference", "roadmap", "layoffs", "expansion", "open source"]
TOPICS = [
    ("is raising prices", "They plan a **{pct}% price increase** next quarter for enterprise plans; mid-market "
     "stays flat. Sales were told to lock in renewals before then."),
    ("is hiring robotics engineers", "Their VP said they are hiring **{n} robotics engineers** in the next six "
     "months, mostly for perception and controls. Remote is fine for senior people."),
    ("is losing customers to a newcomer", "Two of their large accounts moved to a startup that offers "
     "usage-based pricing. They are considering a similar model."),
    ("is about to launch a new product", "A launch is planned for the spring: a fleet-management dashboard "
     "with predictive maintenance. Beta customers are in logistics."),
    ("raised a new funding round", "They closed a **Series {series}** round; the money goes to international "
     "expansion and a new factory."),
    ("is changing its leadership", "Their CTO is leaving at the end of the year; an interim lead comes from "
     "the platform team. Expect slower decisions until then."),
    ("worries about new regulation", "New safety rules for autonomous machines worry them: certification "
     "could take 9–12 months. They look for partners with compliance experience."),
    ("has supply-chain trouble", "Lead times for their motor controllers went from 6 to 20 weeks. They are "
     "qualifying a second supplier."),
    ("wants partnerships", "They look for integration partners for their warehouse software; open APIs and a "
     "revenue share were mentioned."),
    ("invests in security", "After an incident they now require SOC 2 reports from every vendor, and they "
     "are building a red team."),
]
CONTACT_TITLES = ["VP Engineering", "Head of Sales", "CTO", "Product Manager", "Recruiter", "Founder",
                  "Operations Director", "Data Scientist", "Procurement Lead", "Chief of Staff"]
FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Marta", "Noor"]
LAST = ["Okafor", "Schmidt", "Tanaka", "Rossi", "Novak", "Silva", "Dubois", "Kowalski", "Haddad", "Larsen"]


def seed_network_intel(*, stdout=None) -> None:
    for slug in DEMO_ORGANIZATIONS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        with transaction.atomic(), tenancy.tenant_context(organization.pk):
            if IntelNote.objects.for_org(organization).exists():
                if stdout is not None:
                    stdout.write(f"Demo intel: {organization.name} has notes already, left as they are.")
                continue
            created = seed_organization(organization, notes=NOTES_PER_ORG)
        if stdout is not None:
            stdout.write(f"Demo intel: {created} notes for {organization.name}.")


def seed_organization(organization: Organization, *, notes: int, seed: int = 7) -> int:
    """Write the demo rows of one organization (inside its tenant context)."""
    rng = random.Random(seed + organization.pk)
    org = organization.pk
    people = list(Membership.objects.for_org(org).filter(status=Membership.Status.ACTIVE).select_related("user")
                  .order_by("id"))
    if not people:
        return 0
    companies = Company.objects.bulk_create([
        Company(organization_id=org, name=name, name_key=company_key(name), domain=domain, industry=industry)
        for name, domain, industry in COMPANIES])
    companies = list(Company.objects.for_org(org).order_by("id"))
    tags = Tag.objects.bulk_create(
        [Tag(organization_id=org, name=n, key=tag_key(n), is_official=True) for n in OFFICIAL_TAGS]
        + [Tag(organization_id=org, name=n, key=tag_key(n)) for n in FREE_TAGS])
    visibilities = [Visibility.ORGANIZATION] * 6 + [Visibility.TEAM] * 2 + [Visibility.LEADERSHIP, Visibility.PRIVATE]
    rows, links, tag_links = [], [], []
    for i in range(notes):
        company = companies[rng.randrange(len(companies))]
        topic, body = TOPICS[rng.randrange(len(TOPICS))]
        body = body.format(pct=rng.choice([5, 8, 12, 15]), n=rng.choice([10, 25, 40]), series=rng.choice("ABCD"))
        author = people[rng.randrange(len(people))]
        # Learned while here: never before the author joined.
        learned = max(timezone.localdate() - timedelta(days=rng.randrange(0, 240)), author.employment_started_on)
        rows.append(IntelNote(
            organization_id=org, author=author, title=f"{company.name} {topic}", body=body,
            body_html=render_markdown(body), source_kind=rng.choice(SourceKind.values), learned_on=learned,
            visibility=rng.choice(visibilities),
            useful_until=learned + timedelta(days=180) if i % 5 == 0 else None))
    notes_made = IntelNote.objects.bulk_create(rows)
    for note in notes_made:
        chosen = {rng.randrange(len(companies)) for _ in range(rng.choice([0, 0, 1]))}
        for index in chosen:
            links.append(IntelNoteCompany(organization_id=org, note=note, company=companies[index]))
        for tag in rng.sample(tags, rng.choice([1, 2, 3])):
            tag_links.append(IntelNoteTag(organization_id=org, note=note, tag=tag))
    # Each note is about the company in its title, plus sometimes a second one.
    by_name = {c.name: c for c in companies}
    for note in notes_made:
        name = next(n for n in by_name if note.title.startswith(n + " "))
        links.append(IntelNoteCompany(organization_id=org, note=note, company=by_name[name]))
    IntelNoteCompany.objects.bulk_create(links, ignore_conflicts=True)
    IntelNoteTag.objects.bulk_create(tag_links, ignore_conflicts=True)
    contacts = []
    for person in people:
        for company in rng.sample(companies, min(len(companies), rng.randrange(3, 9))):
            contacts.append(Contact(
                organization_id=org, owner=person, company=company,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", title=rng.choice(CONTACT_TITLES),
                met_where=rng.choice(["a conference", "a former job", "university", "a meetup", "a customer visit"]),
                strength=rng.choice(Contact.Strength.values),
                last_talked_on=timezone.localdate() - timedelta(days=rng.randrange(1, 400)),
                email=f"contact{len(contacts)}@example.com"))
    contacts = Contact.objects.bulk_create(contacts)
    follows = []
    for person in people:
        follows.append(Follow(organization_id=org, member=person, company=companies[rng.randrange(len(companies))]))
        follows.append(Follow(organization_id=org, member=person, tag=tags[rng.randrange(len(OFFICIAL_TAGS))]))
    Follow.objects.bulk_create(follows, ignore_conflicts=True)
    if len(people) > 1:
        asker = people[-1]
        contact = next((c for c in contacts if c.owner_id != asker.pk), None)
        if contact is not None:
            IntroductionRequest.objects.create(
                organization_id=org, requester=asker, introducer=contact.owner, contact=contact,
                message="We are evaluating them as a supplier; a 20-minute chat would help a lot.")
    notes_reindex(organization_id=org)
    return len(notes_made)
