"""People from a spreadsheet (HR and admins): upload, preview, apply, invite; the template and the export
in the same columns, so export → edit → import is the way to make bulk changes. The pages are the ones
every import kind shares (``alliance.views.import_pages``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import services
from alliance.background_exports import Export, export_response
from alliance.decorators import hr_required
from alliance.errors import ApplicationError, NotAllowed
from alliance.forms import PeopleImportApplyForm
from alliance.http import OrgRequest
from alliance.models import Membership, PeopleImport
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
    people_import_invite,
    people_import_preview,
)
from alliance.views import import_pages


def _applied_message(applied: PeopleImport) -> str:
    invited = f" {applied.invitations_sent} invited." if applied.invitations_sent else ""
    return f"Import applied: {applied.new_count} added, {applied.changed_count} changed.{invited}"


PAGES = import_pages.ImportPages(
    upload_template="alliance/people_import.html", detail_template="alliance/people_import_detail.html",
    detail_url_name="people_import_detail", preview=people_import_preview,
    get_for_member=get_people_import_for_member, recent=people_import_list, headers=HEADERS,
    example_row=EXAMPLE_ROW, template_name="people-template", sheet_title="People", max_bytes=IMPORT_MAX_BYTES,
    max_rows=IMPORT_MAX_ROWS, apply_form=PeopleImportApplyForm, applied_message=_applied_message)


def _shown(people_import: PeopleImport) -> list[dict]:
    return [entry for entry in people_import.preview if entry["kind"] != "unchanged"
            or any(extra["kind"] != "unchanged" for extra in entry.get("extras", []))]


@require_http_methods(["GET", "POST"])
@hr_required
def people_import_upload(request: OrgRequest, org_slug: str) -> HttpResponse:
    return import_pages.import_upload(PAGES, request)


@require_GET
@hr_required
def people_import_detail(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    return import_pages.import_detail(PAGES, request, import_id, entries=_shown)


@require_POST
@hr_required
def people_import_apply_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    return import_pages.import_apply(PAGES, request, import_id)


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
    return import_pages.import_template(PAGES, fmt)


@require_GET
@hr_required
def member_export(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    return export_response(request, key=MEMBERS_EXPORT, fmt=import_pages.checked_format(fmt))


MEMBERS_EXPORT = "members"


def members_export(*, viewer: Membership, params) -> Export:
    """The active members in the people import's columns (HR), for ``export_response``."""
    if not viewer.is_hr:
        raise NotAllowed("Only HR or an administrator can export the members.")
    organization_id = viewer.organization_id
    total = Membership.objects.for_org(organization_id).filter(status=Membership.Status.ACTIVE).count()
    return Export(filename=f"{viewer.organization.slug}-members", header=HEADERS, title="People", total=total,
                  rows=(row for row in member_export_rows(organization_id=organization_id)))
