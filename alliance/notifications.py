"""In-app notifications and each person's delivery preferences (services and selectors)."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.limits import NOTIFICATION_BODY_MAX
from alliance.models import Membership, Notification, NotificationPreference, Reminder
from alliance.registry import notification_kinds

Channel = NotificationPreference.Channel


def required_kinds() -> set[str]:
    """Kinds that must be delivered: a person chooses how, never "off"."""
    return {kind for kind, item in notification_kinds().items() if item.required}


def kind_labels() -> dict[str, str]:
    """Every kind a person can choose a channel for (apps register them), in page order."""
    return {kind: item.label for kind, item in notification_kinds().items()}


def _default_channel(kind: str) -> str:
    item = notification_kinds().get(kind)
    return item.default_channel if item is not None else Channel.BOTH


def channel_for(*, member: Membership, kind: str) -> str:
    preference = (
        NotificationPreference.objects.for_org(member.organization_id)
        .filter(membership=member, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return preference or _default_channel(kind)


def preferences_of(*, member: Membership) -> dict[str, str]:
    chosen = dict(
        NotificationPreference.objects.for_org(member.organization_id)
        .filter(membership=member)
        .values_list("kind", "channel")
    )
    return {kind: chosen.get(kind, _default_channel(kind)) for kind in notification_kinds()}


@transaction.atomic
def preferences_set(*, member: Membership, choices: dict[str, str]) -> dict[str, str]:
    unknown = set(choices) - set(notification_kinds())
    if unknown:
        raise ApplicationError(f"Unknown notification kind: {', '.join(sorted(unknown))}.")
    bad = {kind: value for kind, value in choices.items() if value not in Channel.values}
    if bad:
        raise ApplicationError(
            "Choose e-mail, in-app, both or off.",
            field_errors={kind: ["Choose e-mail, in-app, both or off."] for kind in bad},
        )
    required = required_kinds()
    kept_on = sorted(kind for kind, value in choices.items() if value == Channel.OFF and kind in required)
    if kept_on:
        labels = kind_labels()
        raise ApplicationError(
            f"“{labels[kept_on[0]]}” must reach you: choose e-mail, in-app or both.",
            field_errors={kind: ["This one must reach you: choose e-mail, in-app or both."] for kind in kept_on},
        )
    for kind, channel in choices.items():
        NotificationPreference.objects.update_or_create(
            organization_id=member.organization_id, membership=member, kind=kind,
            defaults={"channel": channel},
        )
    return preferences_of(member=member)


def notification_create(
    *, recipient: Membership, kind: str, title: str, body: str = "", url: str = "",
    reminder: Reminder | None = None, topic: str = "",
) -> Notification:
    """Add an in-app notification; for a reminder, at most one however often it is retried.

    A link to this site is kept as a path, so it works on whatever address the app is reached.
    """
    site = settings.SITE_URL.rstrip("/")
    if url.startswith(site + "/"):
        url = url[len(site):]
    if reminder is not None:
        existing = Notification.objects.for_org(recipient.organization_id).filter(reminder=reminder).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return Notification.objects.create(
                organization_id=recipient.organization_id, recipient=recipient, kind=kind,
                title=title[:200], body=body[:NOTIFICATION_BODY_MAX], url=url[:500], reminder=reminder,
                topic=topic[:80],
            )
    except IntegrityError:
        return Notification.objects.for_org(recipient.organization_id).get(reminder=reminder)


def notification_list(*, member: Membership, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.for_org(member.organization_id).filter(recipient=member)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(*, member: Membership) -> int:
    return notification_list(member=member, unread_only=True).count()


def get_notification_for_member(member: Membership, notification_id: int) -> Notification:
    found = notification_list(member=member).filter(pk=notification_id).first()
    if found is None:
        raise Http404("No such notification.")
    return found


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, member: Membership) -> int:
    return notification_list(member=member, unread_only=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


def notifications_withdraw(*, organization_id: int, topic: str) -> int:
    """A request withdrawn or made obsolete leaves every bell it was in; returns how many went."""
    if not topic:
        return 0
    deleted, _ = Notification.objects.for_org(organization_id).filter(topic=topic[:80]).delete()
    return deleted


# ---------------------------------------------------------------- one-click unsubscribe, per kind

UNSUBSCRIBE_SALT = "alliance.notifications.unsubscribe"


def unsubscribe_token(*, member: Membership, kind: str) -> str:
    """A signed link that stops e-mails of ``kind`` to ``member`` without signing in (the signature is the proof)."""
    from django.core import signing

    return signing.dumps({"o": member.organization_id, "m": member.pk, "k": kind}, salt=UNSUBSCRIBE_SALT,
                         compress=True)


def unsubscribe_lookup(token: str) -> tuple[Membership, str] | None:
    """The member and kind a link names, inside their organization's tenant context; None for a bad link."""
    from django.core import signing

    from alliance import tenancy
    from alliance.models import Organization

    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(key), int) for key in ("o", "m")) \
            or payload.get("k") not in notification_kinds():
        return None
    organization = Organization.objects.filter(pk=payload["o"]).first()
    if organization is None:
        return None
    tenancy.set_tenant(organization.pk)
    member = Membership.objects.for_org(organization.pk).select_related("user", "organization").filter(
        pk=payload["m"]).first()
    return (member, payload["k"]) if member is not None else None


@transaction.atomic
def email_unsubscribe(*, member: Membership, kind: str) -> str:
    """No more e-mail of ``kind``: both channels become in-app only, e-mail only becomes off. Returns the
    channel now chosen (a required kind cannot be turned off: it stays in the app)."""
    current = channel_for(member=member, kind=kind)
    if current in (Channel.IN_APP, Channel.OFF):
        return current
    channel = Channel.IN_APP if current == Channel.BOTH or kind in required_kinds() else Channel.OFF
    NotificationPreference.objects.update_or_create(organization_id=member.organization_id, membership=member,
                                                    kind=kind, defaults={"channel": channel})
    return channel
