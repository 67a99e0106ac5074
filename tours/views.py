"""Browser pages for tours (HTMX partials for the interactive parts).

Every page resolves its objects through ``tours.selectors`` (404 for anything the
viewer may not see) and changes them only through ``tours.services``.
"""

from __future__ import annotations

import copy
import csv
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.models import Membership
from alliance.pagination import query_without_page
from alliance.selectors import get_membership_for_member, managers_for_org, team_names
from tours import calendar, rights, selectors, services
from tours.forms import (
    AgendaItemForm,
    CheckpointScheduleForm,
    CohortForm,
    CommentForm,
    FirstConversationOutcomeForm,
    NextPlanForm,
    NoteForm,
    OutcomeForm,
    PrivateNoteForm,
    ProgramForm,
    ReasonForm,
    SharedNotesForm,
    TourCreateForm,
    TourEditForm,
    TourFilterForm,
)
from tours.models import DEFAULT_CHECKPOINT_MINUTES, Checkpoint, FirstConversation, Tour, TourKind

TOURS_PER_PAGE = 25


def _invalid_status(request: OrgRequest) -> int:
    """400 for a refused form post; 200 for HTMX, which swaps only successful responses."""
    return 200 if request.htmx or request.method != "POST" else 400


def _back_to(request: OrgRequest, url: str) -> HttpResponse:
    """After a POST: a full redirect, also for HTMX (which then swaps the whole page)."""
    if request.htmx:
        # Without the fragment: a redirect to the same page plus "#..." would only scroll.
        return HttpResponseClientRedirect(url.split("#", 1)[0])
    return redirect(url)


def _safe_next(request: OrgRequest) -> str:
    """A same-site ``next`` path from the form, or nothing (no open redirects)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


MAX_ID_DIGITS = 19  # a bigint; int() refuses strings of more than 4,300 digits outright


def _id_param(value: object) -> int | None:
    """An id from a query string or a posted field, or None.

    ASCII digits only: ``"²".isdigit()`` is true, but ``int("²")`` raises.
    """
    text = "" if value is None else str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS else None


def _tour_url(tour: Tour) -> str:
    return reverse("tours:detail", args=[tour.organization.slug, tour.pk])


def _checkpoint_url(request: OrgRequest, checkpoint: Checkpoint) -> str:
    return reverse("tours:checkpoint_detail", args=[request.org.slug, checkpoint.pk])


# --- Lists ---------------------------------------------------------------------


@require_GET
def tour_list(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Organization-wide for HR; everyone else sees the tours they are entitled to."""
    member = request.member
    managers = managers_for_org(organization_id=request.org.pk).order_by("user__full_name")
    form = TourFilterForm(request.GET or None, teams=team_names(organization_id=request.org.pk), managers=managers)
    filters = form.cleaned_data if form.is_valid() else {}
    tours = selectors.tour_list(
        member=member, kind=filters.get("kind", ""), status=filters.get("status", ""),
        team=filters.get("team", ""), manager_id=filters.get("manager"), search=filters.get("q", ""),
        ending_within_days=filters.get("ending_within"),
    ).order_by("end_date", "employee__user__full_name", "id")
    if request.GET.get("format") == "csv":
        return _tours_csv(tours, org_slug)
    page = Paginator(tours, TOURS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request), "today": timezone.localdate()}
    template = "tours/list.html#rows" if request.htmx else "tours/list.html"
    return render(request, template, context)


def _tours_csv(tours, org_slug: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="tours-{org_slug}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(["id", "employee", "employee_email", "team", "manager", "manager_email", "kind", "status",
                     "title", "start_date", "end_date", "cadence_months", "next_tour_plan", "updated_at"])
    for tour in tours.iterator(chunk_size=500):
        row = [
            tour.pk, tour.employee.user.full_name, tour.employee.user.email, tour.employee.team,
            tour.manager.user.full_name, tour.manager.user.email, tour.kind, tour.status,
            tour.title, tour.start_date.isoformat(), tour.end_date.isoformat() if tour.end_date else "",
            tour.cadence_months, tour.next_tour_plan, tour.updated_at.isoformat(),
        ]
        # Every text cell: names, e-mails and teams are typed by people too.
        writer.writerow([_csv_safe(cell) if isinstance(cell, str) else cell for cell in row])
    return response


CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ (or a tab or carriage return before one) as formulas."""
    return "'" + value if value.startswith(CSV_FORMULA_PREFIXES) else value


@require_GET
def team_dashboard(request: OrgRequest, org_slug: str) -> HttpResponse:
    flag = request.GET.get("flag", "")
    flag = flag if flag in selectors.TEAM_FLAGS else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in TourKind.values else ""
    sort = request.GET.get("sort", "name")
    sort = sort if sort in selectors.TEAM_SORTS else "name"
    rows = selectors.team_overview(member=request.member, flag=flag, kind=kind, sort=sort)
    context = {
        "rows": rows, "flag": flag, "kind": kind, "sort": sort, "flags": selectors.TEAM_FLAGS,
        "action_items": selectors.open_action_items(
            organization_id=request.org.pk, tour_ids=[row.tour.pk for row in rows if row.tour is not None]),
        "kinds": TourKind.choices, "conversations": selectors.open_first_conversations_for_manager(request.member),
    }
    template = "tours/team.html#rows" if request.htmx else "tours/team.html"
    return render(request, template, context)


@require_GET
def my_tour(request: OrgRequest, org_slug: str) -> HttpResponse:
    member = request.member
    open_tours = selectors.open_tours_of(member)
    current = open_tours[0] if open_tours else None
    context = {
        "open_tours": open_tours,
        "current": current,
        "upcoming": selectors.upcoming_checkpoints_for(member),
        "ledger": selectors.career_ledger(member=member, subject=member),
        "subject": member,
        "feed": selectors.active_calendar_feed(member),
    }
    if current is not None:
        context["action_items"] = selectors.open_action_items(organization_id=request.org.pk, tour_ids=[current.pk])
        context["conversations"] = list(selectors.first_conversations_of(current))
        context["open_conversation"] = next((c for c in context["conversations"] if c.is_open), None)
    return render(request, "tours/my_tour.html", context)


@require_GET
def career_ledger(request: OrgRequest, org_slug: str, membership_id: int) -> HttpResponse:
    subject = get_membership_for_member(request.member, membership_id)
    ledger = selectors.career_ledger(member=request.member, subject=subject)
    can_draft = rights.can_draft_tour_for(request.member, subject)
    return render(request, "tours/ledger.html", {"subject": subject, "ledger": ledger, "can_draft": can_draft})


def dashboard_panel_context(request: OrgRequest) -> dict:
    """The tours panel of the home dashboard: my tour, and my team's flags for managers."""
    member = request.member
    open_tours = selectors.open_tours_of(member)
    rows = selectors.team_overview(member=member) if getattr(request, "direct_reports", None) else []
    flag_counts = {key: 0 for key in selectors.TEAM_FLAGS}
    for row in rows:
        for key in row.flag_keys:
            flag_counts[key] += 1
    return {
        "current": open_tours[0] if open_tours else None,
        "upcoming": selectors.upcoming_checkpoints_for(member, limit=3),
        "rows": rows,
        "flag_counts": [(key, label, flag_counts[key]) for key, label in selectors.TEAM_FLAGS.items()],
        "conversations": selectors.open_first_conversations_for_manager(member) if rows else [],
    }


# --- Create and edit -----------------------------------------------------------


def _alignment_context(request: OrgRequest, employee: Membership | None) -> dict:
    return {"alignment_employee": employee, "organization": request.org}


@require_http_methods(["GET", "POST"])
def tour_create(request: OrgRequest, org_slug: str) -> HttpResponse:
    member = request.member
    employees = selectors.draftable_employees(member).order_by("user__full_name")
    if not rights.can_draft_tours(member) or (not member.is_hr and not employees.exists()):
        raise PermissionDenied("Only managers (for their direct reports) and HR can draft tours.")
    managers = managers_for_org(organization_id=request.org.pk).order_by("user__full_name")
    previous = None
    successor_of = _id_param(request.GET.get("previous"))
    for_employee = _id_param(request.GET.get("employee"))
    if request.method == "GET" and successor_of is not None:
        previous = selectors.get_tour_for_member(member, successor_of)
        initial = selectors.successor_initial(previous)
    elif request.method == "GET" and for_employee is not None:
        initial = {"employee": for_employee, "start_date": timezone.localdate()}
    else:
        initial = {"start_date": timezone.localdate()}
    initial.setdefault("next_tour_lead_days", selectors.next_tour_lead_default(request.org))
    form = TourCreateForm(request.POST or None, initial=initial, employees=employees, managers=managers)
    form.fields["employee"].widget.attrs.update({
        "hx-get": reverse("tours:alignment", args=[org_slug]), "hx-target": "#alignment",
        "hx-swap": "outerHTML", "hx-trigger": "change",
    })
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        previous_id = data.pop("previous_tour")
        previous_tour = selectors.get_tour_for_member(member, previous_id) if previous_id else None
        try:
            with transaction.atomic():
                tour = services.tour_create(by=member, previous_tour=previous_tour, **data)
                if request.POST.get("then") == "propose":
                    services.tour_propose(tour=tour, by=member)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            verb = "proposed to" if tour.status == Tour.Status.PROPOSED else "drafted for"
            messages.success(request, f"Tour “{tour.title}” {verb} {tour.employee.user.full_name}.")
            for warning in tour.duration_warnings:
                messages.warning(request, warning)
            return redirect(_tour_url(tour))
    employee = None
    employee_id = _id_param(form["employee"].value())
    if employee_id is not None:
        employee = employees.filter(pk=employee_id).first()
    context = {"form": form, "previous": previous, "creating": True, **_alignment_context(request, employee)}
    return render(request, "tours/form.html", context, status=400 if request.method == "POST" else 200)


@require_GET
def tour_alignment(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The side-by-side alignment panel for the chosen employee (HTMX, on change)."""
    employee = None
    employee_id = _id_param(request.GET.get("employee"))
    if employee_id is not None:
        employee = selectors.draftable_employees(request.member).filter(pk=employee_id).first()
    return render(request, "tours/form.html#alignment", _alignment_context(request, employee))


@require_http_methods(["GET", "POST"])
def tour_edit(request: OrgRequest, org_slug: str, tour_id: int) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    if not rights.is_manager_side(request.member, tour):
        raise PermissionDenied("Only the tour's manager or HR can change its terms.")
    if not tour.is_open:
        messages.error(request, f"A {tour.get_status_display().lower()} tour can no longer be changed.")
        return redirect(_tour_url(tour))
    initial = {name: getattr(tour, name) for name in Tour.TERM_FIELDS}
    form = TourEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        comment = data.pop("comment", "")
        was_active = tour.status == Tour.Status.ACTIVE
        try:
            services.tour_update(tour=tour, by=request.member, data=data, comment=comment)
        except ApplicationError as error:
            apply_application_error(form, error)
            tour.refresh_from_db()
        else:
            if was_active:
                messages.success(request, f"Amendment proposed to {tour.employee.user.full_name}. The terms in force "
                                          "stay until they accept it.")
                return redirect(_tour_url(tour) + "#amendment")
            messages.success(request, "Terms amended; the change is in the tour's history.")
            for warning in tour.duration_warnings:
                messages.warning(request, warning)
            return redirect(_tour_url(tour))
    context = {"form": form, "tour": tour, "creating": False,
               **_alignment_context(request, tour.employee)}
    return render(request, "tours/form.html", context, status=400 if request.method == "POST" else 200)


# --- Detail and lifecycle ---------------------------------------------------------


def _tour_context(request: OrgRequest, tour: Tour) -> dict:
    member = request.member
    may = rights.tour_rights(member, tour)
    conversations = list(selectors.first_conversations_of(tour))
    return {
        "tour": tour,
        "rights": may,
        "transitions": rights.allowed_transitions(tour, member),
        "checkpoints": selectors.tour_checkpoints(member=member, tour=tour),
        "history": selectors.tour_history(tour)[:100],
        "pending_amendment": selectors.pending_amendment(tour),
        "conversations": conversations,
        "open_conversation": next((c for c in conversations if c.is_open), None),
        "successors": list(tour.successors.select_related("employee").order_by("start_date")),
        "schedule_form": CheckpointScheduleForm(initial={"duration_minutes": DEFAULT_CHECKPOINT_MINUTES}),
        "next_plan_form": NextPlanForm(initial={"plan": tour.next_tour_plan, "notes": tour.next_tour_plan_notes}),
        "outcome_choices": FirstConversation.Outcome.choices,
        "now": timezone.now(),
    }


@require_GET
def tour_detail(request: OrgRequest, org_slug: str, tour_id: int) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    return render(request, "tours/detail.html", _tour_context(request, tour))


TRANSITION_FORMS = {"request_changes": CommentForm, "cancel": ReasonForm, "end_early": ReasonForm,
                    "complete": NoteForm}
SUCCESS_MESSAGES = {
    "propose": "Tour proposed. {employee} can now accept it or ask for changes.",
    "accept": "You accepted the tour. It is active now.",
    "request_changes": "Your request for changes was sent back to {manager}.",
    "cancel": "Tour cancelled.",
    "complete": "Tour completed. Time to celebrate what it achieved.",
    "end_early": "Tour ended early.",
}


@require_POST
def tour_transition(request: OrgRequest, org_slug: str, tour_id: int, action: str) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    if action not in rights.TRANSITIONS:
        raise Http404("No such action.")
    form_class = TRANSITION_FORMS.get(action)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return _back_to(request, _tour_url(tour))
    data = form.cleaned_data if form is not None else {}
    by = request.member
    try:
        if action == "propose":
            services.tour_propose(tour=tour, by=by)
        elif action == "accept":
            services.tour_accept(tour=tour, by=by)
        elif action == "request_changes":
            services.tour_request_changes(tour=tour, by=by, comment=data["comment"])
        elif action == "cancel":
            services.tour_cancel(tour=tour, by=by, reason=data["reason"])
        elif action == "complete":
            services.tour_complete(tour=tour, by=by, note=data["note"])
        else:
            services.tour_end_early(tour=tour, by=by, reason=data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, SUCCESS_MESSAGES[action].format(
            employee=tour.employee.user.full_name, manager=tour.manager.user.full_name))
        if action == "request_changes":  # a draft again: the manager side's until proposed anew
            return redirect("tours:my_tour", org_slug=org_slug)
    return _back_to(request, _tour_url(tour))


@require_POST
def amendment_action(request: OrgRequest, org_slug: str, amendment_id: int, action: str) -> HttpResponse:
    """Accept or decline (the employee) or withdraw (the manager side) a proposed amendment."""
    amendment = selectors.get_amendment_for_member(request.member, amendment_id)
    tour = amendment.tour
    note = request.POST.get("note", "")[:2000]
    try:
        if action == "accept":
            services.amendment_accept(amendment=amendment, by=request.member, note=note)
            messages.success(request, "Amendment accepted: the new terms are in force.")
        elif action == "decline":
            services.amendment_decline(amendment=amendment, by=request.member, note=note)
            messages.success(request, f"Amendment declined; {tour.manager.user.full_name} will hear why.")
        elif action == "withdraw":
            services.amendment_withdraw(amendment=amendment, by=request.member)
            messages.success(request, "Amendment withdrawn.")
        else:
            raise Http404("No such action.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to(request, _tour_url(tour))


@require_POST
def first_conversation_action(request: OrgRequest, org_slug: str, tour_id: int, action: str) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    by = request.member
    try:
        if action == "grant":
            services.first_conversation_grant(tour=tour, by=by)
            messages.success(request, "You granted the right of first conversation: when you start thinking "
                                      "about what's next, you'll talk to us first.")
        elif action == "withdraw":
            services.first_conversation_withdraw(tour=tour, by=by)
            messages.success(request, "You withdrew the right of first conversation.")
        elif action == "exercise":
            form = NoteForm(request.POST)
            form.is_valid()
            services.first_conversation_exercise(tour=tour, by=by, note=form.cleaned_data.get("note", ""))
            messages.success(request, f"{tour.manager.user.full_name} sees it now on their dashboard and will "
                                      "set up the conversation.")
        else:
            raise Http404("No such action.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to(request, _safe_next(request) or _tour_url(tour))


@require_POST
def first_conversation_outcome(request: OrgRequest, org_slug: str, conversation_id: int) -> HttpResponse:
    conversation = selectors.get_first_conversation_for_member(request.member, conversation_id)
    form = FirstConversationOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the outcome of the conversation.")
    else:
        try:
            services.first_conversation_record_outcome(conversation=conversation, by=request.member,
                                                       **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Outcome recorded: {conversation.get_outcome_display()}.")
            if conversation.outcome == FirstConversation.Outcome.NEW_INTERNAL_TOUR:
                url = reverse("tours:create", args=[org_slug]) + f"?previous={conversation.tour_id}"
                return _back_to(request, url)
    return _back_to(request, _tour_url(conversation.tour))


@require_POST
def tour_next_plan(request: OrgRequest, org_slug: str, tour_id: int) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    form = NextPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the plan for the next tour.")
        return _back_to(request, _tour_url(tour))
    try:
        services.tour_record_next_plan(tour=tour, by=request.member, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Next-tour plan recorded: {tour.get_next_tour_plan_display()}.")
    return _back_to(request, _tour_url(tour))


# --- Checkpoints ----------------------------------------------------------------


def _row_response(request: OrgRequest, checkpoint: Checkpoint, *, form=None, status: int = 200) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint.pk)
    context = {"cp": checkpoint, "tour": checkpoint.tour, "now": timezone.now(),
               "rights": rights.tour_rights(request.member, checkpoint.tour), "form": form}
    template = "tours/detail.html#reschedule_form" if form is not None else "tours/detail.html#checkpoint_row"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def checkpoint_new(request: OrgRequest, org_slug: str, tour_id: int) -> HttpResponse:
    tour = selectors.get_tour_for_member(request.member, tour_id)
    form = CheckpointScheduleForm(request.POST or None, initial={"duration_minutes": DEFAULT_CHECKPOINT_MINUTES})
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_schedule(tour=tour, by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            when = timezone.localtime(checkpoint.scheduled_at)
            messages.success(request, f"Checkpoint scheduled for {when:%a %b %d, %Y %H:%M}.")
            return _back_to(request, _tour_url(tour) + "#timeline")
    status = _invalid_status(request)
    template = "tours/detail.html#schedule_form" if request.htmx else "tours/schedule.html"
    return render(request, template, {"tour": tour, "schedule_form": form}, status=status)


@require_http_methods(["GET", "POST"])
def checkpoint_reschedule(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    initial = {"scheduled_at": timezone.localtime(checkpoint.scheduled_at),
               "duration_minutes": checkpoint.duration_minutes, "location": checkpoint.location}
    form = CheckpointScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkpoint_reschedule(checkpoint=checkpoint, by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            if request.htmx:
                return _row_response(request, checkpoint)
            messages.success(request, "Checkpoint moved; calendars get the update.")
            return redirect(_tour_url(checkpoint.tour) + "#timeline")
    status = _invalid_status(request)
    if request.htmx:
        return _row_response(request, checkpoint, form=form, status=status)
    return render(request, "tours/schedule.html", {"tour": checkpoint.tour, "schedule_form": form,
                                                   "checkpoint": checkpoint}, status=status)


@require_POST
def checkpoint_action(request: OrgRequest, org_slug: str, checkpoint_id: int, action: str) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    actions = {"confirm": services.checkpoint_confirm, "cancel": services.checkpoint_cancel,
               "missed": services.checkpoint_mark_missed}
    if action not in actions:
        raise Http404("No such action.")
    try:
        actions[action](checkpoint=checkpoint, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to(request, _tour_url(checkpoint.tour) + "#timeline")
    if request.htmx:
        return _row_response(request, checkpoint)
    done = {"confirm": "Checkpoint confirmed.", "cancel": "Checkpoint cancelled; open points moved to the next one.",
            "missed": "Checkpoint marked as missed; open points moved to the next one."}
    messages.success(request, done[action])
    return redirect(_tour_url(checkpoint.tour) + "#timeline")


def _checkpoint_context(request: OrgRequest, checkpoint: Checkpoint) -> dict:
    tour = checkpoint.tour
    may = rights.tour_rights(request.member, tour)
    own_notes = checkpoint.employee_notes if may.employee else checkpoint.manager_notes
    return {
        "cp": checkpoint, "tour": tour, "rights": may,
        "agenda_form": AgendaItemForm(),
        "notes_form": SharedNotesForm(initial={"notes": own_notes}),
        "private_form": PrivateNoteForm(initial={"body": selectors.my_private_note(checkpoint)}),
        "now": timezone.now(),
    }


@require_GET
def checkpoint_detail(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    """Prepare (agenda), take notes, and read what was agreed."""
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    return render(request, "tours/checkpoint.html", _checkpoint_context(request, checkpoint))


@require_POST
def agenda_add(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    form = AgendaItemForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.agenda_item_add(checkpoint=checkpoint, by=request.member, text=form.cleaned_data["text"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            form, saved = AgendaItemForm(), True
    if not request.htmx:
        if not saved:
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_checkpoint_url(request, checkpoint) + "#agenda")
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    context = _checkpoint_context(request, checkpoint)
    # After the swap, the cursor is back in the field (htmx focuses [autofocus]), ready for the next point.
    form.fields["text"].widget.attrs["autofocus"] = True
    context["agenda_form"] = form
    return render(request, "tours/checkpoint.html#agenda", context)


@require_POST
def agenda_item_action(request: OrgRequest, org_slug: str, item_id: int, action: str) -> HttpResponse:
    item = selectors.get_agenda_item_for_member(request.member, item_id)
    try:
        if action == "toggle":
            services.agenda_item_set_discussed(item=item, by=request.member, discussed=not item.discussed)
        elif action == "remove":
            services.agenda_item_remove(item=item, by=request.member)
        elif action == "edit":
            services.agenda_item_edit(item=item, by=request.member, text=request.POST.get("text", "")[:1000])
        else:
            raise Http404("No such action.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to(request, _checkpoint_url(request, item.checkpoint))
    if not request.htmx:
        return redirect(_checkpoint_url(request, item.checkpoint) + "#agenda")
    checkpoint = selectors.get_checkpoint_for_member(request.member, item.checkpoint_id)
    return render(request, "tours/checkpoint.html#agenda", _checkpoint_context(request, checkpoint))


@require_POST
def action_item_toggle(request: OrgRequest, org_slug: str, item_id: int) -> HttpResponse:
    item = selectors.get_action_item_for_member(request.member, item_id)
    try:
        services.action_item_set_done(item=item, by=request.member, done=not item.done)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to(request, _checkpoint_url(request, item.checkpoint))
    if not request.htmx:
        return redirect(_checkpoint_url(request, item.checkpoint) + "#actions")
    checkpoint = selectors.get_checkpoint_for_member(request.member, item.checkpoint_id)
    return render(request, "tours/checkpoint.html#actions", _checkpoint_context(request, checkpoint))


@require_POST
def checkpoint_notes(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    """The viewer's own side of the shared notes."""
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    form = SharedNotesForm(request.POST)
    form.is_valid()
    notes = form.cleaned_data.get("notes", "")
    may = rights.tour_rights(request.member, checkpoint.tour)
    try:
        if may.employee:
            services.checkpoint_update_notes(checkpoint=checkpoint, by=request.member, employee_notes=notes)
        else:
            services.checkpoint_update_notes(checkpoint=checkpoint, by=request.member, manager_notes=notes)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your shared notes are saved.")
    return _back_to(request, _checkpoint_url(request, checkpoint) + "#notes")


@require_POST
def checkpoint_private_note(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    form = PrivateNoteForm(request.POST)
    form.is_valid()
    try:
        services.private_note_save(checkpoint=checkpoint, by=request.member, body=form.cleaned_data.get("body", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your private note is saved. Only you can read it.")
    return _back_to(request, _checkpoint_url(request, checkpoint) + "#private")


@require_http_methods(["GET", "POST"])
def checkpoint_outcome(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    if not rights.is_manager_side(request.member, checkpoint.tour):
        raise PermissionDenied("The manager records the outcome of a checkpoint.")
    if checkpoint.status != Checkpoint.Status.SCHEDULED:
        messages.error(request, f"This checkpoint is {checkpoint.get_status_display().lower()} already.")
        return redirect(_checkpoint_url(request, checkpoint))
    if not services.checkpoint_has_started(checkpoint):
        messages.error(request, "This conversation has not started yet; record its outcome once you have met.")
        return redirect(_checkpoint_url(request, checkpoint))
    initial = {"manager_notes": checkpoint.manager_notes, "course_corrections": checkpoint.course_corrections,
               "discussed": [str(item.pk) for item in checkpoint.agenda_items.all() if item.discussed]}
    form = OutcomeForm(request.POST or None, initial=initial, checkpoint=checkpoint)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkpoint_record_outcome(
                checkpoint=checkpoint, by=request.member, progress=form.cleaned_data["progress"],
                manager_notes=form.cleaned_data["manager_notes"],
                course_corrections=form.cleaned_data["course_corrections"],
                discussed_item_ids=[int(pk) for pk in form.cleaned_data["discussed"]],
                new_action_items=form.new_action_items(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Outcome recorded. Open points moved to the next checkpoint.")
            return redirect(_tour_url(checkpoint.tour) + "#timeline")
    return render(request, "tours/outcome.html", {"cp": checkpoint, "tour": checkpoint.tour, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
def checkpoint_invite(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    response = HttpResponse(calendar.checkpoint_invite(checkpoint), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{checkpoint.pk}.ics"'
    return response


# --- Calendar feed -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_settings(request: OrgRequest, org_slug: str) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(member=request.member)
            messages.success(request, "Your calendar feed address no longer works.")
            return redirect("tours:calendar", org_slug=org_slug)
        _feed, token = services.calendar_feed_create(member=request.member)
        feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    webcal_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else ""
    context = {"feed": selectors.active_calendar_feed(request.member), "feed_url": feed_url,
               "webcal_url": webcal_url}
    return render(request, "tours/calendar.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed: no session, the secret URL is the credential."""
    feed = services.calendar_feed_authenticate(token)
    if feed is None:
        raise Http404("No such calendar.")
    member = feed.membership
    name = f"Checkpoints — {feed.organization.name}"
    body = calendar.member_feed(name=name, checkpoints=selectors.calendar_checkpoints_for(member))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Rotational programs -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@hr_required
def program_list(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Program “{program.name}” created. Start a cohort when you are ready.")
            return redirect("tours:program_detail", org_slug=org_slug, program_id=program.pk)
    programs = selectors.program_list(member=request.member)
    return render(request, "tours/programs.html", {"form": form, "programs": programs},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@hr_required
def program_detail(request: OrgRequest, org_slug: str, program_id: int) -> HttpResponse:
    program = selectors.get_program_for_member(request.member, program_id)
    candidates = selectors.cohort_candidates(request.member).order_by("user__full_name")
    edit_form = ProgramForm(instance=program, prefix="program")
    cohort_form = CohortForm(initial={"start_date": timezone.localdate() + timedelta(days=14)},
                             members=candidates, prefix="cohort")
    status = 200
    if request.method == "POST" and request.POST.get("form") == "program":
        # A ModelForm writes what it validates into its instance: give it a copy, so the
        # service still sees what changed and stays the one place that saves.
        edit_form = ProgramForm(request.POST, instance=copy.copy(program), prefix="program")
        if edit_form.is_valid():
            data = {name: edit_form.cleaned_data[name] for name in edit_form.changed_data}
            try:
                services.program_update(program=program, by=request.member, data=data)
            except ApplicationError as error:
                apply_application_error(edit_form, error)
            else:
                messages.success(request, "Program saved.")
                return redirect("tours:program_detail", org_slug=org_slug, program_id=program.pk)
        program.refresh_from_db()
        status = 400
    elif request.method == "POST":
        cohort_form = CohortForm(request.POST, members=candidates, prefix="cohort")
        if cohort_form.is_valid():
            try:
                cohort = services.cohort_start(program=program, by=request.member, **cohort_form.cleaned_data)
            except ApplicationError as error:
                apply_application_error(cohort_form, error)
            else:
                messages.success(request, f"Cohort “{cohort.name}” started: "
                                          f"{len(cohort_form.cleaned_data['members'])} tours proposed.")
                return redirect("tours:program_detail", org_slug=org_slug, program_id=program.pk)
        status = 400
    context = {"program": program, "edit_form": edit_form, "cohort_form": cohort_form,
               "cohorts": selectors.program_cohorts(program)}
    return render(request, "tours/program_detail.html", context, status=status)
