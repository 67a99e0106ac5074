"""The pages every import kind shares (upload, preview, apply, template download), written once.

An import kind describes its pages with ``ImportPages`` (its service functions, templates and URL names);
its views are then one line each (``import_upload(PAGES, request)``…). The apply goes through the core's
``import_apply_start`` (at once for a small file, by a worker with the page's progress bar for a large
one); the preview's page polls the apply's job while it runs (``alliance.views.jobs``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from alliance.errors import ApplicationError
from alliance.forms import PeopleImportForm, apply_application_error
from alliance.http import OrgRequest
from alliance.models import PeopleImport
from alliance.services.imports import import_apply_start
from alliance.spreadsheets import CONTENT_TYPES, CSV, XLSX, table_bytes
from alliance.views.jobs import job_context, job_progress_response

PREVIEW_ROWS_SHOWN = 500


@dataclass(frozen=True)
class ImportPages:
    upload_template: str
    detail_template: str
    detail_url_name: str  # reversed with org_slug and import_id
    preview: Callable[..., PeopleImport]  # preview(by=..., uploaded=...)
    get_for_member: Callable[..., PeopleImport]  # get(member, import_id): 404 when not theirs
    recent: Callable[..., list[dict]]  # recent(organization_id=...)
    headers: Sequence[str]
    example_row: Sequence[str]
    template_name: str  # the template download's file name, without extension
    sheet_title: str
    max_bytes: int
    max_rows: int
    apply_form: type[forms.Form] | None = None  # its cleaned data are the apply's options
    applied_message: Callable[[PeopleImport], str] = lambda applied: f"Import applied: {applied.new_count} added."


def download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def checked_format(fmt: str) -> str:
    if fmt not in (CSV, XLSX):
        raise Http404("No such format.")
    return fmt


def import_job_context(people_import: PeopleImport, *, poll_url: str) -> dict:
    """The apply's job for an import page: its progress bar while it runs, its reason if it failed."""
    job = people_import.job
    if job is None or job.status == job.Status.DONE:
        return {"job": None}
    return job_context(job, poll_url=poll_url)


def import_upload(pages: ImportPages, request: OrgRequest, *, context: dict | None = None) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_import = pages.preview(by=request.member, uploaded=form.cleaned_data["file"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return redirect(pages.detail_url_name, org_slug=request.org.slug, import_id=people_import.pk)
    context = {"form": form, "imports": pages.recent(organization_id=request.org.pk),
               "max_mb": pages.max_bytes // (1024 * 1024), "max_rows": pages.max_rows, **(context or {})}
    return render(request, pages.upload_template, context, status=400 if form.errors else 200)


def import_detail(pages: ImportPages, request: OrgRequest, import_id: int, *,
                  entries: Callable[[PeopleImport], list[dict]] = lambda people_import: people_import.preview,
                  context: Callable[[PeopleImport], dict] | None = None) -> HttpResponse:
    """The preview (or the result), the apply's progress bar while a worker applies it; its progress poll."""
    people_import = pages.get_for_member(request.member, import_id)
    if request.htmx and people_import.job is not None:
        return job_progress_response(request, people_import.job, poll_url=request.path)
    shown = entries(people_import)
    page = {"people_import": people_import, "entries": shown[:PREVIEW_ROWS_SHOWN],
            "more": max(0, len(shown) - PREVIEW_ROWS_SHOWN),
            "apply_form": pages.apply_form() if pages.apply_form else None,
            **import_job_context(people_import, poll_url=request.path),
            **(context(people_import) if context else {})}
    return render(request, pages.detail_template, page)


def import_apply(pages: ImportPages, request: OrgRequest, import_id: int) -> HttpResponse:
    people_import = pages.get_for_member(request.member, import_id)
    options = {}
    if pages.apply_form is not None:
        form = pages.apply_form(request.POST)
        options = dict(form.cleaned_data) if form.is_valid() else {}
    try:
        applied = import_apply_start(people_import=people_import, by=request.member, options=options)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if applied.status == PeopleImport.Status.APPLIED:
            messages.success(request, pages.applied_message(applied))
    return redirect(pages.detail_url_name, org_slug=request.org.slug, import_id=import_id)


def import_template(pages: ImportPages, fmt: str) -> HttpResponse:
    fmt = checked_format(fmt)
    return download(table_bytes(pages.headers, [pages.example_row], fmt, title=pages.sheet_title), fmt,
                    pages.template_name)
