"""The search-as-you-type choice in a real Chromium on a 390 px phone: type, arrow, Enter, submit; axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from alliance.models import Membership
from alliance.tenancy import tenant_context
from network_intel.models import Company, Contact
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.network_intel.factories import company

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
AXE = next(Path(settings.BASE_DIR, "static", "vendor").glob("axe-*.min.js")).name
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
  .violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)"""


@pytest.fixture
def people(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test",
                              user__full_name="Ada Admin")
    dana = MembershipFactory(organization=acme, manager=admin, user__email="dana@acme.test",
                             user__full_name="Dana Data", team="Data")
    for name in ("Priya Patel", "Pablo Perez", "Sam Sales"):
        MembershipFactory(organization=acme, manager=admin, user__full_name=name,
                          user__email=f"{name.split()[0].lower()}@acme.test")
    company(dana, "Cyberdyne Systems")
    company(dana, "Cyber Castle")
    return {"org": acme, "dana": dana}


def test_choose_a_company_and_a_colleague_by_typing_on_a_phone(browser, live_server, people):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill("dana@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/intel/contacts/")

    page.locator("#id_name").fill("Miles Dyson")
    company_box = page.locator("#id_company_name[role=combobox]")
    company_box.press_sequentially("Cyberdine")  # a typo: the close company is suggested
    listbox = page.locator("#id_company_name_listbox")
    listbox.get_by_role("option", name="Cyberdyne Systems").wait_for()
    assert company_box.get_attribute("aria-expanded") == "true"
    company_box.press("ArrowDown")
    assert company_box.get_attribute("aria-activedescendant")
    company_box.press("Enter")
    assert company_box.input_value() == "Cyberdyne Systems"
    assert company_box.get_attribute("aria-expanded") == "false"

    colleague = page.locator("#id_introduced_by[role=combobox]")
    colleague.press_sequentially("Pa")
    expect(page.locator("#id_introduced_by_listbox [role=option]")).to_have_count(2)  # Pablo Perez, Priya Patel
    colleague.press("ArrowDown")
    colleague.press("ArrowDown")
    colleague.press("ArrowUp")
    colleague.press("Enter")
    assert colleague.input_value().startswith("Pablo Perez")  # sorted by name: Pablo, then Priya
    colleague.press("Escape")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Opened again with its options showing, the page still passes axe-core.
    colleague.fill("")
    colleague.press_sequentially("Pri")
    expect(page.locator("#id_introduced_by_listbox [role=option]")).to_have_count(1)
    page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
    assert page.evaluate(SERIOUS, AXE_TAGS) == []
    colleague.press("ArrowDown")
    colleague.press("Enter")

    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/o/acme/intel/contacts/$"))
    page.get_by_text("Miles Dyson is in your contacts.").wait_for()
    with tenant_context(people["org"].pk):
        saved = Contact.objects.get(name="Miles Dyson")
        assert saved.company.name == "Cyberdyne Systems"
        assert saved.introduced_by.user.full_name == "Priya Patel"
    assert errors == []
    context.close()


def test_hr_previews_and_merges_a_duplicate_company_whose_name_then_finds_the_company(browser, live_server,
                                                                                    people):
    with tenant_context(people["org"].pk):
        dup = company(people["dana"], "Cyberdine")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill("admin@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto(f"/o/acme/intel/companies/{dup.pk}/")
    box = page.get_by_role("combobox", name="Merge into company")
    box.press_sequentially("Cyberdy")
    page.locator(f"#{box.get_attribute('aria-controls')}").get_by_role("option", name="Cyberdyne Systems").click()
    page.get_by_role("button", name="Preview the merge").click()
    page.get_by_role("heading", name="Merge “Cyberdine” into “Cyberdyne Systems”?").wait_for()
    assert page.get_by_text("0 contacts of 0 people move to Cyberdyne Systems").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
    assert page.evaluate(SERIOUS, AXE_TAGS) == []
    page.get_by_role("button", name="Merge them").click()
    page.get_by_text("Also known as: Cyberdine").wait_for()
    assert page.get_by_role("heading", name="Cyberdyne Systems", exact=True).is_visible()

    # Typing the merged-away name suggests the company kept.
    page.goto("/o/acme/intel/contacts/")
    page.locator("#id_company_name[role=combobox]").press_sequentially("Cyberdine")
    options = page.locator("#id_company_name_listbox [role=option]")
    options.first.wait_for()
    assert options.first.inner_text().startswith("Cyberdyne Systems")
    context.close()


def test_an_expense_names_several_contacts_by_typing_on_a_phone(browser, live_server, people):
    from network_intel.models import Expense
    from tests.network_intel.factories import contact
    from tests.network_intel.fund_factories import joined_long_ago, policy

    dana = people["dana"]
    with tenant_context(people["org"].pk):
        admin = Membership.objects.get(user__email="admin@acme.test")
        cyberdyne = Company.objects.get(name="Cyberdyne Systems")
    joined_long_ago(admin, dana)
    policy(admin)
    contact(dana, cyberdyne, name="Miles Dyson")
    contact(dana, cyberdyne, name="Sarah Connor")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill("dana@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/fund/")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Merchant").fill("Blue Bottle")
    page.locator("#id_amount").fill("8.00")
    page.get_by_label("Purpose").fill("Coffee with two engineers")
    box = page.get_by_role("combobox", name="People met (your contacts)")
    box.press_sequentially("Mil")
    page.locator("#id_contacts_listbox").get_by_role("option", name=re.compile("^Miles Dyson")).click()
    box.press_sequentially("Sar")
    page.locator("#id_contacts_listbox").get_by_role("option", name=re.compile("^Sarah Connor")).wait_for()
    box.press("ArrowDown")
    box.press("Enter")  # the keyboard adds the second one
    chosen = page.locator("#id_contacts_chosen input[type=checkbox]:checked")
    expect(chosen).to_have_count(2)
    assert box.input_value() == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
    assert page.evaluate(SERIOUS, AXE_TAGS) == []
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("Expense saved as a draft.").wait_for()
    with tenant_context(people["org"].pk):
        assert set(Expense.objects.get().contacts.values_list("name", flat=True)) == {"Miles Dyson", "Sarah Connor"}
    context.close()
