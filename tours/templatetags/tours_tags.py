from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone

register = template.Library()

STATUS_BADGES = {"draft": "", "proposed": "badge-warn", "active": "badge-ok", "completed": "badge-manager",
                 "ended_early": "badge-warn", "cancelled": "badge-bad", "scheduled": "badge-manager",
                 "missed": "badge-bad"}
PROGRESS_BADGES = {"on_track": "badge-ok", "at_risk": "badge-warn", "off_track": "badge-bad"}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def progress_badge(progress: str) -> str:
    return PROGRESS_BADGES.get(progress, "")


@register.filter
def days_phrase(day: date | None) -> str:
    """“in 12 days”, “today”, “3 days ago” — relative to the viewer's today."""
    if day is None:
        return "open-ended"
    delta = (day - timezone.localdate()).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if delta > 0:
        return f"in {delta} days" if delta < 60 else f"in {round(delta / 30.4)} months"
    return f"{-delta} days ago" if delta > -60 else f"{round(-delta / 30.4)} months ago"
