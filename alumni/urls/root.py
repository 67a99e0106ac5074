"""Links sent by e-mail, outside ``/o/<slug>/``: the token names the organization."""

from __future__ import annotations

from django.urls import path

from alumni import views

urlpatterns = [
    path("verify/<str:token>/", views.verify_email, name="alumni_verify_email"),
    path("step/<str:token>/", views.leaver_link, name="alumni_leaver_link"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="alumni_unsubscribe"),
]
