"""Routes of ``/scim/v2/`` (RFC 7644 §3.2): the discovery endpoints and Users. Anything else is a SCIM 404."""

from __future__ import annotations

from django.urls import path, re_path

from alliance.scim import views

app_name = "scim"

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config_view, name="service_provider_config"),
    path("ResourceTypes", views.resource_types_view, name="resource_types"),
    path("ResourceTypes/<str:name>", views.resource_types_view, name="resource_type"),
    path("Schemas", views.schemas_view, name="schemas"),
    path("Schemas/<str:schema_id>", views.schemas_view, name="schema"),
    path(".search", views.users_search_view, name="search"),
    path("Users", views.users_view, name="users"),
    path("Users/.search", views.users_search_view, name="users_search"),
    path("Users/<str:user_id>", views.user_view, name="user"),
    re_path(r"^(?P<rest>.*)$", views.not_found_view, name="not_found"),
]
