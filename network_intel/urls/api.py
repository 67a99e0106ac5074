"""REST API routes, mounted under ``/api/v1/``."""

from __future__ import annotations

from django.urls import path

from network_intel import apis

urlpatterns = [
    path("companies/", apis.CompanyListApi.as_view(), name="api_company_list"),
    path("companies/<int:pk>/", apis.CompanyDetailApi.as_view(), name="api_company_detail"),
    path("companies/<int:pk>/merge/", apis.CompanyMergeApi.as_view(), name="api_company_merge"),
    path("contacts/", apis.ContactListApi.as_view(), name="api_contact_list"),
    path("contacts/<int:pk>/", apis.ContactDetailApi.as_view(), name="api_contact_detail"),
    path("intel-notes/", apis.IntelNoteListApi.as_view(), name="api_intel_note_list"),
    path("intel-notes/most-useful/", apis.MostUsefulApi.as_view(), name="api_intel_most_useful"),
    path("intel-notes/<int:pk>/", apis.IntelNoteDetailApi.as_view(), name="api_intel_note_detail"),
    path("intel-notes/<int:pk>/useful/", apis.IntelNoteUsefulApi.as_view(), name="api_intel_note_useful"),
    path("intel-tags/", apis.TagListApi.as_view(), name="api_intel_tag_list"),
    path("who-knows/", apis.WhoKnowsApi.as_view(), name="api_who_knows"),
    path("introductions/", apis.IntroductionListApi.as_view(), name="api_introduction_list"),
    path("introductions/<int:pk>/accept/", apis.IntroductionAcceptApi.as_view(), name="api_introduction_accept"),
    path("introductions/<int:pk>/decline/", apis.IntroductionDeclineApi.as_view(), name="api_introduction_decline"),
    path("fund/policy/", apis.FundPolicyApi.as_view(), name="api_fund_policy"),
    path("fund/balance/", apis.BalanceApi.as_view(), name="api_fund_balance"),
    path("expenses/", apis.ExpenseListApi.as_view(), name="api_expense_list"),
    path("expenses/<int:pk>/", apis.ExpenseDetailApi.as_view(), name="api_expense_detail"),
    path("expenses/<int:pk>/submit/", apis.ExpenseSubmitApi.as_view(), name="api_expense_submit"),
    path("expenses/<int:pk>/approve/", apis.ExpenseApproveApi.as_view(), name="api_expense_approve"),
    path("expenses/<int:pk>/refuse/", apis.ExpenseRefuseApi.as_view(), name="api_expense_refuse"),
    path("expenses/<int:pk>/withdraw/", apis.ExpenseWithdrawApi.as_view(), name="api_expense_withdraw"),
    path("expenses/<int:pk>/note/", apis.ExpenseLinkNoteApi.as_view(), name="api_expense_note"),
    path("expenses/<int:pk>/reimburse/", apis.ExpenseReimburseApi.as_view(), name="api_expense_reimburse"),
    path("expenses/<int:pk>/receipts/", apis.ReceiptListApi.as_view(), name="api_receipt_list"),
    path("expenses/<int:pk>/receipts/<int:receipt_id>/", apis.ReceiptFileApi.as_view(),
         name="api_receipt_file"),
]
