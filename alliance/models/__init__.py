"""The core's models, one module per topic; every name is re-exported here (``alliance.models.Membership``),
which is also the path migrations name.

* ``people`` — users and their other addresses;
* ``organizations`` — the tenant;
* ``tenancy`` — the base of every tenant table (``TenantModel``, ``TenantForeignKey``, ``sync_index``);
* ``members`` — memberships, their history, invitations, API tokens;
* ``imports`` — people imported from a spreadsheet;
* ``jobs`` — background jobs (a large import's apply, a very large export) and their progress;
* ``notifications`` — the bell, preferences, the reminder ledger;
* ``health`` — the health figures' weekly snapshot (the digest's "what moved");
* ``idempotency`` — the API's kept answers;
* ``outbox`` — the e-mail outbox;
* ``scim`` — SCIM provisioning tokens and what SCIM knows of the people it provisions;
* ``signin`` — the roles that must use a second factor, and second factors reset by an administrator;
* ``webhooks`` — webhook endpoints and their deliveries (alliance.webhooks).
"""

from __future__ import annotations

# First: the audit trail's event models copy fields whose path names this package (TenantForeignKey).
from alliance.models.tenancy import TenantForeignKey, TenantModel, TenantQuerySet, sync_index  # isort: split

from alliance.models.health import HEALTH_FIGURE_MAX, HEALTH_LABEL_MAX, HEALTH_SCOPE_MAX, HealthWeek
from alliance.models.history import BASELINE_LABEL, AuditEvent, audit_history
from alliance.models.idempotency import IDEMPOTENCY_KEY_MAX, IdempotentRequest
from alliance.models.imports import IMPORT_FILE_NAME_MAX, PeopleImport
from alliance.models.jobs import JOB_MESSAGE_MAX, JOB_TITLE_MAX, BackgroundJob
from alliance.models.members import ApiToken, Invitation, Membership, MembershipChange
from alliance.models.notifications import Notification, NotificationPreference, Reminder
from alliance.models.organizations import (
    LEAD_TIME_LIMITS,
    Organization,
    default_checkpoint_reminder_days,
    default_tour_ending_reminder_days,
    slug_validator,
)
from alliance.models.outbox import (
    EMAIL_ADDRESS_MAX,
    EMAIL_BODY_MAX,
    EMAIL_ERROR_MAX,
    EMAIL_KIND_MAX,
    EMAIL_MESSAGE_MAX_BYTES,
    EMAIL_RECIPIENTS_MAX,
    EMAIL_SUBJECT_MAX,
    EmailRow,
    OutboundEmail,
    SystemEmail,
)
from alliance.models.people import (
    SORT_NAME_MAX,
    TIME_ZONE_CHOICES,
    User,
    UserEmailAlias,
    UserManager,
    person_sort_name,
    validate_time_zone,
)
from alliance.models.scim import (
    SCIM_EMAIL_TYPE_MAX,
    SCIM_EXTERNAL_ID_MAX,
    SCIM_NAME_PART_MAX,
    SCIM_TOKEN_NAME_MAX,
    SCIM_USER_NAME_MAX,
    ScimToken,
    ScimUser,
)
from alliance.models.signin import TwoFactorRequirement, TwoFactorReset
from alliance.models.webhooks import (
    WEBHOOK_DESCRIPTION_MAX,
    WEBHOOK_ERROR_MAX,
    WEBHOOK_EVENT_TYPE_MAX,
    WEBHOOK_EVENT_TYPES_MAX,
    WEBHOOK_EXCERPT_MAX,
    WEBHOOK_PAYLOAD_MAX_BYTES,
    WEBHOOK_URL_MAX,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ = [
    "HEALTH_FIGURE_MAX",
    "HEALTH_LABEL_MAX",
    "HEALTH_SCOPE_MAX",
    "HealthWeek",
    "ScimToken",
    "ScimUser",
    "SCIM_EMAIL_TYPE_MAX",
    "SCIM_EXTERNAL_ID_MAX",
    "SCIM_NAME_PART_MAX",
    "SCIM_TOKEN_NAME_MAX",
    "SCIM_USER_NAME_MAX",
    "WEBHOOK_DESCRIPTION_MAX",
    "WEBHOOK_ERROR_MAX",
    "WEBHOOK_EVENT_TYPE_MAX",
    "WEBHOOK_EVENT_TYPES_MAX",
    "WEBHOOK_EXCERPT_MAX",
    "WEBHOOK_PAYLOAD_MAX_BYTES",
    "WEBHOOK_URL_MAX",
    "WebhookDelivery",
    "WebhookEndpoint",
    "AuditEvent",
    "BASELINE_LABEL",
    "audit_history",
    "TIME_ZONE_CHOICES",
    "SORT_NAME_MAX",
    "person_sort_name",
    "validate_time_zone",
    "UserManager",
    "User",
    "UserEmailAlias",
    "default_checkpoint_reminder_days",
    "default_tour_ending_reminder_days",
    "slug_validator",
    "LEAD_TIME_LIMITS",
    "Organization",
    "TenantQuerySet",
    "sync_index",
    "TenantForeignKey",
    "TenantModel",
    "Membership",
    "Invitation",
    "MembershipChange",
    "IMPORT_FILE_NAME_MAX",
    "BackgroundJob",
    "JOB_MESSAGE_MAX",
    "JOB_TITLE_MAX",
    "PeopleImport",
    "ApiToken",
    "Notification",
    "NotificationPreference",
    "Reminder",
    "IDEMPOTENCY_KEY_MAX",
    "IdempotentRequest",
    "EMAIL_ADDRESS_MAX",
    "EMAIL_RECIPIENTS_MAX",
    "EMAIL_SUBJECT_MAX",
    "EMAIL_BODY_MAX",
    "EMAIL_MESSAGE_MAX_BYTES",
    "EMAIL_ERROR_MAX",
    "EMAIL_KIND_MAX",
    "EmailRow",
    "OutboundEmail",
    "SystemEmail",
    "TwoFactorRequirement",
    "TwoFactorReset",
]
