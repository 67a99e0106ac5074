"""Signing in: the password form, then allauth's login flow (its second-factor step), the enrolment a role
may require, and the adapters that fit allauth to the project.

The password is checked by Django's ``LoginView`` through the project's backends (the django-axes lockout
first, then the address or alias), exactly as before. The login itself is then handed to allauth
(``perform_login``), whose stages ask for the second factor of a person who has one. After the login, a
person whose role in one of their organizations requires a second factor and who has none is sent to
enrol before anything else (``TwoFactorEnrolmentMiddleware``): the requirement is read once, at sign-in.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from allauth.account.utils import perform_login
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from alliance.selectors import two_factor_enabled, two_factor_required_for

# The session's mark: this person must enrol a second factor before anything else.
ENROL_SESSION_KEY = "alliance_two_factor_enrol"
# Paths open while enrolling: allauth's second-factor pages, signing out, and static files.
ENROL_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/")


class SignInView(auth_views.LoginView):
    """Django's sign-in form; a correct password hands the login to allauth, which asks for the second
    factor when the person has one."""

    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        # The password was typed just now: it counts as confirming it (allauth asks for a recent confirmation
        # before a second factor is turned on, which a role's required enrolment does right after sign-in).
        record_authentication(self.request, user, method="password", reauthenticated=True)
        return perform_login(self.request, user, redirect_url=self.get_success_url())


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: people join by invitation."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def add_message(self, request: HttpRequest, level: int, message_template: str | None = None,
                    message_context: dict | None = None, extra_tags: str = "", message: str | None = None) -> None:
        """Signing in and out say nothing, as before allauth: the landing page is the answer."""
        if message_template in ("account/messages/logged_in.txt", "account/messages/logged_out.txt"):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_reauthentication_methods(self, user) -> list[dict]:
        """A person with a second factor confirms with it (never with the password alone); others with their
        password. (No sign-in codes by e-mail: the project sends none.)"""
        if not user.is_authenticated:
            return []
        if two_factor_enabled(user):
            return [{"id": "mfa_reauthenticate", "description": "Use your authenticator app or a recovery code",
                     "url": reverse("mfa_reauthenticate")}]
        if user.has_usable_password():
            return [{"id": "reauthenticate", "description": "Use your password",
                     "url": reverse("account_reauthenticate")}]
        return []


class MfaAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user) -> str:
        return user.email


def second_factor_confirmation(view):
    """Before ``view`` changes anything (a POST), a person with a second factor confirms with it, unless they
    did within the last minutes (allauth's re-authentication). The POST is not replayed behind the tenant's
    middleware: the person confirms, comes back to the page and sends the form again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (request.method == "POST" and two_factor_enabled(request.user)
                and is_reauthentication_required(request, app="")):
            messages.info(request, "Confirm it is you with your authenticator app, then send the form again.")
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.path})}")
        return view(request, *args, **kwargs)

    return wrapper


@receiver(user_logged_in, dispatch_uid="alliance.signin.two_factor_requirement")
def _mark_enrolment(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if two_factor_required_for(user) and not two_factor_enabled(user):
        request.session[ENROL_SESSION_KEY] = True
    else:
        request.session.pop(ENROL_SESSION_KEY, None)


@receiver(authenticator_added, dispatch_uid="alliance.signin.two_factor_enrolled")
def _enrolled(sender, request: HttpRequest | None, user, authenticator: Authenticator, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(ENROL_SESSION_KEY, None)


class TwoFactorEnrolmentMiddleware:
    """Sends a person whose role requires a second factor, and who has none yet, to enrol first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (session is not None and session.get(ENROL_SESSION_KEY)
                and not request.path.startswith(ENROL_OPEN_PREFIXES)):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated or two_factor_enabled(user):
                session.pop(ENROL_SESSION_KEY, None)
            else:
                messages.warning(request, "Your organization requires a second factor for your role: set up an "
                                          "authenticator app to continue.")
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
