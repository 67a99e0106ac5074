"""Sign-in by e-mail: the person's primary address, or one of their aliases."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from alliance.models import User, UserEmailAlias


def sign_in_identity(value: str | None) -> str:
    """The one form of a sign-in address: trimmed and lowercased. The backend looks the person up by it
    and the sign-in lockout counts failures by it, so no spelling of one address escapes the count."""
    return (value or "").strip().lower()


def _account_for(email: str) -> User | None:
    user = User.objects.filter(email=email).first()
    if user is None:
        alias = UserEmailAlias.objects.select_related("user").filter(email=email).first()
        user = alias.user if alias else None
    return user


def lockout_identity(request, credentials: dict | None) -> str:
    """django-axes' key for an account (``AXES_USERNAME_CALLABLE``): the account's own address when the
    typed one is the account's or one of its aliases, else the normalized typed address — so neither
    the case of the letters nor an alias gives a second run of attempts."""


    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field)
    if raw is None and request is not None:
        raw = getattr(request, "data", request.POST).get(field)
    email = sign_in_identity(raw)
    if not email:
        return email
    user = _account_for(email)
    return user.email if user is not None else email


class EmailOrAliasBackend(ModelBackend):
    """``ModelBackend`` that also accepts an alias (e.g. a former work address) as the login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = sign_in_identity(username or kwargs.get(User.USERNAME_FIELD))
        if not email or password is None:
            return None
        user = _account_for(email)
        if user is None:
            User().set_password(password)  # the same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
