"""Recurring 1:1 pages: the list ("My 1:1s"), starting and editing a series, its page with the timeline,
and a meeting's move, skip, record, talking points and private note."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import confirm, formtokens
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from tours import calendar, rights, selectors, services
from tours.forms import OneOnOneMoveForm, OneOnOneRecordForm, OneOnOneSeriesForm, PrivateNoteForm, TalkingPointForm
from tours.models import OneOnOne, OneOnOneSeries
from tours.views._common import _back_to, _id_param, _invalid_status


def _series_url(series: OneOnOneSeries) -> str:
    return reverse("tours:one_on_one_detail", args=[series.organization.slug, series.pk])


def _meeting_url(meeting: OneOnOne) -> str:
    return _series_url(meeting.series) + f"#meeting-{meeting.pk}"


@require_GET
def one_on_one_list(request: OrgRequest, org_slug: str) -> HttpResponse:
    """My 1:1s: the series I run as a manager and the ones I am the report of (HR: every series)."""
    member = request.member
    series = list(selectors.series_list(member=member).order_by("status", "-created_at", "-id")[:200])
    mine = [s for s in series if s.manager_id == member.pk]
    as_report = [s for s in series if s.report_id == member.pk]
    others = [s for s in series if member.pk not in (s.manager_id, s.report_id)]
    return render(request, "tours/one_on_ones.html", {
        "mine": mine, "as_report": as_report, "others": others,
        "may_start": rights.can_start_one_on_ones(member)})


@require_http_methods(["GET", "POST"])
def one_on_one_new(request: OrgRequest, org_slug: str) -> HttpResponse:
    made = formtokens.already_made(request)
    if made:
        return redirect(made)
    reports = selectors.startable_reports(request.member)
    initial = {"report": _id_param(request.GET.get("report")), "local_time": "10:00",
               "first_date": timezone.localdate() + timedelta(days=1)}
    form = OneOnOneSeriesForm(request.POST or None, reports=reports, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.one_on_one_series_start(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            formtokens.remember(request, _series_url(series))
            messages.success(request, f"1:1s with {series.report.user.full_name} start; the invitation is sent.")
            return redirect(_series_url(series))
    return render(request, "tours/one_on_one_form.html", {
        "form": form, "title": "Start a recurring 1:1", "button": "Start the series",
        "back": reverse("tours:one_on_ones", args=[org_slug]), "form_token": formtokens.token_of(request),
    }, status=_invalid_status(request) if request.method == "POST" else 200)


@require_GET
def one_on_one_detail(request: OrgRequest, org_slug: str, series_id: int) -> HttpResponse:
    series = selectors.get_series_for_member(request.member, series_id)
    meetings = selectors.series_meetings(member=request.member, series=series)
    for meeting in meetings:
        meeting.my_note = selectors.my_meeting_note(meeting)
    return render(request, "tours/one_on_one.html", {
        "series": series, "timeline": selectors.series_timeline(member=request.member, series=series,
                                                                meetings=meetings),
        "manage": rights.can_manage_series(request.member, series),
        "participant": rights.is_series_participant(request.member, series),
        "point_form": TalkingPointForm(), "now": timezone.now(),
    })


@require_http_methods(["GET", "POST"])
def one_on_one_edit(request: OrgRequest, org_slug: str, series_id: int) -> HttpResponse:
    series = selectors.get_series_for_member(request.member, series_id)
    upcoming = [m for m in selectors.series_meetings(member=request.member, series=series, upcoming_only=True)
                if m.is_scheduled and m.scheduled_at > timezone.now()]
    first = (timezone.localtime(upcoming[0].original_at, series.zone).date() if upcoming else series.first_date)
    initial = {"cadence": series.cadence, "first_date": first, "local_time": series.local_time,
               "duration_minutes": series.duration_minutes, "location": series.location, "ends_on": series.ends_on}
    form = OneOnOneSeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.one_on_one_series_update(series=series, by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The series is changed from that day on; calendars get the update.")
            return redirect(_series_url(series))
    return render(request, "tours/one_on_one_form.html", {
        "form": form, "series": series, "title": f"Change the 1:1s with {series.report.user.full_name}",
        "button": "Change every meeting to come", "back": _series_url(series),
        "intro": f"Times are in {series.time_zone}. Every meeting still to come follows the new schedule, from "
                 "the first meeting below; meetings held stay as they were.",
    }, status=_invalid_status(request) if request.method == "POST" else 200)


@require_POST
def one_on_one_end(request: OrgRequest, org_slug: str, series_id: int) -> HttpResponse:
    series = selectors.get_series_for_member(request.member, series_id)
    if not confirm.is_confirmed(request):
        return confirm.confirm_page(
            request, question=f"End the recurring 1:1 with {series.report.user.full_name}?",
            action_label="End the series", back_url=_series_url(series),
            detail="The meetings still to come are cancelled in both calendars. Notes of past meetings stay.")
    try:
        services.one_on_one_series_end(series=series, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The series has ended; calendars get the cancellation.")
    return _back_to(request, _series_url(series))


@require_GET
def one_on_one_invite(request: OrgRequest, org_slug: str, series_id: int) -> HttpResponse:
    series = selectors.get_series_for_member(request.member, series_id)
    meetings = [m for m in selectors.series_meetings(member=request.member, series=series, upcoming_only=True)
                if m.pattern == series.pattern]
    response = HttpResponse(calendar.series_invite(series, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="one-on-one.ics"'
    return response


@require_http_methods(["GET", "POST"])
def one_on_one_move(request: OrgRequest, org_slug: str, one_on_one_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_member(request.member, one_on_one_id)
    initial = {"scheduled_at": timezone.localtime(meeting.scheduled_at), "duration_minutes": meeting.duration_minutes}
    form = OneOnOneMoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.one_on_one_move(meeting=meeting, by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "This meeting moved; the rest of the series stays.")
            return redirect(_meeting_url(meeting))
    return render(request, "tours/one_on_one_form.html", {
        "form": form, "series": meeting.series, "meeting": meeting, "title": "Move one meeting",
        "button": "Move it", "back": _meeting_url(meeting),
    }, status=_invalid_status(request) if request.method == "POST" else 200)


@require_POST
def one_on_one_skip(request: OrgRequest, org_slug: str, one_on_one_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_member(request.member, one_on_one_id)
    if not confirm.is_confirmed(request):
        return confirm.confirm_page(request, question="Skip this meeting?", action_label="Skip it",
                                    back_url=_meeting_url(meeting),
                                    detail="Its open talking points move to the next meeting.")
    try:
        services.one_on_one_skip(meeting=meeting, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Meeting skipped; its open points moved to the next one.")
    return _back_to(request, _series_url(meeting.series))


@require_http_methods(["GET", "POST"])
def one_on_one_record(request: OrgRequest, org_slug: str, one_on_one_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_member(request.member, one_on_one_id)
    form = OneOnOneRecordForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.one_on_one_record(meeting=meeting, by=request.member,
                                       shared_notes=form.cleaned_data["shared_notes"],
                                       discussed_ids=[int(pk) for pk in form.cleaned_data["discussed"]],
                                       action_items=form.action_items())
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The 1:1 is on the record; open points carried over to the next one.")
            return redirect(_meeting_url(meeting))
    return render(request, "tours/one_on_one_form.html", {
        "form": form, "series": meeting.series, "meeting": meeting, "record": True,
        "title": "Record the 1:1", "button": "Record it", "back": _meeting_url(meeting),
        "not_started": not meeting.has_started,
    }, status=_invalid_status(request) if request.method == "POST" else 200)


@require_POST
def talking_point_add(request: OrgRequest, org_slug: str, one_on_one_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_member(request.member, one_on_one_id)
    form = TalkingPointForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("text", ["Write the talking point."])))
        return _back_to(request, _meeting_url(meeting))
    try:
        services.talking_point_add(meeting=meeting, by=request.member, text=form.cleaned_data["text"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Talking point added.")
    return _back_to(request, _meeting_url(meeting))


@require_POST
def talking_point_toggle(request: OrgRequest, org_slug: str, point_id: int) -> HttpResponse:
    point = selectors.get_talking_point_for_member(request.member, point_id)
    try:
        services.talking_point_set_discussed(point=point, by=request.member, discussed=not point.discussed)
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back_to(request, _meeting_url(point.meeting))


@require_POST
def one_on_one_private_note(request: OrgRequest, org_slug: str, one_on_one_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_member(request.member, one_on_one_id)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("body", ["Check the note."])))
        return _back_to(request, _meeting_url(meeting))
    try:
        services.one_on_one_private_note_save(meeting=meeting, by=request.member, body=form.cleaned_data["body"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Private note saved: only you can read it.")
    return _back_to(request, _meeting_url(meeting))
