"""Alumni events: alumni and employees answer them, HR announces, changes and cancels them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.formviews import action_submit, form_submit
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.forms import EventForm
from alumni.models import EventRsvp
from alumni.reminders import event_invite
from alumni.rights import is_alumnus
from alumni.views._common import PER_PAGE, network_gate


def _events_level(member, settings) -> bool:
    return settings.reaches(rights.EVENTS_LEVEL)


@network_gate(rights.can_see_events)
@require_GET
def alumni_events(request: OrgRequest, org_slug: str) -> HttpResponse:
    past = request.GET.get("when") == "past"
    now = timezone.now()
    events = (selectors.event_list(member=request.member, past_before=now).reverse() if past
              else selectors.event_list(member=request.member, upcoming_from=now))
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "alumni/events.html", {
        "page": page, "events": page.object_list, "past": past, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_events(request.member, request.network)})


def _event_page(request: OrgRequest, event_id: int, *, status: int = 200) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    event = selectors.event_with_counts(member=request.member, event_id=event.pk)
    rsvp = selectors.rsvp_of(event, request.member)
    editor = rights.can_manage_events(request.member, request.network)
    return render(request, "alumni/event.html", {
        "event": event, "rsvp": rsvp, "position": selectors.waiting_position(rsvp) if rsvp else None,
        "is_alumnus": is_alumnus(request.member), "editor": editor, "over": event.ends_at <= timezone.now(),
        "people": selectors.event_people(event) if editor else None,
        "can_rsvp": rights.can_rsvp(request.member, event),
    }, status=status)


@network_gate(rights.can_see_events)
@require_GET
def alumni_event(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    return _event_page(request, event_id)


@network_gate(rights.can_see_events)
@require_POST
def alumni_event_rsvp(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    try:
        rsvp = services.event_rsvp(event=event, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _event_page(request, event_id, status=400)
    if rsvp.state == EventRsvp.State.GOING:
        messages.success(request, "You are going. Add it to your calendar below.")
    else:
        messages.info(request, "The event is full: you are on the waiting list. We tell you if a seat frees up.")
    return redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk)


@network_gate(rights.can_see_events)
@require_POST
def alumni_event_cancel_rsvp(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    try:
        services.event_rsvp_cancel(event=event, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _event_page(request, event_id, status=400)
    messages.success(request, "You are no longer on the list of this event.")
    return redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk)


@network_gate(rights.can_see_events)
@require_GET
def alumni_event_ics(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    response = HttpResponse(event_invite(event, request.member), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def _events_manage_page(request: OrgRequest, form: EventForm, *, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.event_list(member=request.member).reverse(), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "alumni/events_manage.html", {"form": form, "page": page, "events": page.object_list},
                  status=status)


@network_gate(_events_level)
@hr_required
@require_http_methods(["GET", "POST"])
def events_manage(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = EventForm(request.POST or None)
    return form_submit(
        request, form, save=lambda data: services.event_create(by=request.member, data=data),
        success=lambda event: f"“{event.title}” is announced.",
        then=lambda event: redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk),
        page=lambda status: _events_manage_page(request, form, status=status))


@network_gate(_events_level)
@hr_required
@require_http_methods(["GET", "POST"])
def event_edit(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    initial = _event_values(event)
    initial.update({name: timezone.localtime(getattr(event, name)).strftime("%Y-%m-%dT%H:%M")
                    for name in ("starts_at", "ends_at")})
    form = versions.track(EventForm(request.POST or None, initial=initial), event, read=_event_values)
    return form_submit(
        request, form, save=lambda data: services.event_update(event=event, by=request.member, data=data),
        success="The event is saved.",
        then=lambda _: redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk),
        page=lambda status: render(request, "alumni/edit.html", {
            "form": form, "what": "event", "title": event.title, "delete_url": "alumni:event_cancel",
            "delete_label": "Cancel the event", "obj": event, "hide_delete": event.is_cancelled,
        }, status=status))


@network_gate(_events_level)
@hr_required
@require_POST
def event_cancel(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    return action_submit(request, act=lambda: services.event_cancel(event=event, by=request.member),
                         success=f"“{event.title}” is cancelled; everyone who answered is told.",
                         then=lambda _: redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk),
                         refused=lambda: _event_page(request, event_id, status=400))


def _event_values(event) -> dict:
    """What the edit form edits of an event; times as stored (the form shows them to the minute)."""
    return {name: getattr(event, name) for name in services.EVENT_FIELDS}
