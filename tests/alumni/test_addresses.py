"""Which address of a person each viewer sees (alliance.people), everywhere a person's address is
shown: the work address while employed, nothing after, the personal address to HR only with consent.

The alumni app is what makes a leaver (and records their consent), so these tests live here."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from itertools import product

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance import people, tenancy
from alliance.models import Membership
from alliance.selectors import people_by_membership
from alumni import services
from alumni.models import ExitProcess, LeaverStep
from network_intel import services as intel_services
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start
from tests.network_intel.factories import company, contact, note
from tests.network_intel.fund_factories import expense, joined_long_ago, policy
from tours.models import Tour

PERSONAL = "employee.home@private.test"
NEWS_ONLY = {"consent_news": True}


def leave(hr, member, *, consents: dict | None = None, personal: str = PERSONAL) -> Membership:
    """``member`` leaves through the real last-day sweep, their confirmed personal address becoming
    their account's e-mail; ``consents`` ticked in their leaver step."""
    process = start(hr, member, days=0)
    with tenancy.tenant_context(member.organization_id):
        LeaverStep.objects.filter(process=process).update(
            personal_email=personal, personal_email_verified_at=timezone.now(), submitted_at=timezone.now(),
            **(consents or {}))
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(member.organization_id):
        left = Membership.objects.select_related("user").get(pk=member.pk)
    assert left.status == Membership.Status.ALUMNUS and left.user.email == personal
    return left


# --- The rule and its SQL twin agree, for every viewer role × subject status × consent -----------------

CONSENTS = {
    "none": [],
    "contact": [{"consent_news": True}],
    "directory only": [{"consent_directory": True}],  # being listed is no consent to be contacted
    "withdrawn": [{"consent_jobs": True}, {}],  # consented when leaving once, not when leaving again
}


def _expected(viewer: Membership, subject: Membership, consent: str) -> str | None:
    if subject.status == Membership.Status.ACTIVE or subject.pk == viewer.pk:
        return subject.user.email
    if viewer.is_hr and consent == "contact":
        return subject.user.email
    return None


def _subject(org, hr, status: str, consent: str, index: int) -> Membership:
    subject = MembershipFactory(organization=org, status=status, user__email=f"s{index}@home.test")
    with tenancy.tenant_context(org.pk):
        for age, flags in enumerate(reversed(CONSENTS[consent])):
            process = ExitProcess.objects.create(
                organization=org, member=subject, kind="resignation", initiated_by="employee", started_by=hr,
                last_working_day=timezone.localdate() - timedelta(days=30 + age * 400),
                state=ExitProcess.State.COMPLETED, completed_at=timezone.now() - timedelta(days=30 + age * 400))
            LeaverStep.objects.create(organization=org, process=process, personal_email=f"s{index}@home.test",
                                      **flags)
    return subject


def test_the_sql_twin_and_the_python_rule_agree_for_every_combination(org, admin, hr, manager, employee):
    subjects = {}
    for index, (status, consent) in enumerate(product(Membership.Status.values, CONSENTS)):
        subjects[(status, consent)] = _subject(org, hr, status, consent, index)
    viewers = {"employee": employee, "manager": manager, "hr": hr, "admin": admin}
    with tenancy.tenant_context(org.pk):
        for (status, consent), subject in subjects.items():
            # The subject themself (an alumnus seeing their own address, also in a list).
            viewers[f"self ({status}, {consent})"] = subject
        checked = 0
        for name, viewer in viewers.items():
            fresh = {key: Membership.objects.select_related("user").get(pk=s.pk) for key, s in subjects.items()}
            twin = people_by_membership(org.pk, [s.pk for s in subjects.values()], viewer=viewer)
            batch = {key: Membership.objects.select_related("user").get(pk=s.pk) for key, s in subjects.items()}
            people.load_contact_consents(viewer, batch.values())
            for key, subject in fresh.items():
                expected = _expected(viewer, subject, key[1])
                one = people.email_visible_to(viewer, subject)
                assert one == twin[subject.pk]["email"] == expected, (name, key)
                assert people.email_visible_to(viewer, batch[key]) == expected, (name, key)
                checked += 1
    assert checked == len(viewers) * len(subjects)


def test_a_page_of_leavers_reads_their_consents_in_one_query(org, hr, django_assert_num_queries):
    leavers = [_subject(org, hr, Membership.Status.ALUMNUS, consent, index)
               for index, consent in enumerate(["none", "contact", "withdrawn"] * 3)]
    with tenancy.tenant_context(org.pk):
        loaded = list(Membership.objects.select_related("user").filter(pk__in=[m.pk for m in leavers]))
        with django_assert_num_queries(1):
            people.load_contact_consents(hr, loaded)
            shown = [people.email_visible_to(hr, m) for m in loaded]
    assert sum(email is not None for email in shown) == 3


# --- The review's two cases ----------------------------------------------------------------------------

def test_a_former_employees_old_note_shows_no_address_to_a_colleague(org, admin, hr, manager, employee,
                                                                        client_for, api_for):
    written = note(employee, title="Globex is hiring", body="Ten engineers.")
    colleague = MembershipFactory(organization=org, manager=manager, user__email="colleague@acme.test")
    before = api_for(colleague).get(f"/api/v1/intel-notes/{written.pk}/").json()
    assert before["author_email"] == "employee@acme.test"
    leave(hr, employee)
    detail = api_for(colleague).get(f"/api/v1/intel-notes/{written.pk}/")
    assert detail.status_code == 200 and detail.json()["author_email"] is None
    listed = api_for(colleague).get("/api/v1/intel-notes/").json()["results"]
    assert [row["author_email"] for row in listed if row["id"] == written.pk] == [None]
    page = client_for(colleague).get(reverse("network_intel:note_detail", args=[org.slug, written.pk]))
    assert page.status_code == 200 and b"Globex is hiring" in page.content
    assert PERSONAL.encode() not in page.content and b"employee@acme.test" not in page.content


def test_the_former_manager_sees_no_address_of_their_former_report_in_the_tours_api(org, admin, hr, manager,
                                                                                     employee, api_for):
    from tests.tours.factories import TourFactory

    tour = TourFactory(employee=employee, manager=manager, status=Tour.Status.ACTIVE,
                       accepted_at=timezone.now() - timedelta(days=20))
    leave(hr, employee)
    api = api_for(manager)
    detail = api.get(f"/api/v1/tours/{tour.pk}/").json()
    assert detail["employee_email"] is None and detail["manager_email"] == "manager@acme.test"
    listed = api.get("/api/v1/tours/").json()["results"]
    assert [(row["employee_email"], row["manager_email"]) for row in listed if row["id"] == tour.pk] == [
        (None, "manager@acme.test")]
    assert PERSONAL not in api.get("/api/v1/tours/").content.decode()


def test_hr_sees_the_personal_address_only_with_consent_in_the_tours_api(org, admin, hr, manager, employee,
                                                                         api_for):
    from tests.tours.factories import TourFactory

    tour = TourFactory(employee=employee, manager=manager, status=Tour.Status.ACTIVE,
                       accepted_at=timezone.now() - timedelta(days=20))
    left = leave(hr, employee, consents=NEWS_ONLY)
    api = api_for(hr)
    listed = [row for row in api.get("/api/v1/tours/").json()["results"] if row["id"] == tour.pk]
    assert [row["employee_email"] for row in listed] == [PERSONAL]
    assert api.get(f"/api/v1/tours/{tour.pk}/").json() == {**listed[0], "allowed_actions": listed[0][
        "allowed_actions"]}
    with tenancy.tenant_context(org.pk):  # withdrawn on the alumni page: gone at once
        LeaverStep.objects.filter(process__member=left).update(consent_news=False)
    assert api.get(f"/api/v1/tours/{tour.pk}/").json()["employee_email"] is None


# --- Every other place ----------------------------------------------------------------------------------

def test_members_api_and_pages(org, admin, hr, manager, employee, api_for, client_for):
    report = MembershipFactory(organization=org, manager=employee, user__email="report@acme.test")
    leave(hr, employee)
    hr_api = api_for(hr)
    row = hr_api.get(f"/api/v1/members/{employee.pk}/").json()
    assert row["email"] is None and row["status"] == "alumnus"
    assert hr_api.get(f"/api/v1/members/{report.pk}/").json()["manager_email"] is None
    listed = {r["id"]: r for r in hr_api.get("/api/v1/members/").json()["results"]}
    assert listed[employee.pk]["email"] is None and listed[report.pk]["manager_email"] is None
    assert hr_api.get("/api/v1/members/", {"email": PERSONAL}).json()["results"] == []
    members_page = client_for(hr).get(reverse("member_list", args=[org.slug]), {"status": "all"})
    assert members_page.status_code == 200 and PERSONAL.encode() not in members_page.content
    assert b"report@acme.test" in members_page.content
    found = client_for(hr).get(reverse("member_list", args=[org.slug]), {"status": "all", "q": "private.test"})
    assert b"employee.home" not in found.content and b"0 members" in found.content
    edit = client_for(hr).get(reverse("member_edit", args=[org.slug, employee.pk]))
    assert edit.status_code in (200, 404) and PERSONAL.encode() not in edit.content
    dashboard = client_for(report).get(reverse("dashboard", args=[org.slug]))
    assert dashboard.status_code == 200 and PERSONAL.encode() not in dashboard.content


def test_members_pages_show_hr_the_personal_address_with_consent(org, admin, hr, manager, employee, api_for,
                                                                 client_for):
    leave(hr, employee, consents=NEWS_ONLY)
    assert api_for(hr).get(f"/api/v1/members/{employee.pk}/").json()["email"] == PERSONAL
    assert api_for(manager).get(f"/api/v1/members/{employee.pk}/").json()["email"] is None
    page = client_for(hr).get(reverse("member_list", args=[org.slug]), {"status": "all"})
    assert PERSONAL.encode() in page.content


def test_who_knows_shows_an_alumnus_address_to_hr_with_consent_only(org, admin, hr, manager, employee, api_for):
    from network_intel.models import IntelSettings

    initech = company(employee, "Initech")
    contact(employee, initech)
    left = leave(hr, employee, consents=NEWS_ONLY)
    with tenancy.tenant_context(org.pk):
        IntelSettings.objects.update_or_create(organization=org, defaults={"alumni_in_who_knows": True})
        intel_services.alumnus_listing_set(member=left, listed=True)

    def shown(viewer):
        body = api_for(viewer).get("/api/v1/who-knows/", {"company": initech.pk}).json()
        return [row["email"] for row in body["acquaintances"]]

    assert shown(manager) == [None]
    assert shown(hr) == [PERSONAL]


def test_the_tours_and_payroll_exports_leave_a_leavers_address_out(org, admin, hr, manager, employee,
                                                                    client_for):
    from network_intel import services as fund_services
    from tests.tours.factories import TourFactory

    joined_long_ago(admin, hr, manager, employee)
    policy(hr)
    item = expense(employee, submit=True)
    with tenancy.tenant_context(org.pk):
        fund_services.expense_approve(by=manager, expense=item)
        fund_services.expense_write_note(by=employee, expense=item, title="Initech", body="Usage pricing.")
    TourFactory(employee=employee, manager=manager, status=Tour.Status.ACTIVE,
                accepted_at=timezone.now() - timedelta(days=20))
    leave(hr, employee)
    tours_csv = client_for(hr).get(reverse("tours:list", args=[org.slug]), {"format": "csv"}).getvalue().decode()
    rows = [row for row in csv.DictReader(io.StringIO(tours_csv)) if row["employee"] == employee.user.full_name]
    assert rows and {(row["employee_email"], row["manager_email"]) for row in rows} == {("", "manager@acme.test")}
    payroll = client_for(hr).get(reverse("network_intel:fund_payroll_csv", args=[org.slug])).getvalue().decode()
    lines = list(csv.DictReader(io.StringIO(payroll)))
    assert [(line["member"], line["email"]) for line in lines] == [(employee.user.full_name, "")]


def test_exit_api_and_page_show_the_personal_address_to_hr_with_consent_only(org, admin, hr, manager, employee,
                                                                              client_for, api_for):
    process = start(hr, employee, days=3)
    with tenancy.tenant_context(org.pk):
        LeaverStep.objects.filter(process=process).update(personal_email=PERSONAL, submitted_at=timezone.now())
    page = client_for(hr).get(reverse("alumni:exit_detail", args=[org.slug, process.pk]))
    assert page.status_code == 200 and PERSONAL.encode() not in page.content
    with tenancy.tenant_context(org.pk):
        LeaverStep.objects.filter(process=process).update(consent_events=True)
    assert PERSONAL.encode() in client_for(hr).get(reverse("alumni:exit_detail", args=[org.slug, process.pk])).content
    assert api_for(hr).get(f"/api/v1/exits/{process.pk}/").json()["member_email"] == "employee@acme.test"
    with tenancy.tenant_context(org.pk):
        LeaverStep.objects.filter(process=process).update(consent_events=False,
                                                          personal_email_verified_at=timezone.now())
        ExitProcess.objects.filter(pk=process.pk).update(last_working_day=timezone.localdate() - timedelta(days=1))
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    assert api_for(hr).get(f"/api/v1/exits/{process.pk}/").json()["member_email"] is None
    listed = api_for(hr).get("/api/v1/exits/", {"state": "completed"}).json()["results"]
    assert [row["member_email"] for row in listed if row["id"] == process.pk] == [None]


def test_the_directory_shows_no_address_to_anyone(org, admin, hr, manager, employee, client_for, api_for):
    """The directory's own field rules never include an address: consistent with the rule (a leaver's
    address is HR's to see only with consent, on HR's pages, never on a card)."""
    from tests.alumni.network import make_alumnus, set_level

    set_level(admin, "support")
    left = leave(hr, employee, consents={"consent_directory": True, "consent_news": True})
    with tenancy.tenant_context(org.pk):
        from alumni.models import AlumniProfile

        AlumniProfile.objects.filter(member=left).update(listed=True, name_visibility="everyone")
    peer = make_alumnus(org, "peer@home.test", "Pat Peer")
    for viewer in (hr, manager, peer):
        client = client_for(viewer)
        page = client.get(reverse("alumni:alumni_directory", args=[org.slug]))
        assert page.status_code == 200 and PERSONAL.encode() not in page.content
        if viewer.is_active:
            assert PERSONAL not in api_for(viewer).get("/api/v1/alumni/", {"page_size": 100}).content.decode()
    exported = client_for(hr).get(reverse("alumni:alumni_directory_csv", args=[org.slug]))
    assert PERSONAL.encode() not in exported.getvalue()


def test_choice_labels_name_a_leaver_without_an_address(org, hr, employee):
    assert people.person_label(employee) == f"{employee.user.full_name} (employee@acme.test)"
    employee.status = Membership.Status.ALUMNUS
    assert people.person_label(employee) == employee.user.full_name
    assert people.work_email(employee) is None


@pytest.mark.parametrize("sql", ["SELECT 1", "SELECT member_id FROM x WHERE a = %s AND b = %s"])
def test_a_consent_statement_takes_the_organization_only(sql):
    from alliance.registry import register_contact_consent

    with pytest.raises(ValueError, match="one parameter"):
        register_contact_consent("broken", sql=sql)


def test_the_schema_says_each_shown_address_may_be_null(db, client):
    components = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    fields = {"Member": ["email", "manager_email"], "TourOutput": ["employee_email", "manager_email"],
              "IntelNoteOutput": ["author_email"], "Acquaintance": ["email"], "ExitOutput": ["member_email"],
              "ExitTaskOutput": ["assignee_email"]}
    for component, names in fields.items():
        # The component itself (the webhook events' components start with the same names: MemberCreatedEvent).
        schema = components.get(component) or next(value for key, value in components.items()
                                                   if key.startswith(component) and "Event" not in key)
        for name in names:
            assert schema["properties"][name].get("nullable") is True, (component, name)
            assert schema["properties"][name].get("format") == "email", (component, name)
