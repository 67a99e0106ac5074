"""The network-intelligence rows of the isolation sweep (see tests/isolation.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from network_intel import services
from network_intel.models import IntelSettings, IntroductionRequest
from tests.network_intel.factories import company, contact, note


def populate(world) -> None:
    globex_co = company(world.admin, "Globex Secret Partner", domain="secret.example")
    other_co = company(world.admin, "Globex Secret Rival")
    person = contact(world.admin, globex_co, name="Globex Secret Contact")
    secret = note(world.employee, title="Globex Secret plans", body="Globex Secret body",
                  companies=[globex_co], tags=["Globex Secret tag"])
    with tenancy.tenant_context(world.org.pk):
        services.intel_note_update(by=world.employee, note=secret, data={"title": "Globex Secret plans, revised"},
                                   contacts=[])
        own = contact(world.employee, other_co, name="Globex Secret Own")
        services.intel_note_update(by=world.employee, note=secret, data={}, contacts=[own])
        services.note_mark_useful(by=world.admin, note=secret)
        assert services.note_read_record(by=world.admin, note=secret)
        services.follow_set(by=world.employee, following=True, company=globex_co)
        IntelSettings.objects.create(organization=world.org, search_language="english")
        # A duplicate merged away: its name stays as another name of the company (CompanyAlias).
        merged = company(world.admin, "Globex Secret Duplicate")
        services.company_merge(by=world.admin, source=merged, target=other_co)
        intro = IntroductionRequest.objects.create(organization=world.org, requester=world.employee,
                                                   introducer=world.admin, contact=person,
                                                   message="Globex Secret intro")
    world.objects.update(intel_note=secret, intel_company=globex_co, intel_intro=intro)
    _populate_fund(world, other_co, own)


def _populate_fund(world, other_co, own) -> None:
    """The networking fund: a policy, an override, a rate, an expense with a contact and a receipt."""
    from tests.network_intel.fund_factories import expense, joined_long_ago, png, policy

    joined_long_ago(world.employee)
    policy(world.admin)
    with tenancy.tenant_context(world.org.pk):
        services.fund_override_set(by=world.admin, team="Globex Secret team", amount="50")
        services.exchange_rate_save(by=world.admin, currency="CHF", rate="1.1",
                                         valid_on=timezone.localdate() - timedelta(days=10))
    secret = expense(world.employee, merchant="Globex Secret Bistro", purpose="Globex Secret lunch",
                     receipts=[png("globex-secret.png")], contacts=[own], submit=True)
    with tenancy.tenant_context(world.org.pk):  # a receipt chosen in a form that came back with an error
        services.pending_receipts_add(by=world.employee, form_token="globex-secret-form-token",
                                      files=[png("globex-secret-pending.png")])
    world.objects.update(fund_expense=secret)
