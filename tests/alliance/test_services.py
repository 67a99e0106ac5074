"""The core services refuse bad input with an ApplicationError and change nothing."""

from __future__ import annotations

import pytest

from alliance import selectors, services, tenancy
from alliance.errors import ApplicationError
from alliance.models import ApiToken, Invitation, Membership, Organization, User
from alliance.tokens import token_parse
from tests.alliance.factories import MembershipFactory, make_invitation


def invitations(org) -> int:
    with tenancy.tenant_context(org.pk):
        return Invitation.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("data, field", [
    ({"email": "not-an-email", "role": "employee"}, "email"),
    ({"email": "", "role": "employee"}, "email"),
    ({"email": "ok@example.com", "role": "emperor"}, "role"),
    ({"email": "ok@example.com", "role": "employee", "title": "x" * 201}, "title"),
])
def test_invitation_create_refuses_bad_data(hr, data, field):
    with tenancy.tenant_context(hr.organization_id), pytest.raises(ApplicationError) as error:
        services.invitation_create(by=hr, **data)
    assert field in error.value.field_errors
    assert invitations(hr.organization) == 0


@pytest.mark.django_db
def test_invitation_create_needs_hr_and_a_manager_of_the_same_organization(hr, employee, outsider):
    with tenancy.tenant_context(hr.organization_id):
        with pytest.raises(ApplicationError, match="Only HR"):
            services.invitation_create(by=employee, email="x@example.com", role="employee")
        with pytest.raises(ApplicationError, match="this organization"):
            services.invitation_create(by=hr, email="x@example.com", role="employee", manager=outsider)
    assert invitations(hr.organization) == 0


@pytest.mark.django_db
def test_an_invitation_is_accepted_once_even_when_two_tabs_race(hr):
    invitation, _path = make_invitation(hr, email="racer@example.com")
    with tenancy.tenant_context(hr.organization_id):
        services.invitation_accept(invitation=invitation, user=None, full_name="Racer",
                                   password="a-long-racing-passphrase")
        with pytest.raises(ApplicationError, match="already used"):
            services.invitation_accept(invitation=invitation, user=None, full_name="Second",
                                       password="a-long-racing-passphrase")
        assert Membership.objects.filter(user__email="racer@example.com").count() == 1
    assert User.objects.get(email="racer@example.com").full_name == "Racer"


@pytest.mark.django_db
def test_membership_update_refuses_a_manager_from_another_organization(hr, manager, employee, outsider):
    with tenancy.tenant_context(hr.organization_id):
        with pytest.raises(ApplicationError) as error:
            services.membership_update(membership=employee, by=hr, role="employee", manager=outsider,
                                       title="", team="")
        assert "manager" in error.value.field_errors
        employee.refresh_from_db()
    assert employee.manager_id == manager.pk


@pytest.mark.django_db
def test_membership_update_refuses_self_management_and_loops(admin, manager, employee, hr):
    with tenancy.tenant_context(admin.organization_id):
        with pytest.raises(ApplicationError, match="own manager"):
            services.membership_update(membership=manager, by=hr, role="manager", manager=manager, title="", team="")
        with pytest.raises(ApplicationError, match="reporting loop"):
            services.membership_update(membership=manager, by=hr, role="manager",
                                       manager=Membership.objects.get(pk=employee.pk), title="", team="")
        manager.refresh_from_db()
    assert manager.manager_id == admin.pk


@pytest.mark.django_db
def test_organization_update_refuses_unknown_fields_and_non_admins(admin, hr):
    organization = admin.organization
    with pytest.raises(ApplicationError, match="administrator"):
        services.organization_update(organization=organization, by=hr, data={"name": "Hijacked"})
    with pytest.raises(ApplicationError, match="cannot be changed"):
        services.organization_update(organization=organization, by=admin, data={"slug": "elsewhere"})
    organization.refresh_from_db()
    assert (organization.name, organization.slug) == ("Acme", "acme")


@pytest.mark.django_db
def test_organization_update_saves_what_changed(admin):
    organization = Organization.objects.get(pk=admin.organization_id)
    services.organization_update(organization=organization, by=admin,
                                 data={"mission": "Kind robots.", "currency": "EUR"})
    organization.refresh_from_db()
    assert (organization.mission, organization.currency) == ("Kind robots.", "EUR")


@pytest.mark.django_db
def test_profile_update_with_a_bad_time_zone_saves_nothing(employee):
    with tenancy.tenant_context(employee.organization_id), pytest.raises(ApplicationError) as error:
        services.profile_update(membership=employee, full_name="Changed", time_zone="Mars/Base",
                                aspirations="x", values="")
    assert "time_zone" in error.value.field_errors
    employee.user.refresh_from_db()
    assert employee.user.time_zone == "UTC" and employee.user.full_name != "Changed"


@pytest.mark.django_db
def test_only_the_owner_or_an_admin_revokes_a_token(admin, manager, employee):
    with tenancy.tenant_context(admin.organization_id):
        api_token, _token = services.api_token_create(by=manager, name="sync")
        with pytest.raises(ApplicationError, match="only your own"):
            services.api_token_revoke(api_token=api_token, by=employee)
        services.api_token_revoke(api_token=api_token, by=admin)
        assert ApiToken.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_a_token_names_its_organization_and_is_stored_hashed(employee, other_org):
    MembershipFactory(organization=other_org)
    with tenancy.tenant_context(employee.organization_id):
        api_token, token = services.api_token_create(by=employee, name="  spaced  ")
    assert token.startswith(f"alli_{employee.organization_id}_") and api_token.name == "spaced"
    assert token not in (api_token.token_hash, api_token.prefix)
    with tenancy.tenant_context(employee.organization_id):
        assert services.api_token_authenticate(token).pk == api_token.pk
        assert services.api_token_authenticate(token + "x") is None


@pytest.mark.django_db
def test_token_authentication_loads_what_select_related_loaded_and_reads_revocation_every_time(
    employee, manager, django_assert_num_queries
):
    """The token lookup is one precompiled query; its objects are those the ORM's select_related gave,
    the related ones already loaded, and nothing about the token is remembered between calls."""
    from django.forms.models import model_to_dict

    with tenancy.tenant_context(employee.organization_id):
        api_token, token = services.api_token_create(by=employee, name="sync")
        services.api_token_authenticate(token)  # the first use records last_used_at
        expected = (ApiToken.objects.select_related("organization", "membership__user", "membership__manager")
                    .get(pk=api_token.pk))
        with django_assert_num_queries(1) as captured:  # the tenant setting and the lookup, in one round trip
            found = services.api_token_authenticate(token)
        assert captured.captured_queries[0]["sql"].startswith("SELECT set_config('alliance.organization_id'")
        assert captured.captured_queries[0]["sql"].count(" JOIN ") == 3  # membership, organization, user
        with django_assert_num_queries(0):
            loaded = [found.organization, found.membership, found.membership.user]
        with django_assert_num_queries(1):  # the member's manager: read by the services that need it
            loaded.append(found.membership.manager)
        for ours, theirs in zip(
            [found, *loaded], [expected, expected.organization, expected.membership, expected.membership.user,
                               expected.membership.manager], strict=True,
        ):
            assert type(ours) is type(theirs) and ours.pk == theirs.pk
            assert model_to_dict(ours) == model_to_dict(theirs)
            assert not ours._state.adding and ours._state.db == "default"
        assert found.membership.manager == manager
        services.api_token_revoke(api_token=found, by=employee)
        assert services.api_token_authenticate(token) is None


@pytest.mark.django_db
def test_token_authentication_leaves_a_missing_manager_empty(hr):
    with tenancy.tenant_context(hr.organization_id):
        Membership.objects.filter(pk=hr.pk).update(manager=None)
        _api_token, token = services.api_token_create(by=hr, name="sync")
        found = services.api_token_authenticate(token)
        assert found.membership.manager is None and found.membership.user == hr.user
        # A nullable reference is a LEFT JOIN, left empty as select_related leaves it.
        digest = token_parse(token, kind=services.API_TOKEN_KIND).digest
        with_manager = selectors.live_credential(ApiToken, organization_id=hr.organization_id, digest=digest,
                                                 related=("membership__user", "membership__manager"))
        assert with_manager.membership.manager is None and with_manager.membership.user == hr.user
        Membership.objects.filter(pk=hr.pk).update(status=Membership.Status.FORMER)
        assert services.api_token_authenticate(token) is None
