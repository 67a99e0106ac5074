"""Browser routes, mounted under ``/o/<org_slug>/``. Names starting ``alumni_`` are open to alumni."""

from __future__ import annotations

from django.urls import path

from alumni import views

app_name = "alumni"

urlpatterns = [
    path("exits/", views.exit_board, name="exits"),
    path("exits/new/", views.exit_start, name="exit_start"),
    path("exits/<int:process_id>/", views.exit_detail, name="exit_detail"),
    path("exits/<int:process_id>/classify/", views.exit_classify, name="exit_classify"),
    path("exits/<int:process_id>/cancel/", views.exit_cancel, name="exit_cancel"),
    path("exits/<int:process_id>/interview/", views.exit_interview_schedule, name="exit_interview"),
    path("exits/<int:process_id>/answers/", views.exit_answers, name="exit_answers"),
    path("exits/<int:process_id>/leaver-link/", views.exit_leaver_link, name="exit_leaver_link"),
    path("exit-templates/", views.templates, name="templates"),
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
    path("alumni-network/", views.network, name="network"),
    path("alumni-network/referrals/<int:referral_id>/status/", views.referral_status, name="referral_status"),
    path("alumni-network/referrals/<int:referral_id>/paid/", views.referral_paid, name="referral_paid"),
    path("alumni-network/leads/<int:lead_id>/status/", views.lead_status, name="lead_status"),
    path("alumni-network/leads/<int:lead_id>/owner/", views.lead_owner, name="lead_owner"),
    path("alumni-network/leads/<int:lead_id>/paid/", views.lead_paid, name="lead_paid"),
    path("alumni-network/boomerangs/", views.boomerangs, name="boomerangs"),
    path("alumni-network/boomerangs/rehire/<int:membership_id>/", views.boomerang_rehire, name="boomerang_rehire"),
    path("alumni-network/boomerangs/<int:boomerang_id>/decline/", views.boomerang_decline,
         name="boomerang_decline"),
]

# Job openings, CV and photo files, alumni sharing, the dashboard.
from alumni.reach_urls import urlpatterns as reach_urlpatterns  # noqa: E402

urlpatterns += reach_urlpatterns
