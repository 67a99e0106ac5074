"""Pages of news, benefits and events: alumni and employees read and answer (``alumni_*``, open to
alumni), HR keeps them (``alumni-network/...``). The level gate (``network_gate``) comes first: a
feature the level does not offer is a 404 for everyone; then the rights of ``alumni.engage_rights``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import engage_rights as rights
from alumni import engage_selectors as selectors
from alumni import engage_services as services
from alumni.engage_forms import BenefitForm, EventForm, NewsletterForm, NewsPostForm
from alumni.engage_reminders import event_invite
from alumni.models import BenefitTier, EventRsvp
from alumni.rights import is_alumnus
from alumni.views import network_gate

PER_PAGE = 20


def _can_read_or_manage_news(member, settings) -> bool:
    return rights.can_read_news(member, settings) or rights.can_manage_news(member, settings)


# HR's pages exist from the feature's level on; below it they are a 404 like the feature itself,
# and someone who is not HR gets the usual 403 of HR pages.
def _news_level(member, settings) -> bool:
    return settings.reaches(rights.NEWS_LEVEL)


def _benefits_level(member, settings) -> bool:
    return settings.reaches(rights.BENEFITS_LEVEL)


def _events_level(member, settings) -> bool:
    return settings.reaches(rights.EVENTS_LEVEL)


# --- News ---------------------------------------------------------------------------------------


@network_gate(_can_read_or_manage_news)
@require_GET
def alumni_news(request: OrgRequest, org_slug: str) -> HttpResponse:
    page = Paginator(selectors.news_list(member=request.member).select_related("author__user"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "alumni/news.html", {
        "page": page, "posts": page.object_list, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_news(request.member, request.network),
    })


@network_gate(_can_read_or_manage_news)
@require_GET
def alumni_news_post(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    return render(request, "alumni/news_post.html", {
        "post": post, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_news(request.member, request.network)})


def _news_manage_page(request: OrgRequest, form: NewsPostForm, *, status: int = 200,
                      newsletter: NewsletterForm | None = None) -> HttpResponse:
    page = Paginator(selectors.news_list(member=request.member), PER_PAGE).get_page(request.GET.get("page"))
    newsletter = newsletter or NewsletterForm(initial={"frequency": selectors.newsletter_frequency(request.org)})
    return render(request, "alumni/news_manage.html", {"form": form, "newsletter": newsletter, "page": page,
                                                       "posts": page.object_list}, status=status)


@network_gate(_news_level)
@hr_required
@require_http_methods(["GET", "POST"])
def news_manage(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = NewsPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.news_post_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"“{post.title}” is published.")
            return redirect("alumni:news_manage", org_slug=org_slug)
    return _news_manage_page(request, form, status=400 if form.errors else 200)


@network_gate(_news_level)
@hr_required
@require_POST
def newsletter_settings(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = NewsletterForm(request.POST)
    if form.is_valid():
        try:
            services.newsletter_schedule_save(by=request.member, frequency=form.cleaned_data["frequency"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The newsletter schedule is saved.")
            return redirect("alumni:news_manage", org_slug=org_slug)
    return _news_manage_page(request, NewsPostForm(), status=400, newsletter=form)


@network_gate(_news_level)
@hr_required
@require_http_methods(["GET", "POST"])
def news_edit(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    form = NewsPostForm(request.POST or None, initial={"title": post.title, "body": post.body, "pinned": post.pinned})
    if request.method == "POST" and form.is_valid():
        try:
            services.news_post_update(post=post, by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The post is saved.")
            return redirect("alumni:alumni_news_post", org_slug=org_slug, post_id=post.pk)
    return render(request, "alumni/edit.html", {"form": form, "what": "news post", "title": post.title,
                                                "delete_url": "alumni:news_delete", "obj": post},
                  status=400 if form.errors else 200)


@network_gate(_news_level)
@hr_required
@require_POST
def news_delete(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    services.news_post_delete(post=post, by=request.member)
    messages.success(request, f"“{post.title}” is deleted.")
    return redirect("alumni:news_manage", org_slug=org_slug)


# --- Benefits ------------------------------------------------------------------------------------


@network_gate(rights.can_see_benefits)
@require_GET
def alumni_benefits(request: OrgRequest, org_slug: str) -> HttpResponse:
    tier = request.GET.get("tier", "")
    tier = tier if tier in BenefitTier.values else ""
    page = Paginator(selectors.benefit_list(member=request.member, tier=tier), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "alumni/benefits.html", {
        "page": page, "benefits": page.object_list, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_benefits(request.member, request.network)})


def _benefits_manage_page(request: OrgRequest, form: BenefitForm, *, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.benefit_list(member=request.member), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "alumni/benefits_manage.html", {"form": form, "page": page,
                                                           "benefits": page.object_list}, status=status)


@network_gate(_benefits_level)
@hr_required
@require_http_methods(["GET", "POST"])
def benefits_manage(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = BenefitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            benefit = services.benefit_create(by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"“{benefit.title}” is in the catalog.")
            return redirect("alumni:benefits_manage", org_slug=org_slug)
    return _benefits_manage_page(request, form, status=400 if form.errors else 200)


@network_gate(_benefits_level)
@hr_required
@require_http_methods(["GET", "POST"])
def benefit_edit(request: OrgRequest, org_slug: str, benefit_id: int) -> HttpResponse:
    benefit = rights.access_benefit(request.member, request.network, benefit_id)
    form = BenefitForm(request.POST or None, initial={name: getattr(benefit, name)
                                                      for name in services.BENEFIT_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.benefit_update(benefit=benefit, by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The benefit is saved.")
            return redirect("alumni:benefits_manage", org_slug=org_slug)
    return render(request, "alumni/edit.html", {"form": form, "what": "benefit", "title": benefit.title,
                                                "delete_url": "alumni:benefit_delete", "obj": benefit},
                  status=400 if form.errors else 200)


@network_gate(_benefits_level)
@hr_required
@require_POST
def benefit_delete(request: OrgRequest, org_slug: str, benefit_id: int) -> HttpResponse:
    benefit = rights.access_benefit(request.member, request.network, benefit_id)
    services.benefit_delete(benefit=benefit, by=request.member)
    messages.success(request, f"“{benefit.title}” is removed from the catalog.")
    return redirect("alumni:benefits_manage", org_slug=org_slug)


# --- Events ----------------------------------------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"“{event.title}” is announced.")
            return redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk)
    return _events_manage_page(request, form, status=400 if form.errors else 200)


@network_gate(_events_level)
@hr_required
@require_http_methods(["GET", "POST"])
def event_edit(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    initial.update({name: timezone.localtime(getattr(event, name)).strftime("%Y-%m-%dT%H:%M")
                    for name in ("starts_at", "ends_at")})
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The event is saved.")
            return redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk)
    return render(request, "alumni/edit.html", {"form": form, "what": "event", "title": event.title,
                                                "delete_url": "alumni:event_cancel", "delete_label": "Cancel the event",
                                                "obj": event, "hide_delete": event.is_cancelled},
                  status=400 if form.errors else 200)


@network_gate(_events_level)
@hr_required
@require_POST
def event_cancel(request: OrgRequest, org_slug: str, event_id: int) -> HttpResponse:
    event = rights.access_event(request.member, request.network, event_id)
    try:
        services.event_cancel(event=event, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _event_page(request, event_id, status=400)
    messages.success(request, f"“{event.title}” is cancelled; everyone who answered is told.")
    return redirect("alumni:alumni_event", org_slug=org_slug, event_id=event.pk)


# --- The unsubscribe link (outside /o/<slug>/: the signed token names the organization and person) -----


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    member = services.unsubscribe_lookup(token)
    if member is None:
        return render(request, "alumni/link_invalid.html", {
            "message": "This unsubscribe link is not valid. Sign in and change your consents on your alumni page, "
                       "or ask HR."}, status=404)
    if request.method == "POST":
        services.newsletter_unsubscribe(token=token)
        return render(request, "alumni/unsubscribed.html", {"organization": member.organization})
    return render(request, "alumni/unsubscribe.html", {"organization": member.organization})
