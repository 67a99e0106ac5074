"""The route sweep tries the other organization's real tours objects."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.alliance.routes import iter_routes
from tests.isolation import build_world, ids_in_b


@pytest.mark.django_db
def test_the_sweep_uses_real_objects_of_the_other_organization():
    world = build_world()
    routes = {route.route: route for route in iter_routes(get_resolver())}
    tour_route = routes["/o/<slug:org_slug>/tours/<int:tour_id>/"]
    checkpoint_route = routes["/o/<slug:org_slug>/checkpoints/<int:checkpoint_id>/"]
    api_tour_route = routes["/api/v1/tours/<int:pk>/"]
    assert ids_in_b(tour_route, world["globex"]) == {"tour_id": world["tour"].pk}
    assert ids_in_b(checkpoint_route, world["globex"]) == {"checkpoint_id": world["checkpoint"].pk}
    assert ids_in_b(api_tour_route, world["globex"]) == {"pk": world["tour"].pk}
