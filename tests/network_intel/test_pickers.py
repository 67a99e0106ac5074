"""The contact form's company and colleague choices typed, not picked from a dropdown of everyone."""

from __future__ import annotations

import pytest

from alliance.tenancy import tenant_context
from network_intel.models import Company, Contact
from tests.network_intel.factories import company

pytestmark = pytest.mark.django_db


def _contact(**extra) -> dict:
    return {"name": "Miles Dyson", "title": "Director", "met_where": "", "strength": Contact.Strength.ACQUAINTANCE,
            "last_talked_on": "", "email": "", "phone": "", "personal_notes": "", "introduced_by": "",
            "introduced_by__text": "", **extra}


def test_a_typo_of_an_existing_company_is_suggested_and_asked_about(client_for, org, employee):
    cyberdyne = company(employee, "Cyberdyne Systems")
    client = client_for(employee)
    options = client.get("/o/acme/intel/companies/pick/?q=Cyberdine").content.decode()
    assert f'data-value="{cyberdyne.pk}"' in options and 'data-label="Cyberdyne Systems"' in options

    refused = client.post("/o/acme/intel/contacts/", _contact(company_name="Cyberdine"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Did you mean “Cyberdyne Systems”?" in page
    assert 'type="checkbox" name="new_company"' in page  # asked, not silently added
    with tenant_context(org.pk):
        assert not Company.objects.filter(name="Cyberdine").exists()
        assert not Contact.objects.exists()

    picked = client.post("/o/acme/intel/contacts/", _contact(company_name="Cyberdyne Systems"))
    assert picked.status_code == 302
    confirmed = client.post("/o/acme/intel/contacts/", _contact(name="Sarah", company_name="Cyberdine",
                                                                new_company="on"))
    assert confirmed.status_code == 302
    with tenant_context(org.pk):
        assert Contact.objects.get(name="Miles Dyson").company == cyberdyne
        assert Contact.objects.get(name="Sarah").company.name == "Cyberdine"


def test_the_colleague_who_introduced_is_typed_and_checked(client_for, org, employee, manager, outsider):
    company(employee, "Initech")
    client = client_for(employee)
    options = client.get("/o/acme/pick/people/network_intel.colleagues/", {"q": manager.user.full_name[:4]})
    assert f'data-value="{manager.pk}"' in options.content.decode()
    assert f'data-value="{employee.pk}"' not in options.content.decode()  # not oneself
    typed = client.post("/o/acme/intel/contacts/", _contact(company_name="Initech",
                                                            introduced_by__text=manager.user.full_name))
    assert typed.status_code == 302
    foreign = client.post("/o/acme/intel/contacts/", _contact(name="Bill", company_name="Initech",
                                                              introduced_by=str(outsider.pk),
                                                              introduced_by__text=outsider.user.full_name))
    assert foreign.status_code == 400
    assert "not one you can choose here" in foreign.content.decode()
    with tenant_context(org.pk):
        assert Contact.objects.get(name="Miles Dyson").introduced_by == manager
        assert not Contact.objects.filter(name="Bill").exists()


def test_the_contact_page_has_no_dropdown_of_everyone(client_for, org, employee):
    page = client_for(employee).get("/o/acme/intel/contacts/").content.decode()
    assert "<select" not in page.split('name="introduced_by__text"')[0].rsplit("<form", 1)[-1]
    assert 'role="combobox"' in page and 'data-search-path="intel/companies/pick/"' in page


def test_company_search_is_bounded_and_tenant_scoped(client_for, org, employee, outsider):
    for n in range(25):
        company(employee, f"Umbrella {n:02} Corp")
    client = client_for(employee)
    body = client.get("/o/acme/intel/companies/pick/?q=umbrella").content.decode()
    assert body.count('data-value="') == 20
    assert client.get("/o/acme/intel/companies/pick/", {"q": "x" * 3000}).status_code == 200
    assert client_for(outsider).get("/o/acme/intel/companies/pick/?q=umbrella").status_code == 404
