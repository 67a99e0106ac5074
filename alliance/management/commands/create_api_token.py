from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from alliance import tenancy
from alliance.models import Membership, Organization
from alliance.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a member; the token is the last line printed."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument("--email", required=True, help="The member the token acts as")
        parser.add_argument("--name", default="Command-line token")

    def handle(self, *args, org, email, name, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with slug “{org}”.")
        with tenancy.tenant_context(organization.pk):
            member = (
                Membership.objects.for_org(organization)
                .filter(user__email__iexact=email, status=Membership.Status.ACTIVE)
                .select_related("user")
                .first()
            )
            if member is None:
                raise CommandError(f"{email} is not an active member of {organization.slug}.")
            member.organization = organization
            api_token, token = api_token_create(by=member, name=name)
        self.stdout.write(f"Token “{api_token.name}” for {email} in {organization.slug}:")
        self.stdout.write(token)
