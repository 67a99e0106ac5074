"""Apps plug into the core: the core stands without them, and each one's parts arrive by registry."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.urls import reverse

from alliance import registry

ROOT = Path(__file__).resolve().parents[2]

WITHOUT_APPS = textwrap.dedent(
    """
    from alliance.settings.test import *  # noqa: F403
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("tours", "network_intel", "alumni")]
    """
)

PROBE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.urls import reverse
    import alliance.urls
    from alliance import registry
    from alliance.celery import app
    app.finalize()
    assert reverse("dashboard", args=["acme"]) == "/o/acme/"
    assert not [u for u in registry.app_urls() if u.app == "tours"], registry.app_urls()
    assert not [k for k in registry.notification_kinds() if k.startswith("checkpoint")]
    assert not [n for n in app.conf.beat_schedule if n.startswith("sweep-")], app.conf.beat_schedule
    for name in ("tours:my_tour", "tours:list"):
        try:
            reverse(name, args=["acme"])
        except Exception:
            pass
        else:
            raise AssertionError(name + " should not exist without the tours app")
    print("core stands alone")
    """
)


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "settings_without_apps.py").write_text(WITHOUT_APPS)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings_without_apps",
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_without_the_apps_the_core_passes_manage_check(tmp_path):
    result = _run(tmp_path, "manage.py", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_apps_the_core_imports_routes_and_schedules(tmp_path):
    result = _run(tmp_path, "-c", PROBE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "core stands alone" in result.stdout


def test_the_tours_app_registers_its_parts():
    from alliance.celery import app

    app.finalize()
    assert "tours" in {urls.app for urls in registry.app_urls()}
    assert {"checkpoint_upcoming", "agenda_nudge", "checkpoint_overdue", "tour_ending",
            "first_conversation"} <= set(registry.notification_kinds())
    assert registry.reminder_builder("tour_ending") is not None
    assert {"sweep-checkpoint-reminders", "sweep-tour-endings", "heartbeat"} <= set(app.conf.beat_schedule)
    assert "tours" in [loader.name for loader in registry.demo_loaders()]


def test_demo_loaders_run_after_what_they_name(monkeypatch):
    calls = []
    monkeypatch.setattr(registry, "_DEMO", {})
    registry.register_demo_loader("b", lambda **kw: calls.append("b"), after=("a",))
    registry.register_demo_loader("a", lambda **kw: calls.append("a"), after=("not-installed",))
    registry.register_demo_loader("c", lambda **kw: calls.append("c"), after=("b",))
    assert [loader.name for loader in registry.demo_loaders()] == ["a", "b", "c"]
    registry.register_demo_loader("a", lambda **kw: None, after=("c",))
    with pytest.raises(RuntimeError, match="circle"):
        registry.demo_loaders()


@pytest.mark.django_db
def test_navigation_follows_each_role(client_for, employee, manager, hr):
    def nav(member):
        html = client_for(member).get(reverse("dashboard", args=[member.organization.slug])).content.decode()
        return html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]

    assert "My tour" in nav(employee) and "My team" not in nav(employee) and "Programs" not in nav(employee)
    assert "My team" in nav(manager) and "Programs" not in nav(manager)
    assert "Programs" in nav(hr)


@pytest.mark.django_db
def test_a_long_navigation_is_grouped_into_menus_that_open_without_javascript(client_for, employee, admin):
    """HR and admins see some twenty links: shown as a few <details> menus; a short one stays flat."""
    import re

    def nav(member, page="dashboard"):
        html = client_for(member).get(reverse(page, args=[member.organization.slug])).content.decode()
        return html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]

    admin_nav = nav(admin, "tours:team")
    links = re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', admin_nav)
    menus = re.findall(r'<details class="navmenu( current)?">\s*<summary>([^<]+)</summary>', admin_nav)
    assert len(links) == len(registry.nav_items_for(admin)) + 1 > registry.NAV_FLAT_MAX  # + the dashboard
    assert {"Members", "Invitations", "Settings", "Programs", "Fund admin", "Exits"} <= set(links)
    assert [label for _current, label in menus] == ["Tours", "Intel", "Fund", "Exits", "Alumni", "Organization"]
    outside_menus = re.sub(r"<details.*?</details>", "", admin_nav, flags=re.S)
    assert len(menus) + outside_menus.count("<a ") <= 8, admin_nav  # a few entries, not twenty
    assert [current for current, label in menus if label == "Tours"] == [" current"]  # "My team" is open

    assert len(registry.nav_items_for(employee)) <= registry.NAV_FLAT_MAX
    assert "<details" not in nav(employee) and "My tour" in nav(employee)  # a short navigation stays flat


def test_a_group_with_one_link_shown_is_a_plain_link():
    class Someone:
        is_active, is_hr, is_manager, is_admin, status = True, False, False, False, "active"

    saved, saved_groups = dict(registry._NAV), dict(registry._NAV_GROUPS)
    try:
        registry._NAV.clear()
        registry.register_nav_group("g", label="Group")
        for index in range(registry.NAV_FLAT_MAX):
            registry.register_nav_item(f"k{index}", label=f"L{index}", url_name="dashboard", order=index, group="g")
        registry.register_nav_item("lone", label="Lone", url_name="dashboard", order=50, group="h")
        registry.register_nav_group("h", label="H")
        entries = registry.nav_entries_for(Someone())
    finally:
        registry._NAV.clear()
        registry._NAV.update(saved)
        registry._NAV_GROUPS.clear()
        registry._NAV_GROUPS.update(saved_groups)
    assert [(entry.group.label if entry.group else None, len(entry.items)) for entry in entries] == [
        ("Group", registry.NAV_FLAT_MAX), (None, 1)]


@pytest.mark.django_db
def test_dashboard_shows_each_registered_panel(client_for, employee):
    response = client_for(employee).get(reverse("dashboard", args=[employee.organization.slug]))
    assert response.status_code == 200
    assert "Your tour of duty" in response.content.decode()  # the tours panel
