"""A background job's page (its progress bar, polled by htmx, then its result) and its file's download,
for the person who asked only (``alliance.jobs.get_job_for_member``: anyone else gets a 404)."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from alliance.http import OrgRequest
from alliance.jobs import get_job_for_member, job_file_open, job_progress
from alliance.models import BackgroundJob
from alliance.spreadsheets import CONTENT_TYPES


def job_context(job: BackgroundJob, *, poll_url: str) -> dict:
    """What the progress partial ("alliance/job.html#progress") shows; ``poll_url`` answers it again."""
    done, total = job_progress(job)
    return {"job": job, "done": done, "total": total, "percent": (100 * done // total) if total else 0,
            "poll_url": poll_url}


def job_progress_response(request, job: BackgroundJob, *, poll_url: str) -> HttpResponse:
    """The answer to a page's progress poll: the partial while the job runs; once it finished, a refresh of
    the page, which shows the result itself."""
    if job.finished:
        return HttpResponseClientRefresh()
    return render(request, "alliance/job.html#progress", job_context(job, poll_url=poll_url))


@require_GET
def background_job(request: OrgRequest, org_slug: str, job_id: int) -> HttpResponse:
    job = get_job_for_member(request.member, job_id)
    context = job_context(job, poll_url=request.path)
    if request.htmx:
        return render(request, "alliance/job.html#progress", context)
    return render(request, "alliance/job.html", context)


@require_GET
def background_job_download(request: OrgRequest, org_slug: str, job_id: int) -> FileResponse:
    job = get_job_for_member(request.member, job_id)
    extension = job.file_name.rsplit(".", 1)[-1]
    response = FileResponse(job_file_open(job), as_attachment=True, filename=job.file_name,
                            content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
