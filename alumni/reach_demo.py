"""Demo job openings, referrals from them (one with a CV), alumni sharing and a directory photo, for
seed_demo. Runs after the alumni network's demo; idempotent (an organization with openings, or at
``support`` with alumni feedback, is left alone). Everything goes through the services; the CV and
the photo are made here (pypdf, Pillow), never downloaded."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from alliance.models import Membership, Organization
from alumni import reach_services, services
from alumni.demo import DEMO_NETWORKS, _in_each
from alumni.models import AlumniProfile, InvestmentLevel, Opening

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


def _seed(organization: Organization) -> str:
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
    openings = {title: reach_services.opening_create(by=hr, title=title, team=team, location=where,
                                                     description=text)
                for title, team, where, text in OPENINGS}
    employee = people.filter(status="active", role=Membership.Role.EMPLOYEE).order_by("user__email").first()
    referrers = [alumni[1], alumni[2]] + ([employee] if employee else [])
    for index, referrer in enumerate(referrers):
        referrer.organization = organization
        title = OPENINGS[index % 3][0]
        reach_services.referral_submit(
            by=referrer, opening=openings[title], candidate_name=f"Opening friend {index + 1}",
            candidate_email=f"opening.friend{index}@friends-{organization.slug}.example",
            why="A former teammate: exactly the experience this job asks for.",
            cv=demo_cv(f"Opening friend {index + 1}") if index == 0 else None)
    reach_services.opening_close(by=hr, opening=openings[CLOSED])
    return f"{len(openings)} openings (one closed), {len(referrers)} referrals from them"


def _sharing(organization: Organization, alumni: list[Membership], *, intel: bool) -> str:
    from network_intel import services as intel_services

    consenting = [a for a in alumni if (step := services._step_of(a)) is not None and step.consent_feedback][:4]
    shared = 0
    for index, alumnus in enumerate(consenting):
        reach_services.alumni_note_share(
            by=alumnus, kind="feedback", title=["Onboarding felt rushed", "Keep the tour reviews"][index % 2],
            body="Looking back from outside: the first month set the tone for everything after.",
            visibility="leadership")
        shared += 1
        if intel and index < 2:
            company = ["Initech", "Hooli"][index]
            reach_services.alumni_note_share(
                by=alumnus, kind="intel", title=f"{company} is buying warehouse robots next year",
                body="Their operations team is comparing three vendors; budget approved for two sites.",
                visibility="leadership", company=company)
            reach_services.alumni_sharing_consent(by=alumnus, feedback=True, who_knows=True)
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
        reach_services.alumni_photo_set(by=listed, profile=profile, photo=demo_photo(
            "".join(part[0] for part in names[:2]).upper()))
        services.alumni_profile_update(profile=profile, by=listed, data={"photo_visibility": "everyone"})
        photo = f", a photo on {listed.user.full_name}'s card"
    return f"{shared} notes shared by alumni{photo}"


def _seeded(organization: Organization) -> bool:
    return (Opening.objects.for_org(organization).exists()
            or AlumniProfile.objects.for_org(organization).exclude(photo="").exists())


def seed_reach(*, stdout=None) -> None:
    _in_each(DEMO_NETWORKS, label="Demo openings and alumni sharing", stdout=stdout, seed=_seed, seeded=_seeded)
