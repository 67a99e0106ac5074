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


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def span(days: int) -> str:
    """A length of time in words: "12 days", "1 month", "8 months", "1 year", "8 years"."""
    days = abs(days)
    if days < 60:
        return _count(days, "day")
    if days < 730:
        return _count(round(days / 30.44), "month")
    return _count(round(days / 365.25), "year")


@register.filter
def days_phrase(day: date | None) -> str:
    """“in 12 days”, “today”, “3 days ago”, “in 1 month” — relative to the viewer's today."""
    if day is None:
        return "open-ended"
    delta = (day - timezone.localdate()).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {span(delta)}" if delta > 0 else f"{span(delta)} ago"


@register.filter
def duration_phrase(days: int | None) -> str:
    """How long a tour runs: "runs 3 years"."""
    return "open-ended" if days is None else f"runs {span(days)}"
