"""Checkpoint pages and their HTMX partials: scheduling, rescheduling, the actions, each side's notes,
the private note, agenda points, action items, the outcome and the calendar invite.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.merging import text_version
from tours import calendar, rights, selectors, services
from tours.forms import AgendaItemForm, CheckpointScheduleForm, OutcomeForm, PrivateNoteForm, SharedNotesForm
from tours.models import DEFAULT_CHECKPOINT_MINUTES, Checkpoint
from tours.views._common import _back_to, _checkpoint_url, _invalid_status, _tour_url


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
    if request.method == "POST" and form.is_valid() and request.POST.get("already_happened"):
        try:  # it already took place: on the record, then straight to its outcome
            past = services.checkpoint_log_past(tour=tour, by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The conversation is on the record: now record its outcome.")
            return redirect("tours:checkpoint_outcome", org_slug=org_slug, checkpoint_id=past.pk)
    elif request.method == "POST" and form.is_valid():
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
    return render(request, template, {"tour": tour, "schedule_form": form,
                                      "leaving_on": selectors.leaving_on(tour.employee)}, status=status)


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
                                                   "checkpoint": checkpoint,
                                                   "leaving_on": selectors.leaving_on(checkpoint.tour.employee)},
                  status=status)


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
        "notes_form": SharedNotesForm(initial={"notes": own_notes, "based_on": text_version(own_notes)}),
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
            text = request.POST.get("text", "")[:1000]
            item = services.agenda_item_edit(item=item, by=request.member, text=text,
                                             based_on=request.POST.get("based_on", "")[:64] or None)
            if item.text != text.strip():
                messages.warning(request, "This talking point was reworded meanwhile: both wordings are kept, "
                                          "theirs first. Tidy it up.")
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
    based_on = form.cleaned_data.get("based_on") or None
    may = rights.tour_rights(request.member, checkpoint.tour)
    side = "employee_notes" if may.employee else "manager_notes"
    try:
        checkpoint = services.checkpoint_update_notes(checkpoint=checkpoint, by=request.member, based_on=based_on,
                                                      **{side: notes})
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if getattr(checkpoint, side) != notes:
            messages.warning(request, "Someone else saved these notes while you were writing: both texts are kept, "
                                      "theirs first and yours below, marked with your name. Tidy them up.")
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
               "discussed": [str(item.pk) for item in checkpoint.agenda_items.all() if item.discussed],
               "notes_based_on": text_version(checkpoint.manager_notes),
               "corrections_based_on": text_version(checkpoint.course_corrections)}
    form = OutcomeForm(request.POST or None, initial=initial, checkpoint=checkpoint)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_record_outcome(
                checkpoint=checkpoint, by=request.member, progress=form.cleaned_data["progress"],
                manager_notes=form.cleaned_data["manager_notes"],
                course_corrections=form.cleaned_data["course_corrections"],
                discussed_item_ids=[int(pk) for pk in form.cleaned_data["discussed"]],
                new_action_items=form.new_action_items(),
                notes_based_on=form.cleaned_data["notes_based_on"] or None,
                corrections_based_on=form.cleaned_data["corrections_based_on"] or None,
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Outcome recorded. Open points moved to the next checkpoint.")
            if (checkpoint.manager_notes, checkpoint.course_corrections) != (
                    form.cleaned_data["manager_notes"], form.cleaned_data["course_corrections"]):
                messages.warning(request, "Someone saved the notes or course corrections while you were writing: "
                                          "both texts are kept, theirs first and yours below. Tidy them up.")
            return redirect(_tour_url(checkpoint.tour) + "#timeline")
    return render(request, "tours/outcome.html", {"cp": checkpoint, "tour": checkpoint.tour, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
def checkpoint_invite(request: OrgRequest, org_slug: str, checkpoint_id: int) -> HttpResponse:
    checkpoint = selectors.get_checkpoint_for_member(request.member, checkpoint_id)
    response = HttpResponse(calendar.checkpoint_invite(checkpoint), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{checkpoint.pk}.ics"'
    return response
