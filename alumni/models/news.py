"""News posts of the alumni network (``support``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from alumni.limits import MAX_NEWS_BODY, MAX_NEWS_HTML


class NewsPost(TenantModel):
    """News from HR to alumni and employees; the body is Markdown, stored with its sanitized HTML."""

    title = models.CharField(max_length=200)
    body = BoundedTextField(max_length=MAX_NEWS_BODY, help_text="Markdown: **bold**, lists, links.")
    body_html = BoundedTextField(max_length=MAX_NEWS_HTML, blank=True, editable=False)
    pinned = models.BooleanField(default=False, help_text="Pinned posts come first.")
    published_at = models.DateTimeField(default=timezone.now)
    author = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [
            sync_index("alumni_news_org_updated_idx"),
            models.Index(fields=["organization", "-pinned", "-published_at", "-id"], name="alumni_news_list_idx"),
            # The newsletter: what was published in a period.
            models.Index(fields=["organization", "published_at"], name="alumni_news_published_idx"),
            # The newsletter sweep: organizations with recent news, across organizations.
            models.Index(fields=["published_at"], name="alumni_news_sweep_idx"),
        ]

    def __str__(self) -> str:
        return self.title
