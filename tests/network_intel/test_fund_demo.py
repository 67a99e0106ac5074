from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from alliance import uploads
from alliance.models import Organization
from alliance.tenancy import tenant_context
from network_intel.models import Expense, ExpenseState, FundPolicy, Receipt


@pytest.mark.django_db
def test_seed_demo_gives_each_organization_a_fund_in_every_state():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    counts = {}
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            assert FundPolicy.objects.for_org(organization).count() == 1
            expenses = Expense.objects.for_org(organization)
            assert set(expenses.values_list("state", flat=True)) == set(ExpenseState.values)
            assert expenses.values("currency").distinct().count() == 2
            assert expenses.filter(state=ExpenseState.APPROVED, note__isnull=True).exists()
            types = set(Receipt.objects.for_org(organization).values_list("content_type", flat=True))
            assert types == {"image/png", "application/pdf"}
            receipt = Receipt.objects.for_org(organization).first()
            assert uploads.private_storage().exists(receipt.file)
            counts[organization.slug] = expenses.count()
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(organization.pk):
            assert Expense.objects.for_org(organization).count() == counts[organization.slug]
