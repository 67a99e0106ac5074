"""Every service that changes something says who hears of it (alliance.handoffs), or why nobody does.

The test walks every app's services package (and the core's services) and fails for a public
function that nobody declared: a new service cannot forget the people it concerns."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django.apps import apps

from alliance import services, tenancy
from alliance.handoffs import TEAM_JOINED, Silent, Tells, declarations
from alliance.models import Notification, NotificationPreference, Reminder
from alliance.registry import notification_kinds
from alliance.reminders import notify, reminder_deliver
from tests.helpers import sent_mail


def _services_modules() -> dict[str, list]:
    """package name -> its modules (the package itself and, for a package, each topic module)."""
    found = {"alliance.services": [importlib.import_module("alliance.services")],
             "alliance.webhooks.services": [importlib.import_module("alliance.webhooks.services")],
             "alliance.webhooks.chat": [importlib.import_module("alliance.webhooks.chat")]}
    for config in apps.get_app_configs():
        if config.name == "alliance":
            continue
        try:
            package = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.services":
                raise
            continue
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [importlib.import_module(f"{package.__name__}.{info.name}")
                        for info in pkgutil.iter_modules(package.__path__)]
        found[package.__name__] = modules
    return found


def _public_services(package: str, modules) -> set[str]:
    names = set()
    for module in modules:
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if getattr(value, "__module__", "").startswith(package):
                names.add(name)
    return names


def test_every_app_with_services_is_walked():
    assert {"alliance.services", "tours.services", "network_intel.services", "alumni.services"} <= set(
        _services_modules())


def test_every_public_service_declares_who_is_told():
    declared = declarations()
    missing, stale = [], []
    for package, modules in _services_modules().items():
        names = _public_services(package, modules)
        mine = declared.get(package, {})
        missing += [f"{package}.{name}" for name in sorted(names - set(mine))]
        stale += [f"{package}.{name}" for name in sorted(set(mine) - names)]
    assert missing == [], "Declare who hears of these (alliance.handoffs.tells / silent): " + ", ".join(missing)
    assert stale == [], "Declared but no such service: " + ", ".join(stale)


def test_every_declared_kind_is_a_notification_kind_and_every_silence_has_a_reason():
    kinds = set(notification_kinds())
    for package, items in declarations().items():
        for name, declaration in items.items():
            assert isinstance(declaration, Tells | Silent)
            if isinstance(declaration, Tells):
                assert declaration.whom.strip(), f"{package}.{name}"
                assert set(declaration.kinds) <= kinds, f"{package}.{name}: {declaration.kinds}"
            else:
                assert len(declaration.reason.strip()) > 10, f"{package}.{name}"


# --- What the core tells, and the preferences every hand-off goes through ---------------------------------



@pytest.mark.django_db
def test_a_new_report_joining_is_announced_to_their_manager(org, hr, manager):
    with tenancy.tenant_context(org.pk):
        invitation, _ = services.invitation_create(by=hr, email="new@acme.test", role="employee",
                                                   title="Engineer", team="Robots", manager=manager)
        member = services.invitation_accept(invitation=invitation, user=None, full_name="Nia New",
                                            password="a long passphrase 42")
        titles = list(Notification.objects.filter(recipient=manager, kind=TEAM_JOINED).values_list("title", flat=True))
    assert member.manager_id == manager.pk
    assert titles == ["Nia New joined your team"]
    assert any(m.to == ["manager@acme.test"] and m.subject == "Nia New joined your team" for m in sent_mail())


@pytest.mark.django_db
def test_off_is_offered_per_kind_except_what_must_be_delivered(client_for, employee):
    client = client_for(employee)
    page = client.get("/o/acme/notifications/").content.decode()
    tour_ending = page[page.index('id="pref-tour_ending"'):]
    assert '<option value="off"' in tour_ending[:tour_ending.index("</select>")]
    proposed = page[page.index('id="pref-tour_proposed"'):]
    assert '<option value="off"' not in proposed[:proposed.index("</select>")]
    assert client.post("/o/acme/notifications/preferences/", {"tour_ending": "off"}).status_code == 302
    response = client.post("/o/acme/notifications/preferences/", {"tour_proposed": "off", "tour_ending": "both"},
                           follow=True)
    assert "must reach you" in response.content.decode()
    with tenancy.tenant_context(employee.organization_id):
        assert dict(NotificationPreference.objects.values_list("kind", "channel")) == {"tour_ending": "off"}


@pytest.mark.django_db
def test_a_kind_turned_off_is_not_delivered_by_the_ledger(org, manager, employee):
    from tests.tours.factories import TourFactory

    tour = TourFactory(employee=employee, manager=manager, status="active")
    with tenancy.tenant_context(org.pk):
        NotificationPreference.objects.create(organization=org, membership=manager, kind="tour_answered",
                                              channel="off")
        notify(kind="tour_answered", subject_id=tour.pk, recipient=manager, window="active1")
        reminder = Reminder.objects.get(kind="tour_answered")
        assert reminder_deliver(organization_id=org.pk, reminder_id=reminder.pk) == "skipped"
        assert not Notification.objects.filter(recipient=manager).exists()
    assert not any(m.to == ["manager@acme.test"] for m in sent_mail())
