"""Demo data for seed_demo, through the services: exits, the alumni network, news, benefits and
events, job openings and alumni sharing. Idempotent: what was seeded before is left alone."""

from __future__ import annotations

import io
import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from alliance import tenancy
from alliance.models import Membership, Organization, User, person_sort_name
from alumni import services
from alumni.models import (
    AlumniProfile,
    AlumniSettings,
    AssigneeRole,
    ExitKind,
    ExitProcess,
    InvestmentLevel,
    LeaverStep,
    NewsPost,
    Opening,
)
from network_intel import services as intel_services

DEMO_ORGANIZATIONS = ("acme",)
# The alumni network of each demo organization: its investment level and how many alumni it has.
DEMO_NETWORKS = {"acme": ("invest", 32), "globex": ("support", 8)}

CHECKLIST = [
    ("Agree the handover plan", AssigneeRole.MANAGER, -14),
    ("Write the handover notes", AssigneeRole.LEAVER, -7),
    ("Fill in your alumni step (personal e-mail, consents)", AssigneeRole.LEAVER, -3),
    ("Hold the exit interview", AssigneeRole.HR, -2),
    ("Return the laptop and badge", AssigneeRole.LEAVER, 0),
    ("Close accounts and access", AssigneeRole.ADMIN, 0),
    ("Send the alumni welcome follow-up", AssigneeRole.HR, 7),
]
QUESTIONS = [
    ("What made you decide to leave?", "text", ""),
    ("How well did your tours of duty match what you wanted?", "scale", ""),
    ("Would you recommend us to a friend?", "choice", "Yes\nMaybe\nNo"),
    ("What should we keep doing?", "text", ""),
]


def _seed_exits(organization: Organization) -> str:
    people = Membership.objects.for_org(organization).select_related("user", "organization")
    hr = people.filter(role=Membership.Role.HR, status="active").first()
    employees = list(people.filter(role=Membership.Role.EMPLOYEE, status="active")
                     .exclude(user__email__startswith="ellis.").exclude(user__email__startswith="sam.")
                     .order_by("user__email"))
    if hr is None or len(employees) < 2:
        return "not enough demo people"
    hr.organization = organization
    for kind in (ExitKind.RESIGNATION, ExitKind.END_OF_TOUR):
        template = services.exit_template_save(by=hr, kind=kind, name="")
        for title, role, offset in CHECKLIST:
            services.exit_template_task_add(template=template, by=hr, title=title, assignee_role=role,
                                            due_offset_days=offset)
    questions = services.question_set_save(by=hr, name="Standard exit interview", is_default=True)
    for text, kind, choices in QUESTIONS:
        services.question_add(question_set=questions, by=hr, text=text, kind=kind, choices=choices)
    today = timezone.localdate()
    leaving, left = employees[0], employees[1]
    leaving.organization = left.organization = organization
    # Demo people are created today; the one who left last month had joined years before.
    Membership.objects.for_org(organization).filter(pk=left.pk).update(
        employment_started_on=today - timedelta(days=3 * 365))
    left.employment_started_on = today - timedelta(days=3 * 365)
    services.exit_start(by=hr, member=leaving, kind=ExitKind.RESIGNATION,
                        last_working_day=today + timedelta(days=12), initiated_by=ExitProcess.InitiatedBy.EMPLOYEE,
                        hr_note="Moving abroad; would love to have them back.")
    past = services.exit_start(by=hr, member=left, kind=ExitKind.END_OF_TOUR,
                               last_working_day=today - timedelta(days=30),
                               initiated_by=ExitProcess.InitiatedBy.BOTH)
    services.exit_update(process=past, by=hr, data={"good_standing": True, "rehire": "eligible",
                                                     "alumni_tier": "distinguished", "regretted": True})
    step = LeaverStep.objects.for_org(organization).get(process=past)
    local, domain = left.user.email.split("@")
    services.leaver_step_save(step=step, by=left, data={
        "personal_email": f"{local}@home.example", "city": "Lisbon", "linkedin_url": "https://www.linkedin.com/in/demo",
        "consent_directory": True, "consent_news": True, "consent_events": True,
        "note": "Happy to mentor, and to hear about robotics openings.",
    })
    step.refresh_from_db()
    step.personal_email_verified_at = timezone.now()  # the demo skips clicking the e-mailed link
    step.save(update_fields=["personal_email_verified_at"])
    services.exit_finish(organization_id=organization.pk, process_id=past.pk)
    return f"an exit in progress ({leaving.user.full_name}) and an alumnus ({step.personal_email})"


FIRST = ["Ada", "Bruno", "Chloé", "Dev", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Lars",
         "Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vik", "Wen", "Xavi", "Yara",
         "Zane", "Aiko", "Björn", "Carmen", "Dario", "Esme", "Femi"]
LAST = ["Lindqvist", "Okafor", "Moreau", "Patel", "Yılmaz", "Haddad", "Berg", "Tanaka", "Ferreira", "Weber",
        "Adeyemi", "Nilsen", "Kaur", "Olsen", "Petrova", "Raman", "Byrne", "Ortiz", "Dahl", "Aziz", "Shah",
        "Novak", "Li", "García", "Haddad", "Stone", "Sato", "Eriksson", "Ruiz", "Conti", "Fox", "Bello"]
COMPANIES = [("Initech", "Staff engineer"), ("Hooli", "Engineering manager"), ("Umbrella Robotics", "CTO"),
             ("Stark Industries", "Product lead"), ("Wayne Logistics", "Head of data"), ("Soylent", "Founder"),
             ("Cyberdyne", "Principal researcher"), ("Tyrell", "VP engineering")]
CITIES = ["Lisbon", "Berlin", "Austin", "Toronto", "Nairobi", "Singapore", "Oslo", "Madrid"]
TEAMS = ["Platform", "Robotics", "Data", "Sales", "Design"]
TOURS = ["Warehouse fleet rewrite", "Arm calibration", "Sales in the Nordics", "Data platform", "Design system"]
VISIBILITY_MIXES = [
    {},  # the defaults: name to everyone, the rest to alumni, tours hidden
    {"company_visibility": "everyone", "city_visibility": "everyone", "tours_visibility": "everyone"},
    {"name_visibility": "alumni", "city_visibility": "hidden"},
    {"company_visibility": "hidden", "years_visibility": "everyone", "teams_visibility": "everyone"},
]


def _alumnus(organization: Organization, hr: Membership, index: int, *, domain: str) -> Membership:
    """One person who worked here for a few years and left through a real exit (its sweep included)."""
    from alliance.management.commands.seed_demo import DEMO_PASSWORD

    today = timezone.localdate()
    first, last = FIRST[index % len(FIRST)], LAST[index % len(LAST)]
    local = f"{first.lower()}.{last.lower()}.{organization.slug}{index}".translate(str.maketrans("éıöí", "eioi"))
    user = User.objects.filter(email=f"{local}@{domain}").first() or User.objects.create_user(
        email=f"{local}@{domain}", password=DEMO_PASSWORD, full_name=f"{first} {last}")
    left_days_ago = 40 + index * 53
    member = Membership.objects.create(
        organization=organization, user=user, role=Membership.Role.EMPLOYEE, team=TEAMS[index % len(TEAMS)],
        title=COMPANIES[index % len(COMPANIES)][1], manager=hr,
        employment_started_on=today - timedelta(days=left_days_ago + 500 + (index % 5) * 300),
        sort_name=person_sort_name(user.full_name, user.email))
    member.organization = organization
    process = services.exit_start(by=hr, member=member, kind=ExitKind.RESIGNATION,
                                  last_working_day=today - timedelta(days=left_days_ago),
                                  initiated_by=ExitProcess.InitiatedBy.EMPLOYEE)
    rehire = "not_eligible" if index % 11 == 7 else ("conditional" if index % 5 == 3 else "eligible")
    services.exit_update(process=process, by=hr, data={
        "good_standing": True, "rehire": rehire, "rehire_reason": "Left mid-project without a handover."
        if rehire == "not_eligible" else "", "alumni_tier": "distinguished" if index % 6 == 0 else "alumni"})
    # The demo skips clicking the e-mailed confirmation link: the personal address is confirmed already.
    LeaverStep.objects.for_org(organization).filter(process=process).update(
        personal_email=f"{local}@home.example", personal_email_verified_at=timezone.now())
    step = LeaverStep.objects.for_org(organization).get(process=process)
    services.leaver_step_save(step=step, by=member, data={
        "city": CITIES[index % len(CITIES)],
        "consent_directory": index % 4 != 2, "consent_news": index % 2 == 0, "consent_jobs": index % 3 == 0,
        "consent_events": index % 3 != 1, "consent_feedback": index % 5 != 4})
    services.exit_finish(organization_id=organization.pk, process_id=process.pk)
    member.refresh_from_db()
    member.organization = organization
    return member


def _seed_network(organization: Organization, level: str, size: int) -> str:
    people = Membership.objects.for_org(organization).select_related("user")
    admin = people.filter(role=Membership.Role.ADMIN, status="active").first()
    hr = people.filter(role=Membership.Role.HR, status="active").first()
    if admin is None or hr is None:
        return "no demo administrator or HR person"
    admin.organization = hr.organization = organization
    services.network_settings_save(by=admin, data={
        "level": level, "referral_bonus_for": "everyone", "referral_bonus_amount": "1500",
        "lead_bonus_for": "alumni", "lead_bonus_amount": "500", "bonus_currency": organization.currency})
    domain = f"{organization.slug}.example"
    alumni = [_alumnus(organization, hr, index, domain=domain) for index in range(size)]
    for index, alumnus in enumerate(alumni):
        profile = services.alumni_profile_ensure(member=alumnus)
        if profile.listed:
            company, role = COMPANIES[index % len(COMPANIES)]
            mix = VISIBILITY_MIXES[(index // 2) % len(VISIBILITY_MIXES)]  # listed alumni get every mix
            services.alumni_profile_update(profile=profile, by=alumnus, data={
                "current_company": company, "current_role": role, **mix})
        if index % 3 == 0:
            AlumniProfile.objects.for_org(organization).filter(pk=profile.pk).update(
                tour_titles=TOURS[index % len(TOURS)])
    employees = list(people.filter(status="active", role=Membership.Role.EMPLOYEE).order_by("user__email")[:4])
    referrers = alumni[:6] + employees
    # Referrals in every state.
    paths = [[], ["in_process"], ["in_process", "hired"], ["not_hired"], ["in_process", "not_hired"],
             ["in_process", "hired"]]
    referrals = 0
    for index, referrer in enumerate(referrers):
        referrer.organization = organization
        referral = services.referral_create(
            by=referrer, candidate_name=f"{FIRST[(index + 7) % len(FIRST)]} {LAST[(index + 3) % len(LAST)]}",
            candidate_email=f"candidate{index}@friends-{organization.slug}.example",
            role=["Robotics engineer", "Data engineer", "Account executive", "Designer"][index % 4],
            why="We worked together for three years; ships carefully and lifts the whole team.")
        for step in paths[index % len(paths)]:
            services.referral_set_status(referral=referral, by=hr, status=step, note="")
        if index == 2:
            services.referral_bonus_paid(referral=referral, by=hr)
        referrals += 1
    lead_paths = [[], ["contacted"], ["contacted", "qualified"], ["contacted", "qualified", "won"], ["lost"]]
    for index, submitter in enumerate(referrers[:7]):
        submitter.organization = organization
        company, _ = COMPANIES[(index + 2) % len(COMPANIES)]
        lead = services.lead_create(by=submitter, company=company, contact_name=f"{FIRST[index]} {LAST[-index - 1]}",
                                    contact_email="", need="A fleet of warehouse robots for a new site.",
                                    estimated_value=Decimal(40000 + 15000 * index), currency=organization.currency)
        services.lead_assign(lead=lead, by=hr, owner=hr)
        for step in lead_paths[index % len(lead_paths)]:
            services.lead_set_status(lead=lead, by=hr, status=step, note="")
    rehired = ""
    eligible = [a for a in alumni[8:] if not services.rehire_refusal(a)]
    if level == "invest" and eligible:
        back = eligible[0]
        services.boomerang_request(by=back, message="I'd love to work on the warehouse fleet again.")
        services.boomerang_rehire(
            by=hr, alumnus=back, role=Membership.Role.EMPLOYEE, manager=hr,
            start_date=timezone.localdate() + timedelta(days=21), tour_kind="transformational",
            tour_title="Second stay: the warehouse fleet", mission="Bring the warehouse fleet to three new sites.",
            company_objectives="Three sites live within the year.", employee_benefits="Leading a team of four.",
            end_date=timezone.localdate() + timedelta(days=21 + 730))
        rehired = f", {back.user.full_name} rehired"
        if len(eligible) > 1:
            services.boomerang_request(by=eligible[1], message="Any robotics openings next spring?")
    return f"{level}: {size} alumni, {referrals} referrals, {min(7, len(referrers))} leads{rehired}"


def _in_each(slugs, *, label: str, seeded, seed, stdout) -> None:
    """Run ``seed(organization)`` in each demo organization's tenant and time zone, unless ``seeded`` says
    it was done before (seed_demo runs as often as one likes)."""
    for slug in slugs:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        with transaction.atomic(), tenancy.tenant_context(organization.pk), timezone.override(
            zoneinfo.ZoneInfo(organization.time_zone)
        ):
            message = "done before, left as it is" if seeded(organization) else seed(organization)
        if stdout is not None:
            stdout.write(f"{label}: {organization.name}: {message}.")


def seed_alumni(*, stdout=None) -> None:
    _in_each(DEMO_ORGANIZATIONS, label="Demo exits", stdout=stdout, seed=_seed_exits,
             seeded=lambda organization: ExitProcess.objects.for_org(organization).exists())
    # After the exits demo: the network's alumni leave through exits of their own.
    _in_each(DEMO_NETWORKS, label="Demo alumni network", stdout=stdout,
             seed=lambda organization: _seed_network(organization, *DEMO_NETWORKS[organization.slug]),
             seeded=lambda organization: AlumniSettings.objects.for_org(organization).exists())
    # News for both, benefits and events for the invest organization.
    _in_each(DEMO_NETWORKS, label="Demo alumni news and events", stdout=stdout,
             seed=lambda organization: seed_engagement(organization, DEMO_NETWORKS[organization.slug][0]),
             seeded=lambda organization: NewsPost.objects.for_org(organization).exists())


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


# Alumni events happen when people who work elsewhere can come: on a weekday (Tuesday to Thursday),
# over lunch or after work, in the organization's time zone (``_in_each`` makes it the current one).
EVENT_DAYS = (1, 2, 3)
LUNCHTIME = (time(12, 0), time(13, 30))
EVENING = (time(18, 0), time(20, 0))


def _event_times(day: date, hours: tuple[time, time]) -> dict[str, datetime]:
    """``starts_at`` and ``ends_at`` on ``day``, or on the first Tuesday to Thursday after it, in the local zone."""
    while day.weekday() not in EVENT_DAYS:
        day += timedelta(days=1)
    start, end = hours
    return {"starts_at": timezone.make_aware(datetime.combine(day, start)),
            "ends_at": timezone.make_aware(datetime.combine(day, end))}


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
    today = timezone.localdate()
    roadmap_day, mentoring_day = today + timedelta(days=21), today + timedelta(days=63)
    summer = date(today.year, 6, 16)  # the roof terrace is for a summer evening: this June, or next June
    summer = summer if summer >= today + timedelta(days=14) else summer.replace(year=today.year + 1)
    full = services.event_create(by=hr, data={
        "title": "Alumni summer evening", "description": "Drinks on the roof terrace with alumni and the team.",
        **_event_times(summer, EVENING), "place": "Head office, roof terrace", "capacity": 4})
    services.event_create(by=hr, data={
        "title": "Online: the fleet roadmap", "description": "Our product lead presents next year's roadmap, over "
        "lunch.", **_event_times(roadmap_day, LUNCHTIME), "link": "https://meet.example.com/fleet-roadmap"})
    services.event_create(by=hr, data={
        "title": "Mentoring lunch", "description": "Alumni mentors meet this year's rotational program.",
        **_event_times(mentoring_day, LUNCHTIME), "place": "Lisbon office", "capacity": 30})
    alumni = list(people.filter(status=Membership.Status.ALUMNUS).order_by("user__email")[:6])
    for alumnus in alumni:
        alumnus.organization = organization
        services.event_rsvp(event=full, by=alumnus)
    return f"{len(NEWS)} news posts, {len(BENEFITS)} benefits, 3 events ({len(alumni)} answers to the full one)"


OPENINGS = [
    ("Robotics engineer", "Robotics", "Lisbon", "Build the arms of the next warehouse fleet: motion planning, "
     "calibration, and the tests that keep them safe."),
    ("Data engineer", "Data", "Remote", "Own the pipelines that tell us how the fleet behaves at every site."),
    ("Account executive, Nordics", "Sales", "Oslo", "Bring warehouse robots to Nordic logistics companies."),
    ("Product designer", "Design", "Berlin", "Design the tools operators use to run a fleet on the floor."),
]
CLOSED = "Product designer"


def demo_cv(name: str) -> SimpleUploadedFile:
    """A one-page PDF, as a CV upload (its page is blank: the demo needs a real PDF, not its text)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"CV of {name}"})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("cv.pdf", out.getvalue(), content_type="application/pdf")


def demo_photo(initials: str) -> SimpleUploadedFile:
    """A portrait placeholder: a coloured square with the person's initials, drawn with Pillow."""
    image = Image.new("RGB", (320, 320), (59, 91, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 280, 280), fill=(237, 242, 255))
    draw.text((160, 160), initials, fill=(59, 91, 219), anchor="mm", font_size=96)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def _seed_openings_and_sharing(organization: Organization) -> str:
    people = Membership.objects.for_org(organization).select_related("user")
    hr = people.filter(role=Membership.Role.HR, status="active").first()
    alumni = list(people.filter(status=Membership.Status.ALUMNUS).order_by("pk"))
    if hr is None or not alumni:
        return "no demo HR person or alumni"
    for person in (hr, *alumni):
        person.organization = organization
    level = services._settings(organization.pk).level
    done = []
    if level == InvestmentLevel.INVEST:
        done.append(_openings(organization, hr, alumni, people))
    done.append(_sharing(organization, alumni, intel=level == InvestmentLevel.INVEST))
    return "; ".join(done)


def _openings(organization: Organization, hr: Membership, alumni: list[Membership], people) -> str:
    openings = {title: services.opening_create(by=hr, title=title, team=team, location=where,
                                                     description=text)
                for title, team, where, text in OPENINGS}
    employee = people.filter(status="active", role=Membership.Role.EMPLOYEE).order_by("user__email").first()
    referrers = [alumni[1], alumni[2]] + ([employee] if employee else [])
    for index, referrer in enumerate(referrers):
        referrer.organization = organization
        title = OPENINGS[index % 3][0]
        services.referral_submit(
            by=referrer, opening=openings[title], candidate_name=f"Opening friend {index + 1}",
            candidate_email=f"opening.friend{index}@friends-{organization.slug}.example",
            why="A former teammate: exactly the experience this job asks for.",
            cv=demo_cv(f"Opening friend {index + 1}") if index == 0 else None)
    services.opening_close(by=hr, opening=openings[CLOSED])
    return f"{len(openings)} openings (one closed), {len(referrers)} referrals from them"


def _sharing(organization: Organization, alumni: list[Membership], *, intel: bool) -> str:
    consenting = [a for a in alumni if (step := services._step_of(a)) is not None and step.consent_feedback][:4]
    shared = 0
    for index, alumnus in enumerate(consenting):
        services.alumni_note_share(
            by=alumnus, kind="feedback", title=["Onboarding felt rushed", "Keep the tour reviews"][index % 2],
            body="Looking back from outside: the first month set the tone for everything after.",
            visibility="leadership")
        shared += 1
        if intel and index < 2:
            company = ["Initech", "Hooli"][index]
            services.alumni_note_share(
                by=alumnus, kind="intel", title=f"{company} is buying warehouse robots next year",
                body="Their operations team is comparing three vendors; budget approved for two sites.",
                visibility="leadership", company=company)
            services.alumni_sharing_consent(by=alumnus, feedback=True, who_knows=True)
            intel_services.contact_create(by=alumnus, name=f"Buyer at {company}",
                                          company=intel_services.company_resolve(by=alumnus, name=company),
                                          title="Head of operations", strength=2)
            shared += 1
    photo = ""
    listed = next((a for a in alumni if AlumniProfile.objects.for_org(organization).filter(
        member=a, listed=True).exists()), None)
    if listed is not None:
        profile = services.alumni_profile_ensure(member=listed)
        names = listed.user.full_name.split()
        services.alumni_photo_set(by=listed, profile=profile, photo=demo_photo(
            "".join(part[0] for part in names[:2]).upper()))
        services.alumni_profile_update(profile=profile, by=listed, data={"photo_visibility": "everyone"})
        photo = f", a photo on {listed.user.full_name}'s card"
    return f"{shared} notes shared by alumni{photo}"


def _openings_or_sharing_seeded(organization: Organization) -> bool:
    return (Opening.objects.for_org(organization).exists()
            or AlumniProfile.objects.for_org(organization).exclude(photo="").exists())


def seed_reach(*, stdout=None) -> None:
    _in_each(DEMO_NETWORKS, label="Demo openings and alumni sharing", stdout=stdout, seed=_seed_openings_and_sharing,
             seeded=_openings_or_sharing_seeded)
