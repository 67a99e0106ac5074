"""People: users (global, signed in by e-mail) and their other addresses."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

SORT_NAME_MAX = 200


def person_sort_name(full_name: str, email: str) -> str:
    """The key a list of people sorts by: the name (or the address when there is none), lowercased, cut to
    what an index holds well. Stored on each membership (and copied where lists sort by a person) by the
    services that set a name, so a sorted list reads an index instead of joining every user
    (``alliance.services.members.person_sort_name_refresh``). The migrations' backfill writes the same
    value in SQL: ``left(lower(coalesce(nullif(btrim(full_name), ''), email)), 200)``."""
    return ((full_name or "").strip() or (email or "")).lower()[:SORT_NAME_MAX]


TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> User:
        # Addresses are stored lowercased; people type them as they like.
        return self.get(email=(email or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Global: one user may belong to several organizations."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        # Stored lowercased everywhere (sign-in looks addresses up that way), also
        # when an operator types one into the admin site.
        self.email = (self.email or "").strip().lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split()[0]


class UserEmailAlias(models.Model):
    """Another address of a person: e.g. the work address they had before they left.

    Signing in accepts it like the primary address, and history (who was
    ``ellis@acme.example``?) still finds the person. Global, like users.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_aliases")
    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.email} → {self.user_id}"

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
