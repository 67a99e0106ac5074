from __future__ import annotations

import json

from django.test import Client


class ApiClient(Client):
    """A client that sends ``Authorization: Bearer <token>`` and JSON bodies."""

    def __init__(self, token: str, **kwargs):
        super().__init__(headers={"Authorization": f"Bearer {token}"}, **kwargs)
        self.token = token

    def post_json(self, path: str, data=None, **kwargs):
        return self.post(path, json.dumps(data if data is not None else {}), content_type="application/json", **kwargs)

    def patch_json(self, path: str, data=None, **kwargs):
        return self.patch(path, json.dumps(data if data is not None else {}), content_type="application/json", **kwargs)


def sent_mail() -> list:
    """Run the outbox's dispatcher as the worker would, and return what the transport delivered so far
    (alliance.settings.test sends through locmem: django.core.mail.outbox)."""
    from django.core import mail

    from alliance.outbox import outbox_dispatch

    outbox_dispatch(budget_seconds=60)
    return mail.outbox


def nav_link(page, name: str):
    """The main navigation's link ``name``, its menu opened first when the navigation shows menus
    (alliance.registry.nav_entries_for), as a person would."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator("details.navmenu", has=page.get_by_text(name, exact=True)).locator("summary").click()
    return link


def choose_person(page, label: str, typed: str, option: str) -> None:
    """Choose in a search-as-you-type field (alliance/pickers.py) as a person does: type a few letters, then
    click the suggestion whose text starts with ``option``."""
    import re

    box = page.get_by_role("combobox", name=label)
    box.fill("")
    box.press_sequentially(typed)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    listbox.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()
