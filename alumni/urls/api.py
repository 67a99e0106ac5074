"""REST API routes, mounted under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from alumni import apis
from alumni.apis import imports as import_apis

urlpatterns = [
    path("imports/alumni/", import_apis.AlumniImportCreateApi.as_view(), name="api_alumni_import_create"),
    path("imports/alumni/<int:pk>/", import_apis.AlumniImportDetailApi.as_view(), name="api_alumni_import_detail"),
    path("imports/alumni/<int:pk>/apply/", import_apis.AlumniImportApplyApi.as_view(),
         name="api_alumni_import_apply"),
    path("exits/", apis.ExitListApi.as_view(), name="api_exit_list"),
    path("exits/<int:pk>/", apis.ExitDetailApi.as_view(), name="api_exit_detail"),
    path("exits/<int:pk>/cancel/", apis.ExitCancelApi.as_view(), name="api_exit_cancel"),
    path("exit-tasks/", apis.ExitTaskListApi.as_view(), name="api_exit_task_list"),
    path("exit-tasks/<int:pk>/complete/", apis.ExitTaskCompleteApi.as_view(), name="api_exit_task_complete"),
    path("alumni/", apis.AlumniDirectoryListApi.as_view(), name="api_alumni_directory"),
    path("referrals/", apis.ReferralListApi.as_view(), name="api_referral_list"),
    path("referrals/<int:pk>/", apis.ReferralDetailApi.as_view(), name="api_referral_detail"),
    path("referrals/<int:pk>/status/", apis.ReferralStatusApi.as_view(), name="api_referral_status"),
    path("referrals/<int:pk>/bonus-paid/", apis.ReferralBonusPaidApi.as_view(), name="api_referral_bonus_paid"),
    path("leads/", apis.LeadListApi.as_view(), name="api_lead_list"),
    path("leads/<int:pk>/", apis.LeadDetailApi.as_view(), name="api_lead_detail"),
    path("leads/<int:pk>/status/", apis.LeadStatusApi.as_view(), name="api_lead_status"),
    path("leads/<int:pk>/owner/", apis.LeadOwnerApi.as_view(), name="api_lead_owner"),
    path("leads/<int:pk>/bonus-paid/", apis.LeadBonusPaidApi.as_view(), name="api_lead_bonus_paid"),
    path("boomerangs/", apis.BoomerangListApi.as_view(), name="api_boomerang_list"),
    path("boomerangs/rate/", apis.BoomerangRateApi.as_view(), name="api_boomerang_rate"),
    path("boomerangs/<int:pk>/", apis.BoomerangDetailApi.as_view(), name="api_boomerang_detail"),
    path("boomerangs/<int:pk>/decline/", apis.BoomerangDeclineApi.as_view(), name="api_boomerang_decline"),
    path("alumni-news/", apis.NewsListApi.as_view(), name="api_alumni_news_list"),
    path("alumni-news/<int:pk>/", apis.NewsDetailApi.as_view(), name="api_alumni_news_detail"),
    path("benefits/", apis.BenefitListApi.as_view(), name="api_benefit_list"),
    path("benefits/<int:pk>/", apis.BenefitDetailApi.as_view(), name="api_benefit_detail"),
    path("events/", apis.EventListApi.as_view(), name="api_event_list"),
    path("events/<int:pk>/", apis.EventDetailApi.as_view(), name="api_event_detail"),
    path("events/<int:pk>/rsvp/", apis.EventRsvpApi.as_view(), name="api_event_rsvp"),
    path("events/<int:pk>/cancel-rsvp/", apis.EventCancelRsvpApi.as_view(), name="api_event_cancel_rsvp"),
    path("openings/", apis.OpeningListApi.as_view(), name="api_opening_list"),
    path("openings/<int:pk>/", apis.OpeningDetailApi.as_view(), name="api_opening_detail"),
    path("openings/<int:pk>/close/", apis.OpeningCloseApi.as_view(), name="api_opening_close"),
    path("referrals/<int:pk>/cv/", apis.ReferralCvApi.as_view(), name="api_referral_cv"),
]
