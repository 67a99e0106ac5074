from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from alliance.errors import ApplicationError
from alliance.services import organization_create


class Command(BaseCommand):
    help = "Create an organization and its first administrator."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("admin_email")
        parser.add_argument("--password", help="The admin's password (asked for when omitted and the user is new).")
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--currency", default="USD")

    def handle(self, *args, slug, name, admin_email, password, admin_name, time_zone, currency, **options):
        from alliance.models import User

        if password is None and not User.objects.filter(email__iexact=admin_email).exists():
            password = getpass.getpass(f"Password for {admin_email}: ")
        try:
            organization, _admin = organization_create(
                name=name, slug=slug, admin_email=admin_email, admin_password=password,
                admin_name=admin_name, time_zone=time_zone, currency=currency.upper(),
            )
        except ApplicationError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.field_errors.items())
            raise CommandError(f"{error.message} {details}".strip()) from error
        self.stdout.write(self.style.SUCCESS(f"Created {organization.name} at /o/{organization.slug}/"))
