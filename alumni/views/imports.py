"""Former employees from a spreadsheet (HR and admins): upload, preview, apply, invite, the undelivered
invitations; the template and the alumni export in the same columns."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import PeopleImportForm, apply_application_error
from alliance.http import OrgRequest
from alliance.services.imports import import_apply_start
from alliance.spreadsheets import CONTENT_TYPES, CSV, XLSX, table_bytes
from alliance.views.imports import import_job_context
from alliance.views.jobs import job_progress_response
from alumni.forms import AlumniImportApplyForm
from alumni.selectors.imports import alumni_export_rows, alumni_import_list, get_alumni_import_for_member
from alumni.services.imports import (
    EXAMPLE_ROW,
    HEADERS,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    alumni_import_invite,
    alumni_import_preview,
    alumni_import_undelivered,
)

PREVIEW_ROWS_SHOWN = 500


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    if fmt not in (CSV, XLSX):
        raise Http404("No such format.")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@hr_required
def alumni_import_upload(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            alumni_import = alumni_import_preview(by=request.member, uploaded=form.cleaned_data["file"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return redirect("alumni:import_detail", org_slug=org_slug, import_id=alumni_import.pk)
    context = {"form": form, "imports": alumni_import_list(organization_id=request.org.pk),
               "max_mb": IMPORT_MAX_BYTES // (1024 * 1024), "max_rows": IMPORT_MAX_ROWS}
    return render(request, "alumni/import.html", context, status=400 if form.errors else 200)


@require_GET
@hr_required
def alumni_import_detail(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    alumni_import = get_alumni_import_for_member(request.member, import_id)
    if request.htmx and alumni_import.job is not None:
        return job_progress_response(request, alumni_import.job, poll_url=request.path)
    entries = alumni_import.preview
    context = {"alumni_import": alumni_import, "entries": entries[:PREVIEW_ROWS_SHOWN],
               "more": max(0, len(entries) - PREVIEW_ROWS_SHOWN), "apply_form": AlumniImportApplyForm(),
               "undelivered": alumni_import_undelivered(alumni_import=alumni_import),
               **import_job_context(alumni_import, poll_url=request.path)}
    return render(request, "alumni/import_detail.html", context)


@require_POST
@hr_required
def alumni_import_apply_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    alumni_import = get_alumni_import_for_member(request.member, import_id)
    form = AlumniImportApplyForm(request.POST)
    send = form.is_valid() and form.cleaned_data["send_invitations"]
    try:
        applied = import_apply_start(people_import=alumni_import, by=request.member,
                                     options={"send_invitations": send})
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if applied.status == applied.Status.APPLIED:
            invited = f" {applied.invitations_sent} invited to the network." if send else ""
            messages.success(request, f"Import applied: {applied.new_count} alumni added.{invited}")
    return redirect("alumni:import_detail", org_slug=org_slug, import_id=import_id)


@require_POST
@hr_required
def alumni_import_invite_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    alumni_import = get_alumni_import_for_member(request.member, import_id)
    try:
        sent = alumni_import_invite(alumni_import=alumni_import, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
    return redirect("alumni:import_detail", org_slug=org_slug, import_id=import_id)


@require_GET
@hr_required
def alumni_import_template(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    if fmt not in (CSV, XLSX):
        raise Http404("No such format.")
    return _download(table_bytes(HEADERS, [EXAMPLE_ROW], fmt, title="Alumni"), fmt, "alumni-template")


@require_GET
@hr_required
def alumni_export(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    if fmt not in (CSV, XLSX):
        raise Http404("No such format.")
    rows = alumni_export_rows(organization_id=request.org.pk)
    return _download(table_bytes(HEADERS, rows, fmt, title="Alumni"), fmt, f"{request.org.slug}-alumni")
