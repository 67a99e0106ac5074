"""Background jobs: a large import applied by a real worker on the real broker while its page shows the
progress, a very large export written to a file and offered to the person who asked (and nobody else),
twice-delivered tasks changing nothing, the safety net after a broker outage, and the pruning."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from alliance import jobs, tenancy
from alliance.models import BackgroundJob, Membership, Notification, PeopleImport
from alliance.services.imports import import_apply_start
from tests.alliance.factories import MembershipFactory
from tests.alliance.test_people_import import TEAM, csv_file, person, preview, snapshot
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(settings):
    """Every import and every export of more than one row goes to a worker."""
    settings.IMPORT_BACKGROUND_ROWS = 0
    settings.EXPORT_BACKGROUND_ROWS = 1


def read_import(org, import_id: int) -> PeopleImport:
    with tenancy.tenant_context(org.pk):
        return PeopleImport.objects.select_related("job").get(pk=import_id)


def read_job(org, job_id: int) -> BackgroundJob:
    with tenancy.tenant_context(org.pk):
        return BackgroundJob.objects.get(pk=job_id)


# --- Imports applied by a worker ---------------------------------------------------------------------

def test_a_large_import_is_applied_by_a_real_worker_and_its_status_and_progress_are_followed(
        org, admin, hr, api_for, client_for, background, worker):
    api = api_for(hr)
    body = api.post("/api/v1/imports/people/", {"file": csv_file(TEAM)}).json()
    started = api.post_json(f"/api/v1/imports/{body['id']}/apply/", {})
    assert started.status_code == 202, started.content
    assert started.json()["status"] == "applying"
    done = wait_for(lambda: (answer := api.get(f"/api/v1/imports/{body['id']}/").json())["status"] == "applied"
                    and answer)
    assert done["progress"] == {"done": 4, "total": 4} and done["new"] == 4 and done["apply_error"] == ""
    assert len(snapshot(org)) == 6
    people_import = read_import(org, body["id"])
    assert people_import.job.status == "done" and people_import.job.done == 4
    # The person who asked hears that it is ready, with the import's page as the link.
    with tenancy.tenant_context(org.pk):
        note = Notification.objects.get(recipient=hr, kind=jobs.JOB_DONE)
    assert note.url == f"/o/acme/members/import/{body['id']}/" and "Ready" in note.title
    # Applying again changes nothing: 200, no new job.
    again = api.post_json(f"/api/v1/imports/{body['id']}/apply/", {})
    assert again.status_code == 200 and again.json()["status"] == "applied"
    with tenancy.tenant_context(org.pk):
        assert BackgroundJob.objects.count() == 1
    # The page shows the result once the worker is done (its progress poll asks the page to refresh).
    page = client_for(hr).get(f"/o/acme/members/import/{body['id']}/")
    assert "Applied" in page.content.decode() and "<progress" not in page.content.decode()
    poll = client_for(hr).get(f"/o/acme/members/import/{body['id']}/", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and poll.headers["HX-Refresh"] == "true"


def test_the_page_shows_a_labelled_progress_bar_that_polls_while_the_import_waits_for_a_worker(
        org, admin, hr, client_for, background):
    people_import = preview(hr, csv_file(TEAM))
    client = client_for(hr)
    response = client.post(f"/o/acme/members/import/{people_import.pk}/apply/", {})
    assert response.status_code == 302
    assert read_import(org, people_import.pk).status == "applying"
    html = client.get(f"/o/acme/members/import/{people_import.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html and "<label for=\"job-" in html
    assert "Apply: add" not in html  # no second apply while it applies
    partial = client.get(f"/o/acme/members/import/{people_import.pk}/", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<progress" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    # A second request to apply while it applies records nothing new.
    client.post(f"/o/acme/members/import/{people_import.pk}/apply/", {})
    with tenancy.tenant_context(org.pk):
        assert BackgroundJob.objects.count() == 1


def test_a_task_delivered_twice_applies_once(org, admin, hr, background):
    people_import = preview(hr, csv_file(TEAM))
    with tenancy.tenant_context(org.pk):
        started = import_apply_start(people_import=people_import, by=hr)
    assert started.status == "applying"
    assert jobs.job_run(organization_id=org.pk, job_id=started.job_id) == "done"
    after_first = snapshot(org)
    assert jobs.job_run(organization_id=org.pk, job_id=started.job_id) == "skipped"
    assert snapshot(org) == after_first and len(after_first) == 6
    assert read_import(org, people_import.pk).status == "applied"


def test_an_import_refused_by_the_worker_changes_nothing_and_says_why(org, admin, hr, api_for, background):
    rows = [person("new@acme.test", "Nia New", manager="lead@acme.test"),
            person("lead@acme.test", "Lee Lead", role="manager")]
    people_import = preview(hr, csv_file(rows))
    with tenancy.tenant_context(org.pk):
        started = import_apply_start(people_import=people_import, by=hr)
    # Meanwhile someone takes the address the file gives the manager, as a former address of another account.
    from alliance.models import UserEmailAlias

    other = MembershipFactory(organization=org, user__email="someone@acme.test")
    UserEmailAlias.objects.create(user=other.user, email="lead@acme.test")
    before = snapshot(org)
    assert jobs.job_run(organization_id=org.pk, job_id=started.job_id) == "failed"
    assert snapshot(org) == before
    people_import = read_import(org, people_import.pk)
    assert people_import.status == "previewed" and people_import.job.status == "failed"
    assert "nothing was changed" in people_import.job.message and "former address" in people_import.job.message
    answer = api_for(hr).get(f"/api/v1/imports/{people_import.pk}/").json()
    assert answer["status"] == "previewed" and "former address" in answer["apply_error"]
    with tenancy.tenant_context(org.pk):
        assert Notification.objects.get(recipient=hr, kind=jobs.JOB_DONE).title.startswith("Failed")


def test_a_small_import_applies_at_once_by_the_same_code(org, admin, hr, api_for):
    body = api_for(hr).post("/api/v1/imports/people/", {"file": csv_file(TEAM)}).json()
    applied = api_for(hr).post_json(f"/api/v1/imports/{body['id']}/apply/", {})
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert applied.json()["progress"] == {"done": 4, "total": 4}
    job = read_import(org, body["id"]).job
    assert job.status == "done" and job.kind == "import-apply"


def test_with_the_broker_down_the_apply_is_kept_and_beat_enqueues_it_again(
        org, admin, hr, client_for, background, broker_down):
    people_import = preview(hr, csv_file(TEAM))
    response = client_for(hr).post(f"/o/acme/members/import/{people_import.pk}/apply/", {})
    assert response.status_code == 302  # the request answers as usual
    people_import = read_import(org, people_import.pk)
    assert people_import.status == "applying" and people_import.job.status == "queued"
    assert jobs.jobs_requeue_stale() == 0  # not stale yet
    with tenancy.tenant_context(org.pk):
        BackgroundJob.objects.filter(pk=people_import.job_id).update(
            updated_at=timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1))
    assert jobs.jobs_requeue_stale() == 1  # enqueued again (the broker still away: it stays queued, no error)
    assert read_job(org, people_import.job_id).status == "queued"


# --- Very large exports ------------------------------------------------------------------------------

def make_tours(org, manager, employees):
    from tours.models import Tour

    with tenancy.tenant_context(org.pk):
        for number, member in enumerate(employees):
            Tour.objects.create(organization=org, employee=member, manager=manager, kind=Tour.Kind.TRANSFORMATIONAL,
                                title=f"=Tour {number}", mission="A mission.", company_objectives="x",
                                employee_benefits="y", start_date=date(2026, 1, 1), end_date=date(2028, 1, 1),
                                status=Tour.Status.ACTIVE)


def test_a_very_large_tours_export_is_written_by_a_worker_and_downloaded_by_whoever_asked_only(
        org, admin, hr, manager, outsider, client_for, background, worker):
    employees = [MembershipFactory(organization=org, manager=manager, user__email=f"e{n}@acme.test")
                 for n in range(3)]
    make_tours(org, manager, employees)
    client = client_for(hr)
    response = client.get("/o/acme/tours/?format=csv&status=active")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[-1])
    wait_for(lambda: read_job(org, job_id).status == "done")
    page = client.get(job_url).content.decode()
    assert "Done: 3 rows" in page and f"/o/acme/jobs/{job_id}/download/" in page
    download = client.get(f"/o/acme/jobs/{job_id}/download/")
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    assert 'filename="tours-acme-' in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][:3] == ["id", "employee", "employee_email"] and len(rows) == 4
    assert {row[8] for row in rows[1:]} == {"'=Tour 0", "'=Tour 1", "'=Tour 2"}  # formula-safe
    with tenancy.tenant_context(org.pk):
        assert Notification.objects.get(recipient=hr, kind=jobs.JOB_DONE).url == f"/o/acme/jobs/{job_id}/"
    # Nobody else gets the job or its file: not the admin of the same organization, not an outsider.
    for other in (admin, manager):
        assert client_for(other).get(job_url).status_code == 404
        assert client_for(other).get(f"/o/acme/jobs/{job_id}/download/").status_code == 404
    assert client_for(outsider).get(f"/o/globex/jobs/{job_id}/download/").status_code == 404


def test_a_small_export_still_streams_at_once(org, admin, hr, manager, client_for):
    make_tours(org, manager, [MembershipFactory(organization=org, manager=manager)])
    response = client_for(hr).get("/o/acme/tours/?format=csv")
    assert response.status_code == 200 and response.streaming
    members = client_for(hr).get("/o/acme/members/export.xlsx")
    assert members.status_code == 200 and members.content[:2] == b"PK"


def test_a_very_large_members_export_in_xlsx_runs_in_the_background(org, admin, hr, client_for, background):
    import openpyxl

    response = client_for(hr).get("/o/acme/members/export.xlsx")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert jobs.job_run(organization_id=org.pk, job_id=job_id) == "done"
    download = client_for(hr).get(f"/o/acme/jobs/{job_id}/download/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    emails = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert emails == ["admin@acme.test", "hr@acme.test"]


def test_a_worker_exports_only_what_the_person_may_see_when_it_runs(org, admin, hr, client_for, background):
    response = client_for(hr).get("/o/acme/members/export.csv")
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    with tenancy.tenant_context(org.pk):
        Membership.objects.filter(pk=hr.pk).update(role=Membership.Role.EMPLOYEE)
    assert jobs.job_run(organization_id=org.pk, job_id=job_id) == "failed"
    job = read_job(org, job_id)
    assert job.file == "" and "Only HR" in job.message


def test_finished_jobs_and_their_files_are_pruned_after_a_day(org, admin, hr, client_for, background, settings):
    response = client_for(hr).get("/o/acme/members/export.csv")
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    jobs.job_run(organization_id=org.pk, job_id=job_id)
    name = read_job(org, job_id).file
    assert storages["private"].exists(name)
    assert jobs.jobs_prune() == 0
    with tenancy.tenant_context(org.pk):
        BackgroundJob.objects.filter(pk=job_id).update(
            updated_at=timezone.now() - timedelta(hours=settings.BACKGROUND_JOB_KEEP_HOURS, minutes=1))
    assert jobs.jobs_prune() == 1
    assert not storages["private"].exists(name)
    with tenancy.tenant_context(org.pk):
        assert not BackgroundJob.objects.filter(pk=job_id).exists()


def test_the_beat_entries_are_registered():
    from alliance.registry import beat_entries

    entries = beat_entries()
    assert entries["requeue-background-jobs"]["task"] == "alliance.tasks.requeue_background_jobs"
    assert entries["prune-background-jobs"]["task"] == "alliance.tasks.prune_background_jobs"


def test_a_very_large_intel_notes_export_holds_only_the_notes_the_person_may_see(
        org, admin, hr, employee, client_for, background):
    from tests.network_intel.factories import note

    note(employee, "Shared finding", visibility="organization")
    note(employee, "Another shared finding", visibility="organization")
    note(employee, "Mine only", visibility="private")
    response = client_for(admin).get("/o/acme/intel/export.csv")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert jobs.job_run(organization_id=org.pk, job_id=job_id) == "done"
    download = client_for(admin).get(f"/o/acme/jobs/{job_id}/download/")
    text = b"".join(download.streaming_content).decode()
    assert "Shared finding" in text and "Another shared finding" in text and "Mine only" not in text
    assert read_job(org, job_id).total == 2
