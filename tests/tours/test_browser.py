"""Tours journeys in a real Chromium (Playwright), against a live server.

Data is created inside the organization's tenant and committed: the live server's
thread has its own connection and transaction.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.models import Membership
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.helpers import nav_link
from tests.tours.factories import TourFactory
from tours.models import ActionItem, AgendaItem, Checkpoint, Tour

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
SCREENSHOTS = Path(os.environ.get("ALLIANCE_SCREENSHOTS", "/tmp"))


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))


@pytest.fixture
def team(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics", mission="Robots for every workshop.",
                               values="Safety first\nShip to learn")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    lead = MembershipFactory(organization=acme, role=Membership.Role.MANAGER, manager=admin,
                             user__email="maya@acme.test", user__full_name="Maya Lead")
    dana = MembershipFactory(organization=acme, manager=lead, user__email="dana@acme.test",
                             user__full_name="Dana Data", aspirations="Lead a data team within three years.",
                             values="Curiosity\nCandor")
    return {"acme": acme, "lead": lead, "dana": dana}


def test_propose_accept_prepare_and_record_a_checkpoint(page_for, team):
    acme, dana = team["acme"], team["dana"]

    # The manager drafts and proposes Dana's tour, with the alignment side by side.
    manager = page_for()
    sign_in(manager, "maya@acme.test")
    nav_link(manager, "My team").click()
    manager.get_by_role("row", name=re.compile("Dana Data")).get_by_role("link", name="Draft a tour").click()
    manager.get_by_role("heading", name="Draft a tour of duty").wait_for()
    alignment = manager.locator("#alignment")
    alignment.get_by_text("Lead a data team within three years.").wait_for()
    assert alignment.get_by_text("Robots for every workshop.").is_visible()
    manager.get_by_label("Title").fill("Build the data platform")
    manager.get_by_label("Mission").fill("Give every robot team trustworthy data.")
    manager.get_by_label("What the company gets").fill("A data platform used by all three teams.")
    manager.get_by_label("What the employee gets").fill("Lead a team of three; a talk at a conference.")
    manager.get_by_role("textbox", name="Alignment").fill("Curiosity meets Ship to learn.")
    end = timezone.localdate() + timedelta(days=3 * 365)
    manager.get_by_label("End date").fill(end.isoformat())
    manager.screenshot(path=str(SCREENSHOTS / "tours-form.png"), full_page=True)
    manager.get_by_role("button", name="Save and propose").click()
    manager.get_by_text("Tour “Build the data platform” proposed to Dana Data.").wait_for()
    assert manager.locator("#tour-status").inner_text() == "Proposed"

    # ... and schedules the first checkpoint inline (HTMX form, no page change on errors).
    yesterday = timezone.localtime() - timedelta(days=1)
    manager.get_by_label("When").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    manager.get_by_role("button", name="Schedule", exact=True).click()
    manager.locator("#schedule-form").get_by_text("This time has passed.").wait_for()
    when = (timezone.localtime() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    manager.get_by_label("When").fill(when.strftime("%Y-%m-%dT%H:%M"))
    manager.get_by_label("Place or video link").fill("https://meet.example/dana")
    manager.get_by_role("button", name="Schedule", exact=True).click()
    manager.get_by_text(f"Checkpoint scheduled for {when:%a %b %d, %Y %H:%M}.").wait_for()
    first_row = manager.locator(".timeline > li").first
    assert "video link" in first_row.inner_text()
    manager.screenshot(path=str(SCREENSHOTS / "tours-detail-manager.png"), full_page=True)

    # The employee accepts and adds an agenda point.
    employee = page_for()
    sign_in(employee, "dana@acme.test")
    nav_link(employee, "My tour").click()
    employee.get_by_text("Maya Lead proposed this tour to you.").wait_for()
    employee.screenshot(path=str(SCREENSHOTS / "tours-my-tour-proposed.png"), full_page=True)
    employee.get_by_role("button", name="Accept this tour").click()
    employee.get_by_text("You accepted the tour. It is active now.").wait_for()
    assert employee.locator("#tour-status").inner_text() == "Active"
    employee.locator(".timeline > li").first.get_by_role("link", name="Prepare").click()
    employee.get_by_role("heading", name=re.compile("^Checkpoint")).wait_for()
    url_before = employee.url
    employee.get_by_label("Talking point").fill("Hiring the third team member")
    employee.get_by_role("button", name="Add", exact=True).click()
    employee.locator("#agenda-body").get_by_text("Hiring the third team member").wait_for()
    assert employee.url == url_before  # swapped in place by HTMX
    employee.wait_for_function("document.activeElement && document.activeElement.name === 'text'")
    employee.get_by_role("textbox", name="Private note").fill("Ask about the conference budget")
    employee.get_by_role("button", name="Save private note").click()
    employee.get_by_text("Your private note is saved. Only you can read it.").wait_for()
    employee.screenshot(path=str(SCREENSHOTS / "tours-checkpoint-employee.png"), full_page=True)

    # Before the meeting there is no outcome to record.
    manager.reload()
    manager.locator(".timeline > li").first.get_by_role("link", name="Prepare").click()
    manager.locator("#agenda-body").get_by_text("Hiring the third team member").wait_for()
    assert manager.get_by_role("link", name="Record the outcome").count() == 0

    # The conversation takes place; the manager records the outcome. The private note is not theirs to read.
    with tenant_context(acme.pk):
        first = Checkpoint.objects.filter(tour__employee=dana, location="https://meet.example/dana").get()
        Checkpoint.objects.filter(pk=first.pk).update(scheduled_at=timezone.now() - timedelta(minutes=40))
    manager.reload()
    assert manager.get_by_text("Ask about the conference budget").count() == 0
    manager.get_by_role("link", name="Record the outcome").first.click()
    manager.get_by_role("heading", name="Record the outcome").wait_for()
    manager.get_by_label("On track").check()
    manager.get_by_label("Hiring the third team member").check()
    manager.get_by_label("Manager's notes (shared)").fill("Strong start; platform design agreed.")
    manager.get_by_label("Agreed course corrections").fill("Fewer status meetings.")
    manager.get_by_label("Action item 1", exact=True).fill("Write the hiring brief")
    manager.get_by_label("Owner of action item 1").select_option(label="Dana Data")
    manager.screenshot(path=str(SCREENSHOTS / "tours-outcome-form.png"), full_page=True)
    manager.get_by_role("button", name="Record the outcome").click()
    manager.get_by_text("Outcome recorded.").wait_for()
    completed = manager.locator(".timeline > li.status-completed")
    assert "On track" in completed.inner_text()
    manager.screenshot(path=str(SCREENSHOTS / "tours-detail-after-outcome.png"), full_page=True)

    with tenant_context(acme.pk):
        tour = Tour.objects.get(employee=dana)
        checkpoint = Checkpoint.objects.get(tour=tour, status="completed")
        assert tour.status == "active"
        assert (checkpoint.progress, checkpoint.course_corrections) == ("on_track", "Fewer status meetings.")
        assert AgendaItem.objects.get(checkpoint=checkpoint).discussed is True
        next_checkpoint = Checkpoint.objects.filter(tour=tour, status="scheduled").order_by("scheduled_at").first()
        # The open action item is waiting at the next conversation.
        assert list(ActionItem.objects.filter(checkpoint=next_checkpoint).values_list("text", flat=True)) == [
            "Write the hiring brief"
        ]


def test_team_dashboard_filters_without_a_reload(page_for, team):
    acme, lead, dana = team["acme"], team["lead"], team["dana"]
    MembershipFactory(organization=acme, manager=lead, user__email="ivo@acme.test", user__full_name="Ivo Idle")

    today = timezone.localdate()
    TourFactory(employee=dana, manager=lead, status="active", title="Sensor fusion",
                start_date=today - timedelta(days=700), end_date=today + timedelta(days=40))
    page = page_for()
    sign_in(page, "maya@acme.test")
    page.goto("/o/acme/team/")
    rows = page.locator("#team-rows tbody tr")
    assert rows.count() == 2
    page.get_by_label("Needs attention").select_option(label="Next-tour conversation due")
    expect(page.locator("#team-rows tbody tr")).to_have_count(1)
    assert "Sensor fusion" in rows.first.inner_text()
    assert "team/?flag=next_tour_due" in page.url  # the filtered view is bookmarkable
    page.screenshot(path=str(SCREENSHOTS / "tours-team.png"), full_page=True)


def test_a_tour_dated_out_of_bounds_is_refused_in_the_form(page_for, team):
    acme, dana = team["acme"], team["dana"]
    manager = page_for()
    sign_in(manager, "maya@acme.test")
    manager.goto(f"/o/acme/tours/new/?employee={dana.pk}")
    manager.get_by_label("Title").fill("Year one")
    manager.get_by_label("Mission").fill("A typo in the start date.")
    manager.get_by_label("What the company gets").fill("Nothing, yet.")
    manager.get_by_label("What the employee gets").fill("Nothing, yet.")
    manager.get_by_label("Start date").fill("0001-01-01")
    manager.get_by_label("End date").fill((timezone.localdate() + timedelta(days=365)).isoformat())
    manager.get_by_role("button", name="Save and propose").click()
    manager.get_by_text("Choose a date between 1900 and 2100.").wait_for()
    with tenant_context(acme.pk):
        assert not Tour.objects.exists()


def test_an_amendment_is_proposed_noticed_and_accepted(page_for, team, worker):
    """The manager proposes new terms; the employee is told (bell), reads the diff and accepts;
    the manager is told. The terms in force change only then."""
    from alliance.models import Notification
    from tests.conftest import wait_for

    acme, lead, dana = team["acme"], team["lead"], team["dana"]
    today = timezone.localdate()
    tour = TourFactory(employee=dana, manager=lead, status="active", title="Sensor fusion",
                       start_date=today - timedelta(days=100), end_date=today + timedelta(days=600))

    manager = page_for()
    sign_in(manager, "maya@acme.test")
    manager.goto(f"/o/acme/tours/{tour.pk}/")
    manager.get_by_role("link", name="Propose an amendment").click()
    manager.get_by_label("Title").fill("Sensor fusion and mapping")
    manager.get_by_label("Why").fill("Mapping joined the team.")
    manager.get_by_role("button", name="Propose the amendment to Dana").click()
    manager.get_by_text("Amendment proposed to Dana Data.").wait_for()
    assert manager.get_by_role("heading", name="Sensor fusion", exact=True).is_visible()  # terms in force
    manager.locator("#amendment").get_by_text("Sensor fusion and mapping").wait_for()

    def delivered(kind, recipient):
        with tenant_context(acme.pk):
            return Notification.objects.filter(kind=kind, recipient=recipient).exists()

    wait_for(lambda: delivered("amendment_proposed", dana))
    employee = page_for()
    sign_in(employee, "dana@acme.test")
    bell = employee.locator(".bell")
    assert "1" in bell.inner_text()
    employee.goto("/o/acme/notifications/")
    employee.get_by_role("link", name=re.compile("proposes to amend")).first.click()
    employee.locator("#amendment").get_by_text("Sensor fusion and mapping").wait_for()
    employee.screenshot(path=str(SCREENSHOTS / "tours-amendment-employee.png"), full_page=True)
    employee.get_by_role("button", name="Accept the new terms").click()
    employee.get_by_text("Amendment accepted: the new terms are in force.").wait_for()
    assert employee.get_by_role("heading", name="Sensor fusion and mapping").is_visible()
    wait_for(lambda: delivered("amendment_answered", lead))
    with tenant_context(acme.pk):
        assert Tour.objects.get(pk=tour.pk).title == "Sensor fusion and mapping"


def test_two_pages_editing_the_same_draft_the_second_save_shows_both_missions(page_for, team):
    """Stale writes are refused (alliance/versions.py): nobody's mission is silently overwritten."""
    tour = TourFactory(employee=team["dana"], manager=team["lead"], status=Tour.Status.DRAFT,
                       mission="Build the data platform.")
    first, second = page_for(), page_for()
    for page in (first, second):
        sign_in(page, "maya@acme.test")
        page.goto(f"/o/acme/tours/{tour.pk}/edit/")
    first.get_by_label("Mission").fill("Build the data platform with Ana.")
    first.get_by_role("button", name="Save the changes").click()
    first.wait_for_url(re.compile(rf"/o/acme/tours/{tour.pk}/$"))

    second.get_by_label("Mission").fill("Build the data platform and hire two analysts.")
    second.get_by_role("button", name="Save the changes").click()
    conflict = second.locator(".conflict")
    expect(conflict.get_by_role("heading", name=re.compile("Changed by Maya Lead at"))).to_be_visible()
    expect(conflict.locator(".conflict-theirs")).to_contain_text("Build the data platform with Ana.")
    expect(conflict.locator(".conflict-yours")).to_contain_text("Build the data platform and hire two analysts.")
    with tenant_context(team["acme"].pk):
        assert Tour.objects.get(pk=tour.pk).mission == "Build the data platform with Ana."

    second.get_by_role("button", name="Save the changes").click()  # keep mine: the page carries the new version
    second.wait_for_url(re.compile(rf"/o/acme/tours/{tour.pk}/$"))
    with tenant_context(team["acme"].pk):
        assert Tour.objects.get(pk=tour.pk).mission == "Build the data platform and hire two analysts."
