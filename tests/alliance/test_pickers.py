"""Search-as-you-type choices (alliance.pickers): the people endpoint and the field every form uses."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.models import Membership
from alliance.pickers import SEARCH_LIMIT, choosable_people, person_field
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _managers(org, admin, count: int) -> list[Membership]:
    return [MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin,
                              user__full_name=f"Morgan Manager {n:02}", user__email=f"morgan{n}@acme.test")
            for n in range(count)]


def test_hr_finds_managers_by_a_word_of_their_name_at_most_twenty(client_for, org, hr, admin, employee):
    _managers(org, admin, SEARCH_LIMIT + 5)
    client = client_for(hr)
    client.get("/o/acme/pick/people/alliance.managers/?q=morg")  # the session and the membership are cached
    with CaptureQueriesContext(connection) as one:
        client.get("/o/acme/pick/people/alliance.managers/?q=morgan00")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/o/acme/pick/people/alliance.managers/?q=manag")
    assert len(many) == len(one)  # as many queries for twenty as for one
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('role="option"') == SEARCH_LIMIT
    assert "Morgan Manager 00" in body and 'data-value="' in body
    assert employee.user.full_name not in body  # an employee is no one's manager here
    few = client.get("/o/acme/pick/people/alliance.managers/?q=morgan1").content.decode()
    assert few.count('role="option"') == 11  # morgan1@ and morgan10@ … morgan19@, by the address


def test_the_options_are_the_pickers_own_rows_so_no_rule_changes(org, hr, admin, employee, manager):
    with tenant_context(org.pk):
        managers = set(choosable_people(hr, "alliance.managers"))
        assert {admin, manager} <= managers and employee not in managers
        assert list(choosable_people(employee, "alliance.managers")) == []
        assert list(choosable_people(hr, "no.such.picker")) == []


@pytest.mark.parametrize("path", ["/o/acme/pick/people/alliance.managers/?q=a",
                                  "/o/acme/pick/people/no.such.picker/?q=a"])
def test_who_may_not_pick_or_an_unknown_picker_is_a_404(client_for, org, employee, hr, path):
    status = client_for(employee).get(path).status_code
    assert status == 404
    if "no.such" in path:
        assert client_for(hr).get(path).status_code == 404


def test_another_organization_is_a_404(client_for, org, hr, outsider):
    assert client_for(outsider).get("/o/acme/pick/people/alliance.managers/?q=a").status_code == 404


def test_an_overlong_search_is_cut_not_an_error(client_for, org, hr):
    response = client_for(hr).get("/o/acme/pick/people/alliance.managers/", {"q": "x" * 5000})
    assert response.status_code == 200
    assert "Nobody you can choose matches" in response.content.decode()


class _Form(forms.Form):
    manager = person_field("alliance.managers", required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = rows


@pytest.fixture
def rows(org, hr):
    with tenant_context(org.pk):
        yield choosable_people(hr, "alliance.managers")


def _label(member: Membership) -> str:
    return f"{member.user.full_name} ({member.user.email})"


def test_the_chosen_id_is_taken_when_the_text_still_shows_its_label(org, rows, manager):
    form = _Form({"manager": str(manager.pk), "manager__text": _label(manager)}, rows=rows)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["manager"] == manager


def test_without_javascript_the_typed_name_is_resolved(org, rows, manager, admin):
    form = _Form({"manager": "", "manager__text": manager.user.full_name.upper()}, rows=rows)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["manager"] == manager
    cleared = _Form({"manager": str(manager.pk), "manager__text": "  "}, rows=rows)
    assert cleared.is_valid() and cleared.cleaned_data["manager"] is None
    # An id left over from before, with another name typed over it: the typed name wins.
    retyped = _Form({"manager": str(manager.pk), "manager__text": admin.user.email}, rows=rows)
    assert retyped.is_valid(), retyped.errors
    assert retyped.cleaned_data["manager"] == admin


def test_an_ambiguous_or_unknown_name_is_a_clear_error(org, admin, rows):
    _managers(org, admin, 3)
    several = _Form({"manager": "", "manager__text": "Morgan"}, rows=rows)
    assert not several.is_valid()
    assert "Several match “Morgan”" in several.errors["manager"][0]
    nobody = _Form({"manager": "", "manager__text": "Zebedee"}, rows=rows)
    assert not nobody.is_valid()
    assert nobody.errors["manager"] == ["Nobody you can choose here matches “Zebedee”."]
    assert 'value="Zebedee"' in str(nobody["manager"])  # what was typed comes back


def test_an_id_the_viewer_may_not_pick_or_of_another_organization_is_refused(org, rows, employee, outsider):
    for member in (employee, outsider):
        form = _Form({"manager": str(member.pk), "manager__text": _label(member)}, rows=rows)
        assert not form.is_valid()
        assert "not one you can choose here" in form.errors["manager"][0]
    garbage = _Form({"manager": "12abc", "manager__text": ""}, rows=rows)
    assert garbage.is_valid() and garbage.cleaned_data["manager"] is None
    assert not _Form({"manager": "12abc"}, rows=rows).is_valid()  # the id alone, as a script posts it


def test_the_widget_is_an_aria_combobox_with_a_plain_input_underneath(org, rows, manager):
    html = str(_Form(initial={"manager": manager.pk}, rows=rows)["manager"])
    assert 'role="combobox"' in html and 'aria-expanded="false"' in html
    assert 'aria-controls="id_manager_listbox"' in html and 'id="id_manager_listbox" role="listbox"' in html
    assert 'data-search-path="pick/people/alliance.managers/"' in html
    assert f'name="manager" value="{manager.pk}"' in html
    assert f'name="manager__text" value="{_label(manager)}"' in html
    assert "<select" not in html
