"""Referrals and customer leads: from employees and alumni, their lifecycles, notifications and bonuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alliance import tenancy
from alliance.models import Notification, Reminder
from alumni import services
from alumni.models import CustomerLead, Referral
from tests.alliance.factories import MembershipFactory
from tests.alumni.network import deliver_all, make_alumnus, set_level
from tests.helpers import sent_mail

POLICY = {"referral_bonus_for": "everyone", "referral_bonus_amount": Decimal("1000"), "lead_bonus_for": "alumni",
          "lead_bonus_amount": Decimal("250"), "bonus_currency": "EUR"}


@pytest.fixture
def alumnus(org):
    return make_alumnus(org, "alum@home.test", "Ada Alumna")


def _refer(client, **data):
    return client.post("/o/acme/alumni/referrals/new/", {"candidate_name": "Bo Friend",
                                                         "candidate_email": "bo@friend.test", "role": "Engineer",
                                                         "why": "Shipped the best robot arm I know.", **data})


def test_an_alumnus_refers_hr_moves_it_along_and_the_alumnus_hears_by_email(org, admin, hr, alumnus, client_for):
    set_level(admin, "support", **POLICY)
    assert _refer(client_for(alumnus)).status_code == 302
    with tenancy.tenant_context(org.pk):
        referral = Referral.objects.get()
    assert referral.referrer_was_alumnus and referral.status == "submitted" and referral.bonus_state == "not_applicable"
    board = client_for(hr).get("/o/acme/alumni/referrals/").content.decode()
    assert "Bo Friend" in board and "Ada Alumna" in board
    # A jump the lifecycle does not allow: refused, nothing changed.
    hr_client = client_for(hr)
    hr_client.post(f"/o/acme/alumni-network/referrals/{referral.pk}/status/", {"status": "hired"})
    with tenancy.tenant_context(org.pk):
        referral.refresh_from_db()
    assert referral.status == "submitted"
    for status in ("in_process", "hired"):
        response = hr_client.post(f"/o/acme/alumni-network/referrals/{referral.pk}/status/",
                                  {"status": status, "note": f"Now {status}"})
        assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        referral.refresh_from_db()
    assert (referral.status, referral.bonus_state, referral.bonus_amount, referral.bonus_currency) == (
        "hired", "pending", Decimal("1000.00"), "EUR")
    delivered = deliver_all(org)
    assert [(r.kind, r.window, r.status) for r in delivered] == [
        ("alumni_referral_status", "in_process", "sent"), ("alumni_referral_status", "hired", "sent")]
    mine = [m for m in sent_mail() if m.to == ["alum@home.test"]]  # HR heard of the new referral too
    assert len(mine) == 2
    assert "1,000.00 EUR" in mine[1].body and "Now hired" in mine[1].body
    with tenancy.tenant_context(org.pk):  # an alumnus keeps a bell
        assert Notification.objects.filter(recipient=alumnus, kind="alumni_referral_status").count() == 2
    assert hr_client.post(f"/o/acme/alumni-network/referrals/{referral.pk}/paid/").status_code == 302
    with tenancy.tenant_context(org.pk):
        referral.refresh_from_db()
    assert referral.bonus_state == "paid" and referral.bonus_paid_at is not None
    mine = client_for(alumnus).get("/o/acme/alumni/referrals/").content.decode()
    assert "Bo Friend" in mine and "Paid" in mine


def test_an_employee_refers_at_every_level_and_hears_in_app_and_by_email(org, admin, hr, employee, client_for):
    set_level(admin, "ignore", referral_bonus_for="employees", referral_bonus_amount=Decimal("300"),
              bonus_currency="USD")
    assert _refer(client_for(employee)).status_code == 302
    with tenancy.tenant_context(org.pk):
        referral = Referral.objects.get()
        hr.organization = org
        services.referral_set_status(referral=referral, by=hr, status="not_hired", note="We hired internally.")
    assert referral.bonus_state == "not_applicable"
    deliver_all(org)
    with tenancy.tenant_context(org.pk):
        notification = Notification.objects.get(recipient=employee)
    assert "not hired" in notification.title and any(m.to == ["employee@acme.test"] for m in sent_mail())
    again = client_for(hr).post(f"/o/acme/alumni-network/referrals/{referral.pk}/status/", {"status": "in_process"})
    assert again.status_code == 302
    with tenancy.tenant_context(org.pk):
        assert Referral.objects.get().status == "not_hired"


def test_referral_refusals(org, admin, hr, employee, alumnus, client_for, api_for):
    set_level(admin, "support")
    bad = _refer(client_for(employee), candidate_email="not-an-address")
    assert bad.status_code == 400
    yourself = _refer(client_for(employee), candidate_email="employee@acme.test")
    assert yourself.status_code == 400 and "cannot refer yourself" in yourself.content.decode()
    assert _refer(client_for(employee)).status_code == 302
    twice = _refer(client_for(alumnus))
    assert twice.status_code == 400 and "already referred" in twice.content.decode()
    with tenancy.tenant_context(org.pk):
        referral = Referral.objects.get()
    # Only HR moves referrals along: the referrer's own API token is refused with a 403.
    own = api_for(employee).post_json(f"/api/v1/referrals/{referral.pk}/status/", {"status": "in_process"})
    assert own.status_code == 403 and "Only HR" in own.json()["detail"]
    # Someone else's referral is not even visible.
    other = api_for(hr)
    assert other.get(f"/api/v1/referrals/{referral.pk}/").status_code == 200
    colleague = MembershipFactory(organization=org, user__email="colleague@acme.test")
    assert api_for(colleague).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    unpaid = other.post_json(f"/api/v1/referrals/{referral.pk}/bonus-paid/")
    assert unpaid.status_code == 400 and "pending" in unpaid.json()["detail"]
    with tenancy.tenant_context(org.pk):
        assert Referral.objects.get().status == "submitted"


def test_referrals_through_the_api(org, admin, hr, employee, api_for):
    set_level(admin, "support", **POLICY)
    api = api_for(employee)
    created = api.post_json("/api/v1/referrals/", {"candidate_name": "Cy Coder", "candidate_email": "cy@x.test",
                                                   "role": "Engineer", "why": "Brilliant"})
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    assert api.post_json("/api/v1/referrals/", {"candidate_name": "", "role": "x"}).status_code == 400
    hr_api = api_for(hr)
    pk = created.json()["id"]
    assert hr_api.post_json(f"/api/v1/referrals/{pk}/status/", {"status": "nope"}).status_code == 400
    moved = hr_api.post_json(f"/api/v1/referrals/{pk}/status/", {"status": "in_process"})
    assert moved.status_code == 200 and moved.json()["status"] == "in_process"
    hired = hr_api.post_json(f"/api/v1/referrals/{pk}/status/", {"status": "hired"}).json()
    assert hired["bonus_state"] == "pending" and hired["bonus_amount"] == "1000.00"
    assert [r["id"] for r in api.get("/api/v1/referrals/").json()["results"]] == [pk]
    assert hr_api.get("/api/v1/referrals/", {"status": "hired"}).json()["results"][0]["id"] == pk


def test_a_lead_from_an_alumnus_is_owned_moved_along_and_won(org, admin, hr, manager, alumnus, client_for, api_for):
    set_level(admin, "support", **POLICY)
    response = client_for(alumnus).post("/o/acme/alumni/leads/new/", {
        "company": "Umbrella", "contact_name": "Alice Buyer", "contact_email": "alice@umbrella.test",
        "need": "Forty warehouse robots", "estimated_value": "120000", "currency": ""})
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        lead = CustomerLead.objects.get()
    assert lead.currency == org.currency and lead.submitter_was_alumnus
    hr_client = client_for(hr)
    assert hr_client.post(f"/o/acme/alumni-network/leads/{lead.pk}/owner/", {"owner": manager.pk}).status_code == 302
    # The owner moves it along (a manager who is not HR).
    owner_api = api_for(manager)
    for status in ("contacted", "qualified", "won"):
        moved = owner_api.post_json(f"/api/v1/leads/{lead.pk}/status/", {"status": status})
        assert moved.status_code == 200, moved.content
    body = moved.json()
    assert (body["status"], body["owner"], body["bonus_state"], body["bonus_amount"]) == (
        "won", manager.pk, "pending", "250.00")
    assert owner_api.post_json(f"/api/v1/leads/{lead.pk}/status/", {"status": "lost"}).status_code == 400
    assert owner_api.post_json(f"/api/v1/leads/{lead.pk}/bonus-paid/").status_code == 403
    assert api_for(hr).post_json(f"/api/v1/leads/{lead.pk}/bonus-paid/").json()["bonus_state"] == "paid"
    deliver_all(org)
    mine = [m for m in sent_mail() if m.to == ["alum@home.test"]]  # HR and the owner heard of it too
    assert len(mine) == 4  # three steps, and the bonus paid
    assert any("250.00 EUR" in m.body for m in mine) and any("bonus" in m.subject and "paid" in m.subject for m in mine)
    assert "Umbrella" in client_for(alumnus).get("/o/acme/alumni/leads/").content.decode()
    figures = hr_client.get("/o/acme/alumni-network/").content.decode()
    assert "120,000.00 USD" in figures  # thousands separated (the money filter)


def test_lead_refusals_and_a_lead_from_an_employee_earns_no_alumni_bonus(org, admin, hr, employee, client_for,
                                                                          api_for):
    set_level(admin, "support", **POLICY)
    api = api_for(employee)
    assert api.post_json("/api/v1/leads/", {"company": "X", "contact_name": "Y", "need": "Z",
                                            "estimated_value": "-5"}).status_code == 400
    assert api.post_json("/api/v1/leads/", {"company": "X", "contact_name": "Y", "need": "Z",
                                            "currency": "euro"}).status_code == 400
    created = api.post_json("/api/v1/leads/", {"company": "Hooli", "contact_name": "Gavin", "need": "Robots"})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert api.post_json(f"/api/v1/leads/{pk}/status/", {"status": "contacted"}).status_code == 403
    hr_api = api_for(hr)
    assert hr_api.post_json(f"/api/v1/leads/{pk}/owner/", {"owner": 2_000_000_017}).status_code == 400
    for status in ("contacted", "qualified", "won"):
        body = hr_api.post_json(f"/api/v1/leads/{pk}/status/", {"status": status}).json()
    assert body["bonus_state"] == "not_applicable"
    with tenancy.tenant_context(org.pk):
        assert Reminder.objects.filter(kind="alumni_lead_status").count() == 3


def test_referral_and_lead_lists_run_a_constant_number_of_queries(org, admin, hr, api_for, django_assert_num_queries):
    set_level(admin, "support")
    hr.organization = org
    api = api_for(hr)
    api.get("/api/v1/me/")

    def add(count: int) -> None:
        with tenancy.tenant_context(org.pk):
            for i in range(count):
                person = make_alumnus(org, f"r{count}-{i}@home.test", f"Referrer {i}")
                person.organization = org
                services.referral_create(by=person, candidate_name=f"C {i}", candidate_email=f"c{count}{i}@x.test",
                                         role="Dev", why="Good")
                lead = services.lead_create(by=person, company=f"Co {i}", contact_name="Z", need="Robots")
                services.lead_assign(lead=lead, by=hr, owner=hr)

    add(2)
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/referrals/").json()["results"]) == 2
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/leads/").json()["results"]) == 2
    add(6)
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/referrals/").json()["results"]) == 8
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/leads/").json()["results"]) == 8
