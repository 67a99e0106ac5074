"""The alumni newsletter: its schedule, the digest sweep and the unsubscribe link."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, field_error
from alliance.models import Membership, Organization
from alliance.reminders import DueReminder, reminders_claim
from alliance.services import model_update
from alumni import rights
from alumni.models import (
    CONSENT_TEXT_VERSION,
    ExitProcess,
    InvestmentLevel,
    LeaverStep,
    NewsletterFrequency,
    NewsletterIssue,
    NewsletterSchedule,
    NewsPost,
)
from alumni.selectors import network_settings, news_consenting_alumni
from alumni.services._common import _settings

NEWSLETTER = "alumni_newsletter"


UNSUBSCRIBE_SALT = "alumni.newsletter.unsubscribe"


@transaction.atomic
def newsletter_schedule_save(*, by: Membership, frequency: str) -> NewsletterSchedule:
    rights.require_news_editor(by, _settings(by.organization_id))
    if frequency not in NewsletterFrequency.values:
        raise field_error("frequency", "Choose weekly or monthly.")
    schedule, _ = NewsletterSchedule.objects.for_org(by.organization_id).select_for_update().get_or_create(
        organization_id=by.organization_id, defaults={"frequency": frequency})
    model_update(schedule, data={"frequency": frequency}, fields=["frequency"])
    return schedule


def newsletter_period(frequency: str, local: datetime) -> tuple[str, datetime]:
    """The period ``local`` falls in, and when it started (the organization's time zone)."""
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == NewsletterFrequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}", day - timedelta(days=local.weekday())
    return f"{local.year}-{local.month:02d}", day.replace(day=1)


def _previous_period_start(frequency: str, start: datetime) -> datetime:
    if frequency == NewsletterFrequency.WEEKLY:
        return start - timedelta(days=7)
    return (start - timedelta(days=1)).replace(day=1)


def newsletter_issue_make(*, organization: Organization, now: datetime) -> NewsletterIssue | None:
    """The digest sent in this period, made once: the posts published since the last issue up to the
    start of this period (the first one: those of the previous period). A weekly digest thus goes out on
    Monday with last week's news, a monthly one on the 1st. Nothing new, no issue — nobody gets an empty
    newsletter, and news published since waits for the next period."""
    if not network_settings(organization).reaches(InvestmentLevel.SUPPORT):
        return None
    frequency = NewsletterSchedule.objects.for_org(organization.pk).values_list("frequency", flat=True).first()
    frequency = frequency or NewsletterFrequency.MONTHLY
    local = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    period, started = newsletter_period(frequency, local)
    issues = NewsletterIssue.objects.for_org(organization.pk)
    if issues.filter(period=period).exists():
        return None
    last = issues.order_by("-until", "-id").first()
    since = last.until if last is not None else _previous_period_start(frequency, started)
    posts = NewsPost.objects.for_org(organization.pk).filter(published_at__gt=since,
                                                               published_at__lte=started).count()
    if not posts:
        return None
    try:
        with transaction.atomic():
            return NewsletterIssue.objects.create(organization=organization, period=period, since=since,
                                                  until=started, posts=posts)
    except IntegrityError:  # another sweep made it a moment ago
        return None


def newsletter_sweep(*, now: datetime | None = None) -> int:
    """Make this period's digest in every organization with news, and claim one ledger row per alumnus
    who consented to news: a second sweep, or two at once, send nobody a second copy."""
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="newsletter: organizations with news since their last digest"):
        recent = NewsPost.objects.filter(organization_id=OuterRef("pk"), published_at__lte=now,
                                         published_at__gt=now - timedelta(days=62))
        organizations = list(Organization.objects.filter(Exists(recent)).order_by("pk"))
    due: list[DueReminder] = []
    for organization in organizations:
        with tenancy.tenant_context(organization.pk), transaction.atomic():
            issue = newsletter_issue_make(organization=organization, now=now)
            if issue is None:
                continue
            due += [DueReminder(organization_id=organization.pk, kind=NEWSLETTER, subject_id=issue.pk,
                                recipient_id=member_id, window=issue.period, due_at=now)
                    for member_id in news_consenting_alumni(organization.pk).values_list("pk", flat=True)]
    with transaction.atomic():
        return len(reminders_claim(due))


def unsubscribe_token(member: Membership) -> str:
    """A signed link that withdraws the news consent without signing in (the signature is the proof)."""
    return signing.dumps({"o": member.organization_id, "m": member.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_lookup(token: str) -> Membership | None:
    """The alumnus a link names, inside their organization's tenant context; None for a tampered link."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(key), int) for key in ("o", "m")):
        return None
    organization = Organization.objects.filter(pk=payload["o"]).first()
    if organization is None:
        return None
    tenancy.set_tenant(organization.pk)
    member = Membership.objects.for_org(organization.pk).select_related("user", "organization").filter(
        pk=payload["m"]).first()
    return member


@transaction.atomic
def newsletter_unsubscribe(*, token: str) -> Membership:
    """Withdraw the news consent at once (recorded with the consent text's version and time)."""
    member = unsubscribe_lookup(token)
    if member is None:
        raise ApplicationError("This unsubscribe link is not valid. Sign in and change your consents on your "
                               "alumni page.")
    steps = LeaverStep.objects.for_org(member.organization_id).select_for_update().filter(
        process__member=member, process__state=ExitProcess.State.COMPLETED, consent_news=True)
    for step in steps:
        step.consent_news = False
        step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, timezone.now()
        step.save(update_fields=["consent_news", "consent_text_version", "consented_at", "updated_at"])
    return member
