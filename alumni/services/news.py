"""News posts of the alumni network (``support``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from alumni import rights
from alumni.models import NewsPost
from alumni.services._common import _settings
from network_intel.services import render_markdown

NEWS_FIELDS = ("title", "body", "pinned")


def _news_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: data[name] for name in NEWS_FIELDS if name in data}
    for name in ("title", "body"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "body" in cleaned:
        cleaned["body_html"] = render_markdown(cleaned["body"])
    return cleaned


@transaction.atomic
def news_post_create(*, by: Membership, title: str, body: str, pinned: bool = False) -> NewsPost:
    """HR publishes a post at once; the next newsletter digest lists it."""
    rights.require_news_editor(by, _settings(by.organization_id))
    post = NewsPost(organization_id=by.organization_id, author=by, published_at=timezone.now(),
                    **_news_data({"title": title, "body": body, "pinned": bool(pinned)}))
    full_clean_or_raise(post, exclude=["organization", "author"])
    post.save()
    return post


@transaction.atomic
def news_post_update(*, post: NewsPost, by: Membership, data: dict[str, Any]) -> NewsPost:
    rights.require_news_editor(by, _settings(by.organization_id))
    unknown = set(data) - set(NEWS_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    model_update(post, data=_news_data(data), fields=[*NEWS_FIELDS, "body_html"])
    return post


@transaction.atomic
def news_post_delete(*, post: NewsPost, by: Membership) -> None:
    rights.require_news_editor(by, _settings(by.organization_id))
    NewsPost.objects.for_org(by.organization_id).filter(pk=post.pk).delete()
