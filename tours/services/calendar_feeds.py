"""Each person's private, revocable calendar feed."""


from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alliance.models import Membership
from alliance.services import secret_credential_authenticate
from alliance.tokens import token_make, token_prefix
from tours.models import (
    CalendarFeed,
)
from tours.services._common import (
    CALENDAR_TOKEN_KIND,
)

# --- Calendar feeds ----------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, member: Membership) -> tuple[CalendarFeed, str]:
    """A new private feed URL for the person; any previous one stops working."""
    now = timezone.now()
    CalendarFeed.objects.for_org(member.organization_id).filter(
        membership=member, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    token, digest = token_make(kind=CALENDAR_TOKEN_KIND, organization_id=member.organization_id)
    feed = CalendarFeed.objects.create(
        organization_id=member.organization_id, membership=member, token_hash=digest,
        prefix=token_prefix(token),
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, member: Membership) -> int:
    now = timezone.now()
    return CalendarFeed.objects.for_org(member.organization_id).filter(
        membership=member, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)


def calendar_feed_authenticate(token: str) -> CalendarFeed | None:
    """Resolve a feed URL's token; sets the transaction's tenant when it names a live feed."""
    return secret_credential_authenticate(
        CalendarFeed, token, kind=CALENDAR_TOKEN_KIND, related=(), touch_every=timedelta(minutes=5)
    )
