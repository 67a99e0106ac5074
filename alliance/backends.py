"""Sign-in by e-mail: the person's primary address, or one of their aliases."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from alliance.models import User, UserEmailAlias


class EmailOrAliasBackend(ModelBackend):
    """``ModelBackend`` that also accepts an alias (e.g. a former work address) as the login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get(User.USERNAME_FIELD) or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            alias = UserEmailAlias.objects.select_related("user").filter(email=email).first()
            user = alias.user if alias else None
        if user is None:
            User().set_password(password)  # the same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
