"""People from a spreadsheet (HR and admins): upload, preview, apply, invite; the template and the export
in the same columns, so export → edit → import is the way to make bulk changes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import services
from alliance.background_exports import Export, export_response
from alliance.decorators import hr_required
from alliance.errors import ApplicationError, NotAllowed
from alliance.forms import PeopleImportApplyForm, PeopleImportForm, apply_application_error
from alliance.http import OrgRequest
from alliance.models import Membership
from alliance.selectors import (
    get_membership_for_member,
    get_people_import_for_member,
    member_export_rows,
    people_import_list,
)
from alliance.services.imports import (
    EXAMPLE_ROW,
    HEADERS,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    import_apply_start,
    people_import_invite,
    people_import_preview,
)
from alliance.spreadsheets import CONTENT_TYPES, CSV, XLSX, table_bytes
from alliance.views.jobs import job_context, job_progress_response

PREVIEW_ROWS_SHOWN = 500


def import_job_context(people_import, *, poll_url: str) -> dict:
    """The apply's job for an import page: its progress bar while it runs, its reason if it failed."""
    job = people_import.job
    if job is None or job.status == job.Status.DONE:
        return {"job": None}
    return job_context(job, poll_url=poll_url)


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _format(fmt: str) -> str:
    if fmt not in (CSV, XLSX):
        raise Http404("No such format.")
    return fmt


@require_http_methods(["GET", "POST"])
@hr_required
def people_import_upload(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_import = people_import_preview(by=request.member, uploaded=form.cleaned_data["file"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return redirect("people_import_detail", org_slug=org_slug, import_id=people_import.pk)
    context = {"form": form, "imports": people_import_list(organization_id=request.org.pk),
               "max_mb": IMPORT_MAX_BYTES // (1024 * 1024), "max_rows": IMPORT_MAX_ROWS}
    return render(request, "alliance/people_import.html", context, status=400 if form.errors else 200)


@require_GET
@hr_required
def people_import_detail(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    people_import = get_people_import_for_member(request.member, import_id)
    if request.htmx and people_import.job is not None:
        return job_progress_response(request, people_import.job, poll_url=request.path)
    shown = [entry for entry in people_import.preview if entry["kind"] != "unchanged"]
    context = {"people_import": people_import, "entries": shown[:PREVIEW_ROWS_SHOWN],
               "more": max(0, len(shown) - PREVIEW_ROWS_SHOWN), "apply_form": PeopleImportApplyForm(),
               **import_job_context(people_import, poll_url=request.path)}
    return render(request, "alliance/people_import_detail.html", context)


@require_POST
@hr_required
def people_import_apply_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    people_import = get_people_import_for_member(request.member, import_id)
    form = PeopleImportApplyForm(request.POST)
    send = form.is_valid() and form.cleaned_data["send_invitations"]
    try:
        applied = import_apply_start(people_import=people_import, by=request.member,
                                     options={"send_invitations": send})
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if applied.status == applied.Status.APPLIED:
            invited = f" {applied.invitations_sent} invited." if send else ""
            messages.success(request, f"Import applied: {applied.new_count} added, {applied.changed_count} "
                                      f"changed.{invited}")
    return redirect("people_import_detail", org_slug=org_slug, import_id=import_id)


@require_POST
@hr_required
def people_import_invite_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    people_import = get_people_import_for_member(request.member, import_id)
    try:
        sent = people_import_invite(people_import=people_import, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
    return redirect("people_import_detail", org_slug=org_slug, import_id=import_id)


@require_POST
@hr_required
def member_invite(request: OrgRequest, org_slug: str, membership_id: int) -> HttpResponse:
    """Invite an imported member who has not signed in yet, from their page."""
    membership = get_membership_for_member(request.member, membership_id)
    try:
        invitation = services.membership_invite(membership=membership, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect("member_edit", org_slug=org_slug, membership_id=membership_id)


@require_GET
@hr_required
def people_import_template(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    return _download(table_bytes(HEADERS, [EXAMPLE_ROW], fmt), fmt, "people-template")


@require_GET
@hr_required
def member_export(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    return export_response(request, key=MEMBERS_EXPORT, fmt=_format(fmt))


MEMBERS_EXPORT = "members"


def members_export(*, viewer: Membership, params) -> Export:
    """The active members in the people import's columns (HR), for ``export_response``."""
    if not viewer.is_hr:
        raise NotAllowed("Only HR or an administrator can export the members.")
    organization_id = viewer.organization_id
    total = Membership.objects.for_org(organization_id).filter(status=Membership.Status.ACTIVE).count()
    return Export(filename=f"{viewer.organization.slug}-members", header=HEADERS, title="People", total=total,
                  rows=(row for row in member_export_rows(organization_id=organization_id)))
