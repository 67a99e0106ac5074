"""HR's alumni dashboard (``invest``): the figures against a known fixture, a constant number of
queries whatever the number of alumni, charts served by us (vendored Chart.js) with a table beside each."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance import tenancy
from alumni import services
from alumni.models import Boomerang, CustomerLead, ExitProcess, LeaverStep, Referral
from alumni.selectors import dashboard
from network_intel import services as intel_services
from tests.alumni.network import make_alumnus, set_level


def _alumnus(org, index: int, *, year: int, tier: str = "alumni", listed: bool = True, consents=()):
    member = make_alumnus(org, f"alum{index}@home.test", f"Alum {index}", listed=listed)
    process = ExitProcess.objects.create(
        organization=org, member=member, kind="resignation", last_working_day=date(year, 6, 30),
        initiated_by="employee", state="completed", outcome="alumnus", alumni_tier=tier,
        completed_at=datetime(year, 7, 1, tzinfo=datetime.now().astimezone().tzinfo))
    LeaverStep.objects.create(organization=org, process=process, **{f"consent_{kind}": True for kind in consents})
    member.organization = org
    return member


def _at(model, pk, year: int, **fields) -> None:
    model.objects.filter(pk=pk).update(created_at=datetime(year, 3, 1, 12, tzinfo=datetime.now().astimezone().tzinfo),
                                       **fields)


def build(org, *, extra: int = 0) -> list:
    with tenancy.tenant_context(org.pk):
        people = [
            _alumnus(org, 1, year=2023, tier="distinguished", consents=("directory", "news", "feedback")),
            _alumnus(org, 2, year=2023, consents=("directory",)),
            _alumnus(org, 3, year=2024, listed=False, consents=("news",)),
            _alumnus(org, 4, year=2025, consents=("feedback", "events")),
        ]
        people += [_alumnus(org, 10 + i, year=2025, consents=("jobs",)) for i in range(extra)]
        first, second = people[0], people[1]
        for index, (year, status) in enumerate(((2024, "submitted"), (2024, "hired"), (2025, "hired"))):
            referral = Referral.objects.create(organization=org, referrer=first, referrer_was_alumnus=True,
                                               candidate_name=f"C{index}", candidate_email=f"c{index}@x.test",
                                               role="Dev", why="Good")
            _at(Referral, referral.pk, year, status=status)
        for index, (status, value) in enumerate((("won", "1000.50"), ("won", "2000"), ("lost", "500"))):
            lead = CustomerLead.objects.create(organization=org, submitter=second, submitter_was_alumnus=True,
                                               company=f"Co {index}", contact_name="X", need="Robots",
                                               estimated_value=Decimal(value), currency="EUR")
            _at(CustomerLead, lead.pk, 2025, status=status)
        Boomerang.objects.create(organization=org, member=people[2], state="rehired",
                                 rehired_at=datetime(2025, 2, 1, tzinfo=datetime.now().astimezone().tzinfo))
        feedback = intel_services.tag_resolve(by=first, name=dashboard.FEEDBACK_TAG)
        intel_services.alumni_note_create(by=first, title="Feedback", body="More onboarding.",
                                          visibility="leadership", tags=[feedback])
        intel_services.alumni_note_create(by=people[3], title="Intel", body="Initech buys.", visibility="leadership")
        intel_services.alumnus_listing_set(member=people[3], listed=True)
    return people


def events(org, admin, people) -> int:
    """Two events next month: one with two seats (three answers: two going, one waiting), one cancelled."""
    start = timezone.now() + timedelta(days=30)
    admin.organization = org
    with tenancy.tenant_context(org.pk):
        small = services.event_create(by=admin, data={
            "title": "Roof terrace", "place": "Roof terrace", "starts_at": start, "ends_at": start + timedelta(hours=2),
            "capacity": 2})
        for person in people[:3]:
            services.event_rsvp(event=small, by=person)
        gone = services.event_create(by=admin, data={
            "title": "Called off", "place": "Hall", "starts_at": start, "ends_at": start + timedelta(hours=1)})
        services.event_rsvp(event=gone, by=people[3])
        services.event_cancel(event=gone, by=admin)
    return start.year


def _sections(hr, org) -> dict:
    hr.organization = org
    with tenancy.tenant_context(org.pk):
        return {section.key: section for section in dashboard.sections_for(hr)}


def test_the_figures_match_a_known_fixture(org, admin, hr):
    set_level(admin, "invest")
    event_year = events(org, admin, build(org))
    sections = _sections(hr, org)
    alumni = sections["alumni"]
    assert alumni.labels == ["2023", "2024", "2025"]
    assert alumni.rows == [[2023, 1, 1, 2], [2024, 1, 0, 1], [2025, 1, 0, 1]]
    assert sections["directory"].rows == [[4, 3, "75.0 %"]]
    consents = dict(sections["consents"].rows)
    assert consents == {"Directory": 2, "News": 2, "Job openings": 0, "Events": 1, "Feedback and intelligence": 2,
                        "Listed in who-knows": 1}
    assert sections["referrals"].rows == [[2024, 2, 1], [2025, 1, 1]]
    assert sections["leads"].rows == [[2025, 3, 2]] and "3,000.50 EUR" in sections["leads"].note
    this_year = date.today().year
    boomerangs = {row[0]: row for row in sections["boomerangs"].rows}
    assert boomerangs[2025][1:] == [1, 4, "25.0 %"] and boomerangs[2023][1:] == [0, 2, "0.0 %"]
    assert sections["notes"].rows == [[this_year, 1, 1]]
    assert sections["events"].rows == [[event_year, 1, 2, 1]]  # the cancelled event is not counted


def _count(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_the_dashboard_runs_a_constant_number_of_queries_and_draws_with_our_chart_library(
        org, admin, hr, employee, client_for):
    set_level(admin, "invest")
    client = client_for(hr)
    assert client.get("/o/acme/alumni-network/dashboard/").status_code == 200  # empty: no figures yet
    events(org, admin, build(org))
    few = _count(lambda: client.get("/o/acme/alumni-network/dashboard/"))
    with tenancy.tenant_context(org.pk):
        for index in range(8):
            _alumnus(org, 100 + index, year=2020 + index % 6, consents=("news", "events"))
    page = client.get("/o/acme/alumni-network/dashboard/")
    assert _count(lambda: client.get("/o/acme/alumni-network/dashboard/")) == few
    html = page.content.decode()
    assert "/static/vendor/chart-4.6.1.umd.min.js" in html and "/static/alliance/charts.js" in html
    assert "cdn" not in html.lower()
    assert html.count("<canvas") == 8 and html.count("<table") == 8 and 'type="application/json"' in html
    assert client_for(employee).get("/o/acme/alumni-network/dashboard/").status_code == 404
    set_level(admin, "support")
    assert client.get("/o/acme/alumni-network/dashboard/").status_code == 404
    home = client.get("/o/acme/").content.decode()
    assert "Alumni dashboard" not in home
    set_level(admin, "invest")
    assert "Alumni dashboard" in client.get("/o/acme/").content.decode()  # HR's dashboard panel


@pytest.mark.parametrize("path", ["/static/vendor/chart-4.6.1.umd.min.js", "/static/vendor/chart-4.6.1.LICENSE.md"])
def test_the_chart_library_is_vendored_with_its_license(path):
    from django.contrib.staticfiles import finders

    found = finders.find(path.removeprefix("/static/"))
    assert found is not None
    with open(found, encoding="utf-8") as handle:
        text = handle.read()
    assert "MIT" in text or "Chart.js" in text
