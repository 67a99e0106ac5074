"""Every page, for every role, on a phone and for everyone: the sweep.

Every GET page the URL resolver knows (so a page added later, by any app, is swept without editing
this file) is opened in Chromium at 390 x 844 px as each demo person (admin, HR, manager, employee,
alumnus) and as a visitor who is not signed in, with the demo data plus texts long enough to break a
careless layout (a 200-character merchant, a 120-character address in an agenda point, long names,
titles, company names and notes). A page fails when

- it scrolls sideways: ``document.documentElement.scrollWidth`` is wider than the 390 px screen, or
- axe-core (vendored in static/vendor/, served by us, injected here only) finds a serious or critical
  WCAG 2.2 A/AA violation, or
- it shows a choice's stored value ("not_hired") where its label ("Not hired") belongs.

Ids in addresses are real rows that the person may see: rows that name them first (their tour, their
expense), then the organization's newest rows, which include the long-text rows made here.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import ForeignKey, Q
from django.test import Client
from django.urls import get_resolver, reverse

from alliance.devenv import DEMO_LOGINS
from alliance.middleware import page_of_form
from alliance.models import Membership, Organization, User
from alliance.tenancy import cross_tenant, tenant_context
from tests.alliance.routes import Route, fill_kwargs, iter_routes, model_for_kwarg

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
AXE = next(Path(settings.BASE_DIR, "static", "vendor").glob("axe-*.min.js")).name
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(os.environ.get("ALLIANCE_SCREENSHOTS", "/tmp")) / "sweep"
ORG = "acme"

# Routes that are not HTML pages a person reads, each with the reason. Everything else the resolver
# knows is tried for every role; a GET answered 405 is a POST-only action and is counted, not visited.
NOT_PAGES = {
    "member_export": "a CSV or XLSX download of the members",
    "people_import_template": "a CSV or XLSX template download",
    "import_template": "a CSV or XLSX template download (former employees, tours)",
    "export": "a CSV or XLSX download of the alumni",
    "healthz": "a JSON probe for the load balancer",
    "calendar_feed": "an iCalendar feed (text/calendar)",
    "checkpoint_invite": "an iCalendar file (text/calendar)",
    "one_on_one_invite": "an iCalendar file (text/calendar)",
    "alumni_event_ics": "an iCalendar file (text/calendar)",
    "notes_csv": "a CSV download",
    "alliance_health_csv": "a CSV download of one figure of the alliance's health",
    "team_alliance_health_csv": "a CSV download of one figure of a manager's team's alliance health",
    "fund_payroll_csv": "a CSV download",
    "history_export": "a CSV download of the audit trail",
    "alumni_directory_csv": "a CSV download",
    "alumni_my_data_download": "a JSON/ZIP download of one's own data",
    "receipt_file": "a receipt file (image or PDF) streamed after a rights check",
    "alumni_referral_cv": "a CV file streamed after a rights check",
    "alumni_photo": "a profile photo streamed after a rights check",
    "alumni_card_photo": "a profile photo streamed after a rights check",
    "notification_bell": "the bell's htmx fragment, part of every page (swept there)",
    "suggest_companies": "an htmx fragment of search-as-you-type answers (swept inside the pages using it)",
    "suggest_tags": "an htmx fragment of search-as-you-type answers (swept inside the pages using it)",
    "people_search": "a combobox's options fragment (alliance.pickers; swept inside the forms using it)",
    "company_search": "a combobox's options fragment (alliance.pickers; swept inside the forms using it)",
    "contact_search": "a combobox's options fragment (alliance.pickers; swept inside the forms using it)",
    "logout": "POST only (signing out)",
    "alignment": "the tour form's htmx fragment (swept inside the new-tour page)",
    "background_job_download": "an export's file streamed to the person who asked for it",
    "mfa_download_recovery_codes": "a text file of one's own recovery codes",
    "account_logout": "POST only (signing out; the same page as logout, by allauth's name)",
}
# Routes no demo person opens as a page, each with the reason; the sweep fails when another route is
# never visited, so a page added later is either swept or explained here.
NOT_SWEPT = {
    "people_import_detail": "the demo has no import; tests/alliance/test_browser_people_import.py opens it at 390 px",
    "people_import_apply": "a POST-only action on an import (the demo has none)",
    "people_import_invite": "a POST-only action on an import (the demo has none)",
    "import_detail": "the demo has no import; tests/alumni/test_import_browser.py and "
                     "tests/tours/test_import_browser.py open it at 390 px",
    "import_apply": "a POST-only action on an import (the demo has none)",
    "import_invite": "a POST-only action on an import (the demo has none)",
    "background_job": "the demo has no background job; tests/alliance/test_browser_background_jobs.py opens it "
                      "at 390 px",
    "home": "redirects to the person's organization (or to the sign-in page)",
    "api_token_revoke": "a POST-only action (the demo has no API token to name)",
    "scim_token_revoke": "a POST-only action (the demo has no SCIM token to name); tests/alliance/"
                         "test_browser_scim.py creates and revokes one at 390 px",
    "invitation_revoke": "a POST-only action on an open invitation",
    "introduction_answer": "a POST-only action (the introducer's answer)",
    "mfa_authenticate": "the second step of a sign-in, shown only between the password and the code; "
                        "tests/alliance/test_browser_two_factor.py opens it at 390 px with axe-core",
    "mfa_reauthenticate": "asks a person with a second factor for a code (the demo people have none); "
                          "tests/alliance/test_browser_two_factor.py opens it at 390 px with axe-core",
    "mfa_activate_totp": "opens after confirming one's password (the sweep signs in without it); "
                         "tests/alliance/test_browser_two_factor.py opens it at 390 px with axe-core",
    "mfa_deactivate_totp": "only for a person with an authenticator app (the demo people have none); "
                           "tests/alliance/test_browser_two_factor.py opens it at 390 px with axe-core",
    "mfa_view_recovery_codes": "only for a person with recovery codes (the demo people have none); "
                               "tests/alliance/test_browser_two_factor.py opens it at 390 px with axe-core",
    "mfa_generate_recovery_codes": "opens after confirming one's password (the sweep signs in without it); "
                                   "tests/alliance/test_browser_two_factor.py opens it at 390 px with axe-core",
    "history_record": "its record kind is a word the sweep cannot fill; tests/alliance/test_browser_history.py "
                      "opens it at 390 px with axe-core",
    "webhook_endpoint": "the demo registers no webhook endpoint (it would post to a real address); "
                        "tests/alliance/test_browser_webhooks.py opens it at 390 px with axe-core",
    "webhook_endpoint_enable": "a POST-only action on an endpoint (the demo has none)",
    "webhook_endpoint_rotate": "a POST-only action on an endpoint (the demo has none); its answer, the endpoint's "
                               "page with the new secret, is checked with axe-core in test_browser_webhooks.py",
    "webhook_endpoint_test": "a POST-only action on an endpoint (the demo has none)",
    "webhook_endpoint_delete": "a POST-only action on an endpoint (the demo has none)",
    "webhook_delivery_redeliver": "a POST-only action on a delivery (the demo has none)",
}
NOT_PAGE_PREFIXES = {
    "/api/": "the REST API (JSON) and its schema; the API docs page is the vendor's own layout",
    "/admin/": "the operators' Django admin, not a page of the product",
    "/scim/": "SCIM 2.0 for identity providers (JSON, a SCIM bearer token); tests/alliance/test_scim*.py",
}
# Pages reached only with a secret from an e-mail; each is opened with a real secret made below.
# alumni_verify_email only confirms an address and redirects; it shows no page of its own.
TOKEN_PAGES = {"invitation_accept", "password_reset_confirm", "alumni_verify_email", "alumni_leaver_link",
               "alumni_unsubscribe", "email_unsubscribe"}

LONG_WORD = "Supercalifragilisticexpialidocious"


def long_word(length: int) -> str:
    return (LONG_WORD * (length // len(LONG_WORD) + 1))[:length]


LONG_URL = "https://docs.example.com/" + long_word(95)  # 120 characters, no place to break
assert len(LONG_URL) == 120


def raw_choice_values() -> list[str]:
    """Stored values of every model choice that no label would spell ("not_hired", "in_process"): a page
    that shows one shows a database value instead of its label."""
    from django.apps import apps

    values = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            for value, _label in getattr(model_field, "flatchoices", None) or ():
                if isinstance(value, str) and "_" in value and "/" not in value:  # not "America/Los_Angeles"
                    values.add(value)
    return sorted(values)


@dataclass
class Visit:
    role: str
    route: Route
    path: str


@dataclass
class Sweep:
    visits: list[Visit] = field(default_factory=list)
    post_only: set[str] = field(default_factory=set)
    not_for_role: dict[str, set[str]] = field(default_factory=dict)


def lengthen_texts(organization: Organization) -> None:
    """Long texts where careless layouts break: names, titles, merchants, addresses, notes."""
    from network_intel import services as intel
    from network_intel.models import Company, Contact, Expense
    from tests.tours.factories import started
    from tours.models import AgendaItem, Checkpoint, Tour

    with tenant_context(organization.pk):
        Organization.objects.filter(pk=organization.pk).update(
            name="Acme Robotics International Holdings for Industrial Automation and Precision Manufacturing")
        members = Membership.objects.for_org(organization).select_related("user")
        employee = members.get(user__email="ellis.employee@acme.example")
        manager = members.get(user__email="maya.manager@acme.example")
        User.objects.filter(pk=employee.user_id).update(
            full_name="Ellis Maximiliana Konstantinopoulou-Vanderbiltsworth-Oyelaran-Featherstonehaugh")
        Membership.objects.filter(pk=employee.pk).update(
            title=f"Principal {long_word(60)} Engineer for Autonomous Navigation and Perception Systems",
            team="Perception and Autonomous Navigation Research and Development")
        expense = Expense.objects.filter(organization=organization, member=employee).order_by("-pk").first()
        assert expense is not None, "the demo gives the employee an expense"
        Expense.objects.filter(pk=expense.pk).update(merchant=long_word(200),
                                                     purpose=f"Coffee to talk about {LONG_URL} " * 5)
        Expense.objects.filter(organization=organization).exclude(pk=expense.pk).order_by("-pk").filter(
            pk__in=Expense.objects.filter(organization=organization).order_by("-pk").values("pk")[:3]
        ).update(merchant=f"The {long_word(80)} Coffee Roasters and Bakery, Market Street")
        upcoming = Checkpoint.objects.filter(organization=organization, status=Checkpoint.Status.SCHEDULED
                                             ).order_by("-pk").first()
        employees = Checkpoint.objects.filter(organization=organization, tour__employee=employee).order_by("-pk")
        for checkpoint in {upcoming, *employees[:2]}:
            AgendaItem.objects.create(organization=organization, checkpoint=checkpoint, added_by=employee,
                                      text=f"Read {LONG_URL} before we meet")
        started(upcoming)  # its manager (and HR) may record the outcome
        Tour.objects.filter(organization=organization, employee=employee).update(
            title=f"Build the {long_word(70)} platform that every team in every region relies on, every day")
        company = Company.objects.filter(organization=organization).order_by("-pk").first()
        Company.objects.filter(pk=company.pk).update(name=f"{long_word(120)} Consolidated Holdings Incorporated")
        Contact.objects.filter(organization=organization).update(
            personal_notes=f"Met at {LONG_URL}; " + "follow up about the pilot. " * 20)
        intel.intel_note_create(
            by=manager, title=f"What {long_word(90)} taught us about fleet uptime in cold warehouses",
            body=f"Read {LONG_URL} first.\n\n" + "They run **every** robot in cold storage. " * 30,
            companies=[company], tags=[], visibility="organization")


def demo_people() -> dict[str, Membership]:
    """The demo's sign-ins, and the person whose exit is in progress (the leaver's own pages)."""
    from alumni.models import ExitProcess

    people = {}
    for role, email in DEMO_LOGINS:
        if role == "in both organizations":
            continue
        with cross_tenant(reason="test: the demo people's memberships in acme"):
            people[role] = Membership.objects.select_related("user", "organization").get(
                user__email=email, organization__slug=ORG)
    organization = people["HR"].organization
    with tenant_context(organization.pk):
        people["leaver"] = ExitProcess.objects.filter(
            organization=organization, state=ExitProcess.State.IN_PROGRESS).select_related(
            "member__user", "member__organization").order_by("pk").first().member
    return people


def candidate_ids(model, member: Membership, limit: int = 6) -> list[int]:
    """Rows of ``model`` that name the person first (their tour, their expense, a checkpoint of their
    tour), then the newest ones."""
    with tenant_context(member.organization_id):
        rows = model.objects.filter(organization_id=member.organization_id)
        mine = Q(pk=member.pk) if model is Membership else Q()
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, ForeignKey):
                continue
            if model_field.related_model is Membership:
                mine |= Q(**{model_field.name: member})
            else:  # one step further: a checkpoint of their tour
                for step in model_field.related_model._meta.get_fields():
                    if isinstance(step, ForeignKey) and step.related_model is Membership:
                        mine |= Q(**{f"{model_field.name}__{step.name}": member})
        own = list(rows.filter(mine).order_by("-pk").values_list("pk", flat=True)[:limit]) if mine else []
        newest = list(rows.order_by("-pk").values_list("pk", flat=True)[:limit])
    return list(dict.fromkeys(own + newest))


def is_full_page(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html") \
        and response.content.lstrip()[:15].lower() == b"<!doctype html>"


def find_path(client: Client, route: Route, member: Membership, *, org_slug: str = ORG) -> tuple[str | None, int]:
    """An address of ``route`` that opens as a full page for ``member`` (of ``org_slug``), and the last
    status seen."""
    choices: list[dict[str, object]] = [{}]
    for name in route.int_kwargs:
        model = model_for_kwarg(route, name)
        ids = candidate_ids(model, member) if model is not None else []
        choices = [{**chosen, name: pk} for chosen in choices for pk in ids][:12]
    status = 404
    for own_ids in choices:
        path = route.build(fill_kwargs(route, org_slug=org_slug, own_ids=own_ids))
        response = client.get(path)
        status = response.status_code
        if is_full_page(response):
            return path, status
        # A POST-only action: 405, or (opened by GET in a browser) sent up to its page.
        if status == 405 or (status == 302 and response["Location"] == page_of_form(path)):
            return None, 405
    return None, status


def plan(people: dict[str, Membership]) -> tuple[Sweep, dict[str, Client]]:
    routes = [r for r in iter_routes(get_resolver())
              if r.name not in NOT_PAGES and not any(r.route.startswith(p) for p in NOT_PAGE_PREFIXES)]
    sweep, clients = Sweep(), {}
    for role, member in people.items():
        client = Client()
        client.force_login(member.user)
        clients[role] = client
        for route in routes:
            if route.name in TOKEN_PAGES or not route.route.startswith("/o/") and route.converters:
                continue
            path, status = find_path(client, route, member)
            if path:
                sweep.visits.append(Visit(role, route, path))
            elif status == 405:
                sweep.post_only.add(route.name or route.route)
            else:
                sweep.not_for_role.setdefault(route.name or route.route, set()).add(role)
    visitor = Client()
    clients["visitor"] = visitor
    for route in routes:
        if not route.route.startswith("/o/") and not route.converters and route.name not in TOKEN_PAGES:
            response = visitor.get(route.build({}))
            if is_full_page(response):
                sweep.visits.append(Visit("visitor", route, route.build({})))
    for role, path, name in token_pages(people):
        sweep.visits.append(Visit(role, next(r for r in routes if r.name == name), path))
    return sweep, clients


def token_pages(people: dict[str, Membership]) -> list[tuple[str, str, str]]:
    """The pages opened from an e-mail's link, each with a real secret."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from alliance.notifications import unsubscribe_token as email_unsubscribe_token
    from alumni.models import ExitProcess
    from alumni.services.leaver import leaver_link_send
    from alumni.services.newsletter import unsubscribe_token
    from tests.alliance.factories import make_invitation

    _invitation, invite = make_invitation(people["HR"], email="newcomer.with.a.rather.long.address@example.com")
    user = people["employee"].user
    reset = f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/" \
            f"{default_token_generator.make_token(user)}/"
    pages = [("visitor", invite, "invitation_accept"), ("visitor", reset, "password_reset_confirm"),
             ("visitor", reverse("alumni_unsubscribe", args=[unsubscribe_token(people["alumnus"])]),
              "alumni_unsubscribe"),
             ("visitor", reverse("email_unsubscribe", args=[email_unsubscribe_token(
                 member=people["manager"], kind="alliance_digest_manager")]), "email_unsubscribe")]
    with tenant_context(people["HR"].organization_id):
        process = ExitProcess.objects.filter(organization_id=people["HR"].organization_id,
                                             state=ExitProcess.State.IN_PROGRESS).order_by("-pk").first()
        assert process is not None, "the demo has an exit in progress"
        link = leaver_link_send(process=process, by=people["HR"], email="leaver.at.home@example.com")
    pages.append(("visitor", urlsplit(link).path, "alumni_leaver_link"))
    return pages


CHECK = """async ({tags, raw}) => {
  const text = document.body.innerText;
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {
    raw: raw.filter((value) => new RegExp(`(^|[^\\w])${value}([^\\w]|$)`).test(text)),
    width: document.documentElement.scrollWidth,
    // The innermost elements reaching past the screen's edge: where to look.
    wide: [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && el.checkVisibility()
              && ![...el.children].some((child) => child.getBoundingClientRect().right > window.innerWidth + 1))
      .slice(0, 3).map((el) => el.outerHTML.slice(0, 160)),
    violations: result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3)
        .map((n) => `${n.target.join(" ")}: ${n.failureSummary.split("\\n")[1]}`)})),
  };
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    organization = Organization.objects.get(slug=ORG)
    lengthen_texts(organization)
    return demo_people()


def test_every_page_fits_a_phone_and_passes_axe_for_every_role(browser, live_server, demo, request):
    started = time.monotonic()
    sweep, clients = plan(demo)
    planned = time.monotonic() - started
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures, per_role, raw = [], {}, raw_choice_values()
    assert "not_hired" in raw
    for role, client in clients.items():
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        if role != "visitor":
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        for visit in [v for v in sweep.visits if v.role == role]:
            page.goto(visit.path)
            page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
            found = page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": raw})
            per_role[role] = per_role.get(role, 0) + 1
            where = f"{visit.path} as {role} ({visit.route.name})"
            name = f"{role}-{visit.route.name}.png"
            if found["width"] > PHONE["width"] or os.environ.get("ALLIANCE_SWEEP_SCREENSHOTS"):
                page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
            if found["width"] > PHONE["width"]:
                failures.append(f"{where}: {found['width']} px wide; widest: {found['wide']}")
            if found["raw"]:
                failures.append(f"{where}: stored values shown instead of their labels: {found['raw']}")
            for violation in found["violations"]:
                failures.append(f"{where}: axe {violation['impact']} {violation['id']} ({violation['help']}): "
                                f"{violation['nodes']}")
        context.close()
    elapsed = time.monotonic() - started
    request.config.pluginmanager.get_plugin("terminalreporter").write_line(
        f"\nsweep: {len(sweep.visits)} page visits {per_role}, {len({v.route.name for v in sweep.visits})} "
        f"routes, {len(sweep.post_only)} POST-only routes, planned in {planned:.0f} s, all in {elapsed:.0f} s")
    visited = {v.route.name for v in sweep.visits}
    never = {name for name, roles in sweep.not_for_role.items() if roles == set(demo) and name not in visited}
    assert never == set(NOT_SWEPT), f"pages no demo person opened (sweep them, or say why in NOT_SWEPT): {never}"
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
