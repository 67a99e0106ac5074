"""Alumni intelligence: alumni who consent share feedback (``support``) and intel notes (``invest``) into
network intelligence, marked as from an alumnus, for an audience within what the organization allows;
and they appear in "who here knows someone at X?" while they consent and the organization invests.
Withdrawing either consent takes effect at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from alumni.models import LeaverStep
from network_intel import services as intel_services
from network_intel.models import AlumnusListing, IntelNote
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start
from tests.alumni.network import set_level


@pytest.fixture
def colleague(org):
    """An active employee in another team, outside the alumna's management chain."""
    return MembershipFactory(organization=org, team="Sales", user__email="colleague@acme.test")


@pytest.fixture
def alumna(org, admin, hr, long_employee):
    """A former engineer who knew someone at Initech while here, now an alumna (feedback consent not given)."""
    with tenancy.tenant_context(org.pk):
        initech = intel_services.company_resolve(by=long_employee, name="Initech")
        intel_services.contact_create(by=long_employee, name="Ivy Initech", company=initech,
                                      title="Head of operations", strength=3)
    process = start(hr, long_employee, days=0)
    with tenancy.tenant_context(org.pk):
        LeaverStep.objects.filter(process=process).update(personal_email="alumna@home.test", city="Lisbon")
    from alumni import services

    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        member = Membership.objects.select_related("user").get(pk=long_employee.pk)
    member.organization = org
    assert member.status == "alumnus"
    return member


FEEDBACK = {"kind": "feedback", "title": "Onboarding felt rushed", "body": "The first month set the tone.",
            "visibility": "leadership"}


def _notes(org) -> list[IntelNote]:
    with tenancy.tenant_context(org.pk):
        return list(IntelNote.objects.prefetch_related("tags", "companies").order_by("pk"))


def test_feedback_needs_the_consent_and_is_marked_as_from_an_alumnus(org, admin, hr, colleague, alumna, client_for,
                                                                    api_for):
    set_level(admin, "support")
    client = client_for(alumna)
    page = client.get("/o/acme/alumni/sharing/")
    assert page.status_code == 200 and "Share something" not in page.content.decode()
    refused = client.post("/o/acme/alumni/sharing/", FEEDBACK)
    assert refused.status_code == 400 and "Sharing needs your consent" in refused.content.decode()
    assert _notes(org) == []
    assert client.post("/o/acme/alumni/sharing/consent/", {"feedback": "on"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.get(process__member=alumna)
    assert step.consent_feedback and step.consented_at is not None
    # Intel notes are ``invest``; at ``support`` only feedback, and only as far as leadership.
    assert client.post("/o/acme/alumni/sharing/", {**FEEDBACK, "kind": "intel"}).status_code == 400
    assert client.post("/o/acme/alumni/sharing/", {**FEEDBACK, "visibility": "organization"}).status_code == 400
    assert client.post("/o/acme/alumni/sharing/", FEEDBACK).status_code == 302
    [note] = _notes(org)
    assert note.author_id == alumna.pk and note.author_is_alumnus and note.visibility == "leadership"
    assert [tag.name for tag in note.tags.all()] == ["alumni feedback"]
    shown = client_for(hr).get(f"/o/acme/intel/notes/{note.pk}/").content.decode()
    assert "from an alumnus" in shown
    assert client_for(colleague).get(f"/o/acme/intel/notes/{note.pk}/").status_code == 404  # leadership only
    body = api_for(hr).get(f"/api/v1/intel-notes/{note.pk}/").json()
    # Their address is their own: HR sees it while they consent to hear from us (feedback), nobody else.
    assert body["author_is_alumnus"] is True and body["author_email"] == alumna.user.email
    # Withdrawing stops new sharing at once; what was shared stays.
    assert client.post("/o/acme/alumni/sharing/consent/", {}).status_code == 302
    assert api_for(hr).get(f"/api/v1/intel-notes/{note.pk}/").json()["author_email"] is None
    assert client.post("/o/acme/alumni/sharing/", FEEDBACK).status_code == 400
    assert len(_notes(org)) == 1
    assert client_for(colleague).get("/o/acme/alumni/sharing/").status_code == 404  # alumni only


def test_intel_notes_at_invest_reach_what_the_organization_allows(org, admin, hr, colleague, alumna, client_for,
                                                                  api_for):
    set_level(admin, "invest", alumni_note_visibility="organization")
    client = client_for(alumna)
    client.post("/o/acme/alumni/sharing/consent/", {"feedback": "on"})
    made = client.post("/o/acme/alumni/sharing/", {
        "kind": "intel", "title": "Initech buys robots next year", "body": "Budget approved for two sites.",
        "company": "Initech", "visibility": "organization"})
    assert made.status_code == 302
    [note] = _notes(org)
    assert [c.name for c in note.companies.all()] == ["Initech"] and note.visibility == "organization"
    found = api_for(colleague).get("/api/v1/intel-notes/", {"q": "robots"}).json()["results"]
    assert [row["id"] for row in found] == [note.pk] and found[0]["author_is_alumnus"] is True
    assert "Initech buys robots" in client.get("/o/acme/alumni/sharing/").content.decode()  # their own list
    set_level(admin, "invest", alumni_note_visibility="leadership")
    assert client.post("/o/acme/alumni/sharing/", {**FEEDBACK, "visibility": "organization"}).status_code == 400
    set_level(admin, "support")
    assert client.post("/o/acme/alumni/sharing/", {**FEEDBACK, "kind": "intel"}).status_code == 400
    assert len(_notes(org)) == 1


def _who_knows_initech(api) -> list[dict]:
    response = api.get("/api/v1/who-knows/", {"company": "Initech"})
    assert response.status_code == 200, response.content
    return response.json()["acquaintances"]


def test_who_knows_lists_an_alumna_only_while_she_consents_and_the_organization_invests(
        org, admin, colleague, alumna, client_for, api_for):
    set_level(admin, "invest")
    api, client = api_for(colleague), client_for(alumna)
    assert _who_knows_initech(api) == []  # an alumna, not (yet) listed
    page = client.get("/o/acme/alumni/sharing/").content.decode()
    assert "who here knows someone at" in page
    assert client.post("/o/acme/alumni/sharing/consent/", {"who_knows": "on"}).status_code == 302
    [row] = _who_knows_initech(api)
    assert row["member"] == alumna.pk and row["is_alumnus"] is True and row["email"] is None
    assert row["contacts"][0]["title"] == "Head of operations" and "Ivy" not in str(row)
    html = client_for(colleague).get("/o/acme/intel/who-knows/", {"company": "Initech"}).content.decode()
    assert alumna.user.full_name in html and "alumnus" in html and "ask for an introduction" not in html
    # The level goes down: out of who-knows at once, the consent kept; back up: listed again.
    set_level(admin, "support")
    assert _who_knows_initech(api) == []
    set_level(admin, "invest")
    assert [row["member"] for row in _who_knows_initech(api)] == [alumna.pk]
    # Withdrawing takes effect at once.
    assert client.post("/o/acme/alumni/sharing/consent/", {}).status_code == 302
    assert _who_knows_initech(api) == []
    with tenancy.tenant_context(org.pk):
        assert not AlumnusListing.objects.exists()


def test_who_knows_consent_is_for_invest_and_erasure_removes_it(org, admin, alumna, client_for):
    set_level(admin, "support")
    client = client_for(alumna)
    assert "who here knows" not in client.get("/o/acme/alumni/sharing/").content.decode()
    client.post("/o/acme/alumni/sharing/consent/", {"who_knows": "on"})  # not offered: ignored
    with tenancy.tenant_context(org.pk):
        assert not AlumnusListing.objects.exists()
    set_level(admin, "invest")
    client.post("/o/acme/alumni/sharing/consent/", {"who_knows": "on"})
    with tenancy.tenant_context(org.pk):
        assert AlumnusListing.objects.filter(member=alumna).exists()
    assert client.post("/o/acme/my-data/erase/", {"confirm": "on"}).status_code == 200
    with tenancy.tenant_context(org.pk):
        assert not AlumnusListing.objects.exists()
