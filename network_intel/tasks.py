"""Beat sweep for the weekly digest: a thin task around network_intel.reminders.sweep."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from network_intel import reminders


@shared_task
def sweep_intel_digests(now: str | None = None) -> int:
    return reminders.sweep(now=parse_datetime(now) if now else None)


@shared_task
def sweep_fund_report_backs(now: str | None = None) -> int:
    from network_intel import fund_reminders

    return fund_reminders.sweep(now=parse_datetime(now) if now else None)
