"""Who hears of the alumni app's changes beyond the ledger's own messages (alumni.reminders):
the manager of someone leaving, who was given a checklist task, HR of a new referral or lead,
the manager of a returning alumnus. Each is told by ``alliance.handoffs.tell`` inside the
change's transaction, by their chosen channels."""

from __future__ import annotations

from django.urls import reverse

from alliance.handoffs import TEAM_JOINED, hr_of, tell, tell_each
from alliance.models import Membership
from alliance.registry import register_notification_kind
from alliance.templatetags.alliance_tags import day

TEAM_DEPARTURE = "team_departure"
EXIT_TASK_ASSIGNED = "exit_task_assigned"
ALUMNI_CONTRIBUTION = "alumni_contribution"


def _day(value) -> str:
    return day(value)


def _manager_of(member: Membership) -> Membership | None:
    manager = member.manager if member.manager_id else None
    return manager if manager is not None and manager.is_active else None


def exit_started(process, *, by: Membership, tasks) -> None:
    """The leaver's manager hears their report leaves; everyone given a checklist task hears of it."""
    leaver = process.member
    name, slug, day = leaver.user.full_name, process.organization.slug, _day(process.last_working_day)
    manager = _manager_of(leaver)
    if manager is not None and manager.pk != by.pk:
        tell(recipient=manager, kind=TEAM_DEPARTURE, title=f"{name} is leaving: last working day {day}",
             body=f"{name}'s exit has started; their last working day is {day}. Checkpoints after that day are "
                  "cancelled; plan the hand-over of their work with them.",
             url=reverse("tours:team", args=[slug]), topic=f"exit:{process.pk}")
    mine: dict[int, list] = {}
    for task in tasks:
        if task.assignee_id not in (None, leaver.pk, by.pk):
            mine.setdefault(task.assignee_id, []).append(task)
    assignees = Membership.objects.for_org(process.organization_id).filter(pk__in=mine).select_related("user")
    for assignee in assignees:
        titles = "; ".join(f"{task.title} (due {_day(task.due_on)})" for task in mine[assignee.pk])
        count = len(mine[assignee.pk])
        tell(recipient=assignee, kind=EXIT_TASK_ASSIGNED,
             title=f"{count} exit task{'s' if count != 1 else ''} for you: {name} leaves on {day}",
             body=titles, url=reverse("alumni:todo", args=[slug]), topic=f"exit:{process.pk}")


def exit_cancelled(process, *, by: Membership) -> None:
    """The exit will not happen: its task and departure notices leave the bells; the manager hears it."""
    from alliance.notifications import notifications_withdraw

    notifications_withdraw(organization_id=process.organization_id, topic=f"exit:{process.pk}")
    leaver = process.member
    tell_each([_manager_of(leaver)], but=by, kind=TEAM_DEPARTURE,
              title=f"{leaver.user.full_name} stays: the exit is cancelled",
              body=f"{leaver.user.full_name}'s exit is cancelled; their checkpoints are planned again.",
              url=reverse("tours:team", args=[process.organization.slug]))


def exit_finished(process) -> None:
    """The last day is over: the manager hears their report has left (and joined the alumni network)."""
    leaver = process.member
    manager = _manager_of(leaver)
    if manager is None:
        return
    joined = process.outcome == "alumnus"
    tell(recipient=manager, kind=TEAM_DEPARTURE,
         title=f"{leaver.user.full_name} has left{' and joined the alumni network' if joined else ''}",
         body=f"{leaver.user.full_name}'s last working day was {_day(process.last_working_day)}. Their tours are "
              "closed." + (" They are an alumnus now." if joined else ""),
         url=reverse("tours:team", args=[process.organization.slug]))


def contribution(*, what: str, by: Membership, headline: str, body: str) -> None:
    """A new referral or customer lead: every HR person and administrator hears of it."""
    tell_each(hr_of(by.organization_id), but=by, kind=ALUMNI_CONTRIBUTION,
              title=f"New {what} from {by.user.full_name}: {headline}", body=body,
              url=reverse("alumni:network", args=[by.organization.slug]))


def lead_assigned(lead, *, by: Membership) -> None:
    """HR gives a customer lead to someone to follow up: they hear of it."""
    tell_each([lead.owner], but=by, kind=ALUMNI_CONTRIBUTION,
              title=f"{by.user.full_name} gave you a customer lead: {lead.company}",
              body=f"Contact: {lead.contact_name}. Need: {lead.need[:1000]}",
              url=reverse("alumni:network", args=[by.organization.slug]))


def last_day_moved(process, *, by: Membership) -> None:
    """HR moves the last working day: the leaver's manager hears the new one."""
    leaver = process.member
    tell_each([_manager_of(leaver)], but=by, kind=TEAM_DEPARTURE,
              title=f"{leaver.user.full_name}'s last working day is now {_day(process.last_working_day)}",
              body="Checkpoints after that day are cancelled.",
              url=reverse("tours:team", args=[process.organization.slug]), topic=f"exit:{process.pk}")


def bonus_paid(recipient: Membership, *, by: Membership, kind: str, what: str, obj, url_name: str) -> None:
    """HR marks a referral's or a lead's bonus paid: who earned it hears so."""
    amount = f" ({obj.bonus_amount} {obj.bonus_currency})" if getattr(obj, "bonus_amount", None) else ""
    tell_each([recipient], but=by, kind=kind, title=f"Your bonus for {what} is paid{amount}",
              body="HR marked the bonus paid.", url=reverse(url_name, args=[by.organization.slug]))


def rehired(boomerang, *, by: Membership) -> None:
    """A boomerang comes back: their new manager hears of it and of the drafted tour."""
    member = boomerang.member
    tell_each([boomerang.manager], but=by, kind=TEAM_JOINED,
              title=f"{member.user.full_name} comes back to your team on {_day(boomerang.start_date)}",
              body=f"{by.user.full_name} rehired {member.user.full_name}; a draft tour of duty waits for you to "
                   "complete and propose.",
              url=reverse("tours:team", args=[by.organization.slug]))


def register() -> None:
    register_notification_kind(TEAM_DEPARTURE, "A report of yours is leaving or has left (managers)", order=39)
    register_notification_kind(EXIT_TASK_ASSIGNED, "Exit checklist tasks given to you", order=40)
    register_notification_kind(ALUMNI_CONTRIBUTION, "New referrals and customer leads (HR)", order=44)

