"""Memberships (a person in an organization, with a role and a manager), invitations and API tokens."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.limits import MEMBER_CHANGE_VALUE_MAX, PROFILE_TEXT_MAX
from alliance.models.history import audit_history
from alliance.models.people import SORT_NAME_MAX, User
from alliance.models.tenancy import TenantForeignKey, TenantModel, sync_index


@audit_history(fields=["user", "role", "leadership", "status", "title", "team", "manager", "employment_started_on"],
               model_name="MembershipEvent", index_prefix="membership_ev")
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
        # Their identity provider deactivated them (SCIM): no sign-in, no API token, until reactivated or
        # until HR runs their exit.
        SUSPENDED = "suspended", "Suspended"

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
    # When their employment (this stay) began: a fact about employment, set by HR, an invitation or an
    # import; never the row's ``created_at`` (when the app learnt of them).
    employment_started_on = models.DateField(default=timezone.localdate)
    # Granted by an administrator: a leader who is not HR reads the organization's alliance health page.
    leadership = models.BooleanField(default=False, db_default=False,
                                     help_text="Reads the organization's alliance health page.")
    # How lists of people sort this member (``alliance.models.people.person_sort_name`` of the user's name),
    # written by the services that create members or rename people; an index serves the sorted lists.
    sort_name = models.CharField(max_length=SORT_NAME_MAX, blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["sort_name", "id"]  # the stored key an index serves (no join to every user)
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
            # Lists of people by name (members, pickers): one index range, no join to every user.
            models.Index(fields=["organization", "sort_name", "id"], name="membership_sort_name_idx"),
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


@audit_history(fields=["role", "title", "team", "manager", "employment_started_on", "accepted_at",
                       "revoked_at"], model_name="InvitationEvent", index_prefix="invitation_ev")
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
    employment_started_on = models.DateField(
        null=True, blank=True, help_text="When their employment began; the day they accept when empty."
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


class MembershipChange(TenantModel):
    """The member's history: one row per field that HR, an administrator or an import changed."""

    class Field(models.TextChoices):
        ROLE = "role", "Role"
        MANAGER = "manager", "Manager"
        TITLE = "title", "Title"
        TEAM = "team", "Team"
        EMPLOYMENT_STARTED_ON = "employment_started_on", "Employment start date"
        LEADERSHIP = "leadership", "Leadership view"
        ACCESS = "access", "Access"

    class Source(models.TextChoices):
        MEMBER_PAGE = "member_page", "Members page"
        API = "api", "API"
        IMPORT = "import", "Import"
        SCIM = "scim", "Identity provider (SCIM)"
        REHIRE = "rehire", "Rehire"  # a boomerang's new stay: the history keeps the last stay's start

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(max_length=32, choices=Field.choices)
    old_value = models.CharField(max_length=MEMBER_CHANGE_VALUE_MAX, blank=True)
    new_value = models.CharField(max_length=MEMBER_CHANGE_VALUE_MAX, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MEMBER_PAGE)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "membership", "created_at", "id"],
                                name="membership_change_member_idx")]

    def _as_date(self, value: str) -> date | None:
        if self.field != self.Field.EMPLOYMENT_STARTED_ON or not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None

    @property
    def old_date(self) -> date | None:
        """The former value as a day, for a change of a date (so a page writes it the one way)."""
        return self._as_date(self.old_value)

    @property
    def new_date(self) -> date | None:
        return self._as_date(self.new_value)

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.field} {self.old_value!r} → {self.new_value!r}"


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
