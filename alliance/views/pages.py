"""The core's pages: health, home, dashboard, members, invitations, profile, organization settings,
API tokens, notifications, sign-in refusals, Django's error handlers and `make run`'s outbox."""

from __future__ import annotations

import copy
import re
import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from alliance import services, versions
from alliance.decorators import admin_required, hr_required
from alliance.errors import ApplicationError
from alliance.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    MembershipForm,
    OrganizationForm,
    ProfileForm,
    TwoFactorRequirementForm,
    apply_application_error,
)
from alliance.http import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, OrgRequest, api_error, client_ip
from alliance.models import Membership, NotificationPreference
from alliance.notifications import (
    get_notification_for_member,
    kind_labels,
    notification_list,
    notification_mark_read,
    notifications_mark_all_read,
    preferences_of,
    preferences_set,
    required_kinds,
)
from alliance.outbox import (
    get_undelivered_email_for_member,
    mail_transport_health,
    outbound_email_retry,
    outbound_emails_retry_all,
    undelivered_email_list,
)
from alliance.pagination import CappedPaginator, query_without_page
from alliance.people import load_contact_consents
from alliance.ratelimits import password_reset_wait, wait_in_words
from alliance.registry import dashboard_panels
from alliance.scim.pages import scim_settings_context
from alliance.selectors import (
    api_token_list,
    direct_reports_of,
    get_api_token_for_member,
    get_invitation_for_member,
    get_membership_for_member,
    invitation_list,
    landing_url,
    managers_for_org,
    member_list,
    membership_history,
    open_invitation_exists,
    organizations_of_user,
    team_names,
    two_factor_enabled,
    two_factor_resets,
    two_factor_roles,
)
from alliance.signin import second_factor_confirmation
from alliance.webhooks.views import chat_forms

MEMBERS_PER_PAGE = 25


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and mail server reachability, for load balancers and `docker compose`."""
    from alliance.celery import app as celery_app

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            # One quick retry: a probe wants its answer in well under its own timeout.
            conn.ensure_connection(max_retries=1, interval_start=0.25, timeout=2)
        checks["broker"] = "ok"
    except Exception as error:  # noqa: BLE001
        checks["broker"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    # Reported, not required: with the mail server away the app still serves, and e-mail waits in the
    # outbox. "degraded" (200) tells monitoring without taking a working web process out of rotation.
    checks["mail"] = mail_transport_health()
    status = "unavailable" if not healthy else "ok" if checks["mail"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = [m for m in organizations_of_user(request.user) if landing_url(m)]
    if len(memberships) == 1:
        return redirect(landing_url(memberships[0]))
    return render(request, "alliance/home.html", {"memberships": memberships})


@require_GET
def dashboard(request: OrgRequest, org_slug: str) -> HttpResponse:
    reports = list(direct_reports_of(request.member).select_related("user"))
    request.direct_reports = reports  # panels reuse it instead of asking again
    panels = []
    for panel in dashboard_panels():
        panel_context = panel.context(request)
        if panel_context is not None:
            panels.append(render_to_string(panel.template, panel_context, request=request))
    return render(request, "alliance/dashboard.html", {"reports": reports, "panels": panels})


@require_GET
@hr_required
def member_list_view(request: OrgRequest, org_slug: str) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    if role not in Membership.Role.values:
        role = ""
    status = request.GET.get("status", Membership.Status.ACTIVE)
    if status not in Membership.Status.values and status != "all":
        status = Membership.Status.ACTIVE
    team = request.GET.get("team", "")[:100]
    members = member_list(
        member=request.member, search=search, role=role, team=team, status="" if status == "all" else status
    )
    page = CappedPaginator(members, MEMBERS_PER_PAGE, exact=request.GET.get("count") == "exact").get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)
    load_contact_consents(request.member, page.object_list)  # the page's addresses without a query per row
    context = {
        "page": page,
        "query": query_without_page(request),
        "search": search,
        "role": role,
        "team": team,
        "status": status,
        "teams": team_names(organization_id=request.org.pk),
        "roles": Membership.Role.choices,
    }
    template = "alliance/members.html#rows" if request.htmx else "alliance/members.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@hr_required
def member_edit(request: OrgRequest, org_slug: str, membership_id: int) -> HttpResponse:
    membership = get_membership_for_member(request.member, membership_id)
    managers = managers_for_org(organization_id=request.org.pk).exclude(pk=membership.pk)
    form = versions.track(MembershipForm(request.POST or None, initial=_membership_values(membership),
                                         managers=managers), membership, read=_membership_values)
    if request.method == "POST" and form.is_valid():
        try:
            versions.save_tracked(form, lambda: services.membership_update(membership=membership, by=request.member,
                                                                           **form.cleaned_data))
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Saved {membership.user.full_name}.")
            return redirect("member_list", org_slug=org_slug)
    history = membership_history(membership=membership)
    context = {"form": form, "subject": membership, "history": history,
               "awaiting_sign_in": services.awaiting_first_sign_in(membership),
               "two_factor": request.member.is_admin and two_factor_enabled(membership.user),
               "two_factor_resets": two_factor_resets(membership=membership)[:5] if request.member.is_admin else ()}
    return render(request, "alliance/member_edit.html", context,
                  status=versions.StaleEdit.status_code if form.conflict else 200)


def _membership_values(membership: Membership) -> dict:
    return {"role": membership.role, "title": membership.title, "team": membership.team,
            "manager": membership.manager_id, "employment_started_on": membership.employment_started_on}


@require_http_methods(["GET", "POST"])
@hr_required
def invitation_list_view(request: OrgRequest, org_slug: str) -> HttpResponse:
    managers = managers_for_org(organization_id=request.org.pk)
    form = InvitationForm(request.POST or None, managers=managers)
    if request.method == "POST" and form.is_valid():
        had_open = open_invitation_exists(organization_id=request.org.pk, email=form.cleaned_data["email"])
        try:
            invitation, _link = services.invitation_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            if had_open:
                messages.success(request, f"A new invitation was sent to {invitation.email}; the link sent "
                                          "earlier no longer works.")
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("invitation_list", org_slug=org_slug)
    invitations = invitation_list(organization_id=request.org.pk)[:100]
    status = 400 if request.method == "POST" else 200
    return render(request, "alliance/invitations.html", {"form": form, "invitations": invitations}, status=status)


@require_POST
@hr_required
def invitation_revoke(request: OrgRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    invitation = get_invitation_for_member(request.member, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("invitation_list", org_slug=org_slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_lookup(token)
    if invitation is None:
        return render(request, "alliance/invitation_invalid.html", status=404)
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None, email=invitation.email)
    error_message = ""
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=request.user if signed_in else None,
                full_name="" if signed_in else form.cleaned_data["full_name"],
                password="" if signed_in else form.cleaned_data["password1"],
            )
        except ApplicationError as error:
            if form is not None:
                apply_application_error(form, error)
            else:
                error_message = error.message
        else:
            if not signed_in:
                login(request, membership.user, backend="alliance.backends.EmailOrAliasBackend")
            messages.success(request, f"Welcome to {invitation.organization.name}.")
            return redirect("dashboard", org_slug=invitation.organization.slug)
    return render(
        request,
        "alliance/invitation_accept.html",
        {"invitation": invitation, "form": form, "error_message": error_message},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def profile(request: OrgRequest, org_slug: str) -> HttpResponse:
    member = request.member
    initial = {"full_name": member.user.full_name, "time_zone": member.user.time_zone,
               "aspirations": member.aspirations, "values": member.values}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(membership=member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile", org_slug=org_slug)
    return render(request, "alliance/profile.html", {"form": form, "two_factor": two_factor_enabled(member.user)})


@require_http_methods(["GET", "POST"])
@admin_required
def organization_settings(request: OrgRequest, org_slug: str) -> HttpResponse:
    organization = request.org
    # A ModelForm writes what it validates into its instance: give it a copy, so the
    # service still sees what changed and stays the one place that saves.
    form = OrganizationForm(request.POST or None, instance=copy.copy(organization))
    versions.track(form, organization, read=lambda row: model_to_dict(row, fields=OrganizationForm._meta.fields))
    if request.method == "POST" and form.is_valid():
        try:
            versions.save_tracked(form, lambda: services.organization_update(
                organization=organization, by=request.member, data=form.cleaned_data))
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Organization settings saved.")
            return redirect("organization_settings", org_slug=org_slug)
    if request.method == "POST":
        organization.refresh_from_db()
    two_factor_form = TwoFactorRequirementForm(initial={"roles": two_factor_roles(organization_id=organization.pk)})
    return render(request, "alliance/settings.html",
                  {"form": form, "two_factor_form": two_factor_form, **scim_settings_context(request)},
                  status=versions.StaleEdit.status_code if form.conflict else 200)


@require_http_methods(["GET", "POST"])
@second_factor_confirmation
def api_tokens(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _api_token, new_token = services.api_token_create(by=request.member, name=form.cleaned_data["name"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            form = ApiTokenForm()
    tokens = api_token_list(member=request.member)
    api_base = request.build_absolute_uri(reverse("api_me"))
    return render(
        request, "alliance/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "api_base": api_base},
    )


@require_POST
def api_token_revoke(request: OrgRequest, org_slug: str, token_id: int) -> HttpResponse:
    api_token = get_api_token_for_member(request.member, token_id)
    try:
        services.api_token_revoke(api_token=api_token, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Token “{api_token.name}” revoked.")
    return redirect("api_tokens", org_slug=org_slug)


UNDELIVERED_PER_PAGE = 100


@admin_required
@require_GET
def undelivered_email(request: OrgRequest, org_slug: str) -> HttpResponse:
    """E-mail the outbox gave up on: to whom, what, why; each can be sent again, or all at once."""
    emails = undelivered_email_list(member=request.member)
    labels = kind_labels()
    rows = list(emails.values("id", "kind", "to", "subject", "last_error", "attempts", "created_at",
                              "updated_at")[:UNDELIVERED_PER_PAGE])
    for row in rows:
        row["kind_label"] = labels.get(row["kind"]) or row["kind"].replace("_", " ").capitalize() or "E-mail"
    total = len(rows) if len(rows) < UNDELIVERED_PER_PAGE else emails.count()
    return render(request, "alliance/undelivered_email.html", {"rows": rows, "total": total})


@admin_required
@require_POST
def undelivered_email_retry(request: OrgRequest, org_slug: str, outbound_email_id: int) -> HttpResponse:
    email = get_undelivered_email_for_member(request.member, outbound_email_id)
    try:
        outbound_email_retry(email=email, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The e-mail to {email.recipients} is on its way again.")
    return redirect("undelivered_email", org_slug=org_slug)


@admin_required
@require_POST
def undelivered_email_retry_all(request: OrgRequest, org_slug: str) -> HttpResponse:
    count = outbound_emails_retry_all(by=request.member)
    if count == 0:
        messages.info(request, "Nothing to send again.")
    else:
        messages.success(request, "1 e-mail is on its way again." if count == 1
                         else f"{count} e-mails are on their way again.")
    return redirect("undelivered_email", org_slug=org_slug)


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in from a locked-out account or address."""
    from django.conf import settings

    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": (credentials or {}).get("username", "") or request.POST.get("username", ""),
        "wait": wait_in_words(settings.AXES_COOLOFF_TIME),
    }
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, rate-limited per address and per e-mail address: past the limit
    the form says how long to wait (429) and no e-mail is sent."""

    def form_valid(self, form):
        wait = password_reset_wait(self.request, form.cleaned_data["email"])
        if wait is not None:
            form.add_error(None, f"Too many password reset requests. Try again in {wait_in_words(wait)}.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


# Django's error handlers (alliance/urls.py): JSON in the API's error shape under /api/, the app's own
# pages elsewhere. alliance.middleware.ErrorResponseMiddleware also answers with them under DEBUG.


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: one from an unreachable database is a 503.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if request.path.startswith("/api/"):
        return api_error(500)
    return render(request, "500.html", status=500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The database is out of reach: the API's JSON 503, or the 503 page rendered from the template
    alone (the request's context processors would ask the database who is signed in)."""
    if request.path.startswith("/api/"):
        response = api_error(503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@require_GET
def notification_list_view(request: OrgRequest, org_slug: str) -> HttpResponse:
    show = request.GET.get("show", "all")
    notifications = notification_list(member=request.member, unread_only=show == "unread")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query_without_page(request),
        "show": show,
        "kinds": kind_labels(),
        "preferences": preferences_of(member=request.member),
        "channels": NotificationPreference.Channel.choices,
        "required": required_kinds(),
        "chat": chat_forms(request.member),
    }
    template = "alliance/notifications.html#list" if request.htmx else "alliance/notifications.html"
    return render(request, template, context)


@require_POST
def notification_read(request: OrgRequest, org_slug: str, notification_id: int) -> HttpResponse:
    notification = notification_mark_read(
        notification=get_notification_for_member(request.member, notification_id)
    )
    if request.htmx:
        response = render(request, "alliance/notifications.html#item", {"n": notification})
        return trigger_client_event(response, "notifications-changed")
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notification_list", org_slug=org_slug)


@require_POST
def notification_read_all(request: OrgRequest, org_slug: str) -> HttpResponse:
    count = notifications_mark_all_read(member=request.member)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notification_list", org_slug=org_slug)


@require_GET
def notification_bell(request: OrgRequest, org_slug: str) -> HttpResponse:
    return render(request, "alliance/_bell.html")


@require_POST
def notification_preferences(request: OrgRequest, org_slug: str) -> HttpResponse:
    choices = {kind: request.POST.get(kind, "") for kind in kind_labels() if kind in request.POST}
    try:
        preferences_set(member=request.member, choices=choices)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Notification preferences saved.")
    return redirect("notification_list", org_slug=org_slug)


# --- `make run`'s outbox ----------------------------------------------------------------------------
# alliance/settings/local.py sends e-mail to files (Django's file-based backend, EMAIL_FILE_PATH) and
# sets DEV_OUTBOX, which adds these two routes (alliance/urls.py); no other settings have them.

OUTBOX_SHOWN = 200
# Django's file-based backend writes each message followed by this line.
OUTBOX_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
OUTBOX_FILE_NAME = re.compile(r"[\w.-]+\.log")
LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1"})


def from_this_machine(view):
    """Only for a browser on the developer's machine; anyone else finds nothing here."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if client_ip(request) not in LOOPBACK_ADDRESSES:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


def _outbox_messages(path: Path) -> list[EmailMessage]:
    """The messages of one file (one connection may have sent several)."""
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(part) for part in path.read_bytes().split(OUTBOX_SEPARATOR) if part.strip()]


def _outbox_files() -> list[Path]:
    directory = Path(settings.EMAIL_FILE_PATH)
    if not directory.is_dir():
        return []
    dated = []
    for path in directory.glob("*.log"):
        try:
            dated.append((path.stat().st_mtime, path.name, path))
        except FileNotFoundError:  # removed meanwhile
            continue
    return [path for _mtime, _name, path in sorted(dated, reverse=True)[:OUTBOX_SHOWN]]


def _readable_parts(message: EmailMessage) -> list[dict[str, str]]:
    """Every text part as text (the body, a calendar invitation), the HTML alternative left out."""
    parts = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text" or part.get_content_subtype() == "html":
            continue
        parts.append({"type": part.get_content_type(), "filename": part.get_filename() or "",
                      "text": part.get_content()})
    return parts


@require_GET
@from_this_machine
def dev_outbox(request: HttpRequest) -> HttpResponse:
    entries = [
        {"name": path.name, "subject": message["subject"] or "", "to": message["to"] or "",
         "date": message["date"] or ""}
        for path in _outbox_files()
        for message in _outbox_messages(path)
    ]
    return render(request, "alliance/dev_outbox.html", {"entries": entries, "directory": settings.EMAIL_FILE_PATH})


@require_GET
@from_this_machine
def dev_outbox_message(request: HttpRequest, name: str) -> HttpResponse:
    path = Path(settings.EMAIL_FILE_PATH) / name
    if not OUTBOX_FILE_NAME.fullmatch(name) or not path.is_file():
        raise Http404("No such message.")
    shown = [
        {"headers": [(header, message[header]) for header in ("From", "To", "Subject", "Date") if message[header]],
         "parts": _readable_parts(message)}
        for message in _outbox_messages(path)
    ]
    return render(request, "alliance/dev_outbox_message.html", {"name": name, "messages_shown": shown})
