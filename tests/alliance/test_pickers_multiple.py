"""Several rows chosen by typing (alliance.pickers.SearchMultipleChoiceField): ticked ids and typed names, each
checked against the rows the viewer may choose, at most ``max_count``; and the forms that use it (an expense's
contacts, a cohort's members, the tours list's managers)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from alliance.models import Membership
from alliance.pickers import people_field
from alliance.tenancy import tenant_context
from network_intel.models import Expense
from tests.alliance.factories import MembershipFactory
from tests.network_intel.factories import company, contact
from tests.network_intel.fund_factories import joined_long_ago, policy

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    people = people_field("alliance.managers", max_count=3, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = rows


@pytest.fixture
def rows(org, admin, manager):
    with tenant_context(org.pk):
        yield Membership.objects.for_org(org).filter(pk__in=[admin.pk, manager.pk]).select_related("user")


def test_ticked_ids_and_typed_names_together_in_the_order_chosen(org, admin, manager, rows):
    form = _Form({"people": [str(manager.pk)], "people__text": admin.user.full_name}, rows=rows)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["people"] == [manager, admin]
    html = str(form["people"])
    assert f'type="checkbox" name="people" value="{manager.pk}" checked' in html
    assert 'role="combobox"' in html and 'name="people__text"' in html and "<select" not in html


def test_unknown_names_foreign_ids_and_too_many_are_clear_errors(org, admin, manager, employee, outsider, rows):
    unknown = _Form({"people__text": "Zebedee"}, rows=rows)
    assert not unknown.is_valid()
    assert unknown.errors["people"] == ["Nobody you can choose here matches “Zebedee”."]
    assert 'value="Zebedee"' in str(unknown["people"])  # typed text comes back
    for other in (employee, outsider):
        refused = _Form({"people": [str(other.pk)]}, rows=rows)
        assert not refused.is_valid() and "not one you can choose here" in refused.errors["people"][0]
    assert not _Form({"people": ["12abc"]}, rows=rows).is_valid()
    many = _Form({"people": [str(admin.pk), str(manager.pk)], "people__text": "a, b"}, rows=rows)
    assert not many.is_valid() and many.errors["people"] == ["Choose at most 3."]
    assert _Form({}, rows=rows).is_valid()


def test_an_expense_names_contacts_by_typing_or_by_id_and_only_ones_own(org, hr, admin, manager, employee,
                                                                        client_for):
    joined_long_ago(admin, hr, manager, employee)
    policy(hr)
    cyberdyne = company(employee, "Cyberdyne Systems")
    miles = contact(employee, cyberdyne, name="Miles Dyson")
    contact(employee, cyberdyne, name="Sarah Connor")
    theirs = contact(manager, cyberdyne, name="Kyle Reese")
    client = client_for(employee)
    options = client.get(reverse("network_intel:contact_search", args=["acme"]), {"q": "cyber"}).content.decode()
    assert "Miles Dyson (Cyberdyne Systems)" in options and "Sarah Connor" in options and "Kyle" not in options
    page = client.get(reverse("network_intel:fund_home", args=["acme"])).content.decode()
    assert 'data-search-path="intel/contacts/pick/"' in page and 'data-multiple' in page
    data = {"spent_on": timezone.localdate().isoformat(), "kind": "coffee", "merchant": "Blue Bottle",
            "amount": "8.00", "currency": "USD", "purpose": "Coffee", "action": "draft",
            "contacts": [str(miles.pk)], "contacts__text": "Sarah"}
    assert client.post(reverse("network_intel:fund_home", args=["acme"]), data).status_code == 302
    with tenant_context(org.pk):
        assert set(Expense.objects.get().contacts.values_list("name", flat=True)) == {"Miles Dyson", "Sarah Connor"}
    refused = client.post(reverse("network_intel:fund_home", args=["acme"]),
                          {**data, "contacts": [str(theirs.pk)], "contacts__text": ""})
    assert refused.status_code == 400 and "not one you can choose here" in refused.content.decode()


def test_a_cohort_is_chosen_by_typing_names(org, hr, admin, manager, employee, client_for):
    from tests.tours.factories import ProgramFactory

    program = ProgramFactory(organization=org)
    path = reverse("tours:program_detail", args=["acme", program.pk])
    client = client_for(hr)
    page = client.get(path).content.decode()
    assert 'data-search-path="pick/people/tours.cohort_members/"' in page
    assert client_for(hr).get("/o/acme/pick/people/tours.cohort_members/", {"q": employee.user.full_name[:4]}
                              ).status_code == 200
    assert client_for(employee).get("/o/acme/pick/people/tours.cohort_members/?q=a").status_code == 404
    response = client.post(path, {"form": "cohort", "cohort-start_date": timezone.localdate().isoformat(),
                                  "cohort-members__text": employee.user.full_name})
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(org.pk):
        assert program.cohorts.get().tours.get().employee == employee


def test_the_tours_list_filters_by_several_managers_typed_or_ticked(org, hr, admin, manager, client_for):
    other = MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin,
                              user__full_name="Otto Other")
    page = client_for(hr).get(reverse("tours:list", args=["acme"]),
                              {"manager": [str(manager.pk)], "manager__text": "Otto Other"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="manager" value="{manager.pk}" checked' in html
    assert 'data-search-path="pick/people/tours.list_managers/"' in html
    assert "<select name=\"manager\"" not in html
    assert client_for(hr).get("/o/acme/pick/people/tours.list_managers/", {"q": "Otto"}).content.decode().count(
        'role="option"') == 1
    assert other.pk
