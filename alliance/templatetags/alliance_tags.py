"""Template tags of the core: the navigation and member links apps register."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone

from alliance import merging, people, rights
from alliance.registry import member_links_for, nav_entries_for
from alliance.selectors import landing_url as _landing_url

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def may_change_member(viewer, subject) -> bool:
    """``{% if member|may_change_member:m %}``: whether the viewer may edit ``subject`` (the core's rule)."""
    return viewer is not None and rights.can_change_member(viewer, subject)


@register.filter
def email_for(subject, viewer) -> str:
    """``{{ subject|email_for:member }}``: the address of ``subject`` that ``viewer`` may see
    (``alliance.people.email_visible_to``), or nothing. A list page loads its rows' consents first."""
    if subject is None or viewer is None:
        return ""
    return people.email_visible_to(viewer, subject) or ""


@register.filter
def landing_url(membership) -> str:
    """Where the membership's organization opens for its person ("" when nowhere)."""
    return _landing_url(membership) or ""


@register.filter
def day(value: date | datetime | None) -> str:
    """One way to show a day everywhere: "Mar 4", with the year when it is not this year."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return dateformat.format(value, "M j" if value.year == timezone.localdate().year else "M j, Y")


@register.filter
def month(value: date | datetime | None) -> str:
    """A month, for spans of months and years (a tour's "Jun 2025 – Jun 2028")."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, "M Y")


@register.filter
def money(amount: Decimal | int | str | None, currency: str = "") -> str:
    """One way to show an amount everywhere: thousands separated, two decimals, then the currency when
    given: ``{{ e.amount|money:e.currency }}`` → "1,234.50 USD"."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)  # as a receipt rounds, not to even
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    return f"{value:,.2f} {currency or ''}".rstrip()


@register.filter
def text_version(text: str | None) -> str:
    """The version of a shared text a form shows, for merging a save over it (``alliance.merging``)."""
    return merging.text_version(text or "")


@register.filter
def moment(value: datetime | None) -> str:
    """A point in time in the viewer's zone: "Mar 4, 10:00". The zone is named once per page, at its
    foot (``time_zone_note``), not after every time."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local)}, {dateformat.format(local, 'H:i')}"


@register.filter
def clock(value: time | None) -> str:
    """A time of day on a wall clock, "10:00" — written as ``moment`` writes its time (a 1:1 series' hour,
    which stays the same in its own zone whatever daylight saving does)."""
    if value in (None, ""):
        return ""
    return dateformat.time_format(value, "H:i")


@register.simple_tag
def time_zone_note() -> str:
    """The viewer's time zone, named once per page: "Times are in Europe/Berlin (CET)"."""
    name, abbreviation = timezone.get_current_timezone_name(), timezone.localtime().tzname()
    return f"Times are in {name}." if abbreviation in (name, None) or abbreviation.startswith(("+", "-")) \
        else f"Times are in {name} ({abbreviation})."


@register.inclusion_tag("_nav_apps.html", takes_context=True)
def app_nav(context) -> dict:
    """The main navigation: links, and menus (``<details>``, so they open without JavaScript) when it
    is long; the menu holding the current page is marked."""
    request = context["request"]
    member, org = getattr(request, "member", None), getattr(request, "org", None)
    if member is None or org is None:
        return {"entries": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    entries = []
    for entry in nav_entries_for(member):
        links = [{"label": item.label, "url": reverse(item.url_name, args=[org.slug]),
                  "current": current in item.active} for item in entry.items]
        entries.append({"label": entry.group.label if entry.group else "", "links": links,
                        "current": any(link["current"] for link in links)})
    return {"entries": entries}


@register.simple_tag(takes_context=True)
def member_links(context, subject) -> list[dict]:
    """Links other apps offer about ``subject`` (e.g. the career ledger) that the viewer may open."""
    request = context["request"]
    viewer, org = getattr(request, "member", None), getattr(request, "org", None)
    if viewer is None or org is None or subject is None:
        return []
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[org.slug, subject.pk])}
        for link in member_links_for(viewer, subject)
    ]


@register.inclusion_tag("alliance/_history_link.html", takes_context=True)
def history_link(context, record_type: str, record_id: int, owner_id: int | None = None) -> dict:
    """``{% history_link "tour" tour.id owner_id=tour.employee_id %}``: a "History" link to the record's
    audit trail, for HR and admins, and for the record's owner unless its kind is for HR only."""
    from alliance.registry import audited_records

    member = context.get("member")
    record = audited_records().get(record_type)
    shown = (member is not None and record is not None and record_id is not None and member.is_active
             and (member.is_hr or (not record.hr_only and owner_id is not None and owner_id == member.pk)))
    url = reverse("history_record", args=[member.organization.slug, record_type, record_id]) if shown else ""
    return {"url": url, "label": record.label.lower() if record else ""}
