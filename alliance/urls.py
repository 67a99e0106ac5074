from __future__ import annotations

from allauth.account import views as allauth_account_views
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from alliance import apis, signin, views, webhook_apis
from alliance.history import apis as history_apis
from alliance.history import views as history_views
from alliance.registry import app_urls
from alliance.scim import pages as scim_pages
from alliance.views import health as health_views
from alliance.views import imports as import_views
from alliance.views import jobs as job_views
from alliance.views import notifications as notification_views
from alliance.views import pickers as picker_views
from alliance.views import signin as signin_views
from alliance.webhooks import views as webhook_views

handler400 = "alliance.views.bad_request"
handler403 = "alliance.views.permission_denied"
handler404 = "alliance.views.page_not_found"
handler500 = "alliance.views.server_error"

org_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("members/", views.member_list_view, name="member_list"),
    path("members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path("members/<int:membership_id>/leadership/", health_views.member_leadership, name="member_leadership"),
    path("members/<int:membership_id>/invite/", import_views.member_invite, name="member_invite"),
    path("members/export.<str:fmt>", import_views.member_export, name="member_export"),
    path("members/import/", import_views.people_import_upload, name="people_import"),
    path("jobs/<int:job_id>/", job_views.background_job, name="background_job"),
    path("jobs/<int:job_id>/download/", job_views.background_job_download, name="background_job_download"),
    path("members/import/template.<str:fmt>", import_views.people_import_template, name="people_import_template"),
    path("members/import/<int:import_id>/", import_views.people_import_detail, name="people_import_detail"),
    path("members/import/<int:import_id>/apply/", import_views.people_import_apply_view, name="people_import_apply"),
    path("members/import/<int:import_id>/invite/", import_views.people_import_invite_view,
         name="people_import_invite"),
    path("invitations/", views.invitation_list_view, name="invitation_list"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("profile/", views.profile, name="profile"),
    path("settings/", views.organization_settings, name="organization_settings"),
    path("settings/scim-tokens/", scim_pages.scim_token_create_view, name="scim_token_create"),
    path("settings/scim-tokens/<int:token_id>/revoke/", scim_pages.scim_token_revoke_view, name="scim_token_revoke"),
    path("settings/two-factor/", signin_views.two_factor_requirement, name="two_factor_requirement"),
    path("members/<int:membership_id>/two-factor/reset/", signin_views.two_factor_reset, name="two_factor_reset"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("notifications/", views.notification_list_view, name="notification_list"),
    path("notifications/bell/", views.notification_bell, name="notification_bell"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("notifications/chat/<slug:channel>/", webhook_views.chat_connection, name="chat_connection"),
    path("notifications/chat/<slug:channel>/disconnect/", webhook_views.chat_connection_remove,
         name="chat_connection_remove"),
    path("notifications/chat/<slug:channel>/test/", webhook_views.chat_connection_test, name="chat_connection_test"),
    path("pick/people/<str:picker>/", picker_views.people_search, name="people_search"),
    path("alliance/", health_views.organization_health, name="alliance_health"),
    path("alliance/<slug:key>.csv", health_views.organization_health_csv, name="alliance_health_csv"),
    path("team/alliance/", health_views.team_health, name="team_alliance_health"),
    path("team/alliance/<slug:key>.csv", health_views.team_health_csv, name="team_alliance_health_csv"),
    path("undelivered-email/", views.undelivered_email, name="undelivered_email"),
    path("history/", history_views.history_log, name="history_log"),
    path("history/export.csv", history_views.history_export, name="history_export"),
    path("history/<slug:record_type>/<int:record_id>/", history_views.history_record, name="history_record"),
    path("undelivered-email/retry-all/", views.undelivered_email_retry_all, name="undelivered_email_retry_all"),
    path("undelivered-email/<int:outbound_email_id>/retry/", views.undelivered_email_retry,
         name="undelivered_email_retry"),
    path("settings/webhooks/", webhook_views.webhook_endpoints, name="webhook_endpoints"),
    path("settings/webhooks/<int:endpoint_id>/", webhook_views.webhook_endpoint, name="webhook_endpoint"),
    path("settings/webhooks/<int:endpoint_id>/enable/", webhook_views.webhook_endpoint_enable,
         name="webhook_endpoint_enable"),
    path("settings/webhooks/<int:endpoint_id>/rotate/", webhook_views.webhook_endpoint_rotate,
         name="webhook_endpoint_rotate"),
    path("settings/webhooks/<int:endpoint_id>/test/", webhook_views.webhook_endpoint_test,
         name="webhook_endpoint_test"),
    path("settings/webhooks/<int:endpoint_id>/delete/", webhook_views.webhook_endpoint_delete,
         name="webhook_endpoint_delete"),
    path("settings/webhooks/deliveries/<int:delivery_id>/redeliver/", webhook_views.webhook_delivery_redeliver,
         name="webhook_delivery_redeliver"),
    # Each installed app registers its own routes (alliance.registry.register_urls).
    *[path("", include(urls.org)) for urls in app_urls() if urls.org],
]

api_patterns = [
    path("me/", apis.MeApi.as_view(), name="api_me"),
    path("members/", apis.MemberListApi.as_view(), name="api_member_list"),
    path("members/<int:pk>/", apis.MemberDetailApi.as_view(), name="api_member_detail"),
    path("history/", history_apis.HistoryListApi.as_view(), name="api_history"),
    path("imports/people/", apis.PeopleImportCreateApi.as_view(), name="api_people_import_create"),
    path("imports/<int:pk>/", apis.PeopleImportDetailApi.as_view(), name="api_people_import_detail"),
    path("imports/<int:pk>/apply/", apis.PeopleImportApplyApi.as_view(), name="api_people_import_apply"),
    path("alliance-health/", apis.AllianceHealthApi.as_view(), name="api_alliance_health"),
    path("webhook-endpoints/", webhook_apis.WebhookEndpointListApi.as_view(), name="api_webhook_endpoint_list"),
    path("webhook-endpoints/<int:pk>/", webhook_apis.WebhookEndpointDetailApi.as_view(),
         name="api_webhook_endpoint_detail"),
    path("webhook-endpoints/<int:pk>/rotate-secret/", webhook_apis.WebhookSecretRotateApi.as_view(),
         name="api_webhook_endpoint_rotate"),
    path("webhook-endpoints/<int:pk>/test/", webhook_apis.WebhookEndpointTestApi.as_view(),
         name="api_webhook_endpoint_test"),
    path("webhook-endpoints/<int:pk>/deliveries/", webhook_apis.WebhookDeliveryListApi.as_view(),
         name="api_webhook_delivery_list"),
    path("webhook-deliveries/<int:delivery_id>/redeliver/", webhook_apis.WebhookDeliveryRedeliverApi.as_view(),
         name="api_webhook_delivery_redeliver"),
    *[path("", include(urls.api)) for urls in app_urls() if urls.api],
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="api_schema"),
    path(
        "docs/",
        # The split view serves its start-up script as a file (?script), not inline: CSP allows it.
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", authentication_classes=[], permission_classes=[]),
        name="api_docs",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The names allauth's pages and flows use for the same two pages.
    path("accounts/login/", signin.SignInView.as_view(), name="account_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    # Confirming one's password before a sensitive change (allauth asks before turning on a second factor).
    path("accounts/reauthenticate/", allauth_account_views.reauthenticate, name="account_reauthenticate"),
    # The second factor (allauth.mfa): its sign-in step, turning it on and off, recovery codes.
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("email/unsubscribe/<str:token>/", notification_views.email_unsubscribe, name="email_unsubscribe"),
    *[path(prefix, include(module)) for urls in app_urls() for prefix, module in urls.root.items()],
    path("o/<slug:org_slug>/", include(org_patterns)),
    path("api/v1/", include(api_patterns)),
    path("scim/v2/", include("alliance.scim.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEV_OUTBOX:  # `make run` only (alliance/settings/local.py): the e-mails the app sent
    urlpatterns += [
        path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
        path("dev/outbox/<str:name>/", views.dev_outbox_message, name="dev_outbox_message"),
    ]
