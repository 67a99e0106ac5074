"""An alumnus keeps their own data right: they edit their contact details (a new personal address is
confirmed again, then becomes their sign-in) and withdraw any consent on their alumni page; their
"download my data" holds everything they wrote or is about them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from alumni import services
from alumni.models import AlumniProfile, LeaverStep
from tests.alumni.conftest import start
from tests.alumni.network import set_level
from tests.helpers import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def alumnus(org, admin, hr, long_employee):
    set_level(admin, "support")
    process = start(hr, long_employee, days=0)
    with tenancy.tenant_context(org.pk):
        LeaverStep.objects.filter(process=process).update(
            personal_email="me@home.test", personal_email_verified_at=timezone.now(), consent_news=True,
            consent_directory=True, phone="+1 555", city="Lisbon")
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        member = Membership.objects.select_related("user").get(pk=long_employee.pk)
    member.organization = org
    assert member.status == "alumnus"
    return member


def _form(**overrides):
    data = {"personal_email": "me@home.test", "phone": "+1 555", "city": "Lisbon", "linkedin_url": "",
            "consent_directory": "on", "consent_news": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_alumnus_edits_details_and_withdraws_a_consent(org, alumnus, client_for):
    client = client_for(alumnus)
    assert "Change your details or withdraw a consent" in client.get("/o/acme/alumni/").content.decode()
    page = client.get("/o/acme/alumni/contact/")
    assert page.status_code == 200 and 'value="+1 555"' in page.content.decode()
    response = client.post("/o/acme/alumni/contact/", _form(city="Porto", phone="+351 1", consent_news=None,
                                                             consent_directory=None,
                                                             linkedin_url="https://linkedin.com/in/me"))
    assert response.status_code == 302, re.findall(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.get(process__member=alumnus)
        profile = AlumniProfile.objects.get(member=alumnus)
    assert (step.city, step.phone, step.linkedin_url) == ("Porto", "+351 1", "https://linkedin.com/in/me")
    assert not step.consent_news and not step.consent_directory and step.consented_at is not None
    assert profile.listed is False  # the directory follows the withdrawn consent at once
    assert step.is_verified  # the address did not change


def test_a_new_personal_address_is_confirmed_then_becomes_the_sign_in(org, alumnus, client_for):
    client = client_for(alumnus)
    assert client.post("/o/acme/alumni/contact/", _form(personal_email="new@home.test")).status_code == 302
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.get(process__member=alumnus)
    assert step.personal_email == "new@home.test" and not step.is_verified
    mail = [m for m in sent_mail() if m.to == ["new@home.test"]]
    assert len(mail) == 1
    link = re.search(r"https?://\S+", mail[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code in (200, 302)
    alumnus.user.refresh_from_db()
    assert alumnus.user.email == "new@home.test"


def test_bad_input_changes_nothing_and_others_cannot_use_the_page(org, alumnus, client_for, employee, outsider):
    client = client_for(alumnus)
    response = client.post("/o/acme/alumni/contact/", _form(personal_email="hr@acme.test"))  # another account
    assert response.status_code == 400
    with tenancy.tenant_context(org.pk):
        assert LeaverStep.objects.get(process__member=alumnus).personal_email == "me@home.test"
    assert client_for(outsider).get("/o/acme/alumni/contact/").status_code == 404


def test_download_my_data_holds_checkpoints_expenses_and_intel(org, hr, manager, employee, client_for):
    from network_intel import services as intel_services
    from tests.network_intel.fund_factories import expense, joined_long_ago, png, policy
    from tests.tours.factories import CheckpointFactory, TourFactory
    from tours import services as tour_services

    joined_long_ago(hr, manager, employee)
    policy(hr)
    item = expense(employee, amount="12.00", receipts=[png("coffee.png")], merchant="Blue Bottle")
    tour = TourFactory(employee=employee, manager=manager, status="active", title="Fleet tour")
    checkpoint = CheckpointFactory(tour=tour)
    with tenancy.tenant_context(org.pk):
        tour_services.private_note_save(checkpoint=checkpoint, by=employee, body="Ask about the promotion")
        tour_services.private_note_save(checkpoint=checkpoint, by=manager, body="Manager's own thought")
        intel_services.intel_note_create(by=employee, title="Initech hires", body="Ten engineers.")
    archive = zipfile.ZipFile(io.BytesIO(client_for(employee).post("/o/acme/my-data/download/").content))
    data = json.loads(archive.read("my-data.json"))
    assert data["checkpoints"][0]["your_private_note"] == "Ask about the promotion"
    assert "Manager's own thought" not in json.dumps(data)
    [exported] = data["networking_fund_expenses"]
    assert exported["merchant"] == "Blue Bottle" and exported["amount"] == "12.00"
    [receipt] = exported["receipts"]
    assert archive.read(receipt).startswith(b"\x89PNG")
    assert [note["title"] for note in data["network_intelligence"]["notes"]] == ["Initech hires"]
    assert item.pk
