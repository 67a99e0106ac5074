"""News posts, scoped by organization."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from alliance.models import Membership
from alumni.models import NewsPost

NEWS_COLUMNS = ("id", "title", "pinned", "published_at", "updated_at")


def news_list(*, member: Membership) -> QuerySet[NewsPost]:
    """Pinned first, then the newest (index ``(organization, -pinned, -published_at, -id)``)."""
    return NewsPost.objects.for_org(member.organization_id).order_by("-pinned", "-published_at", "-id")


def news_since(organization_id: int, *, since: datetime, until: datetime) -> list[NewsPost]:
    """What a newsletter issue lists: posts published in ``(since, until]``, oldest first."""
    return list(NewsPost.objects.for_org(organization_id)
                .filter(published_at__gt=since, published_at__lte=until).order_by("published_at", "id"))
