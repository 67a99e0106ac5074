"""The audit trail across the apps: a tour's history joins its field changes, its amendments and its
revisions (those written before the trail too); an expense's approval is its member's to read; a fund
policy and an exit's classification are HR's only."""

from __future__ import annotations

import pghistory
import pytest
from django.db import connection

from alliance.history.selectors import HistoryFilter, history_page
from alliance.tenancy import tenant_context
from network_intel import services as fund_services
from tests.network_intel.fund_factories import expense, joined_long_ago, policy
from tests.tours.factories import TourFactory
from tours import services as tour_services
from tours.models import Tour, TourRevision

pytestmark = pytest.mark.django_db


def entries(viewer, **filters):
    with tenant_context(viewer.organization_id):
        return history_page(viewer=viewer, filters=HistoryFilter(**filters)).entries


def test_a_tours_history_has_its_changes_and_its_revisions(hr, manager, employee, client_for):
    tour = TourFactory(employee=employee, manager=manager)
    with tenant_context(tour.organization_id), pghistory.context(source="web", member=manager.pk):
        tour_services.tour_propose(tour=tour, by=manager)
    with tenant_context(tour.organization_id), pghistory.context(source="web", member=employee.pk):
        tour_services.tour_accept(tour=Tour.objects.get(pk=tour.pk), by=employee)
    history = entries(hr, record_type="tour", record_id=tour.pk)
    actions = [entry.action for entry in history]
    assert "Accepted" in actions and "Proposed" in actions  # the tour's revisions, by their labels
    status_changes = [(change.old.text, change.new.text) for entry in history for change in entry.changes
                      if change.label == "Status"]
    assert ("Proposed", "Active") in status_changes and ("Draft", "Proposed") in status_changes
    accepted = next(entry for entry in history if entry.action == "Accepted")
    assert accepted.actor == employee.user.full_name
    # The employee reads their tour's history; the page links it; another member does not.
    assert [entry.record_id for entry in entries(employee, record_type="tour")] == [tour.pk] * len(
        entries(employee, record_type="tour"))
    assert client_for(employee).get(f"/o/acme/history/tour/{tour.pk}/").status_code == 200
    assert f"/o/acme/history/tour/{tour.pk}/" in client_for(employee).get(f"/o/acme/tours/{tour.pk}/").content.decode()
    assert client_for(manager).get(f"/o/acme/history/tour/{tour.pk}/").status_code == 404


def test_revisions_written_before_the_trail_are_copied_into_it(hr, manager, employee):
    """The migration's ``AuditBaseline`` copies each revision as an event of its own time and author; run
    again here, it adds one "tour history" copy per revision, shown in the tour's history."""
    from django.db.migrations.loader import MigrationLoader

    from alliance.history.operations import AuditBaseline

    tour = TourFactory(employee=employee, manager=manager)
    with tenant_context(tour.organization_id):
        TourRevision.objects.create(organization_id=tour.organization_id, tour=tour, by=manager,
                                    action="changes_requested", comment="Earlier, before the trail")

    class Editor:
        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    state = MigrationLoader(connection).project_state(("tours", "0010_audit_history"))
    operation = AuditBaseline("tourrevision", "tourrevisionevent", label="insert", created_at="created_at",
                              context_sql="jsonb_build_object('member', by_id, 'source', 'tour history')")
    with tenant_context(tour.organization_id):
        operation.database_forwards("tours", Editor(), state, state)
    copies = [entry for entry in entries(hr, record_type="tour", record_id=tour.pk)
              if entry.action == "Asked for changes"]
    assert len(copies) == 2  # the trigger's event and the migration's copy
    (copied,) = [entry for entry in copies if entry.source == "Tour history"]
    assert copied.actor == manager.user.full_name
    assert [(c.label, c.new.text) for c in copied.changes] == [("Comment", "Earlier, before the trail")]


def test_an_expense_approval_is_in_its_members_history(hr, manager, employee):
    policy(hr)
    joined_long_ago(employee)
    claim = expense(employee, submit=True)
    with tenant_context(claim.organization_id), pghistory.context(source="web", member=manager.pk):
        fund_services.expense_approve(by=manager, expense=claim)
    own = entries(employee, record_type="expense", record_id=claim.pk)
    approved = own[0]
    assert approved.actor == manager.user.full_name
    assert ("State", "Waiting for approval", "Approved") in [
        (c.label, c.old.text, c.new.text) for c in approved.changes]
    assert ("Decided by", "", manager.user.full_name) in [(c.label, c.old.text, c.new.text) for c in approved.changes]
    # The fund policy is HR's to read, never a member's.
    assert entries(hr, record_type="fund-policy")
    assert entries(employee, record_type="fund-policy") == []


def test_no_private_text_reaches_an_event_table():
    from django.apps import apps

    from alliance.models import AuditEvent

    tracked = {(model.pgh_tracked_model._meta.label, field.name) for model in apps.get_models()
               if issubclass(model, AuditEvent) for field in model._meta.concrete_fields}
    assert ("alumni.ExitProcess", "hr_note") not in tracked
    assert ("alumni.ExitProcess", "alumni_despite_note") not in tracked
    assert not [label for label, _ in tracked if label in ("tours.PrivateNote", "alumni.ExitInterview")]
    assert ("alumni.ExitProcess", "rehire") in tracked and ("tours.Tour", "mission") in tracked
