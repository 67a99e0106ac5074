"""A network-intelligence journey in a real Chromium: write a note, find it by search, ask who knows."""

from __future__ import annotations

import re

import pytest

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.helpers import nav_link
from tests.network_intel.factories import company, contact

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))


@pytest.fixture
def people(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    dana = MembershipFactory(organization=acme, manager=admin, user__email="dana@acme.test",
                             user__full_name="Dana Data", team="Data")
    sam = MembershipFactory(organization=acme, manager=admin, user__email="sam@acme.test",
                            user__full_name="Sam Sales", team="Sales")
    initech = company(dana, "Initech")
    contact(dana, initech, name="Peter Gibbons", title="Head of Platform")
    return {"dana": dana, "sam": sam}


def test_write_a_note_and_a_colleague_finds_it(page_for, people):
    writer = page_for()
    sign_in(writer, "dana@acme.test")
    nav_link(writer, "Intel").click()
    writer.get_by_role("link", name="Write a note").first.click()
    writer.get_by_label("Title").fill("Initech moves to usage-based pricing")
    writer.get_by_label("Body").fill("They will bill **per robot hour** from April.")
    companies = writer.get_by_label("Companies")
    companies.press_sequentially("Inite")
    writer.locator("#company-options option[value='Initech']").wait_for(state="attached")
    companies.fill("Initech")
    writer.get_by_label("Tags").fill("pricing")
    writer.get_by_label("Where you learned it").select_option("lunch")
    writer.get_by_role("button", name="Share").click()
    writer.get_by_role("heading", name="Initech moves to usage-based pricing").wait_for()
    assert writer.locator(".markdown strong").inner_text() == "per robot hour"

    reader = page_for()
    sign_in(reader, "sam@acme.test")
    reader.goto("/o/acme/intel/")
    reader.get_by_label("Search notes").fill("robot hour")
    reader.locator("#results mark").first.wait_for()
    assert reader.locator("#result-count").inner_text() == "1 note"
    reader.get_by_role("link", name=re.compile("Initech moves")).click()
    reader.get_by_role("button", name="Mark as useful").click()
    reader.get_by_text("1 colleague found this useful.").wait_for()

    reader.goto("/o/acme/intel/who-knows/")
    reader.get_by_label("Company").fill("Initek")
    reader.locator("#answer").get_by_text("Head of Platform").wait_for()
    assert "Peter Gibbons" not in reader.content()
