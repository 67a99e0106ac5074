"""Fewer dead ends: a form-only address opened by GET lands on its page instead of an empty 405; an
alumnus opening the organization's home lands on the alumni home."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alliance.models import Membership


@pytest.mark.django_db
def test_a_form_only_address_opened_by_get_goes_to_its_page(client_for, employee):
    client = client_for(employee)
    response = client.get("/o/acme/notifications/read-all/")
    assert response.status_code == 302 and response["Location"] == "/o/acme/notifications/"
    assert client.get("/o/acme/notifications/read-all/", follow=True).status_code == 200
    # Asked by htmx, or outside an organization, the answer stays the 405 it is.
    assert client.get("/o/acme/notifications/read-all/", headers={"HX-Request": "true"}).status_code == 405


@pytest.mark.django_db
def test_an_outsider_still_gets_a_404(client_for, outsider):
    assert client_for(outsider).get("/o/acme/notifications/read-all/").status_code == 404


@pytest.mark.django_db
def test_an_alumnus_opening_the_home_lands_on_the_alumni_home(org, admin, client_for):
    from tests.alliance.factories import MembershipFactory
    from tests.alumni.network import set_level

    set_level(admin, "support")
    alumnus = MembershipFactory(organization=org, status=Membership.Status.ALUMNUS, user__email="alum@home.test")
    response = client_for(alumnus).get("/o/acme/")
    assert response.status_code == 302 and response["Location"] == "/o/acme/alumni/"
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=alumnus.pk).status == "alumnus"
