"""The network-intelligence rows of the isolation sweep (see tests/isolation.py)."""

from __future__ import annotations

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
        services.follow_set(by=world.employee, following=True, company=globex_co)
        IntelSettings.objects.create(organization=world.org, search_language="english")
        intro = IntroductionRequest.objects.create(organization=world.org, requester=world.employee,
                                                   introducer=world.admin, contact=person,
                                                   message="Globex Secret intro")
    world.objects.update(intel_note=secret, intel_company=globex_co, intel_intro=intro)
