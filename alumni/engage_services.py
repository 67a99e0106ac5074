"""Writes of news, the newsletter, benefits and events. Views, API views and tasks call these.

Each service checks the level and the caller's rights itself (``alumni.engage_rights``): a feature
the level does not offer is a 404, a person who may not do it a ``NotAllowed`` (403), bad input an
``ApplicationError`` (400) — and nothing is changed.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.models import Membership, Organization, Reminder
from alliance.reminders import DueReminder, notify, reminders_claim
from alliance.services import full_clean_or_raise, model_update
from alumni import engage_rights as rights
from alumni.engage_selectors import news_consenting_alumni
from alumni.models import (
    CONSENT_TEXT_VERSION,
    AlumniEvent,
    AlumniSettings,
    Benefit,
    EventRsvp,
    ExitProcess,
    InvestmentLevel,
    LeaverStep,
    NewsletterFrequency,
    NewsletterIssue,
    NewsletterSchedule,
    NewsPost,
)
from alumni.selectors import network_settings
from network_intel.services import render_markdown

NEWSLETTER = "alumni_newsletter"
EVENT_REMINDER = "alumni_event_reminder"
EVENT_PROMOTED = "alumni_event_promoted"
EVENT_CANCELLED = "alumni_event_cancelled"
# Those going are reminded this long before the event starts.
EVENT_REMINDER_BEFORE = timedelta(hours=24)
UNSUBSCRIBE_SALT = "alumni.newsletter.unsubscribe"
# Events are planned at most this far ahead (and a time far out would not survive a time zone).
MAX_EVENT_AHEAD = timedelta(days=5 * 366)


def _settings(member: Membership) -> AlumniSettings:
    return network_settings(Organization.objects.get(pk=member.organization_id))


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field: [message]})


# --- News ---------------------------------------------------------------------------------------

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
    rights.require_news_editor(by, _settings(by))
    post = NewsPost(organization_id=by.organization_id, author=by, published_at=timezone.now(),
                    **_news_data({"title": title, "body": body, "pinned": bool(pinned)}))
    full_clean_or_raise(post, exclude=["organization", "author"])
    post.save()
    return post


@transaction.atomic
def news_post_update(*, post: NewsPost, by: Membership, data: dict[str, Any]) -> NewsPost:
    rights.require_news_editor(by, _settings(by))
    unknown = set(data) - set(NEWS_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    model_update(post, data=_news_data(data), fields=[*NEWS_FIELDS, "body_html"])
    return post


@transaction.atomic
def news_post_delete(*, post: NewsPost, by: Membership) -> None:
    rights.require_news_editor(by, _settings(by))
    NewsPost.objects.for_org(by.organization_id).filter(pk=post.pk).delete()


@transaction.atomic
def newsletter_schedule_save(*, by: Membership, frequency: str) -> NewsletterSchedule:
    rights.require_news_editor(by, _settings(by))
    if frequency not in NewsletterFrequency.values:
        raise _field_error("frequency", "Choose weekly or monthly.")
    schedule, _ = NewsletterSchedule.objects.for_org(by.organization_id).select_for_update().get_or_create(
        organization_id=by.organization_id, defaults={"frequency": frequency})
    model_update(schedule, data={"frequency": frequency}, fields=["frequency"])
    return schedule


# --- The newsletter digest --------------------------------------------------------------------------


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


# --- Benefits ----------------------------------------------------------------------------------------

BENEFIT_FIELDS = ("title", "description", "kind", "tier", "how_to_claim")


def _benefit_data(data: dict[str, Any]) -> dict[str, Any]:
    return {name: (data[name] or "").strip() for name in BENEFIT_FIELDS if name in data}


@transaction.atomic
def benefit_create(*, by: Membership, data: dict[str, Any]) -> Benefit:
    rights.require_benefit_editor(by, _settings(by))
    benefit = Benefit(organization_id=by.organization_id, **_benefit_data(data))
    full_clean_or_raise(benefit, exclude=["organization"])
    benefit.save()
    return benefit


@transaction.atomic
def benefit_update(*, benefit: Benefit, by: Membership, data: dict[str, Any]) -> Benefit:
    rights.require_benefit_editor(by, _settings(by))
    model_update(benefit, data=_benefit_data(data), fields=BENEFIT_FIELDS)
    return benefit


@transaction.atomic
def benefit_delete(*, benefit: Benefit, by: Membership) -> None:
    rights.require_benefit_editor(by, _settings(by))
    Benefit.objects.for_org(by.organization_id).filter(pk=benefit.pk).delete()


# --- Events --------------------------------------------------------------------------------------------

EVENT_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "link", "capacity")


def _event_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: data[name] for name in EVENT_FIELDS if name in data}
    for name in ("title", "description", "place", "link"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    for name in ("starts_at", "ends_at"):
        value = cleaned.get(name)
        if value is not None and timezone.is_naive(value):
            raise _field_error(name, "Give the time with its time zone.")
    return cleaned


def _check_ahead(event: AlumniEvent) -> None:
    if event.starts_at > timezone.now() + MAX_EVENT_AHEAD:
        raise _field_error("starts_at", "Plan events at most five years ahead.")


def _lock_event(event: AlumniEvent) -> AlumniEvent:
    """The event's row lock: RSVPs, cancellations and changes of capacity happen one at a time."""
    return AlumniEvent.objects.for_org(event.organization_id).select_for_update().get(pk=event.pk)


@transaction.atomic
def event_create(*, by: Membership, data: dict[str, Any]) -> AlumniEvent:
    rights.require_event_editor(by, _settings(by))
    event = AlumniEvent(organization_id=by.organization_id, created_by=by, **_event_data(data))
    full_clean_or_raise(event, exclude=["organization", "created_by"])
    if event.starts_at <= timezone.now():
        raise _field_error("starts_at", "Choose a time in the future.")
    _check_ahead(event)
    event.save()
    return event


@transaction.atomic
def event_update(*, event: AlumniEvent, by: Membership, data: dict[str, Any]) -> AlumniEvent:
    """HR changes an event; more seats let the first on the waiting list in, each told so."""
    rights.require_event_editor(by, _settings(by))
    event = _lock_event(event)
    if event.is_cancelled:
        raise ApplicationError("This event is cancelled; it cannot change any more.")
    data = _event_data(data)
    capacity = data.get("capacity", event.capacity)
    if capacity is not None:
        going = EventRsvp.objects.for_org(event.organization_id).filter(event=event,
                                                                        state=EventRsvp.State.GOING).count()
        if capacity < going:
            raise _field_error("capacity", f"{going} people are already going: the capacity cannot be lower.")
    def clean(changed_event: AlumniEvent) -> None:
        full_clean_or_raise(changed_event)
        _check_ahead(changed_event)

    changed = model_update(event, data=data, fields=EVENT_FIELDS, clean=clean)
    if set(changed) & {"starts_at", "ends_at", "place", "link", "title"}:
        AlumniEvent.objects.for_org(event.organization_id).filter(pk=event.pk).update(sequence=event.sequence + 1)
        event.sequence += 1
    _promote_waiting(event)
    return event


@transaction.atomic
def event_cancel(*, event: AlumniEvent, by: Membership) -> AlumniEvent:
    """HR cancels an event: everyone going or waiting is told; their answers stay on record."""
    rights.require_event_editor(by, _settings(by))
    event = _lock_event(event)
    if event.is_cancelled:
        raise ApplicationError("This event is already cancelled.")
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    people = EventRsvp.objects.for_org(event.organization_id).filter(
        event=event, state__in=(EventRsvp.State.GOING, EventRsvp.State.WAITING)).select_related("member")
    for rsvp in people:
        notify(kind=EVENT_CANCELLED, subject_id=event.pk, recipient=rsvp.member, window="cancelled")
    return event


def _seats_left(event: AlumniEvent) -> int | None:
    if event.capacity is None:
        return None
    going = EventRsvp.objects.for_org(event.organization_id).filter(event=event, state=EventRsvp.State.GOING).count()
    return max(event.capacity - going, 0)


def _promote_waiting(event: AlumniEvent) -> list[EventRsvp]:
    """Give free seats to the waiting list, first come first served; each promoted person is told.
    Call with the event's row locked."""
    seats = _seats_left(event)
    waiting = (EventRsvp.objects.for_org(event.organization_id).filter(event=event, state=EventRsvp.State.WAITING)
               .select_related("member").order_by("queued_at", "id"))
    promoted = list(waiting if seats is None else waiting[:seats])
    for rsvp in promoted:
        rsvp.state = EventRsvp.State.GOING
        rsvp.save(update_fields=["state", "updated_at"])
        notify(kind=EVENT_PROMOTED, subject_id=event.pk, recipient=rsvp.member,
               window=f"promoted-{int(rsvp.queued_at.timestamp())}")
    return promoted


@transaction.atomic
def event_rsvp(*, event: AlumniEvent, by: Membership) -> EventRsvp:
    """Answer "I'll come": a seat while there is one, else the end of the waiting list. The event's
    row is locked first, so two people taking the last seat at once cannot both get it."""
    rights.require_rsvp(by, _settings(by), event)
    event = _lock_event(event)
    rights.require_rsvp(by, _settings(by), event)
    if event.ends_at <= timezone.now():
        raise ApplicationError("This event is over.")
    rsvp = EventRsvp.objects.for_org(event.organization_id).filter(event=event, member=by).first()
    if rsvp is not None and rsvp.state != EventRsvp.State.CANCELLED:
        return rsvp  # answering twice changes nothing (and keeps their place in the queue)
    seats = _seats_left(event)
    state = EventRsvp.State.GOING if seats is None or seats > 0 else EventRsvp.State.WAITING
    if rsvp is None:
        rsvp = EventRsvp(organization_id=event.organization_id, event=event, member=by)
    rsvp.state, rsvp.queued_at = state, timezone.now()
    rsvp.save()
    return rsvp


@transaction.atomic
def event_rsvp_cancel(*, event: AlumniEvent, by: Membership) -> EventRsvp:
    """Answer "I can't come after all": the seat goes to the first person waiting, who is told."""
    rights.require_level(by, _settings(by), rights.can_see_events)
    event = _lock_event(event)
    rsvp = EventRsvp.objects.for_org(event.organization_id).filter(event=event, member=by).first()
    if rsvp is None or rsvp.state == EventRsvp.State.CANCELLED:
        raise ApplicationError("You have not said you would come to this event.")
    was_going = rsvp.state == EventRsvp.State.GOING
    rsvp.state = EventRsvp.State.CANCELLED
    rsvp.save(update_fields=["state", "updated_at"])
    if was_going and not event.is_cancelled:
        _promote_waiting(event)
    return rsvp


def due_event_reminders(now: datetime) -> list[DueReminder]:
    """Those going to an event that starts within ``EVENT_REMINDER_BEFORE``, not yet reminded. One
    set-based query across organizations (partial index of events by start), anti-joined with the ledger."""
    with tenancy.cross_tenant(reason="event reminders: people going to events about to start"):
        claimed = Reminder.objects.filter(organization_id=OuterRef("organization_id"), kind=EVENT_REMINDER,
                                          subject_id=OuterRef("event_id"), recipient_id=OuterRef("member_id"),
                                          window="before")
        rows = (EventRsvp.objects.filter(state=EventRsvp.State.GOING, event__cancelled_at__isnull=True,
                                         event__starts_at__gt=now, event__starts_at__lte=now + EVENT_REMINDER_BEFORE)
                .exclude(Exists(claimed)).values_list("organization_id", "event_id", "member_id"))
        return [DueReminder(organization_id=org_id, kind=EVENT_REMINDER, subject_id=event_id, recipient_id=member_id,
                            window="before", due_at=now) for org_id, event_id, member_id in rows]


def event_reminders_sweep(*, now: datetime | None = None) -> int:
    with transaction.atomic():
        return len(reminders_claim(due_event_reminders(now or timezone.now())))


# --- Data rights: the person's answers to events ----------------------------------------------------


def my_event_answers(*, member: Membership) -> list[dict[str, Any]]:
    """Their answers to events, for the export of their data."""
    rows = (EventRsvp.objects.for_org(member.organization_id).filter(member=member).select_related("event")
            .order_by("event__starts_at", "id"))
    return [{"event": row.event.title, "starts_at": row.event.starts_at.isoformat(), "answer": row.state,
             "answered_at": row.queued_at.isoformat()} for row in rows]


def event_answers_erase(*, member: Membership) -> int:
    """Erasure: their answers go; a seat they held at an event still to come goes to the first person
    waiting (who is told). Returns how many answers were erased."""
    now = timezone.now()
    answers = EventRsvp.objects.for_org(member.organization_id).filter(member=member)
    freed = list(answers.filter(state=EventRsvp.State.GOING, event__cancelled_at__isnull=True,
                                event__ends_at__gt=now).values_list("event_id", flat=True))
    erased, _ = answers.delete()
    for event in AlumniEvent.objects.for_org(member.organization_id).filter(pk__in=freed).select_for_update():
        _promote_waiting(event)
    return erased
