"""The alumni newsletter: its schedule and the issues sent."""

from __future__ import annotations

from django.db import models

from alliance.models import TenantModel


class NewsletterFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class NewsletterSchedule(TenantModel):
    """How often alumni who consented to news get the digest; monthly until HR says otherwise."""

    frequency = models.CharField(max_length=8, choices=NewsletterFrequency.choices,
                                 default=NewsletterFrequency.MONTHLY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="alumni_one_newsletter_schedule")]

    def __str__(self) -> str:
        return f"Newsletter ({self.frequency})"


class NewsletterIssue(TenantModel):
    """The digest sent in a period (``2026-W49`` or ``2026-12``): the posts published in ``(since, until]``,
    ``until`` being the period's start. Made only when there is something new; each recipient's copy is a
    row of the reminder ledger."""

    period = models.CharField(max_length=10)
    since = models.DateTimeField()
    until = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-until", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "period"], name="alumni_one_issue_per_period")]
        indexes = [models.Index(fields=["organization", "-until", "-id"], name="alumni_issue_until_idx")]

    def __str__(self) -> str:
        return f"Newsletter {self.period}"
