"""Demo organizations with realistic people. Idempotent: run it as often as you like.

People joined over the years, as in a real company: the admin and HR first, each manager before
their team, a few newcomers in the last weeks; everyone started on a Monday.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from alliance import tenancy
from alliance.devenv import DEMO_PASSWORD
from alliance.models import Membership, Organization, User
from alliance.registry import demo_loaders


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str
    title: str
    team: str
    manager: str | None = None  # e-mail of the manager
    aspirations: str = ""
    values: str = ""
    joined_days_ago: int = 0  # how long ago they started (seed_demo moves it to that week's Monday)


ORGANIZATIONS = [
    {
        "slug": "acme",
        "name": "Acme Robotics",
        "time_zone": "America/Los_Angeles",
        "currency": "USD",
        "mission": "Put a capable, safe robot within reach of every small manufacturer.",
        "values": "Ship to learn\nSafety before speed\nCandor with care\nOwn the outcome",
        "domain": "acme.example",
        "teams": ["Platform", "Perception", "Customer Success"],
    },
    {
        "slug": "globex",
        "name": "Globex Health",
        "time_zone": "Europe/Berlin",
        "currency": "EUR",
        "mission": "Make every clinic's paperwork disappear so clinicians can care.",
        "values": "Patients first\nEvidence over opinion\nSmall teams, big trust",
        "domain": "globex.example",
        "teams": ["Clinical Apps", "Data", "Growth"],
    },
]

FIRST = ["Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena",
         "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Xavi",
         "Yara", "Zane", "Iris", "Leo", "Mila", "Noah"]
LAST = ["Okafor", "Lindqvist", "Tanaka", "Moreau", "Silva", "Haddad", "Novak", "Kowalski", "Reyes", "Chen",
        "Mensah", "Fischer", "Rossi", "Nakamura", "Duarte", "Iqbal", "Berg", "Costa", "Walsh", "Sato"]
TITLES = ["Software Engineer", "Senior Engineer", "Product Designer", "Data Scientist", "Product Manager",
          "Solutions Engineer", "Customer Success Lead", "QA Engineer", "ML Engineer", "Technical Writer"]
ASPIRATIONS = [
    "Lead a product area end to end within three years.",
    "Become the person others ask about distributed systems.",
    "Start my own company one day; learn how a business really runs first.",
    "Move from engineering into product management.",
    "Build and grow a team of my own.",
    "Publish and speak about what we learn here.",
]
VALUES = ["Craft\nLearning\nAutonomy", "Impact\nFairness", "Curiosity\nTeamwork\nHonesty", "Family\nGrowth"]

# People who belong to both organizations (e.g. an advisor, a part-time contractor), and since when.
SHARED = [
    ("Sam Shared", "sam.shared@acme.example", "employee", "Advisor, robotics", 1300),
    ("Rhea Both", "rhea.both@globex.example", "employee", "Fractional CTO", 700),
    ("Tomás Twofold", "tomas.twofold@acme.example", "employee", "Contract data engineer", 150),
]

# Days since each person joined, before the Monday rounding. The first team is the founding one
# (the demo tours give its people tours that began up to four years ago), the last one is still
# hiring: the rotational program's newcomers come from it.
ADMIN_JOINED, HR_JOINED = 2900, 2500
MANAGERS_JOINED = (2200, 1900, 1600)
REPORTS_JOINED = (
    (900, 2050, 1820, 1690, 1540),
    (1750, 1420, 1180, 860, 610, 470, 350),
    (1480, 1210, 990, 720, 540, 300, 150, 60, 25),
)
# The second organization's people started a few weeks earlier (never later: the demo tours begin
# after these dates).
ORGANIZATION_JOINED_SHIFT = 45


def people_for(org: dict, index: int) -> list[Person]:
    domain = org["domain"]
    shift = ORGANIZATION_JOINED_SHIFT * index
    people = [
        Person("Alex Admin" if index == 0 else "Greta Admin", f"admin@{domain}", "admin", "Chief of Staff", "",
               joined_days_ago=ADMIN_JOINED + shift),
        Person("Hiro HR" if index == 0 else "Helga HR", f"hr@{domain}", "hr", "Head of People", "People",
               joined_days_ago=HR_JOINED + shift),
    ]
    manager_names = (["Maya Manager", "Noel Manager", "Olga Manager"] if index == 0
                     else ["Mia Manager", "Nils Manager", "Oren Manager"])
    counter = 0
    for team_index, team in enumerate(org["teams"]):
        first = manager_names[team_index].split()[0].lower()
        manager_email = f"{first}.manager@{domain}"
        people.append(Person(manager_names[team_index], manager_email, "manager", f"{team} Lead", team,
                             manager=f"admin@{domain}",
                             aspirations="Grow leaders, not followers.", values="Trust\nClarity",
                             joined_days_ago=MANAGERS_JOINED[team_index] + shift))
        for report in range(5 + (team_index * 2) % 6):  # 5, 7, 9 direct reports
            first_name = FIRST[(counter + index * 7) % len(FIRST)]
            last_name = LAST[(counter * 3 + index) % len(LAST)]
            email = f"{first_name}.{last_name}@{domain}".lower()
            if index == 0 and team_index == 0 and report == 0:
                first_name, last_name, email = "Ellis", "Employee", f"ellis.employee@{domain}"
            people.append(Person(
                f"{first_name} {last_name}", email, "employee", TITLES[counter % len(TITLES)], team,
                manager=manager_email, aspirations=ASPIRATIONS[counter % len(ASPIRATIONS)],
                values=VALUES[counter % len(VALUES)],
                joined_days_ago=_report_joined(team_index, report) + shift,
            ))
            counter += 1
    for name, email, role, title, joined in SHARED:
        people.append(Person(name, email, role, title, org["teams"][0], manager=f"admin@{domain}",
                             joined_days_ago=joined))
    return people


def _report_joined(team_index: int, report: int) -> int:
    tenures = REPORTS_JOINED[team_index % len(REPORTS_JOINED)]
    return tenures[report % len(tenures)]


def joined_on(today: date, days_ago: int) -> date:
    """The Monday of the week ``days_ago`` days before ``today``: people start at the beginning of a week."""
    day = today - timedelta(days=days_ago)
    return day - timedelta(days=day.weekday())


class Command(BaseCommand):
    help = "Create the demo organizations and people (idempotent). Password: alliance-demo."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any organization exists.")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Organization.objects.exists():
            self.stdout.write("Demo data: organizations exist already, nothing to do.")
            return
        # Hashing is slow on purpose; the demo people share one password, so hash it once.
        self.password_hash = make_password(DEMO_PASSWORD)
        plan = [(org, people_for(org, index)) for index, org in enumerate(ORGANIZATIONS)]
        total = sum(len(people) for _, people in plan)
        with tqdm(total=total, desc="Seeding demo people", unit="person", disable=options["verbosity"] == 0) as bar:
            for org, people in plan:
                self._seed_organization(org, people, bar)
        # Each installed app adds its part (alliance.registry.register_demo_loader), in dependency order.
        for loader in demo_loaders():
            loader.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo login's password is “{DEMO_PASSWORD}”."))

    @transaction.atomic
    def _seed_organization(self, org: dict, people: list[Person], bar) -> None:
        organization, _ = Organization.objects.update_or_create(
            slug=org["slug"],
            defaults={key: org[key] for key in ("name", "time_zone", "currency", "mission", "values")},
        )
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(org["time_zone"]))
        with tenancy.tenant_context(organization.pk):
            by_email: dict[str, Membership] = {}
            for person in people:
                # A demo person who has left since signs in with another address; the old one is an alias.
                user = (User.objects.filter(email=person.email).first()
                        or User.objects.filter(email_aliases__email=person.email).first())
                if user is None:
                    user = User(email=person.email, full_name=person.name, time_zone=org["time_zone"],
                                password=self.password_hash)
                    user.save()
                defaults = {"role": person.role, "title": person.title, "team": person.team,
                            "aspirations": person.aspirations, "values": person.values}
                # The start date is a fact HR may have corrected since: set when the person is created only.
                membership, _ = Membership.objects.update_or_create(
                    organization=organization, user=user, defaults=defaults,
                    create_defaults={**defaults, "employment_started_on": joined_on(today, person.joined_days_ago)},
                )
                by_email[person.email] = membership
                bar.update(1)
            for person in people:
                if person.manager:
                    membership = by_email[person.email]
                    manager = by_email[person.manager]
                    if membership.manager_id != manager.pk:
                        membership.manager = manager
                        membership.save(update_fields=["manager", "updated_at"])
