"""Data rights: download my data (mine only), and an alumnus's erasure leaves nothing personal behind."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alliance import tenancy, uploads
from alliance.models import Membership, User
from alumni import services
from alumni.models import AlumniProfile, ErasureRecord, LeaverStep, Referral
from tests.alliance.factories import MembershipFactory
from tests.alumni import files
from tests.alumni.conftest import start
from tests.alumni.network import deliver_all, set_level
from tests.tours.factories import TourFactory

NAME = "Zebulon Quixwell"
WORK = "employee@acme.test"
HOME = "zebulon.quixwell@home.test"


@pytest.fixture
def zebulon(org, admin, hr, manager, long_employee):
    """An alumnus with everything: a tour, an exit with contacts and consents, a card, a referral with a
    paid bonus, an open lead, a request to come back, notifications to them and about them."""
    User.objects.filter(pk=long_employee.user_id).update(full_name=NAME)
    long_employee.user.refresh_from_db()
    TourFactory(employee=long_employee, manager=manager, status="active", title="Fleet tour")
    process = start(hr, long_employee, days=0)
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.get(process=process)
        services.leaver_step_save(step=step, by=long_employee, data={
            "personal_email": HOME, "phone": "+351 912 345 678", "city": "Lisbon", "consent_directory": True,
            "consent_news": True, "note": f"Write to me at {HOME}"})
        LeaverStep.objects.filter(pk=step.pk).update(personal_email_verified_at=timezone.now())
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    set_level(admin, "support", referral_bonus_for="everyone", referral_bonus_amount="900", bonus_currency="EUR")
    with tenancy.tenant_context(org.pk):
        member = Membership.objects.select_related("user").get(pk=long_employee.pk)
        member.organization = hr.organization = org
        profile = services.alumni_profile_ensure(member=member)
        services.alumni_profile_update(profile=profile, by=member, data={"current_company": "Quixwell Robotics"})
        services.alumni_photo_set(by=member, profile=profile, photo=files.png())
        paid = services.referral_submit(by=member, candidate_name="Cora Candidate",
                                              candidate_email="cora@x.test", role="Engineer",
                                              why=f"{NAME} worked with Cora for years", cv=files.pdf())
        for status in ("in_process", "hired"):
            services.referral_set_status(referral=paid, by=hr, status=status)
        services.referral_bonus_paid(referral=paid, by=hr)
        services.referral_create(by=member, candidate_name="Open Candidate", candidate_email="open@x.test",
                                 role="Designer", why="Good eye")
        services.lead_create(by=member, company="Quixwell Customers", contact_name="Dana Buyer", need="Robots")
        services.boomerang_request(by=member, message=f"{NAME} would like to come back")
    deliver_all(org)
    return member


def test_download_my_data_has_mine_and_nothing_of_anyone_else(org, hr, zebulon, client_for):
    colleague = MembershipFactory(organization=org, user__email="someone.else@acme.test",
                                  user__full_name="Someone Else")
    response = client_for(zebulon).post("/o/acme/my-data/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert client_for(zebulon).get("/o/acme/my-data/").status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = archive.read("my-data.json").decode()
    data = json.loads(text)
    assert data["you"]["full_name"] == NAME and data["you"]["email"] == HOME and WORK in data["you"]["other_addresses"]
    assert [tour["title"] for tour in data["tours"]] == ["Fleet tour"]
    assert data["exits"][0]["your_step"]["phone"] == "+351 912 345 678"
    assert data["directory_card"]["current_company"] == "Quixwell Robotics"
    assert data["directory_card"]["photo"] == "files/directory-photo.jpg"
    assert archive.read("files/directory-photo.jpg").startswith(b"\xff\xd8")  # their photo, a JPEG
    assert [name for name in archive.namelist() if name.endswith(".pdf")] == []  # the CV is the candidate's
    assert {r["role"] for r in data["referrals"]} == {"Engineer", "Designer"}
    assert data["come_back_requests"][0]["state"] == "requested"
    assert data["notifications"] == [] or all("title" in n for n in data["notifications"])
    # What they were told is theirs (an alumnus keeps a bell: "your referral of Cora… is hired"); beyond
    # those messages, nothing of anyone else.
    assert any("Cora Candidate" in n["title"] for n in data["notifications"])
    beyond = json.dumps({key: value for key, value in data.items() if key != "notifications"})
    for other in (hr.user.email, hr.user.full_name, colleague.user.email, "Cora Candidate", "cora@x.test",
                  "Dana Buyer", "Confidential"):
        assert other not in beyond, other
    for other in (hr.user.email, hr.user.full_name, colleague.user.email, "cora@x.test", "Confidential"):
        assert other not in text, other
    # Employees download theirs too; erasure is for alumni.
    mine = client_for(hr).post("/o/acme/my-data/download/")
    hr_text = zipfile.ZipFile(io.BytesIO(mine.content)).read("my-data.json").decode()
    assert mine.status_code == 200 and hr.user.email in hr_text
    assert HOME not in hr_text and "+351 912 345 678" not in hr_text and "Quixwell Robotics" not in hr_text
    refused = client_for(hr).post("/o/acme/my-data/erase/", {"confirm": "on"})
    assert refused.status_code == 400 and "Erasure is for alumni" in refused.content.decode()


def _tables_mentioning(*needles: str) -> dict[str, list[str]]:
    """Every table of the database, every row as text, searched for each needle (case-insensitive)."""
    found: dict[str, list[str]] = {}
    with tenancy.cross_tenant(reason="test: grep the whole database for an erased person"):
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            for table in tables:
                for needle in needles:
                    cursor.execute(f'SELECT count(*) FROM "{table}" AS row WHERE row::text ILIKE %s',
                                   [f"%{needle}%"])
                    if cursor.fetchone()[0]:
                        found.setdefault(table, []).append(needle)
    return found


def test_erasure_leaves_no_personal_data_and_keeps_what_must_stay(org, hr, zebulon, client_for,
                                                                  django_capture_on_commit_callbacks):
    needles = (NAME, "Zebulon", "Quixwell", HOME, WORK, "+351 912 345 678")
    assert _tables_mentioning(*needles)  # the grep finds them before
    client = client_for(zebulon)
    assert client.post("/o/acme/my-data/erase/", {}).status_code == 400  # not confirmed: nothing changes
    assert User.objects.get(pk=zebulon.user_id).full_name == NAME
    with tenancy.tenant_context(org.pk):
        stored = [AlumniProfile.objects.get(member=zebulon).photo,
                  *Referral.objects.filter(referrer=zebulon).exclude(cv="").values_list("cv", flat=True)]
    assert len(stored) == 2 and all(uploads.private_storage().exists(name) for name in stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/o/acme/my-data/erase/", {"confirm": "on"})
    assert response.status_code == 200 and "You are erased" in response.content.decode()
    assert _tables_mentioning(*needles) == {}
    assert not any(uploads.private_storage().exists(name) for name in stored)  # their photo and CVs are gone
    with tenancy.tenant_context(org.pk):
        record = ErasureRecord.objects.get()
        member = Membership.objects.select_related("user").get(pk=zebulon.pk)
        kept = list(Referral.objects.filter(referrer=member).values_list("bonus_state", "bonus_amount"))
    assert member.status == "former" and member.user.full_name == services.ERASED_NAME
    assert not member.user.is_active and not member.user.has_usable_password()
    assert kept == [("paid", 900)] and record.kept["referrals_with_paid_bonus"] == 1 and record.kept["tours"] == 1
    assert record.kept["files_removed"] == 2
    assert client.get("/o/acme/alumni/").status_code in (302, 404)  # signed out, and no way back in
    from tours import selectors as tour_selectors

    with tenancy.tenant_context(org.pk):  # the tour history stays, under the replaced name
        hr.organization = org
        ledger = tour_selectors.career_ledger(member=hr, subject=member)
    assert [(tour.title, tour.employee.user.full_name) for tour in ledger] == [("Fleet tour", "Erased person")]


def test_someone_still_in_another_organization_is_not_erased(org, other_org, zebulon, client_for):
    MembershipFactory(organization=other_org, user=zebulon.user)
    response = client_for(zebulon).post("/o/acme/my-data/erase/", {"confirm": "on"})
    assert response.status_code == 400 and "another organization" in response.content.decode()
    assert User.objects.get(pk=zebulon.user_id).full_name == NAME


def test_the_retention_sweep_anonymizes_inactive_alumni_who_gave_no_consent(org, admin, hr, client_for):
    from alumni.models import ExitProcess

    def alumnus(email: str, *, left_days_ago: int, consent: bool) -> Membership:
        person = MembershipFactory(organization=org, user__email=email, user__full_name=f"Ret {email}")
        with tenancy.tenant_context(org.pk):
            Membership.objects.filter(pk=person.pk).update(
                employment_started_on=timezone.localdate() - timedelta(days=3000))
        person.employment_started_on = timezone.localdate() - timedelta(days=3000)
        process = start(hr, person, days=0)
        with tenancy.tenant_context(org.pk):
            LeaverStep.objects.filter(process=process).update(consent_news=consent)
        services.exits_sweep(now=timezone.now() + timedelta(days=1))
        with tenancy.tenant_context(org.pk):
            ExitProcess.objects.filter(pk=process.pk).update(
                completed_at=timezone.now() - timedelta(days=left_days_ago))
        return person

    old_silent = alumnus("old.silent@acme.test", left_days_ago=400, consent=False)
    old_consenting = alumnus("old.consenting@acme.test", left_days_ago=400, consent=True)
    recent_silent = alumnus("recent.silent@acme.test", left_days_ago=100, consent=False)
    assert services.retention_sweep() == 0  # no retention period set: nobody
    bad = client_for(admin).post("/o/acme/alumni-network/", {
        "level": "support", "referral_bonus_for": "nobody", "referral_bonus_amount": "0", "lead_bonus_for": "nobody",
        "lead_bonus_amount": "0", "bonus_currency": "USD", "retention_days": "3"})
    assert bad.status_code == 400
    set_level(admin, "support", retention_days=365)
    assert services.retention_sweep() == 1
    assert services.retention_sweep() == 0  # done once
    assert _tables_mentioning("old.silent@acme.test", "Ret old.silent") == {}
    with tenancy.tenant_context(org.pk):
        statuses = dict(Membership.objects.filter(
            pk__in=[old_silent.pk, old_consenting.pk, recent_silent.pk]).values_list("pk", "status"))
        record = ErasureRecord.objects.get()
    assert statuses == {old_silent.pk: "former", old_consenting.pk: "alumnus", recent_silent.pk: "alumnus"}
    assert record.member_id == old_silent.pk and record.kept["reason"] == "retention"
