"""Former employees from a spreadsheet (HR and admins): upload, preview, apply, invite, the undelivered
invitations; the template and the alumni export in the same columns. The pages are the ones every import
kind shares (``alliance.views.import_pages``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.http import OrgRequest
from alliance.models import PeopleImport
from alliance.spreadsheets import table_bytes
from alliance.views import import_pages
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


def _applied_message(applied: PeopleImport) -> str:
    invited = f" {applied.invitations_sent} invited to the network." if applied.invitations_sent else ""
    return f"Import applied: {applied.new_count} alumni added.{invited}"


PAGES = import_pages.ImportPages(
    upload_template="alumni/import.html", detail_template="alumni/import_detail.html",
    detail_url_name="alumni:import_detail", preview=alumni_import_preview,
    get_for_member=get_alumni_import_for_member, recent=alumni_import_list, headers=HEADERS,
    example_row=EXAMPLE_ROW, template_name="alumni-template", sheet_title="Alumni", max_bytes=IMPORT_MAX_BYTES,
    max_rows=IMPORT_MAX_ROWS, apply_form=AlumniImportApplyForm, applied_message=_applied_message)


def _detail_context(alumni_import: PeopleImport) -> dict:
    return {"alumni_import": alumni_import, "undelivered": alumni_import_undelivered(alumni_import=alumni_import)}


@require_http_methods(["GET", "POST"])
@hr_required
def alumni_import_upload(request: OrgRequest, org_slug: str) -> HttpResponse:
    return import_pages.import_upload(PAGES, request)


@require_GET
@hr_required
def alumni_import_detail(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    return import_pages.import_detail(PAGES, request, import_id, context=_detail_context)


@require_POST
@hr_required
def alumni_import_apply_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    return import_pages.import_apply(PAGES, request, import_id)


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
    return import_pages.import_template(PAGES, fmt)


@require_GET
@hr_required
def alumni_export(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    fmt = import_pages.checked_format(fmt)
    rows = alumni_export_rows(organization_id=request.org.pk)
    return import_pages.download(table_bytes(HEADERS, rows, fmt, title="Alumni"), fmt, f"{request.org.slug}-alumni")
