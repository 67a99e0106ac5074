"""An active tour's terms change only when both agree; each side hears of the other's move."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Reminder
from alliance.reminders import reminder_deliver
from tests.helpers import sent_mail
from tests.tours.factories import CheckpointFactory, TourFactory
from tests.tours.test_views import url
from tours import services
from tours.models import Checkpoint, Tour, TourAmendment, TourRevision


@pytest.fixture
def tenant(org):
    with tenancy.tenant_context(org.pk):
        yield org


def deliver_all(org, **filters) -> list[Reminder]:
    """Deliver every pending ledger row of ``org`` (as the worker would) and return them."""
    with tenancy.tenant_context(org.pk):
        pending = list(Reminder.objects.filter(status=Reminder.Status.PENDING, **filters).order_by("id"))
        for reminder in pending:
            reminder_deliver(organization_id=org.pk, reminder_id=reminder.pk)
        return pending


# --- Services ------------------------------------------------------------------------------

def test_amending_an_active_tour_proposes_and_keeps_the_terms_in_force(tenant, manager, employee, active_tour):
    old_title = active_tour.title
    services.tour_update(tour=active_tour, by=manager, data={"title": "Lead the platform team", "cadence_months": 3},
                         comment="A bigger scope")
    active_tour.refresh_from_db()
    assert (active_tour.title, active_tour.cadence_months) == (old_title, 6)
    amendment = TourAmendment.objects.get(tour=active_tour)
    assert amendment.is_pending and amendment.reason == "A bigger scope"
    assert amendment.diff["title"] == {"label": "Title", "from": old_title, "to": "Lead the platform team"}
    assert TourRevision.objects.filter(tour=active_tour, action="amendment_proposed").exists()

    services.amendment_accept(amendment=amendment, by=employee)
    active_tour.refresh_from_db()
    assert (active_tour.title, active_tour.cadence_months) == ("Lead the platform team", 3)
    amendment.refresh_from_db()
    assert amendment.status == "accepted" and amendment.answered_by == employee
    revision = TourRevision.objects.get(tour=active_tour, action="amended")
    assert revision.by == employee and revision.changes["cadence_months"]["to"] == "3"


def test_only_the_employee_answers_and_only_once(tenant, manager, employee, hr, active_tour):
    amendment = services.amendment_propose(tour=active_tour, by=manager, data={"title": "New"})
    for other in (manager, hr):
        with pytest.raises(NotAllowed):
            services.amendment_accept(amendment=amendment, by=other)
    services.amendment_decline(amendment=amendment, by=employee, note="Not this year")
    with pytest.raises(ApplicationError, match="declined"):
        services.amendment_accept(amendment=amendment, by=employee)
    active_tour.refresh_from_db()
    assert active_tour.title != "New"


def test_declining_needs_a_reason_and_an_invalid_proposal_is_refused(tenant, manager, employee, active_tour):
    with pytest.raises(ApplicationError):
        services.amendment_propose(tour=active_tour, by=manager, data={"end_date": active_tour.start_date})
    assert not TourAmendment.objects.exists()
    amendment = services.amendment_propose(tour=active_tour, by=manager, data={"title": "New"})
    with pytest.raises(ApplicationError) as refused:
        services.amendment_decline(amendment=amendment, by=employee, note="  ")
    assert "note" in refused.value.field_errors


def test_a_newer_proposal_replaces_the_pending_one(tenant, manager, active_tour):
    first = services.amendment_propose(tour=active_tour, by=manager, data={"title": "One"})
    second = services.amendment_propose(tour=active_tour, by=manager, data={"title": "Two"})
    first.refresh_from_db()
    assert first.status == "withdrawn" and second.is_pending
    assert TourAmendment.objects.filter(tour=active_tour, status="pending").count() == 1


def test_draft_and_proposed_tours_still_change_at_once(tenant, manager, tour):
    services.tour_update(tour=tour, by=manager, data={"title": "Straight away"})
    tour.refresh_from_db()
    assert tour.title == "Straight away" and not TourAmendment.objects.exists()


# --- Notifications -------------------------------------------------------------------------

def test_the_employee_hears_of_a_proposed_amendment_and_the_manager_of_the_answer(
    tenant, org, manager, employee, active_tour, django_capture_on_commit_callbacks,
):
    amendment = services.amendment_propose(tour=active_tour, by=manager, data={"title": "Bigger scope"})
    (to_employee,) = deliver_all(org, kind="amendment_proposed")
    assert to_employee.recipient_id == employee.pk
    (message,) = sent_mail()
    assert message.to == [employee.user.email] and "amend" in message.subject
    assert "Bigger scope" in message.body
    services.amendment_accept(amendment=amendment, by=employee)
    (to_manager,) = deliver_all(org, kind="amendment_answered")
    assert to_manager.recipient_id == manager.pk and "accepted" in sent_mail()[-1].subject


def test_a_proposed_tour_and_the_answer_reach_the_other_party(tenant, org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="draft")
    services.tour_propose(tour=tour, by=manager)
    (proposed,) = deliver_all(org, kind="tour_proposed")
    assert proposed.recipient_id == employee.pk
    services.tour_request_changes(tour=tour, by=employee, comment="More remote days")
    (answered,) = deliver_all(org, kind="tour_answered")
    assert answered.recipient_id == manager.pk
    assert "More remote days" in sent_mail()[-1].body


def test_checkpoint_changes_send_calendar_invitations_that_update_in_place(tenant, org, manager, employee,
                                                                           active_tour):
    when = timezone.now() + timedelta(days=10)
    checkpoint = services.checkpoint_schedule(tour=active_tour, by=manager, scheduled_at=when, location="Room 1")
    services.checkpoint_reschedule(checkpoint=checkpoint, by=manager, scheduled_at=when + timedelta(days=1),
                                   location="Room\x072")
    services.checkpoint_cancel(checkpoint=checkpoint, by=manager)
    sent = deliver_all(org, kind="checkpoint_changed")
    assert {r.recipient_id for r in sent} == {employee.pk}
    checkpoint.refresh_from_db()
    # The two earlier versions are superseded by the cancellation: only its message goes out.
    assert [r.status for r in Reminder.objects.filter(kind="checkpoint_changed").order_by("id")] == [
        "skipped", "skipped", "sent"]
    (message,) = sent_mail()
    parsed = message_from_bytes(message.message().as_bytes())
    calendars = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert calendars and all(part.get_param("method") == "CANCEL" for part in calendars)
    ics = calendars[0].get_payload(decode=True).decode()
    assert f"SEQUENCE:{checkpoint.sequence}" in ics and "STATUS:CANCELLED" in ics
    assert "DTSTAMP:" in ics and "LAST-MODIFIED:" in ics and "\x07" not in ics
    assert str(checkpoint.uid) in ics


def test_a_title_change_updates_the_events_of_future_checkpoints(tenant, manager, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour, scheduled_at=timezone.now() + timedelta(days=20))
    before = checkpoint.sequence
    amendment = services.amendment_propose(tour=active_tour, by=manager, data={"title": "Renamed"})
    services.amendment_accept(amendment=amendment, by=employee)
    checkpoint.refresh_from_db()
    assert checkpoint.sequence == before + 1
    assert Reminder.objects.filter(kind="checkpoint_changed", subject_id=checkpoint.pk,
                                   recipient=manager).exists()


def test_cadence_checkpoints_never_fall_on_a_weekend(tenant, manager, employee):
    today = timezone.localdate()
    tour = services.tour_create(by=manager, employee=employee, kind="transformational", title="Weekdays",
                                mission="m", company_objectives="c", employee_benefits="e", start_date=today,
                                end_date=today + timedelta(days=365 * 4), cadence_months=1)
    zone = tour.organization.time_zone
    import zoneinfo
    days = [cp.scheduled_at.astimezone(zoneinfo.ZoneInfo(zone)).weekday()
            for cp in Checkpoint.objects.filter(tour=tour)]
    assert len(days) > 40 and all(day < 5 for day in days)


# --- API and browser ---------------------------------------------------------------------------

def test_the_amendment_round_trip_through_the_api(api_for, org, manager, employee, active_tour):
    proposed = api_for(manager).patch_json(f"/api/v1/tours/{active_tour.pk}/", {"title": "Via API", "comment": "Why"})
    assert proposed.status_code == 202 and proposed.json()["status"] == "pending"
    assert proposed.json()["diff"]["title"]["proposed"] == "Via API"
    amendment_id = proposed.json()["id"]
    assert api_for(employee).get(f"/api/v1/tours/{active_tour.pk}/").json()["title"] != "Via API"
    listed = api_for(employee).get(f"/api/v1/tours/{active_tour.pk}/amendments/").json()
    assert [a["id"] for a in listed] == [amendment_id]
    assert api_for(manager).post_json(f"/api/v1/amendments/{amendment_id}/accept/").status_code == 403
    accepted = api_for(employee).post_json(f"/api/v1/amendments/{amendment_id}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert api_for(employee).get(f"/api/v1/tours/{active_tour.pk}/").json()["title"] == "Via API"
    again = api_for(employee).post_json(f"/api/v1/amendments/{amendment_id}/decline/", {"note": "x"})
    assert again.status_code == 400


def test_another_organizations_amendment_is_a_404(api_for, org, manager, outsider, active_tour):
    with tenancy.tenant_context(org.pk):
        amendment = services.amendment_propose(tour=active_tour, by=manager, data={"title": "Secret"})
    assert api_for(outsider).post_json(f"/api/v1/amendments/{amendment.pk}/accept/").status_code == 404


def test_the_amendment_in_the_browser(client_for, org, manager, employee, active_tour):
    with tenancy.tenant_context(org.pk):
        amendment = services.amendment_propose(tour=active_tour, by=manager, data={"title": "Browser title"})
    page = client_for(employee).get(url("detail", org, active_tour.pk)).content.decode()
    assert "Proposed amendment" in page and "Accept the new terms" in page and "Browser title" in page
    manager_page = client_for(manager).get(url("detail", org, active_tour.pk)).content.decode()
    assert "Withdraw the amendment" in manager_page and "Accept the new terms" not in manager_page
    refused = client_for(manager).post(url("amendment", org, amendment.pk, "accept"))
    assert refused.status_code == 302
    response = client_for(employee).post(url("amendment", org, amendment.pk, "accept"))
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        assert Tour.objects.get(pk=active_tour.pk).title == "Browser title"
