"""Tour pages: the lists (tours, CSV, team, my tour, a person's ledger, the dashboard panel), drafting
and editing a tour, its detail page and the lifecycle's transitions.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import exports, formtokens, versions
from alliance.background_exports import Export, export_response
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.models import Membership
from alliance.pagination import CappedPaginator, query_without_page
from alliance.people import email_visible_to, with_contact_consents
from alliance.selectors import get_membership_for_member, managers_for_org, team_names
from tours import rights, selectors, services
from tours.forms import (
    CheckpointScheduleForm,
    CommentForm,
    NextPlanForm,
    NoteForm,
    ReasonForm,
    TourCreateForm,
    TourEditForm,
    TourFilterForm,
)
from tours.models import DEFAULT_CHECKPOINT_MINUTES, FirstConversation, Tour, TourKind
from tours.views._common import _back_to, _id_param, _tour_url

TOURS_PER_PAGE = 25


# --- Lists ---------------------------------------------------------------------


def _filtered_tours(member: Membership, params) -> tuple[TourFilterForm, QuerySet]:
    """The tours the list shows the member with the filters of ``params`` (the list and its CSV alike)."""
    managers = managers_for_org(organization_id=member.organization_id).order_by("user__full_name")
    form = TourFilterForm(params or None, teams=team_names(organization_id=member.organization_id),
                          managers=managers)
    filters = form.cleaned_data if form.is_valid() else {}
    tours = selectors.tour_list(
        member=member, kind=filters.get("kind", ""), status=filters.get("status", ""),
        team=filters.get("team", ""), manager_ids=[m.pk for m in filters.get("manager") or []],
        search=filters.get("q", ""),
        ending_within_days=filters.get("ending_within"),
    )
    # Each ordering has its index leading with organization_id (by person: the stored sort key).
    _label, ordering = selectors.TOUR_LIST_SORTS[filters.get("sort") or selectors.TOUR_LIST_DEFAULT_SORT]
    return form, tours.order_by(*ordering)


@require_GET
def tour_list(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Organization-wide for HR; everyone else sees the tours they are entitled to."""
    if request.GET.get("format") == "csv":
        return export_response(request, key=TOURS_CSV)
    form, tours = _filtered_tours(request.member, request.GET)
    page = CappedPaginator(tours, TOURS_PER_PAGE, exact=request.GET.get("count") == "exact").get_page(
        request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request), "today": timezone.localdate()}
    template = "tours/list.html#rows" if request.htmx else "tours/list.html"
    return render(request, template, context)


TOURS_CSV = "tours-csv"
TOURS_CSV_HEADER = ["id", "employee", "employee_email", "team", "manager", "manager_email", "kind", "status",
                    "title", "start_date", "end_date", "cadence_months", "next_tour_plan", "updated_at"]


def tours_csv_export(*, viewer: Membership, params) -> Export:
    """Every tour the list shows (with its filters), read in id order in constant memory: streamed, or past
    EXPORT_BACKGROUND_ROWS written by a worker (alliance.background_exports)."""
    _form, tours = _filtered_tours(viewer, params)

    def to_rows(batch):
        for tour in with_contact_consents(viewer, batch, lambda t: (t.employee, t.manager)):
            yield [
                tour.pk, tour.employee.user.full_name, email_visible_to(viewer, tour.employee) or "",
                tour.employee.team, tour.manager.user.full_name, email_visible_to(viewer, tour.manager) or "",
                tour.kind, tour.status, tour.title, tour.start_date.isoformat(),
                tour.end_date.isoformat() if tour.end_date else "", tour.cadence_months, tour.next_tour_plan,
                tour.updated_at.isoformat(),
            ]

    rows = exports.keyset_rows(tours, organization_id=viewer.organization_id, to_rows=to_rows)
    return Export(filename=f"tours-{viewer.organization.slug}-{timezone.localdate().isoformat()}",
                  header=TOURS_CSV_HEADER, rows=rows, total=tours.count(), title="Tours")


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
        "changes_asked": selectors.changes_asked_by(member),
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
    made = formtokens.already_made(request)
    if made is not None:  # the same form sent again (the back button, a reload): nothing new is made
        messages.info(request, "This form was already sent: here is the tour it made.")
        return redirect(made)
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
            formtokens.remember(request, _tour_url(tour))
            return redirect(_tour_url(tour))
    employee = None
    employee_id = _id_param(form["employee"].value())
    if employee_id is not None:
        employee = employees.filter(pk=employee_id).first()
    context = {"form": form, "previous": previous, "creating": True, "form_token": formtokens.token_of(request),
               **_alignment_context(request, employee)}
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
    form = versions.track(TourEditForm(request.POST or None, initial=_terms(tour)), tour, read=_terms,
                          changed_by=_last_change)
    if request.method == "POST" and form.is_valid():
        was_active = tour.status == Tour.Status.ACTIVE
        try:
            versions.save_tracked(form, lambda: _save_terms(request, tour, form.cleaned_data))
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
    return render(request, "tours/form.html", context,
                  status=versions.status_of(form, posted=request.method == "POST"))


def _terms(tour: Tour) -> dict:
    return {name: getattr(tour, name) for name in Tour.TERM_FIELDS}


def _last_change(tour: Tour) -> tuple[str | None, datetime | None]:
    revision = selectors.tour_history(tour).first()
    if revision is None or revision.by is None:
        return None, tour.updated_at
    return revision.by.user.full_name or revision.by.user.email, revision.created_at


def _save_terms(request: OrgRequest, tour: Tour, data: dict) -> Tour:
    data = dict(data)
    comment = data.pop("comment", "")
    return services.tour_update(tour=tour, by=request.member, data=data, comment=comment)


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
        "leaving_on": selectors.leaving_on(tour.employee) if tour.is_open else None,
        "one_on_ones": selectors.active_series_of_report(member, tour.employee),
        "may_start_one_on_ones": rights.can_start_one_on_one_with(member, tour.employee),
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
