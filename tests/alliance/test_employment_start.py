"""The employment start date: a fact about employment (set by HR, an invitation or an import), kept apart
from the row's creation, audited in the member's history, and the date every "since they joined" rule uses."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from alliance import services
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership, MembershipChange
from alliance.tenancy import tenant_context
from alumni import services as alumni_services
from network_intel import services as fund_services
from tests.alliance.factories import make_invitation
from tests.network_intel.fund_factories import policy

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-42"


def changes_of(member: Membership) -> list[tuple[str, str, str, str]]:
    with tenant_context(member.organization_id):
        return list(MembershipChange.objects.filter(membership=member).order_by("id")
                    .values_list("field", "old_value", "new_value", "source"))


def reloaded(member: Membership) -> Membership:
    with tenant_context(member.organization_id):
        return Membership.objects.select_related("user", "organization").get(pk=member.pk)


# --- The field, the service and the history -----------------------------------------------------------

def test_a_new_membership_starts_today_and_keeps_its_creation_apart(employee):
    assert employee.employment_started_on == timezone.localdate()
    assert employee.created_at is not None


def test_hr_corrects_the_start_date_and_the_history_says_so(hr, employee):
    before = employee.employment_started_on
    with tenant_context(employee.organization_id):
        services.membership_update(membership=employee, by=hr, role="employee", manager=employee.manager,
                                   title="Analyst", team="Data", employment_started_on=date(2019, 3, 4))
    assert reloaded(employee).employment_started_on == date(2019, 3, 4)
    assert changes_of(employee) == [
        ("title", "Engineer", "Analyst", "member_page"),
        ("team", "Platform", "Data", "member_page"),
        ("employment_started_on", before.isoformat(), "2019-03-04", "member_page"),
    ]


def test_saving_without_a_change_records_nothing(hr, employee):
    with tenant_context(employee.organization_id):
        services.membership_update(membership=employee, by=hr, role="employee", manager=employee.manager,
                                   title=employee.title, team=employee.team,
                                   employment_started_on=employee.employment_started_on)
    assert changes_of(employee) == []


@pytest.mark.parametrize("started_on", [timezone.localdate() + timedelta(days=400), date(1901, 1, 1), None])
def test_impossible_start_dates_are_refused(hr, employee, started_on):
    with tenant_context(employee.organization_id), pytest.raises(ApplicationError) as caught:
        services.membership_employment_start_set(membership=employee, by=hr, started_on=started_on)
    assert "employment_started_on" in caught.value.field_errors
    assert reloaded(employee).employment_started_on == timezone.localdate() and changes_of(employee) == []


def test_a_signed_hire_may_start_within_the_bound(hr, employee):
    ahead = timezone.localdate() + timedelta(days=30)
    with tenant_context(employee.organization_id):
        services.membership_employment_start_set(membership=employee, by=hr, started_on=ahead)
    assert reloaded(employee).employment_started_on == ahead


def test_only_hr_and_admins_change_a_start_date(manager, employee, hr, admin):
    with tenant_context(employee.organization_id):
        with pytest.raises(NotAllowed):
            services.membership_employment_start_set(membership=employee, by=manager, started_on=date(2019, 1, 1))
        with pytest.raises(NotAllowed):  # only an administrator changes an administrator
            services.membership_employment_start_set(membership=admin, by=hr, started_on=date(2019, 1, 1))
    assert reloaded(employee).employment_started_on == timezone.localdate()


# --- The member page ---------------------------------------------------------------------------------

def test_member_page_shows_edits_and_lists_the_history(hr, employee, client_for):
    client = client_for(hr)
    page = client.get(f"/o/acme/members/{employee.pk}/").content.decode()
    assert "Employment start date" in page and 'name="employment_started_on"' in page
    assert "No changes recorded yet." in page
    response = client.post(f"/o/acme/members/{employee.pk}/", {
        "role": "employee", "title": employee.title, "team": employee.team, "manager": employee.manager_id,
        "employment_started_on": "2019-03-04"})
    assert response.status_code == 302
    assert reloaded(employee).employment_started_on == date(2019, 3, 4)
    page = client.get(f"/o/acme/members/{employee.pk}/").content.decode()
    assert "Employment start date:" in page and "Mar 4, 2019" in page and hr.user.full_name in page


def test_member_page_refuses_a_start_date_beyond_the_bound(hr, employee, client_for):
    response = client_for(hr).post(f"/o/acme/members/{employee.pk}/", {
        "role": "employee", "title": "", "team": "", "manager": employee.manager_id,
        "employment_started_on": (timezone.localdate() + timedelta(days=800)).isoformat()})
    assert response.status_code == 200 and "at most 366 days ahead" in response.content.decode()
    assert reloaded(employee).employment_started_on == timezone.localdate()


def test_outsider_gets_404_on_the_member_page(employee, outsider, client_for):
    assert client_for(outsider).get(f"/o/acme/members/{employee.pk}/").status_code == 404


# --- Invitations -------------------------------------------------------------------------------------

def test_an_invitation_carries_the_start_date_into_the_membership(hr):
    _invitation, path = make_invitation(hr, email="veteran@example.com", employment_started_on=date(2019, 5, 6))
    response = Client().post(path, {"full_name": "Vera Veteran", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    with tenant_context(hr.organization_id):
        member = Membership.objects.get(user__email="veteran@example.com")
    assert member.employment_started_on == date(2019, 5, 6)


def test_an_invitation_without_a_start_date_starts_on_acceptance(hr):
    _invitation, path = make_invitation(hr, email="fresh@example.com")
    Client().post(path, {"full_name": "Fresh", "password1": PASSWORD, "password2": PASSWORD})
    with tenant_context(hr.organization_id):
        assert Membership.objects.get(user__email="fresh@example.com").employment_started_on == timezone.localdate()


def test_the_invitation_form_takes_a_start_date(hr, client_for):
    response = client_for(hr).post("/o/acme/invitations/", {
        "email": "old.hand@example.com", "role": "employee", "employment_started_on": "2018-09-01"})
    assert response.status_code == 302
    from alliance.models import Invitation
    with tenant_context(hr.organization_id):
        assert Invitation.objects.get(email="old.hand@example.com").employment_started_on == date(2018, 9, 1)


def test_an_invitation_refuses_a_start_date_beyond_the_bound(hr):
    with pytest.raises(ApplicationError, match="days ahead"):
        make_invitation(hr, email="future@example.com",
                        employment_started_on=timezone.localdate() + timedelta(days=800))


# --- The API -----------------------------------------------------------------------------------------

def test_api_exposes_the_start_date_apart_from_created_at(hr, employee, api_for):
    body = api_for(hr).get(f"/api/v1/members/{employee.pk}/").json()
    assert body["employment_started_on"] == timezone.localdate().isoformat() and "created_at" in body
    assert "joined_on" not in body
    listed = api_for(hr).get("/api/v1/members/").json()["results"]
    assert {row["employment_started_on"] for row in listed} == {timezone.localdate().isoformat()}


def test_api_hr_sets_the_start_date(hr, employee, api_for):
    response = api_for(hr).patch_json(f"/api/v1/members/{employee.pk}/", {"employment_started_on": "2019-02-01"})
    assert response.status_code == 200, response.content
    assert response.json()["employment_started_on"] == "2019-02-01" and response.headers["ETag"]
    assert changes_of(employee)[-1][2:] == ("2019-02-01", "api")


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_api_refuses_anyone_else_with_403(who, request, employee, api_for):
    caller = request.getfixturevalue(who)
    response = api_for(caller).patch_json(f"/api/v1/members/{employee.pk}/", {"employment_started_on": "2019-02-01"})
    assert response.status_code == 403
    assert reloaded(employee).employment_started_on == timezone.localdate()


@pytest.mark.parametrize("payload", [{"employment_started_on": "yesterday"}, {"role": "admin"},
                                     {"employment_started_on": "1900-01-01"}])
def test_api_bad_input_is_400_and_changes_nothing(payload, hr, employee, api_for):
    response = api_for(hr).patch_json(f"/api/v1/members/{employee.pk}/", payload)
    assert response.status_code == 400
    assert reloaded(employee).employment_started_on == timezone.localdate() and changes_of(employee) == []


def test_api_outsider_gets_404(employee, outsider, api_for):
    response = api_for(outsider).patch_json(f"/api/v1/members/{employee.pk}/", {"employment_started_on": "2019-02-01"})
    assert response.status_code == 404
    assert api_for(outsider).get(f"/api/v1/members/{employee.pk}/").status_code == 404


# --- Every "since they joined" rule uses the start date ----------------------------------------------

def test_an_employee_invited_today_with_a_2019_start_expenses_yesterdays_lunch(hr, employee):
    policy(hr)
    with tenant_context(employee.organization_id):
        services.membership_employment_start_set(membership=employee, by=hr, started_on=date(2019, 6, 3))
        member = Membership.objects.select_related("organization", "user").get(pk=employee.pk)
        item = fund_services.expense_create(
            by=member, spent_on=timezone.localdate() - timedelta(days=1), kind="meal", merchant="Cafe",
            amount=Decimal("18.00"), currency=member.organization.currency, purpose="Lunch with a founder",
            receipts=None, submit=False)
    assert item.pk


def test_an_expense_before_the_start_date_is_refused_naming_it(hr, employee):
    policy(hr)
    with tenant_context(employee.organization_id):
        services.membership_employment_start_set(membership=employee, by=hr, started_on=timezone.localdate()
                                                 - timedelta(days=3))
        member = Membership.objects.select_related("organization", "user").get(pk=employee.pk)
        with pytest.raises(ApplicationError, match="before your employment here started") as caught:
            fund_services.expense_create(
                by=member, spent_on=timezone.localdate() - timedelta(days=10), kind="coffee", merchant="Cafe",
                amount=Decimal("5.00"), currency=member.organization.currency, purpose="Coffee",
                receipts=None, submit=False)
    assert "spent_on" in caught.value.field_errors


def test_an_exit_last_day_may_be_any_day_after_the_start_date(hr, employee):
    with tenant_context(employee.organization_id):
        services.membership_employment_start_set(membership=employee, by=hr, started_on=date(2019, 6, 3))
        member = Membership.objects.select_related("organization", "user").get(pk=employee.pk)
        with pytest.raises(ApplicationError, match="employment started"):
            alumni_services.exit_start(by=hr, member=member, kind="resignation", last_working_day=date(2019, 6, 2),
                                       initiated_by="employee")
        process = alumni_services.exit_start(by=hr, member=member, kind="resignation",
                                             last_working_day=timezone.localdate() - timedelta(days=30),
                                             initiated_by="employee")
    assert process.last_working_day < timezone.localdate()


def test_years_here_on_the_alumni_card_come_from_the_start_date(hr, employee):
    with tenant_context(employee.organization_id):
        services.membership_employment_start_set(membership=employee, by=hr, started_on=date(2019, 6, 3))
        Membership.objects.filter(pk=employee.pk).update(status=Membership.Status.ALUMNUS)
        member = Membership.objects.select_related("organization", "user").get(pk=employee.pk)
        card = alumni_services.alumni_profile_ensure(member=member)
    assert card.joined_on == date(2019, 6, 3)


def test_api_a_stale_if_match_is_refused_with_412(hr, employee, api_for):
    api = api_for(hr)
    etag = api.get(f"/api/v1/members/{employee.pk}/").headers["ETag"]
    assert api.patch_json(f"/api/v1/members/{employee.pk}/", {"employment_started_on": "2019-02-01"},
                          headers={"If-Match": etag}).status_code == 200
    stale = api.patch_json(f"/api/v1/members/{employee.pk}/", {"employment_started_on": "2018-02-01"},
                           headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json()["current"]["employment_started_on"] == "2019-02-01"
    assert reloaded(employee).employment_started_on == date(2019, 2, 1)
