"""The private calendar feeds, outside ``/o/<slug>/``: the token names the organization."""

from __future__ import annotations

from django.urls import path

from tours import views

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
