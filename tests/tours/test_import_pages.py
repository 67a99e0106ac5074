"""The tours import's pages (HR): the upload, the preview row by row, the apply (at once, or by a worker
with the progress bar for a large file), the template; refusals for everyone else and the other
organization."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.models import PeopleImport
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from tours.models import Tour, TourRevision
from tours.services.imports import HEADERS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START, END = (TODAY - timedelta(days=200)).isoformat(), (TODAY + timedelta(days=500)).isoformat()


def upload(rows, fmt="csv"):
    return SimpleUploadedFile(f"tours.{fmt}", table_bytes(HEADERS, rows, fmt))


def test_hr_uploads_previews_and_applies_tours(org, hr, manager, employee, client_for):
    client = client_for(hr)
    page = client.get("/o/acme/tours/import/")
    assert page.status_code == 200 and "Import tours" in page.content.decode()
    assert "Import tours" in client.get("/o/acme/tours/").content.decode()
    bad = client.post("/o/acme/tours/import/", {"file": upload([["nobody@acme.test", "", "rotational", "", START,
                                                                 ""]])})
    assert bad.status_code == 302
    detail = client.get(bad.headers["Location"]).content.decode()
    assert "Row 2" in detail and "not an active member" in detail and "Apply: start" not in detail
    good = client.post("/o/acme/tours/import/", {"file": upload([["employee@acme.test", "", "transformational",
                                                                  "Ship the app", START, END]], "xlsx")})
    detail_url = good.headers["Location"]
    html = client.get(detail_url).content.decode()
    assert "Apply: start 1 tour" in html and "Ship the app" in html
    with tenant_context(org.pk):
        assert not Tour.objects.exists()
    applied = client.post(detail_url + "apply/", follow=True)
    assert "Import applied: 1 tour started." in applied.content.decode()
    with tenant_context(org.pk):
        tour = Tour.objects.get(employee=employee)
        assert tour.manager_id == manager.pk and tour.status == "active"
        assert TourRevision.objects.filter(tour=tour, action="imported").exists()
    client.post(detail_url + "apply/")  # again: nothing more
    with tenant_context(org.pk):
        assert Tour.objects.count() == 1
    listing = client.get("/o/acme/tours/import/").content.decode()
    assert "tours.xlsx" in listing and "applied" in listing


def test_the_template_downloads_in_both_formats(org, hr, client_for):
    for fmt, start in (("csv", b"Employee e-mail"), ("xlsx", b"PK")):
        response = client_for(hr).get(f"/o/acme/tours/import/template.{fmt}")
        assert response.status_code == 200 and response.content.startswith(start)
        assert f'filename="tours-template.{fmt}"' in response["Content-Disposition"]
    assert client_for(hr).get("/o/acme/tours/import/template.pdf").status_code == 404


def test_a_large_tours_file_goes_to_the_worker_with_a_progress_bar(org, hr, manager, employee, client_for, settings):
    settings.IMPORT_BACKGROUND_ROWS = 0
    client = client_for(hr)
    response = client.post("/o/acme/tours/import/", {"file": upload([["employee@acme.test", "", "transformational",
                                                                      "Ship the app", START, END]])})
    detail_url = response.headers["Location"]
    client.post(detail_url + "apply/")
    html = client.get(detail_url).content.decode()
    assert "Being applied" in html and "<progress" in html and 'hx-trigger="every 1s"' in html
    with tenant_context(org.pk):
        people_import = PeopleImport.objects.get(kind="tours")
    from alliance.jobs import job_run

    assert job_run(organization_id=org.pk, job_id=people_import.job_id) == "done"
    poll = client.get(detail_url, headers={"HX-Request": "true"})
    assert poll.headers["HX-Refresh"] == "true"
    assert "Applied" in client.get(detail_url).content.decode()


def test_only_hr_reaches_the_pages_and_the_other_organization_gets_404(org, hr, employee, outsider, client_for):
    response = client_for(hr).post("/o/acme/tours/import/", {"file": upload([["employee@acme.test", "",
                                                                              "rotational", "Learn", START, END]])})
    detail_url = response.headers["Location"]
    for path in ("/o/acme/tours/import/", detail_url, "/o/acme/tours/import/template.csv"):
        assert client_for(employee).get(path).status_code in (403, 404)
    assert client_for(employee).post(detail_url + "apply/").status_code in (403, 404)
    other = detail_url.replace("/o/acme/", "/o/globex/")
    assert client_for(outsider).get(other).status_code == 404
    assert client_for(outsider).post(other + "apply/").status_code == 404
    with tenant_context(org.pk):
        assert not Tour.objects.exists()
