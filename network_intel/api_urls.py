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
]
