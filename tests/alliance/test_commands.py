"""Management commands: create_org, create_api_token, seed_demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance import tenancy
from alliance.models import ApiToken, Membership, Organization, User
from tests.alliance.factories import MembershipFactory
from tests.helpers import ApiClient

PASSWORD = "a-long-admin-passphrase"


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def all_memberships():
    with tenancy.cross_tenant(reason="test: count every organization's members"):
        return list(Membership.objects.select_related("organization", "user", "manager"))


@pytest.mark.django_db
def test_create_org_creates_the_organization_and_its_admin():
    output = run("create_org", "initech", "Initech", "Boss@Initech.test", "--password", PASSWORD,
                 "--admin-name", "Bill Lumbergh", "--time-zone", "America/Chicago", "--currency", "usd")
    assert "/o/initech/" in output
    organization = Organization.objects.get(slug="initech")
    assert (organization.name, organization.time_zone, organization.currency) == ("Initech", "America/Chicago", "USD")
    user = User.objects.get(email="boss@initech.test")
    assert user.full_name == "Bill Lumbergh" and user.check_password(PASSWORD)
    with tenancy.tenant_context(organization.pk):
        admin = Membership.objects.get(organization=organization)
    assert (admin.user_id, admin.role, admin.status) == (user.pk, "admin", "active")


@pytest.mark.django_db
def test_create_org_with_an_existing_user_keeps_their_password(employee):
    run("create_org", "second", "Second", "employee@acme.test")
    employee.user.refresh_from_db()
    assert employee.user.check_password("correct-horse-battery")
    assert {m.organization.slug for m in all_memberships() if m.user_id == employee.user_id} == {"acme", "second"}


@pytest.mark.django_db
def test_create_org_with_a_taken_slug_fails_and_creates_nothing(org):
    before = (Organization.objects.count(), User.objects.count(), len(all_memberships()))
    with pytest.raises(CommandError, match="taken"):
        run("create_org", "ACME", "Another Acme", "new.admin@example.com", "--password", PASSWORD)
    assert (Organization.objects.count(), User.objects.count(), len(all_memberships())) == before
    assert Organization.objects.get(slug="acme").name == "Acme"


@pytest.mark.django_db
@pytest.mark.parametrize("args, message", [
    (["bad slug!", "Bad", "a@example.com", "--password", PASSWORD], "lowercase letters"),
    (["okay", "Okay", "not-an-email", "--password", PASSWORD], "valid email"),
    (["okay", "Okay", "a@example.com", "--password", "123"], "password"),
    (["okay", "Okay", "a@example.com", "--password", PASSWORD, "--time-zone", "Nowhere/Land"], "time_zone"),
    (["okay", "Okay", "a@example.com", "--password", PASSWORD, "--currency", "EURO"], "ISO 4217"),
])
def test_create_org_with_bad_input_fails_clearly_and_creates_nothing(args, message):
    with pytest.raises(CommandError) as error:
        run("create_org", *args)
    assert message.lower() in str(error.value).lower()
    assert (Organization.objects.count(), User.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_organization_create_service_refuses_a_duplicate_slug(org):
    from alliance.errors import ApplicationError
    from alliance.services import organization_create

    with pytest.raises(ApplicationError) as error:
        organization_create(name="Acme 2", slug=" Acme ", admin_email="x@example.com", admin_password=PASSWORD)
    assert error.value.field_errors == {"slug": ["This address is taken."]}
    assert Organization.objects.count() == 1 and not User.objects.filter(email="x@example.com").exists()


@pytest.mark.django_db
def test_create_api_token_prints_a_working_token_last(employee):
    output = run("create_api_token", "--org", "acme", "--email", "EMPLOYEE@acme.test", "--name", "nightly")
    token = output.strip().splitlines()[-1]
    response = ApiClient(token).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["membership"]["email"] == "employee@acme.test"
    with tenancy.tenant_context(employee.organization_id):
        stored = ApiToken.objects.get()
    assert stored.name == "nightly" and stored.token_hash != token


@pytest.mark.django_db
def test_create_api_token_refuses_unknown_org_and_non_members(employee, outsider):
    with pytest.raises(CommandError, match="No organization"):
        run("create_api_token", "--org", "nope", "--email", "employee@acme.test")
    with pytest.raises(CommandError, match="not an active member"):
        run("create_api_token", "--org", "acme", "--email", "admin@globex.test")
    alumnus = MembershipFactory(organization=employee.organization, status=Membership.Status.ALUMNUS)
    with pytest.raises(CommandError, match="not an active member"):
        run("create_api_token", "--org", "acme", "--email", alumnus.user.email)
    with tenancy.cross_tenant(reason="test: no token anywhere"):
        assert ApiToken.objects.count() == 0


def demo_counts() -> tuple[int, int, int, int]:
    memberships = all_memberships()
    managers = sum(1 for m in memberships if m.manager_id)
    return Organization.objects.count(), User.objects.count(), len(memberships), managers


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_realistic():
    run("seed_demo", verbosity=0)
    first = demo_counts()
    output = run("seed_demo", verbosity=0)
    assert demo_counts() == first
    assert "alliance-demo" in output

    organizations, _users, _memberships, _ = first
    assert organizations >= 2
    memberships = all_memberships()
    by_org: dict[str, list[Membership]] = {}
    for membership in memberships:
        by_org.setdefault(membership.organization.slug, []).append(membership)
    for slug, members in by_org.items():
        roles = {m.role for m in members}
        assert {"admin", "hr", "manager", "employee"} <= roles, slug
        for manager in (m for m in members if m.role == Membership.Role.MANAGER):
            reports = [m for m in members if m.manager_id == manager.pk]
            assert 5 <= len(reports) <= 10, (slug, manager.user.email, len(reports))
        assert all(m.manager is None or m.manager.organization_id == m.organization_id for m in members)
    orgs_per_user: dict[int, set[str]] = {}
    for membership in memberships:
        orgs_per_user.setdefault(membership.user_id, set()).add(membership.organization.slug)
    assert sum(1 for slugs in orgs_per_user.values() if len(slugs) >= 2) >= 2

    # The demo logins the README promises work.
    from django.test import Client

    assert Client().login(username="admin@acme.example", password="alliance-demo")
    assert Client().login(username="sam.shared@acme.example", password="alliance-demo")


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_existing_data_alone(org):
    output = run("seed_demo", "--if-empty", verbosity=0)
    assert "nothing to do" in output
    assert list(Organization.objects.values_list("slug", flat=True)) == ["acme"]
