"""The last day: the sweep that finishes every exit whose last day is over, exactly once."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.outbox import email_send
from alliance.services import (
    membership_leave,
    user_email_change_keeping_alias,
)
from alliance.webhooks.events import webhook_event_emit
from alumni import handoffs
from alumni.models import ExitInterview, ExitKind, ExitProcess, LeaverStep
from alumni.services._common import _actor, _site, organization_today
from alumni.services.directory import alumni_profile_ensure
from tours import selectors as tour_selectors
from tours import services as tour_services

log = logging.getLogger(__name__)


FIRST_CONVERSATION_CLOSED_OUTCOME = "supported_move_outside"


def exits_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(organization id, exit id) of open exits whose last working day is over in the organization's zone."""
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="exit sweep: open exits whose last working day is over"):
        rows = list(
            ExitProcess.objects.filter(state=ExitProcess.State.IN_PROGRESS,
                                       last_working_day__lt=now.date() + timedelta(days=1))
            .values_list("organization_id", "pk", "last_working_day", "organization__time_zone")
        )
    return [(org_id, pk) for org_id, pk, last_day, zone in rows
            if now.astimezone(zoneinfo.ZoneInfo(zone)).date() > last_day]


def exits_sweep(*, now: datetime | None = None) -> int:
    """Beat: finish every exit whose last day is over; returns how many.

    Each leaver is a unit of work of its own (one transaction): one that fails — a defect, the database
    dropping the connection — is logged and rolled back whole, stays in progress, and is tried again by
    the next sweep, while the others go on. Their e-mails (the alumni welcome) are outbox rows in that
    same transaction, so a mail outage fails none of them."""
    finished = 0
    for organization_id, process_id in exits_due(now=now):
        try:
            with tenancy.tenant_context(organization_id):
                if exit_finish(organization_id=organization_id, process_id=process_id, now=now):
                    finished += 1
        except Exception:  # noqa: BLE001 - one leaver never stops the sweep; the next sweep retries it
            log.exception("exit %s of organization %s could not be finished; the next sweep tries again",
                          process_id, organization_id)
            if not connection.in_atomic_block:  # a dropped connection is opened afresh for the next leaver
                connection.close_if_unusable_or_obsolete()
    return finished


def exit_finish(*, organization_id: int, process_id: int, now: datetime | None = None) -> bool:
    """The last day is over: close tours, revoke credentials, and the member becomes an alumnus (or a
    former member). Exactly once: a conditional UPDATE claims the exit; a concurrent or later run finds
    it claimed and does nothing. Call inside the organization's tenant context."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = ExitProcess.objects.for_org(organization_id).filter(
            pk=process_id, state=ExitProcess.State.IN_PROGRESS).update(
            state=ExitProcess.State.COMPLETED, completed_at=now, updated_at=now)
        if claimed != 1:
            return False
        process = (ExitProcess.objects.for_org(organization_id)
                   .select_related("member__user", "organization").get(pk=process_id))
        organization = process.organization
        if organization_today(organization, now=now) <= process.last_working_day:
            transaction.set_rollback(True)  # not over yet after all (the day was moved meanwhile)
            return False
        actor = _actor(process)
        actor.organization = organization
        _close_tours(process, by=actor)
        tour_services.calendar_feed_revoke(member=process.member)
        ExitInterview.objects.for_org(organization_id).filter(
            process=process, status=ExitInterview.Status.SCHEDULED, scheduled_at__lt=now,
        ).update(status=ExitInterview.Status.HELD, updated_at=now)
        joins = process.joins_alumni
        status = Membership.Status.ALUMNUS if joins else Membership.Status.FORMER
        membership_leave(membership=process.member, status=status)
        process.outcome = ExitProcess.Outcome.ALUMNUS if joins else ExitProcess.Outcome.FORMER
        process.save(update_fields=["outcome", "updated_at"])
        step = LeaverStep.objects.for_org(organization_id).filter(process=process).first()
        if joins:
            alumni_profile_ensure(member=process.member, viewer=actor)
        if joins and step is not None and step.is_verified:
            user = process.member.user
            try:
                with transaction.atomic():
                    user_email_change_keeping_alias(user=user, new_email=step.personal_email)
            except ApplicationError:
                log.warning("exit %s: the personal address is taken; the work address stays the login", process.pk)
            if any(step.consents.values()):
                _send_welcome(process, step)
        handoffs.exit_finished(process)
        webhook_event_emit("exit.completed", process)
        if joins:
            webhook_event_emit("alumnus.joined", process.member)
    return True


def _close_tours(process: ExitProcess, *, by: Membership) -> None:
    reason = f"Left the organization ({process.get_kind_display().lower()}, last day {process.last_working_day})."
    for tour in tour_selectors.open_tours_of(process.member):
        conversation = tour_selectors.open_first_conversation(tour)
        if conversation is not None:
            tour_services.first_conversation_record_outcome(
                conversation=conversation, by=by, outcome=FIRST_CONVERSATION_CLOSED_OUTCOME, note=reason)
            tour.refresh_from_db()
        if tour.status == "proposed":
            tour_services.tour_cancel(tour=tour, by=by, reason=reason)
            continue
        if process.kind == ExitKind.END_OF_TOUR:
            try:
                tour_services.tour_complete(tour=tour, by=by, note=reason)
                continue
            except ApplicationError:
                tour.refresh_from_db()  # ends after the last day: ended early instead
        tour_services.tour_end_early(tour=tour, by=by, reason=reason)


def _send_welcome(process: ExitProcess, step: LeaverStep) -> None:
    organization = process.organization
    link = _site(reverse("alumni:alumni_home", args=[organization.slug]))
    context = {"organization": organization, "name": process.member.user.full_name, "link": link,
               "email": step.personal_email, "distinguished": process.alumni_tier == ExitProcess.Tier.DISTINGUISHED}
    email_send(kind="alumni_welcome", to=step.personal_email,
               subject=f"Welcome to the {organization.name} alumni network",
               text=render_to_string("alumni/email/welcome.txt", context))
