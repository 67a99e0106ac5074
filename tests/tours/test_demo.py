from __future__ import annotations

import io

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
