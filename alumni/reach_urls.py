"""Browser routes of job openings, files, alumni sharing and the dashboard (added to ``alumni.urls``).
Names starting ``alumni_`` are open to alumni (each view still checks its own rights)."""

from __future__ import annotations

from django.urls import path

from alumni import reach_views as views

urlpatterns = [
    path("alumni/openings/", views.alumni_openings, name="alumni_openings"),
    path("alumni/openings/<int:opening_id>/", views.alumni_opening, name="alumni_opening"),
    path("alumni/openings/<int:opening_id>/refer/", views.alumni_opening_refer, name="alumni_opening_refer"),
    path("alumni/openings/<int:opening_id>/apply/", views.alumni_opening_apply, name="alumni_opening_apply"),
    path("alumni/referrals/<int:referral_id>/cv/", views.alumni_referral_cv, name="alumni_referral_cv"),
    path("alumni/directory/<int:profile_id>/photo/", views.alumni_photo, name="alumni_photo"),
    path("alumni/card/photo/", views.alumni_card_photo, name="alumni_card_photo"),
    path("alumni/sharing/", views.alumni_sharing, name="alumni_sharing"),
    path("alumni/sharing/consent/", views.alumni_sharing_consent, name="alumni_sharing_consent"),
    # HR
    path("alumni-network/openings/new/", views.opening_new, name="opening_new"),
    path("alumni-network/openings/<int:opening_id>/edit/", views.opening_edit, name="opening_edit"),
    path("alumni-network/openings/<int:opening_id>/close/", views.opening_close, name="opening_close"),
    path("alumni-network/dashboard/", views.network_dashboard, name="dashboard"),
]
