"""Forms that create things are safe against the back button: the draft tour form sent twice makes one
tour, and the second send lands on the first one's page."""

from __future__ import annotations

import pytest

from alliance import tenancy
from tests.tours.test_views import tour_post, url
from tours.models import Tour

pytestmark = pytest.mark.django_db


def test_the_draft_form_sent_twice_makes_one_tour(client_for, org, manager, employee):
    client = client_for(manager)
    page = client.get(url("create", org)).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {**tour_post(employee), "form_token": token}
    first = client.post(url("create", org), data)
    assert first.status_code == 302
    again = client.post(url("create", org), data, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "already sent" in again.content.decode()
    with tenancy.tenant_context(org.pk):
        assert Tour.objects.filter(employee=employee).count() == 1


def test_a_fresh_form_makes_a_new_tour_and_a_token_is_personal(client_for, org, manager, employee, admin):
    client = client_for(manager)
    token = client.get(url("create", org)).content.decode().split('name="form_token" value="', 1)[1][:32]
    assert client.post(url("create", org), {**tour_post(employee), "form_token": token}).status_code == 302
    other = client.get(url("create", org)).content.decode().split('name="form_token" value="', 1)[1][:32]
    assert other != token
    assert client.post(url("create", org), {**tour_post(employee, title="Another one"),
                                            "form_token": other}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert Tour.objects.filter(employee=employee).count() == 2


def test_a_form_with_errors_keeps_its_token_and_makes_nothing(client_for, org, manager, employee):
    client = client_for(manager)
    token = "t" * 32
    response = client.post(url("create", org), {**tour_post(employee, title=""), "form_token": token})
    assert response.status_code == 400 and f'value="{token}"' in response.content.decode()
    assert client.post(url("create", org), {**tour_post(employee), "form_token": token}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert Tour.objects.filter(employee=employee).count() == 1
