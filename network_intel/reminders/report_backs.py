"""The report-back reminder: an approved expense whose intel note is still missing, once.

The sweep (beat, hourly) selects across organizations, in one indexed statement,
approved expenses without a note whose date is at least the policy's
``report_back_days`` ago, and claims one ledger row per expense
(``fund_report_back``, expense, member, ``report-back``): however often the sweep runs
— or races itself — the member is reminded once. The builder skips it when the note
was linked (or the expense withdrawn from the gate) in the meantime.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.models import Reminder
from alliance.registry import register_notification_kind, register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, reminders_claim
from network_intel.models.expenses import Expense, ExpenseState

REPORT_BACK = "fund_report_back"
WINDOW = "report-back"
# Past this age an expense is HR's to chase, not a reminder's (bounds the index range scan).
LOOKBACK_DAYS = 180

DUE_SQL = """
    SELECT e.organization_id, e.id, e.member_id
    FROM network_intel_expense e
    JOIN network_intel_fundpolicy p ON p.organization_id = e.organization_id
    JOIN alliance_membership m ON m.id = e.member_id AND m.organization_id = e.organization_id
    WHERE e.state = 'approved' AND e.note_id IS NULL
      AND e.spent_on >= %(today)s - %(lookback)s AND e.spent_on <= %(today)s - p.report_back_days
      AND m.status = 'active'
      AND NOT EXISTS (
        SELECT 1 FROM alliance_reminder r
        WHERE r.organization_id = e.organization_id AND r.kind = %(kind)s AND r.subject_id = e.id
          AND r.recipient_id = e.member_id AND r."window" = %(window)s)
    ORDER BY e.organization_id, e.id
"""


def due_report_backs(now: datetime) -> list[DueReminder]:
    with connection.cursor() as cursor:
        cursor.execute(DUE_SQL, {"today": now.date(), "lookback": LOOKBACK_DAYS, "kind": REPORT_BACK,
                                 "window": WINDOW})
        rows = cursor.fetchall()
    return [DueReminder(org, REPORT_BACK, expense_id, member_id, WINDOW, now) for org, expense_id, member_id in rows]


def sweep(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="reminder sweep: networking-fund report-backs"):
        due = due_report_backs(now)
    return len(reminders_claim(due))


def build_report_back(reminder: Reminder) -> ReminderMessage | None:
    expense = (Expense.objects.for_org(reminder.organization_id)
               .filter(pk=reminder.subject_id, member_id=reminder.recipient_id).first())
    if expense is None or expense.state != ExpenseState.APPROVED or expense.note_id is not None:
        return None
    member = reminder.recipient
    url = settings.SITE_URL.rstrip("/") + reverse("network_intel:expense_detail",
                                                  args=[member.organization.slug, expense.pk])
    what = f"{expense.get_kind_display().lower()} at {expense.merchant} on {expense.spent_on:%d %b %Y}"
    text = (f"Hello {member.user.get_short_name()},\n\n"
            f"Your {what} ({expense.amount} {expense.currency}) is approved. It is reimbursed once you share "
            f"what you learned: write the intel note (one click from the expense) and it joins the next "
            f"payroll run.\n\n{url}\n")
    return ReminderMessage(subject=f"What did you learn over your {expense.get_kind_display().lower()}?",
                           text=text, summary=f"Write the note about your {what} to be reimbursed.", url=url)


def register() -> None:
    register_reminder_kind(REPORT_BACK, "Networking fund: share what you learned before reimbursement",
                           build_report_back, order=32)
    register_notification_kind("fund_expense", "Networking fund: expenses to approve and decisions", order=33)
