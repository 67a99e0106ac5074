from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from alliance.models import Membership, Organization
from alliance.tenancy import tenant_context
from network_intel import selectors
from network_intel.models import Company, Contact, Follow, IntelNote, IntroductionRequest


@pytest.mark.django_db
def test_seed_demo_makes_intel_look_alive_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    counts = {}
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            notes = IntelNote.objects.for_org(organization)
            assert notes.count() >= 200
            assert set(notes.values_list("visibility", flat=True)) == set(IntelNote.Visibility.values)
            assert Company.objects.for_org(organization).count() >= 40
            assert Contact.objects.for_org(organization).values("strength").distinct().count() == 3
            assert IntroductionRequest.objects.for_org(organization).filter(status="pending").count() == 1
            assert Follow.objects.for_org(organization).exists()
            viewer = Membership.objects.for_org(organization).filter(role="employee", status="active").first()
            results = selectors.search_notes(viewer, selectors.SearchFilters(q="pricing"))
            assert results.total > 0 and results.facets["company"]
            counts[organization.slug] = notes.count()
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            assert IntelNote.objects.for_org(organization).count() == counts[organization.slug]
