from __future__ import annotations

import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.limits import DELIVERY_ERROR_MAX, MAX_LEAD_TIMES, NOTIFICATION_BODY_MAX, PROFILE_TEXT_MAX
from alliance.money import validate_currency

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


def default_checkpoint_reminder_days() -> list[int]:
    return [7, 1]


def default_tour_ending_reminder_days() -> list[int]:
    return [180, 90, 30]


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "Use 1–50 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
)


# The longest lead time (days) each list of reminder lead times accepts; also the form's bounds.
LEAD_TIME_LIMITS = {"checkpoint_days_before": 60, "tour_ending_days_before": 730}


class Organization(models.Model):
    """The tenant. Not itself tenant-owned: it is what every tenant row points at."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    mission = BoundedTextField(max_length=PROFILE_TEXT_MAX, blank=True,
                               help_text="What the organization is here to do.")
    values = BoundedTextField(max_length=PROFILE_TEXT_MAX, blank=True, help_text="The values it holds, one per line.")
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    # Reminder lead times (DESIGN "Reminders"), editable by admins.
    checkpoint_days_before = ArrayField(
        models.PositiveSmallIntegerField(), default=default_checkpoint_reminder_days, size=MAX_LEAD_TIMES,
        help_text="Days before a checkpoint to remind manager and employee.",
    )
    agenda_nudge_days_before = models.PositiveSmallIntegerField(
        default=2, help_text="Days before a checkpoint to nudge the employee if the agenda is empty."
    )
    overdue_days_after = models.PositiveSmallIntegerField(
        default=1, help_text="Days after a missed checkpoint to tell the manager (then weekly)."
    )
    overdue_max_reminders = models.PositiveSmallIntegerField(default=3)
    tour_ending_days_before = ArrayField(
        models.PositiveSmallIntegerField(), default=default_tour_ending_reminder_days, size=MAX_LEAD_TIMES,
        help_text="Days before a tour ends to prompt the next-tour conversation.",
    )
    first_conversation_followup_working_days = models.PositiveSmallIntegerField(
        default=2, help_text="Working days after the right of first conversation is exercised to follow up."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for field, upper in LEAD_TIME_LIMITS.items():
            values = getattr(self, field) or []
            if not values:
                errors[field] = "Give at least one lead time."
            elif any(v < 1 or v > upper for v in values):
                errors[field] = f"Each lead time must be between 1 and {upper} days."
            elif len(set(values)) != len(values):
                errors[field] = "Each lead time may appear once."
        bounds = {"agenda_nudge_days_before": 30, "overdue_days_after": 30, "overdue_max_reminders": 10,
                  "first_conversation_followup_working_days": 20}
        for field, upper in bounds.items():
            value = getattr(self, field)
            if value is None or value < 1 or value > upper:
                errors[field] = f"Must be between 1 and {upper}."
        if errors:
            raise ValidationError(errors)

    @property
    def values_list(self) -> list[str]:
        return [line.strip() for line in self.values.splitlines() if line.strip()]


class TenantQuerySet(models.QuerySet):
    def for_org(self, organization: Organization | int) -> TenantQuerySet:
        org_id = organization if isinstance(organization, int) else organization.pk
        return self.filter(organization_id=org_id)


def sync_index(name: str) -> models.Index:
    """The index of an API list's cursor ``(updated_at, id)``, inside one organization.

    Leading with ``organization_id`` keeps a small organization's sync from walking a
    big organization's rows (the RLS predicate alone does not narrow an index scan).
    """
    return models.Index(fields=["organization", "updated_at", "id"], name=name)


class TenantForeignKey(models.ForeignKey):
    """A reference from one tenant row to another row of the same organization.

    The database holds it as the composite key ``(organization_id, <column>)`` →
    ``(organization_id, id)`` that ``alliance.rls.TenantIsolation`` adds, never as Django's
    single-column key: a row cannot point at another organization's row, and every key and
    reference includes the distribution column, as Citus requires of distributed tables.
    Every foreign key between tenant models must be one (a system check says so).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("db_constraint", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("db_constraint") is False:
            del kwargs["db_constraint"]
        return name, path, args, kwargs


class TenantModel(models.Model):
    """Base of every tenant-owned table.

    Its migration must apply ``alliance.rls.TenantIsolation`` (a test checks the
    catalog, so a table that forgets fails the suite).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Not indexed alone: each model's Meta declares the tenant-leading
    # ``(organization, updated_at, id)`` index its sync list needs (see ``sync_index``).
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Membership(TenantModel):
    class Role(models.TextChoices):
        EMPLOYEE = "employee", "Employee"
        MANAGER = "manager", "Manager"
        HR = "hr", "HR"
        ADMIN = "admin", "Admin"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ALUMNUS = "alumnus", "Alumnus"
        FORMER = "former", "Former member"  # left, and not in the alumni network

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    title = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=100, blank=True)
    manager = TenantForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    aspirations = BoundedTextField(max_length=PROFILE_TEXT_MAX, blank=True, help_text="What you want from your career.")
    values = BoundedTextField(max_length=PROFILE_TEXT_MAX, blank=True,
                              help_text="What you hold important, one per line.")
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_one_per_user_org"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="membership_not_own_manager"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role"]),
            models.Index(fields=["organization", "team"]),
            models.Index(fields=["organization", "manager"]),
            sync_index("membership_org_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_hr(self) -> bool:
        """HR and admins run the organization-wide pages."""
        return self.is_active and self.role in (self.Role.HR, self.Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.is_active and self.role in (self.Role.MANAGER, self.Role.HR, self.Role.ADMIN)

    @property
    def values_list(self) -> list[str]:
        return [line.strip() for line in self.values.splitlines() if line.strip()]


class Invitation(TenantModel):
    email = models.EmailField()
    role = models.CharField(
        max_length=16, choices=Membership.Role.choices, default=Membership.Role.EMPLOYEE
    )
    title = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=100, blank=True)
    manager = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = TenantForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "token_hash"], name="invitation_token_unique"),
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]
        indexes = [models.Index(fields=["organization", "created_at", "id"], name="invitation_org_created_idx")]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class ApiToken(TenantModel):
    """A per-organization API token. It acts with its creator's membership rights."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=24, help_text="The start of the token, to recognize it.")
    token_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "token_hash"], name="api_token_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "membership", "created_at", "id"], name="api_token_member_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Notification(TenantModel):
    """An in-app notification (the bell)."""

    recipient = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = BoundedTextField(max_length=NOTIFICATION_BODY_MAX, blank=True)
    url = models.CharField(max_length=500, blank=True)
    reminder = TenantForeignKey("Reminder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "recipient", "read_at"]),
            # The bell and the notifications page: one person's, newest first.
            models.Index(fields=["organization", "recipient", "created_at", "id"], name="notification_recipient_idx"),
        ]
        constraints = [
            # A retried delivery finds its notification instead of adding a second one.
            models.UniqueConstraint(fields=["organization", "reminder"], name="notification_once_per_reminder"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(TenantModel):
    class Channel(models.TextChoices):
        BOTH = "both", "E-mail and in-app"
        EMAIL = "email", "E-mail only"
        IN_APP = "in_app", "In-app only"

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "membership", "kind"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class Reminder(TenantModel):
    """The reminder ledger: one row per (kind, subject, recipient, window), claimed before sending.

    The unique key makes a second sweep, a retried task or two racing beat
    processes find the row already there, so a reminder is sent once; a row left
    ``pending`` by a killed worker is picked up again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    # A sweep writes thousands of ledger rows in one statement, so each of their checks counts.
    # The organization is already checked by the composite key (organization_id, recipient_id)
    # → the recipient's membership, whose own key checks the organization; and the primary key
    # (organization_id, id) and the ledger key both lead with organization_id. The single-column
    # key and index that TenantModel gives every table would check and index the same again.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    kind = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    recipient = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = BoundedTextField(max_length=DELIVERY_ERROR_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "subject_id", "recipient", "window"], name="reminder_ledger_key"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="reminder_pending_idx",
                         condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} → {self.recipient_id} ({self.window})"


# An Idempotency-Key is the client's own string (Stripe's allow 255 characters).
IDEMPOTENCY_KEY_MAX = 255


class IdempotentRequest(TenantModel):
    """The first answer to an API ``POST`` sent with an ``Idempotency-Key`` (alliance/idempotency.py).

    Written in the request's own transaction, so the answer is kept exactly when the change is:
    a retry with the same key (same token) gets it back instead of doing the work again. Kept at
    least ``IDEMPOTENCY_KEEP``; a beat entry removes older ones.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    # The key (organization, token, key) serves the token's composite reference too.
    token = TenantForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "token", "key"], name="idempotent_request_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_prune_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


# --- The e-mail outbox (alliance.outbox) -------------------------------------------------------------

# What one e-mail row may hold: an address, a subject line, a text or HTML body, and the whole rendered
# message (bodies, alternatives and attachments such as a calendar file) together.
EMAIL_ADDRESS_MAX = 320
EMAIL_RECIPIENTS_MAX = 50
EMAIL_SUBJECT_MAX = 998  # the longest line RFC 5322 allows
EMAIL_BODY_MAX = 1_000_000
EMAIL_MESSAGE_MAX_BYTES = 2_000_000
EMAIL_ERROR_MAX = 1_000
EMAIL_KIND_MAX = 40


class EmailRow(models.Model):
    """A rendered e-mail waiting for, or done with, the mail transport: the outbox's row.

    Written in the transaction of the change that sends it (alliance.outbox.OutboxBackend);
    a worker sends it afterwards, one row per transaction, with retries and backoff.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=EMAIL_KIND_MAX, blank=True)
    from_email = models.CharField(max_length=EMAIL_ADDRESS_MAX)
    to = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX)
    cc = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX, default=list)
    bcc = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX, default=list)
    reply_to = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX, default=list)
    subject = models.CharField(max_length=EMAIL_SUBJECT_MAX)
    body = BoundedTextField(max_length=EMAIL_BODY_MAX, blank=True)
    # [[content, mimetype]], [[filename, base64 content, mimetype]], {name: value}: bounded together by
    # size_bytes (alliance.outbox refuses a message over EMAIL_MESSAGE_MAX_BYTES).
    alternatives = models.JSONField(default=list)
    attachments = models.JSONField(default=list)
    headers = models.JSONField(default=dict)
    size_bytes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Retried until then (at least a day after it was written, or after an admin's retry), then failed.
    give_up_at = models.DateTimeField()
    last_error = BoundedTextField(max_length=EMAIL_ERROR_MAX, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"

    @property
    def recipients(self) -> str:
        return ", ".join([*self.to, *self.cc, *self.bcc])


class OutboundEmail(TenantModel, EmailRow):
    """An e-mail an organization's work sends (a reminder, an invitation, an exit's welcome…).

    Its admins see the ones that failed for good on the "Undelivered e-mail" page and retry them.
    """

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size_bytes__lte=EMAIL_MESSAGE_MAX_BYTES),
                                   name="outbound_email_bounded"),
        ]
        indexes = [
            # The admins' page: the organization's undelivered e-mail, newest first.
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="outbound_email_org_idx"),
            # The dispatcher: what is due, across organizations.
            models.Index(fields=["next_attempt_at"], name="outbound_email_due_idx",
                         condition=models.Q(status="pending")),
        ]


class SystemEmail(EmailRow):
    """An e-mail outside any organization: a password reset asked for by address. Global, like users;
    operators see failed ones in the admin site (an organization's admins never see a person's reset)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(size_bytes__lte=EMAIL_MESSAGE_MAX_BYTES),
                                   name="system_email_bounded"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="system_email_due_idx", condition=models.Q(status="pending")),
        ]
