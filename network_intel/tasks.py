"""Beat sweeps: thin tasks around network_intel.reminders (the weekly digest, the report-back reminder)."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from network_intel import services
from network_intel.reminders import digests, report_backs


@shared_task
def sweep_intel_digests(now: str | None = None) -> int:
    return digests.sweep(now=parse_datetime(now) if now else None)


@shared_task
def sweep_fund_report_backs(now: str | None = None) -> int:
    return report_backs.sweep(now=parse_datetime(now) if now else None)


@shared_task
def sweep_pending_receipts(now: str | None = None) -> int:
    return services.sweep_pending_receipts(now=parse_datetime(now) if now else None)


@shared_task
def sweep_deleted(now: str | None = None) -> int:
    return services.sweep_deleted(now=parse_datetime(now) if now else None)
