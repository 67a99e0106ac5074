"""Browser routes, mounted under ``/o/<org_slug>/``; ``urls.api`` holds the REST API routes (``/api/v1/``)."""

from __future__ import annotations

from django.urls import path

from network_intel import views

app_name = "network_intel"

urlpatterns = [
    path("intel/", views.search, name="search"),
    path("intel/mine/", views.my_notes, name="my_notes"),
    path("intel/export.csv", views.notes_csv, name="notes_csv"),
    path("intel/notes/new/", views.note_new, name="note_new"),
    path("intel/notes/<int:intelnote_id>/", views.note_detail, name="note_detail"),
    path("intel/notes/<int:intelnote_id>/edit/", views.note_edit, name="note_edit"),
    path("intel/notes/<int:intelnote_id>/delete/", views.note_delete, name="note_delete"),
    path("intel/notes/<int:intelnote_id>/restore/", views.note_restore, name="note_restore"),
    path("intel/notes/<int:intelnote_id>/useful/", views.note_useful, name="note_useful"),
    path("intel/companies/", views.companies, name="companies"),
    path("intel/companies/<int:company_id>/", views.company_detail, name="company_detail"),
    path("intel/companies/<int:company_id>/follow/", views.company_follow, name="company_follow"),
    path("intel/companies/<int:company_id>/merge/", views.company_merge, name="company_merge"),
    path("intel/tags/<int:tag_id>/", views.tag_detail, name="tag_detail"),
    path("intel/tags/<int:tag_id>/follow/", views.tag_follow, name="tag_follow"),
    path("intel/tags/<int:tag_id>/official/", views.tag_official, name="tag_official"),
    path("intel/who-knows/", views.who_knows_page, name="who_knows"),
    path("intel/suggest/companies/", views.suggest_companies, name="suggest_companies"),
    path("intel/companies/pick/", views.company_search, name="company_search"),
    path("intel/contacts/pick/", views.contact_search, name="contact_search"),
    path("intel/suggest/tags/", views.suggest_tags, name="suggest_tags"),
    path("intel/contacts/", views.contacts, name="contacts"),
    path("intel/contacts/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("intel/contacts/<int:contact_id>/introduction/", views.introduction_new, name="introduction_new"),
    path("intel/introductions/", views.introductions, name="introductions"),
    path("intel/introductions/<int:introduction_id>/<slug:answer>/", views.introduction_answer,
         name="introduction_answer"),
    path("intel/follows/", views.follows, name="follows"),
    path("intel/vocabulary/", views.vocabulary, name="vocabulary"),
    path("intel/most-useful/", views.most_useful, name="most_useful"),
    path("intel/team-sharing/", views.team_sharing, name="team_sharing"),
    path("fund/", views.fund_home, name="fund_home"),
    path("fund/expenses/<int:expense_id>/", views.expense_detail, name="expense_detail"),
    path("fund/expenses/<int:expense_id>/receipts/", views.expense_receipts, name="expense_receipts"),
    path("fund/expenses/<int:expense_id>/receipts/<int:receipt_id>/", views.receipt_file, name="receipt_file"),
    path("fund/expenses/<int:expense_id>/note/", views.expense_note, name="expense_note"),
    path("fund/expenses/<int:expense_id>/link-note/", views.expense_link_note, name="expense_link_note"),
    path("fund/expenses/<int:expense_id>/restore/", views.expense_restore, name="expense_restore"),
    path("fund/expenses/<int:expense_id>/<slug:action>/", views.expense_action, name="expense_action"),
    path("fund/approvals/", views.fund_approvals, name="fund_approvals"),
    path("fund/settings/", views.fund_settings, name="fund_settings"),
    path("fund/reimbursements/", views.fund_reimbursements, name="fund_reimbursements"),
    path("fund/payroll.csv", views.fund_payroll_csv, name="fund_payroll_csv"),
    path("fund/report/", views.fund_report, name="fund_report"),
]
