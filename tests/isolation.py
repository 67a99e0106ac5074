"""The isolation sweep's "one of everything" in the other organization, built per app.

Each app's tests hold an ``isolation.py`` with ``populate(world)``: given the
other organization (``world.org``, its admin ``world.admin`` and an employee
``world.employee`` reporting to the admin), it creates at least one row of
every tenant model the app owns, with "Globex Secret" in its visible text where
it has any. The sweep in tests/alliance/test_isolation.py calls every installed
app's contribution and **fails** when a tenant model has no row to try, so a new
app cannot be forgotten: it adds its ``tests/<app>/isolation.py`` and the
route-by-route 404 sweep covers it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

from alliance import tenancy
from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.routes import Route, model_for_kwarg


@dataclass
class OtherOrganization:
    org: object
    admin: object
    employee: object
    objects: dict[str, object] = field(default_factory=dict)  # named rows a contribution wants to expose


def contributions() -> list[tuple[str, Callable[[OtherOrganization], None]]]:
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"tests.{config.label}.isolation")
        except ModuleNotFoundError as error:
            if error.name not in (f"tests.{config.label}", f"tests.{config.label}.isolation"):
                raise
            continue
        found.append((config.label, module.populate))
    return found


def build_world() -> dict:
    """Organization A (acme) with its admin, and organization B (globex) with one of everything.

    "Everything" is what each installed app's tests/<app>/isolation.py contributes.
    """
    acme = OrganizationFactory(slug="acme", name="Acme")
    globex = OrganizationFactory(slug="globex", name="Globex Secret", mission="Globex Secret mission")
    admin_a = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    MembershipFactory(organization=acme, user__email="employee@acme.test")
    admin_b = MembershipFactory(organization=globex, role=Membership.Role.ADMIN, user__email="admin@globex.test")
    employee_b = MembershipFactory(organization=globex, manager=admin_b, user__email="employee@globex.test")
    other = OtherOrganization(org=globex, admin=admin_b, employee=employee_b)
    for _label, populate in contributions():
        populate(other)
    return {"acme": acme, "globex": globex, "admin_a": admin_a, "admin_b": admin_b, "employee_b": employee_b,
            **other.objects}


def ids_in_b(route: Route, globex) -> dict[str, int]:
    """For each int parameter: the id of an organization-B row of the model it names, if any."""
    ids = {}
    for name in route.int_kwargs:
        model = model_for_kwarg(route, name)
        if model is None:
            continue
        with tenancy.tenant_context(globex.pk):
            found = model.objects.filter(organization=globex).order_by("-pk").values_list("pk", flat=True).first()
        if found is not None:
            ids[name] = found
    return ids
