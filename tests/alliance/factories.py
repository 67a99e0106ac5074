from __future__ import annotations

import factory
from django.utils import timezone

from alliance.models import ApiToken, Invitation, Membership, Organization, User, person_sort_name
from alliance.tokens import token_make


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    mission = "Build things that matter."
    values = "Candor\nCraft"


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside its organization's tenant, as the app would (RLS is live in tests)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from alliance.tenancy import tenant_context

        organization = kwargs.get("organization")
        org_id = organization.pk if organization is not None else kwargs["organization_id"]
        with tenant_context(org_id):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.EMPLOYEE
    title = "Engineer"
    team = "Platform"
    # As the services write it (alliance.services.sorting).
    sort_name = factory.LazyAttribute(lambda o: person_sort_name(o.user.full_name, o.user.email))


def make_api_token(member: Membership, *, name: str = "test") -> str:
    from alliance.tenancy import tenant_context

    token, digest = token_make(kind="alli", organization_id=member.organization_id)
    with tenant_context(member.organization_id):
        ApiToken.objects.create(
            organization_id=member.organization_id, membership=member, name=name,
            prefix=token[:12], token_hash=digest, created_at=timezone.now(),
        )
    return token


def make_invitation(
    by: Membership, *, email: str, role: str = Membership.Role.EMPLOYEE, **extra
) -> tuple[Invitation, str]:
    """An invitation created the way HR creates one; returns it and its link's path."""
    from urllib.parse import urlsplit

    from alliance.services import invitation_create
    from alliance.tenancy import tenant_context

    with tenant_context(by.organization_id):
        invitation, link = invitation_create(by=by, email=email, role=role, **extra)
    return invitation, urlsplit(link).path
