"""The browser pages of the core: accounts, organizations, members, invitations, tokens."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alliance.models import ApiToken, Invitation, Membership, Organization, User
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory, UserFactory, make_invitation
from tests.helpers import sent_mail

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-fresh-and-long-passphrase"


def link_in(message) -> str:
    """The path of the first link to this site in an e-mail."""
    match = re.search(r"http://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def membership_of(user: User, org: Organization) -> Membership | None:
    with tenant_context(org.pk):
        return Membership.objects.filter(organization=org, user=user).first()


# --- Accounts ------------------------------------------------------------------

@pytest.mark.django_db
def test_login_with_email_and_password_then_logout(employee):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b'name="username"' in page.content

    wrong = client.post(reverse("login"), {"username": "employee@acme.test", "password": "nope"})
    assert wrong.status_code == 200
    assert b"form-errors" in wrong.content
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("login"), {"username": "EMPLOYEE@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == employee.user.pk

    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_by_get_is_refused(employee, client_for):
    client = client_for(employee)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_password_change(employee, client_for):
    client = client_for(employee)
    assert client.get(reverse("password_change")).status_code == 200
    refused = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert refused.status_code == 200 and b"field-error" in refused.content

    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    employee.user.refresh_from_db()
    assert employee.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("password_change_done")).status_code == 200


@pytest.mark.django_db
def test_password_reset_by_email(employee):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "employee@acme.test"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(sent_mail()) == 1 and sent_mail()[0].to == ["employee@acme.test"]

    link = link_in(sent_mail()[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and b"Choose a new password" in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert Client().login(username="employee@acme.test", password=NEW_PASSWORD)

    used_again = Client().get(link, follow=True)
    assert b"This link is not valid" in used_again.content


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same():
    response = Client().post(reverse("password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert sent_mail() == []


# --- Organization picker and dashboard ----------------------------------------------

@pytest.mark.django_db
def test_home_without_organizations_explains(client_for):
    user = UserFactory(email="lonely@example.com")
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert b"not a member of any organization" in response.content


@pytest.mark.django_db
def test_home_with_one_organization_goes_straight_to_it(employee, client_for):
    response = client_for(employee).get("/")
    assert response.status_code == 302 and response.url == "/o/acme/"


@pytest.mark.django_db
def test_home_with_two_organizations_lists_both(employee, other_org, client_for):
    MembershipFactory(organization=other_org, user=employee.user)
    response = client_for(employee).get("/")
    assert response.status_code == 200
    assert b'href="/o/acme/"' in response.content and b'href="/o/globex/"' in response.content


@pytest.mark.django_db
def test_home_skips_organizations_the_user_left(employee, other_org, client_for):
    MembershipFactory(organization=other_org, user=employee.user, status=Membership.Status.FORMER)
    response = client_for(employee).get("/")
    assert response.status_code == 302 and response.url == "/o/acme/"


@pytest.mark.django_db
def test_home_leads_an_alumnus_to_the_alumni_area(employee, other_org, client_for):
    MembershipFactory(organization=other_org, user=employee.user, status=Membership.Status.ALUMNUS)
    response = client_for(employee).get("/")
    assert b'href="/o/acme/"' in response.content and b'href="/o/globex/alumni/"' in response.content


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(org):
    response = Client().get("/o/acme/members/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Client().get("/").status_code == 302


@pytest.mark.django_db
def test_dashboard_shows_mission_manager_and_reports(manager, employee, client_for):
    response = client_for(manager).get("/o/acme/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Build things that matter." in html
    assert escape(manager.manager.user.full_name) in html  # their manager (the admin)
    assert escape(employee.user.full_name) in html  # their direct report
    assert 'href="/o/acme/members/"' not in html  # managers do not run the members page


@pytest.mark.django_db
def test_navigation_follows_the_role(admin, hr, employee, client_for):
    as_employee = client_for(employee).get("/o/acme/").content.decode()
    as_hr = client_for(hr).get("/o/acme/").content.decode()
    as_admin = client_for(admin).get("/o/acme/").content.decode()
    assert "/o/acme/members/" not in as_employee and "/o/acme/settings/" not in as_employee
    assert "/o/acme/members/" in as_hr and "/o/acme/settings/" not in as_hr
    assert "/o/acme/members/" in as_admin and "/o/acme/settings/" in as_admin


# --- Members -------------------------------------------------------------------------

@pytest.fixture
def staff(org, admin, hr, manager, employee):
    """A small organization: admin, HR, a manager and their report, plus two in Data."""
    data1 = MembershipFactory(organization=org, team="Data", title="Analyst", user__full_name="Dana Data")
    data2 = MembershipFactory(organization=org, team="Data", role=Membership.Role.MANAGER,
                              user__full_name="Dario Datalead")
    return {"admin": admin, "hr": hr, "manager": manager, "employee": employee, "data1": data1, "data2": data2}


def emails_in(html: str) -> set[str]:
    return set(re.findall(r'<small class="muted">([^<@]+@[^<]+)</small>', html))


@pytest.mark.django_db
def test_members_page_lists_the_organization(staff, outsider, client_for):
    response = client_for(staff["hr"]).get("/o/acme/members/")
    assert response.status_code == 200
    html = response.content.decode()
    assert emails_in(html) == {m.user.email for m in staff.values()}
    assert "admin@globex.test" not in html
    assert "<html" in html  # the full page


@pytest.mark.django_db
def test_members_search_and_filters(staff, client_for):
    client = client_for(staff["hr"])
    # The whole name: the other members have random names, and one may contain "dana".
    by_name = client.get("/o/acme/members/", {"q": "dana data"}).content.decode()
    assert emails_in(by_name) == {staff["data1"].user.email}
    by_team = client.get("/o/acme/members/", {"team": "Data"}).content.decode()
    assert emails_in(by_team) == {staff["data1"].user.email, staff["data2"].user.email}
    by_role = client.get("/o/acme/members/", {"role": "manager"}).content.decode()
    assert emails_in(by_role) == {staff["manager"].user.email, staff["data2"].user.email}
    both = client.get("/o/acme/members/", {"role": "manager", "team": "Data"}).content.decode()
    assert emails_in(both) == {staff["data2"].user.email}
    nobody = client.get("/o/acme/members/", {"q": "zzz-nobody"}).content.decode()
    assert emails_in(nobody) == set() and "Nobody matches" in nobody
    # Nonsense filter values are ignored, not a 500.
    odd = client.get("/o/acme/members/", {"role": "emperor", "status": "x", "page": "-4"})
    assert odd.status_code == 200 and len(emails_in(odd.content.decode())) == 6


@pytest.mark.django_db
def test_members_status_filter_shows_alumni_on_request(staff, org, client_for):
    alumnus = MembershipFactory(organization=org, status=Membership.Status.ALUMNUS)
    client = client_for(staff["hr"])
    assert alumnus.user.email not in emails_in(client.get("/o/acme/members/").content.decode())
    alumni = client.get("/o/acme/members/", {"status": "alumnus"}).content.decode()
    # Listed by name; the address is theirs once they left (alliance.people), and they gave no consent.
    assert escape(alumnus.user.full_name) in alumni and emails_in(alumni) == set()
    everyone = emails_in(client.get("/o/acme/members/", {"status": "all"}).content.decode())
    assert len(everyone) == 6 and alumnus.user.email not in everyone


@pytest.mark.django_db
def test_members_htmx_request_gets_only_the_rows(staff, client_for):
    response = client_for(staff["hr"]).get("/o/acme/members/", {"team": "Data"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith('<div id="member-rows">') and html.endswith("</div>")
    assert "<html" not in html and "<form" not in html
    assert emails_in(html) == {staff["data1"].user.email, staff["data2"].user.email}


@pytest.mark.django_db
def test_members_pagination(org, hr, client_for):
    MembershipFactory.create_batch(30, organization=org)
    client = client_for(hr)
    first = client.get("/o/acme/members/").content.decode()
    second = client.get("/o/acme/members/", {"page": 2}).content.decode()
    assert len(emails_in(first)) == 25 and len(emails_in(second)) == 6
    assert emails_in(first).isdisjoint(emails_in(second))
    assert "Page 1 of 2" in first and "page=2" in first
    partial = client.get("/o/acme/members/", {"page": 2}, headers={"HX-Request": "true"}).content.decode()
    assert emails_in(partial) == emails_in(second)


@pytest.mark.django_db
def test_hr_pages_are_forbidden_to_employees_and_managers(staff, client_for):
    for who in ("employee", "manager"):
        client = client_for(staff[who])
        for url in ("/o/acme/members/", f"/o/acme/members/{staff['employee'].pk}/", "/o/acme/invitations/",
                    "/o/acme/settings/"):
            response = client.get(url)
            assert response.status_code == 403, (who, url)
            assert b"<html" in response.content
        assert client.post("/o/acme/invitations/", {"email": "x@example.com", "role": "employee"}).status_code == 403
    with tenant_context(staff["employee"].organization_id):
        assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_settings_page_is_for_admins_only(staff, client_for):
    assert client_for(staff["hr"]).get("/o/acme/settings/").status_code == 403
    assert client_for(staff["admin"]).get("/o/acme/settings/").status_code == 200


@pytest.mark.django_db
def test_member_edit_changes_role_team_and_manager(staff, client_for):
    subject, new_manager = staff["employee"], staff["data2"]
    client = client_for(staff["hr"])
    assert client.get(f"/o/acme/members/{subject.pk}/").status_code == 200
    response = client.post(f"/o/acme/members/{subject.pk}/", {
        "role": "manager", "title": "Lead Analyst", "team": "Data", "manager": new_manager.pk,
    })
    assert response.status_code == 302 and response.url == "/o/acme/members/"
    with tenant_context(subject.organization_id):
        subject.refresh_from_db()
    assert (subject.role, subject.title, subject.team, subject.manager_id) == (
        "manager", "Lead Analyst", "Data", new_manager.pk)


@pytest.mark.django_db
def test_member_edit_refuses_a_reporting_loop(staff, client_for):
    # admin → manager → employee; making the employee the admin's manager closes a loop.
    admin, employee = staff["admin"], staff["employee"]
    with tenant_context(admin.organization_id):
        Membership.objects.filter(pk=employee.pk).update(role=Membership.Role.MANAGER)
    response = client_for(admin).post(f"/o/acme/members/{admin.pk}/", {
        "role": "admin", "title": "Administrator", "team": "", "manager": employee.pk,
    })
    assert response.status_code == 200
    assert "reporting loop" in response.content.decode()
    with tenant_context(admin.organization_id):
        admin.refresh_from_db()
    assert admin.manager_id is None


@pytest.mark.django_db
def test_member_edit_only_admins_grant_admin(staff, client_for):
    subject = staff["employee"]
    response = client_for(staff["hr"]).post(f"/o/acme/members/{subject.pk}/", {
        "role": "admin", "title": "", "team": "", "manager": "",
    })
    assert response.status_code == 200 and "Only an administrator" in response.content.decode()
    with tenant_context(subject.organization_id):
        subject.refresh_from_db()
    assert subject.role == "employee"


@pytest.mark.django_db
def test_last_admin_cannot_step_down(staff, client_for):
    admin = staff["admin"]
    response = client_for(admin).post(f"/o/acme/members/{admin.pk}/", {
        "role": "hr", "title": "", "team": "", "manager": "",
    })
    assert response.status_code == 200 and "at least one administrator" in response.content.decode()
    with tenant_context(admin.organization_id):
        admin.refresh_from_db()
    assert admin.role == "admin"


# --- Invitations ----------------------------------------------------------------------

@pytest.mark.django_db
def test_invitation_is_created_and_sent(hr, manager, client_for, django_capture_on_commit_callbacks):
    client = client_for(hr)
    assert client.get("/o/acme/invitations/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/o/acme/invitations/", {
            "email": "New.Person@Example.com", "role": "employee", "title": "Engineer", "team": "Platform",
            "manager": manager.pk,
        })
    assert response.status_code == 302 and response.url == "/o/acme/invitations/"
    with tenant_context(hr.organization_id):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.manager_id, invitation.invited_by_id) == (
        "new.person@example.com", "employee", manager.pk, hr.pk)
    assert invitation.state == "open"
    assert len(sent_mail()) == 1
    message = sent_mail()[0]
    assert message.to == ["new.person@example.com"] and "Acme" in message.subject
    assert link_in(message).startswith("/invite/")
    page = client.get("/o/acme/invitations/").content.decode()
    assert "new.person@example.com" in page and ">Open<" in page


@pytest.mark.django_db
def test_invalid_invitation_shows_errors_and_creates_nothing(hr, client_for):
    client = client_for(hr)
    bad_email = client.post("/o/acme/invitations/", {"email": "not-an-email", "role": "employee"})
    bad_role = client.post("/o/acme/invitations/", {"email": "ok@example.com", "role": "emperor"})
    admin_by_hr = client.post("/o/acme/invitations/", {"email": "boss@example.com", "role": "admin"})
    for response in (bad_email, bad_role, admin_by_hr):
        assert response.status_code == 400
        assert b"field-error" in response.content or b"form-errors" in response.content
    with tenant_context(hr.organization_id):
        assert Invitation.objects.count() == 0
    assert sent_mail() == []


@pytest.mark.django_db
def test_inviting_a_member_is_refused(hr, employee, client_for):
    response = client_for(hr).post("/o/acme/invitations/", {"email": "EMPLOYEE@acme.test", "role": "employee"})
    assert response.status_code == 400 and "Already a member" in response.content.decode()
    with tenant_context(hr.organization_id):
        assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_new_person_accepts_sets_password_and_lands_on_the_dashboard(hr):
    invitation, path = make_invitation(hr, email="newbie@example.com", title="Engineer", team="Platform")
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and b"Join Acme" in page.content

    mismatch = client.post(path, {"full_name": "Newbie", "password1": NEW_PASSWORD, "password2": "other-pass"})
    weak = client.post(path, {"full_name": "Newbie", "password1": "123", "password2": "123"})
    assert mismatch.status_code == 400 and weak.status_code == 400
    assert not User.objects.filter(email="newbie@example.com").exists()

    response = client.post(path, {"full_name": "Nina Newbie", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/o/acme/"
    user = User.objects.get(email="newbie@example.com")
    assert user.full_name == "Nina Newbie" and user.check_password(NEW_PASSWORD)
    membership = membership_of(user, hr.organization)
    assert (membership.role, membership.title, membership.team) == ("employee", "Engineer", "Platform")
    dashboard = client.get("/o/acme/")
    assert dashboard.status_code == 200 and b"Welcome, Nina" in dashboard.content
    with tenant_context(hr.organization_id):
        invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_by_id == user.pk


@pytest.mark.django_db
def test_invitation_link_works_once(hr):
    _invitation, path = make_invitation(hr, email="once@example.com")
    form = {"full_name": "Once", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert Client().post(path, form).status_code == 302
    again = Client().post(path, {**form, "full_name": "Twice"})
    assert again.status_code == 404 and b"not valid" in again.content
    assert Client().get(path).status_code == 404
    assert User.objects.get(email="once@example.com").full_name == "Once"


@pytest.mark.django_db
def test_expired_invitation_link_is_refused(hr):
    invitation, path = make_invitation(hr, email="late@example.com")
    with tenant_context(hr.organization_id):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(path, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404 and b"not valid" in response.content
    assert not User.objects.filter(email="late@example.com").exists()


@pytest.mark.django_db
def test_revoked_invitation_link_is_refused(hr, client_for):
    invitation, path = make_invitation(hr, email="revoked@example.com")
    response = client_for(hr).post(f"/o/acme/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    with tenant_context(hr.organization_id):
        invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert Client().get(path).status_code == 404
    # Revoking twice says so instead of failing.
    again = client_for(hr).post(f"/o/acme/invitations/{invitation.pk}/revoke/", follow=True)
    assert again.status_code == 200 and b"already revoked" in again.content


@pytest.mark.django_db
def test_a_new_invitation_replaces_the_open_one(hr):
    first, first_path = make_invitation(hr, email="twice@example.com")
    _second, second_path = make_invitation(hr, email="twice@example.com")
    assert Client().get(first_path).status_code == 404
    assert Client().get(second_path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", [
    "garbage", "inv_1_short", "inv_999999_" + "x" * 43, "alli_1_" + "x" * 43, "inv_99999999999999999999999_" + "x" * 43,
])
def test_invalid_invitation_token_is_a_404_page(hr, token):
    response = Client().get(f"/invite/{token}/")
    assert response.status_code == 404 and b"This invitation link is not valid" in response.content


@pytest.mark.django_db
def test_signed_in_user_with_the_invited_email_joins(hr, other_org, client_for):
    existing = MembershipFactory(organization=other_org, user__email="known@example.com")
    _invitation, path = make_invitation(hr, email="Known@Example.com", role="manager")
    client = client_for(existing)
    page = client.get(path)
    assert page.status_code == 200 and b"You are signed in as known@example.com" in page.content
    response = client.post(path)
    assert response.status_code == 302 and response.url == "/o/acme/"
    assert membership_of(existing.user, hr.organization).role == "manager"
    assert client.get("/").status_code == 200  # now in two organizations: the picker


@pytest.mark.django_db
def test_signed_in_user_with_another_email_cannot_take_the_invitation(hr, outsider, client_for):
    invitation, path = make_invitation(hr, email="someone.else@example.com")
    response = client_for(outsider).post(path)
    assert response.status_code == 400 and b"This invitation is for someone.else@example.com" in response.content
    assert membership_of(outsider.user, hr.organization) is None
    with tenant_context(hr.organization_id):
        invitation.refresh_from_db()
    assert invitation.state == "open"


@pytest.mark.django_db
def test_existing_account_must_sign_in_before_accepting(hr, outsider):
    invitation, path = make_invitation(hr, email="admin@globex.test")
    response = Client().post(path, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400 and b"sign in first" in response.content
    outsider.user.refresh_from_db()
    assert outsider.user.check_password(PASSWORD)
    with tenant_context(hr.organization_id):
        invitation.refresh_from_db()
    assert invitation.state == "open"


@pytest.mark.django_db
def test_a_member_cannot_join_twice(hr, employee, client_for):
    invitation, path = make_invitation(hr, email="twin@example.com")
    with tenant_context(hr.organization_id):
        # The person joined by other means after being invited.
        Invitation.objects.filter(pk=invitation.pk).update(email="employee@acme.test")
    response = client_for(employee).post(path)
    assert response.status_code == 400 and b"already a member" in response.content
    with tenant_context(hr.organization_id):
        assert Membership.objects.filter(user=employee.user).count() == 1
        invitation.refresh_from_db()
    assert invitation.state == "open"


# --- Profile and settings ---------------------------------------------------------------

@pytest.mark.django_db
def test_profile_edit(employee, client_for):
    client = client_for(employee)
    assert client.get("/o/acme/profile/").status_code == 200
    response = client.post("/o/acme/profile/", {
        "full_name": "Eve Employee", "time_zone": "Europe/Paris",
        "aspirations": "Lead a team", "values": "Craft\nCandor",
    })
    assert response.status_code == 302
    employee.user.refresh_from_db()
    with tenant_context(employee.organization_id):
        employee.refresh_from_db()
    assert (employee.user.full_name, employee.user.time_zone) == ("Eve Employee", "Europe/Paris")
    assert (employee.aspirations, employee.values_list) == ("Lead a team", ["Craft", "Candor"])


@pytest.mark.django_db
def test_profile_with_a_bad_time_zone_changes_nothing(employee, client_for):
    before = employee.user.full_name
    response = client_for(employee).post("/o/acme/profile/", {
        "full_name": "Changed", "time_zone": "Mars/Olympus_Mons", "aspirations": "x", "values": "",
    })
    assert response.status_code == 200 and b"field-error" in response.content
    employee.user.refresh_from_db()
    with tenant_context(employee.organization_id):
        employee.refresh_from_db()
    assert (employee.user.full_name, employee.user.time_zone, employee.aspirations) == (before, "UTC", "")


@pytest.mark.django_db
def test_pages_are_shown_in_the_viewers_time_zone(hr, client_for):
    User.objects.filter(pk=hr.user.pk).update(time_zone="Asia/Tokyo")
    invitation, _path = make_invitation(hr, email="tz@example.com")
    expires_tokyo = timezone.localtime(invitation.expires_at, timezone=zoneinfo.ZoneInfo("Asia/Tokyo"))
    page = client_for(hr).get("/o/acme/invitations/").content.decode()
    assert expires_tokyo.strftime("%H:%M") in page


def settings_form_data(organization: Organization, **changes) -> dict:
    """What the settings form posts: every field as shown, with ``changes`` typed in."""
    from alliance.forms import OrganizationForm

    data = {}
    for bound in OrganizationForm(instance=organization):
        value = bound.value()
        data[bound.name] = ",".join(map(str, value)) if isinstance(value, list | tuple) else value
    return {**data, **changes}


@pytest.mark.django_db
def test_organization_settings_are_saved(admin, client_for):
    response = client_for(admin).post("/o/acme/settings/", settings_form_data(
        admin.organization, name="Acme Corp", mission="Make robots kind.", values="Care\nCourage",
        time_zone="Europe/Berlin", currency="EUR",
    ))
    assert response.status_code == 302
    organization = Organization.objects.get(slug="acme")
    assert (organization.name, organization.mission, organization.values_list, organization.time_zone,
            organization.currency) == ("Acme Corp", "Make robots kind.", ["Care", "Courage"], "Europe/Berlin", "EUR")
    assert b"Make robots kind." in client_for(admin).get("/o/acme/").content


@pytest.mark.django_db
def test_organization_settings_with_a_bad_currency_change_nothing(admin, client_for):
    response = client_for(admin).post("/o/acme/settings/", settings_form_data(
        admin.organization, name="Renamed", mission="New mission", currency="EURO",
    ))
    assert response.status_code == 200 and b"field-error" in response.content
    assert b"Renamed" not in response.content.split(b"<main")[0]  # the page title keeps the real name
    organization = Organization.objects.get(slug="acme")
    assert (organization.name, organization.mission, organization.currency) == ("Acme", "Build things that matter.",
                                                                                 "USD")


# --- API tokens -------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_token_is_shown_once_and_works(employee, client_for):
    client = client_for(employee)
    response = client.post("/o/acme/api-tokens/", {"name": "HRIS sync"})
    assert response.status_code == 200
    token = re.search(r'<pre class="token" id="new-token">([^<]+)</pre>', response.content.decode()).group(1)
    with tenant_context(employee.organization_id):
        api_token = ApiToken.objects.get()
    assert api_token.token_hash != token and token not in api_token.prefix
    assert token.startswith(api_token.prefix)
    listing = client.get("/o/acme/api-tokens/").content.decode()
    assert "HRIS sync" in listing and token not in listing

    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/me/").json()["membership"]["email"] == "employee@acme.test"


@pytest.mark.django_db
def test_api_token_needs_a_name(employee, client_for):
    response = client_for(employee).post("/o/acme/api-tokens/", {"name": "  "})
    assert response.status_code == 200 and b"field-error" in response.content
    with tenant_context(employee.organization_id):
        assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_api_token_revoke(employee, client_for):
    client = client_for(employee)
    response = client.post("/o/acme/api-tokens/", {"name": "Temporary"})
    token = re.search(r'id="new-token">([^<]+)<', response.content.decode()).group(1)
    with tenant_context(employee.organization_id):
        api_token = ApiToken.objects.get()
    assert client.post(f"/o/acme/api-tokens/{api_token.pk}/revoke/").status_code == 302
    with tenant_context(employee.organization_id):
        api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert b"revoked" in client.get("/o/acme/api-tokens/").content
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_someone_elses_api_token_cannot_be_revoked(employee, manager, client_for):
    client_for(manager).post("/o/acme/api-tokens/", {"name": "Manager's"})
    with tenant_context(manager.organization_id):
        api_token = ApiToken.objects.get()
    assert client_for(employee).post(f"/o/acme/api-tokens/{api_token.pk}/revoke/").status_code == 404
    with tenant_context(manager.organization_id):
        api_token.refresh_from_db()
    assert api_token.revoked_at is None


@pytest.mark.django_db
def test_org_created_with_factory_has_no_members(client_for):
    """An organization's slug alone grants nothing: a stranger gets the 404 page."""
    OrganizationFactory(slug="lonely-org")
    stranger = UserFactory()
    client = Client()
    client.force_login(stranger)
    response = client.get("/o/lonely-org/")
    assert response.status_code == 404 and b"Not found" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), [
    ("14, 400", "Lead times must be between 1 and 60 days."),
    ("7, -1", "Lead times are whole numbers of days"),
    ("7, 7", "Each lead time may appear once."),
    ("", "Give at least one lead time."),
])
def test_organization_settings_explain_bad_lead_times_in_words(admin, client_for, value, message):
    response = client_for(admin).post("/o/acme/settings/", settings_form_data(
        admin.organization, checkpoint_days_before=value))
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert "in the array" not in body
    organization = Organization.objects.get(slug="acme")
    assert organization.checkpoint_days_before == admin.organization.checkpoint_days_before


@pytest.mark.django_db
def test_every_aria_describedby_names_an_element_of_the_page(admin, client_for):
    response = client_for(admin).post("/o/acme/settings/", settings_form_data(
        admin.organization, checkpoint_days_before="0", currency="EURO"))
    body = response.content.decode()
    described = {ref for refs in re.findall(r'aria-describedby="([^"]+)"', body) for ref in refs.split()}
    assert described, "the settings form has help texts and errors"
    missing = {ref for ref in described if f'id="{ref}"' not in body}
    assert missing == set()


@pytest.mark.django_db
def test_re_inviting_says_the_earlier_link_was_replaced(hr, client_for):
    client = client_for(hr)
    data = {"email": "again@acme.test", "role": "employee", "title": "", "team": "", "manager": ""}
    first = client.post("/o/acme/invitations/", data, follow=True).content.decode()
    assert "Invitation sent to again@acme.test." in first
    second = client.post("/o/acme/invitations/", data, follow=True).content.decode()
    assert "the link sent earlier no longer works" in second


@pytest.mark.django_db
def test_hr_cannot_demote_or_edit_an_administrator(staff, client_for):
    admin, hr = staff["admin"], staff["hr"]
    with tenant_context(admin.organization_id):
        second = MembershipFactory(organization=admin.organization, role=Membership.Role.ADMIN)
    client = client_for(hr)
    page = client.get(f"/o/acme/members/{admin.pk}/").content.decode()
    assert "Only an administrator can change an administrator." in page
    assert '<form method="post" class="card form">' not in page
    listing = client.get("/o/acme/members/").content.decode()
    assert f"/o/acme/members/{admin.pk}/" not in listing and f"/o/acme/members/{hr.pk}/" in listing
    for subject in (admin, second):  # even with another administrator left, HR may not demote one
        response = client.post(f"/o/acme/members/{subject.pk}/", {
            "role": "hr", "title": "Demoted", "team": "", "manager": "",
        })
        assert response.status_code == 200 and "Only an administrator can change an administrator" in (
            response.content.decode())
        with tenant_context(admin.organization_id):
            subject.refresh_from_db()
        assert subject.role == "admin" and subject.title != "Demoted"
    # An administrator may change another administrator while one remains.
    response = client_for(admin).post(f"/o/acme/members/{second.pk}/", {
        "role": "hr", "title": "People", "team": "", "manager": "",
    })
    assert response.status_code == 302
    with tenant_context(admin.organization_id):
        second.refresh_from_db()
    assert second.role == "hr"


@pytest.mark.django_db
def test_the_service_refuses_hr_changing_an_administrator_with_a_403_error(staff):
    from alliance import services
    from alliance.errors import NotAllowed

    admin, hr = staff["admin"], staff["hr"]
    with tenant_context(admin.organization_id), pytest.raises(NotAllowed, match="Only an administrator"):
        services.membership_update(membership=admin, by=hr, role="admin", manager=None, title="X", team="")
