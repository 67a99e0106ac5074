"""Tours people are on already, from a spreadsheet (HR and admins): upload, preview, apply, the template;
the pages every import kind shares (``alliance.views.import_pages``)."""

from __future__ import annotations

import functools

from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.http import OrgRequest
from alliance.models import PeopleImport
from alliance.selectors import people_import_list
from alliance.views import import_pages
from tours.selectors import get_tours_import_for_member
from tours.services.imports import (
    EXAMPLE_ROW,
    HEADERS,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    KIND,
    tours_import_preview,
)


def _applied_message(applied: PeopleImport) -> str:
    return f"Import applied: {applied.new_count} tour{'s' if applied.new_count != 1 else ''} started."


PAGES = import_pages.ImportPages(
    upload_template="tours/import.html", detail_template="tours/import_detail.html",
    detail_url_name="tours:import_detail", preview=tours_import_preview,
    get_for_member=get_tours_import_for_member, recent=functools.partial(people_import_list, kind=KIND),
    headers=HEADERS,
    example_row=EXAMPLE_ROW, template_name="tours-template", sheet_title="Tours", max_bytes=IMPORT_MAX_BYTES,
    max_rows=IMPORT_MAX_ROWS, applied_message=_applied_message)


@require_http_methods(["GET", "POST"])
@hr_required
def tours_import_upload(request: OrgRequest, org_slug: str) -> HttpResponse:
    return import_pages.import_upload(PAGES, request)


@require_GET
@hr_required
def tours_import_detail(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    return import_pages.import_detail(PAGES, request, import_id)


@require_POST
@hr_required
def tours_import_apply_view(request: OrgRequest, org_slug: str, import_id: int) -> HttpResponse:
    return import_pages.import_apply(PAGES, request, import_id)


@require_GET
@hr_required
def tours_import_template(request: OrgRequest, org_slug: str, fmt: str) -> HttpResponse:
    return import_pages.import_template(PAGES, fmt)
