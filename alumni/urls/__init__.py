"""Browser routes, mounted under ``/o/<org_slug>/``. Names starting ``alumni_`` are open to alumni. The
package's other modules hold the routes mounted elsewhere (``api``: ``/api/v1/``; ``root``: e-mail links)."""

from __future__ import annotations

from django.urls import path

from alumni import views
from alumni.views import imports as import_views

app_name = "alumni"

urlpatterns = [
    path("alumni-import/", import_views.alumni_import_upload, name="import"),
    path("alumni-import/template.<str:fmt>", import_views.alumni_import_template, name="import_template"),
    path("alumni-import/export.<str:fmt>", import_views.alumni_export, name="export"),
    path("alumni-import/<int:import_id>/", import_views.alumni_import_detail, name="import_detail"),
    path("alumni-import/<int:import_id>/apply/", import_views.alumni_import_apply_view, name="import_apply"),
    path("alumni-import/<int:import_id>/invite/", import_views.alumni_import_invite_view, name="import_invite"),
    path("exits/", views.exit_board, name="exits"),
    path("exits/new/", views.exit_start, name="exit_start"),
    path("exits/<int:process_id>/", views.exit_detail, name="exit_detail"),
    path("exits/<int:process_id>/classify/", views.exit_classify, name="exit_classify"),
    path("exits/<int:process_id>/cancel/", views.exit_cancel, name="exit_cancel"),
    path("exits/<int:process_id>/interview/", views.exit_interview_schedule, name="exit_interview"),
    path("exits/<int:process_id>/answers/", views.exit_answers, name="exit_answers"),
    path("exits/<int:process_id>/leaver-link/", views.exit_leaver_link, name="exit_leaver_link"),
    path("exit-templates/", views.exit_templates, name="templates"),
    path("exit-templates/tasks/<int:template_task_id>/remove/", views.template_task_remove,
         name="template_task_remove"),
    path("exit-questions/", views.question_sets, name="question_sets"),
    path("exit-questions/<int:question_set_id>/add/", views.question_add, name="question_add"),
    path("exit-questions/questions/<int:question_id>/remove/", views.question_remove, name="question_remove"),
    path("exit-tasks/", views.todo, name="todo"),
    path("exit-tasks/<int:task_id>/complete/", views.task_complete, name="task_complete"),
    path("my-exit/", views.my_exit, name="my_exit"),
    path("my-exit/step/", views.my_step, name="my_step"),
    path("my-exit/step/resend/", views.my_verify_resend, name="my_verify_resend"),
    path("my-exit/answers/", views.my_answers, name="my_answers"),
    path("alumni/", views.alumni_home, name="alumni_home"),
    path("alumni/directory/", views.alumni_directory, name="alumni_directory"),
    path("alumni/directory.csv", views.alumni_directory_csv, name="alumni_directory_csv"),
    path("alumni/card/", views.alumni_card, name="alumni_card"),
    path("alumni/referrals/", views.alumni_referrals, name="alumni_referrals"),
    path("alumni/referrals/new/", views.alumni_referral_new, name="alumni_referral_new"),
    path("alumni/leads/", views.alumni_leads, name="alumni_leads"),
    path("alumni/leads/new/", views.alumni_lead_new, name="alumni_lead_new"),
    path("alumni/come-back/", views.alumni_come_back, name="alumni_come_back"),
    # Data rights, at every investment level, for members and alumni alike (erasure: alumni).
    path("my-data/", views.alumni_my_data, name="alumni_my_data"),
    path("my-data/download/", views.alumni_my_data_download, name="alumni_my_data_download"),
    path("my-data/erase/", views.alumni_my_data_erase, name="alumni_my_data_erase"),
    # HR (and a lead's owner): moving referrals and leads along, bonuses, rehires, the settings.
    path("alumni-network/", views.network_settings_page, name="network"),
    path("alumni-network/referrals/<int:referral_id>/status/", views.referral_status, name="referral_status"),
    path("alumni-network/referrals/<int:referral_id>/paid/", views.referral_paid, name="referral_paid"),
    path("alumni-network/leads/<int:lead_id>/status/", views.lead_status, name="lead_status"),
    path("alumni-network/leads/<int:lead_id>/owner/", views.lead_owner, name="lead_owner"),
    path("alumni-network/leads/<int:lead_id>/paid/", views.lead_paid, name="lead_paid"),
    path("alumni-network/boomerangs/", views.boomerang_board, name="boomerangs"),
    path("alumni-network/boomerangs/rehire/<int:membership_id>/", views.boomerang_rehire, name="boomerang_rehire"),
    path("alumni-network/boomerangs/<int:boomerang_id>/decline/", views.boomerang_decline,
         name="boomerang_decline"),
    # News (support), benefits and events (invest): read and answered by alumni and employees, kept by HR.
    path("alumni/news/", views.alumni_news, name="alumni_news"),
    path("alumni/news/<int:post_id>/", views.alumni_news_post, name="alumni_news_post"),
    path("alumni/benefits/", views.alumni_benefits, name="alumni_benefits"),
    path("alumni/events/", views.alumni_events, name="alumni_events"),
    path("alumni/events/<int:event_id>/", views.alumni_event, name="alumni_event"),
    path("alumni/events/<int:event_id>/rsvp/", views.alumni_event_rsvp, name="alumni_event_rsvp"),
    path("alumni/events/<int:event_id>/cancel-rsvp/", views.alumni_event_cancel_rsvp,
         name="alumni_event_cancel_rsvp"),
    path("alumni/events/<int:event_id>/invite.ics", views.alumni_event_ics, name="alumni_event_ics"),
    path("alumni-network/news/", views.news_manage, name="news_manage"),
    path("alumni-network/newsletter/", views.newsletter_settings, name="newsletter_settings"),
    path("alumni-network/news/<int:post_id>/", views.news_edit, name="news_edit"),
    path("alumni-network/news/<int:post_id>/delete/", views.news_delete, name="news_delete"),
    path("alumni-network/benefits/", views.benefits_manage, name="benefits_manage"),
    path("alumni-network/benefits/<int:benefit_id>/", views.benefit_edit, name="benefit_edit"),
    path("alumni-network/benefits/<int:benefit_id>/delete/", views.benefit_delete, name="benefit_delete"),
    path("alumni-network/events/", views.events_manage, name="events_manage"),
    path("alumni-network/events/<int:event_id>/", views.event_edit, name="event_edit"),
    path("alumni-network/events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    # Job openings, CV and photo files, alumni sharing (open to alumni), the dashboard.
    path("alumni/openings/", views.alumni_openings, name="alumni_openings"),
    path("alumni/openings/<int:opening_id>/", views.alumni_opening, name="alumni_opening"),
    path("alumni/openings/<int:opening_id>/refer/", views.alumni_opening_refer, name="alumni_opening_refer"),
    path("alumni/openings/<int:opening_id>/apply/", views.alumni_opening_apply, name="alumni_opening_apply"),
    path("alumni/referrals/<int:referral_id>/cv/", views.alumni_referral_cv, name="alumni_referral_cv"),
    path("alumni/directory/<int:profile_id>/photo/", views.alumni_photo, name="alumni_photo"),
    path("alumni/card/photo/", views.alumni_card_photo, name="alumni_card_photo"),
    path("alumni/sharing/", views.alumni_sharing, name="alumni_sharing"),
    path("alumni/sharing/consent/", views.alumni_sharing_consent, name="alumni_sharing_consent"),
    # HR: job openings and the dashboard.
    path("alumni-network/openings/new/", views.opening_new, name="opening_new"),
    path("alumni-network/openings/<int:opening_id>/edit/", views.opening_edit, name="opening_edit"),
    path("alumni-network/openings/<int:opening_id>/close/", views.opening_close, name="opening_close"),
    path("alumni-network/dashboard/", views.network_dashboard, name="dashboard"),
]
