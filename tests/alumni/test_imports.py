"""Former employees from a spreadsheet: preview, all-or-nothing apply as alumni without consents, one
invitation each (HR's choice: now or later) to the consent step, nothing in the directory until they
agree, undelivered invitations listed, the export in the import's columns. Pages, API, rights, 404s."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership, OutboundEmail, PeopleImport, User
from alliance.spreadsheets import read_table, table_bytes
from alliance.tenancy import tenant_context
from alumni import selectors, services
from alumni.models import AlumniProfile, ExitProcess, LeaverStep
from alumni.selectors.imports import alumni_export_rows
from alumni.services.imports import (
    HEADERS,
    IMPORT_MAX_ROWS,
    alumni_import_apply,
    alumni_import_invite,
    alumni_import_preview,
    alumni_import_undelivered,
)
from tests.alliance.factories import MembershipFactory
from tests.alumni.network import set_level

pytestmark = pytest.mark.django_db
LAST_YEAR = (timezone.localdate() - timedelta(days=365)).isoformat()


def upload(rows, headers=None, fmt="csv", name=None):
    return SimpleUploadedFile(name or f"alumni.{fmt}", table_bytes(headers or HEADERS, rows, fmt))


ROWS = [
    ["ada@home.test", "Ada Lovelace", LAST_YEAR, "resignation", "eligible", ""],
    ["bob@home.test", "Bob Byte", LAST_YEAR, "Dismissal", "not eligible", "Broke the rules"],
]


def preview(hr, rows=ROWS, **kwargs):
    with tenant_context(hr.organization_id):
        return alumni_import_preview(by=hr, uploaded=upload(rows, **kwargs))


def apply(hr, imported, **kwargs):
    with tenant_context(hr.organization_id):
        return alumni_import_apply(alumni_import=imported, by=hr, **kwargs)


def test_preview_then_apply_adds_alumni_without_consents_and_unlisted(org, hr):
    imported = preview(hr, fmt="xlsx")
    assert (imported.kind, imported.new_count, imported.error_count, imported.file_format) == ("alumni", 2, 0, "xlsx")
    with tenant_context(org.pk):
        assert not Membership.objects.filter(user__email="ada@home.test").exists()
    applied = apply(hr, imported)
    assert applied.status == PeopleImport.Status.APPLIED
    with tenant_context(org.pk):
        ada = Membership.objects.select_related("user").get(user__email="ada@home.test")
        assert ada.status == Membership.Status.ALUMNUS and not ada.user.has_usable_password()
        process = ExitProcess.objects.get(member=ada)
        assert (process.state, process.kind, process.rehire, process.imported, process.outcome) == (
            "completed", "resignation", "eligible", True, "alumnus")
        bob = ExitProcess.objects.get(member__user__email="bob@home.test")
        assert (bob.kind, bob.rehire, bob.rehire_reason) == ("dismissal", "not_eligible", "Broke the rules")
        step = LeaverStep.objects.get(process=process)
        assert step.personal_email == "ada@home.test" and not any(step.consents.values())
        assert not AlumniProfile.objects.get(member=ada).listed
    assert not OutboundEmail.objects.filter(kind="alumni_import_invitation").exists()  # HR chooses: later
    # Idempotent: applying again adds nobody.
    apply(hr, imported)
    with tenant_context(org.pk):
        assert Membership.objects.filter(user__email="ada@home.test").count() == 1


def test_rows_with_errors_are_listed_and_apply_changes_nothing(org, hr, employee):
    rows = [*ROWS, ["employee@acme.test", "Taken", LAST_YEAR, "resignation", "", ""],
            ["not-an-address", "", "yesterday", "fired", "maybe", ""],
            ["ada@home.test", "Ada Again", LAST_YEAR, "retirement", "", ""],
            ["late@home.test", "Still Here", timezone.localdate().isoformat(), "resignation", "", ""],
            ["why@home.test", "No Reason", LAST_YEAR, "resignation", "not_eligible", ""]]
    imported = preview(hr, rows)
    assert (imported.new_count, imported.error_count) == (2, 5)
    errors = {entry["row"]: " ".join(entry.get("errors", [])) for entry in imported.preview}
    assert "already has an account" in errors[4]
    assert all(word in errors[5] for word in ("not an e-mail", "full name", "not a date", "exit kind",
                                              "rehire eligibility"))
    assert "more than once" in errors[6] and "must be over" in errors[7] and "Rehire reason" in errors[8]
    with pytest.raises(ApplicationError, match="nothing was changed"):
        apply(hr, imported)
    assert not User.objects.filter(email="bob@home.test").exists()


def test_file_bounds_and_refusals(org, hr, employee, manager):
    with tenant_context(org.pk), pytest.raises(ApplicationError, match="Last working day"):
        alumni_import_preview(by=hr, uploaded=upload([["a@home.test", "A"]], headers=["Personal e-mail", "Name"]))
    with tenant_context(org.pk), pytest.raises(ApplicationError, match="not a CSV"):
        alumni_import_preview(by=hr, uploaded=SimpleUploadedFile("x.csv", b"\x00\x01binary"))
    many = [[f"p{i}@home.test", "P", LAST_YEAR, "resignation", "", ""] for i in range(IMPORT_MAX_ROWS + 1)]
    with tenant_context(org.pk), pytest.raises(ApplicationError, match="more than"):
        alumni_import_preview(by=hr, uploaded=upload(many))
    long_name = [["long@home.test", "N" * 201, LAST_YEAR, "resignation", "", ""]]
    assert "longer than 200" in preview(hr, long_name).preview[0]["errors"][0]
    for member in (employee, manager):
        with tenant_context(org.pk), pytest.raises(NotAllowed):
            alumni_import_preview(by=member, uploaded=upload(ROWS))
    imported = preview(hr)
    with tenant_context(org.pk), pytest.raises(NotAllowed):
        alumni_import_apply(alumni_import=imported, by=manager)
    assert imported.error_count == 0 and not User.objects.filter(email="ada@home.test").exists()


def test_one_invitation_each_and_nothing_in_the_directory_until_they_accept(org, hr, admin, employee):
    set_level(admin, "invest")
    imported = apply(hr, preview(hr), send_invitations=True)
    assert imported.invitations_sent == 2
    with tenant_context(org.pk):
        assert alumni_import_invite(alumni_import=imported, by=hr) == 0  # once each
        mails = list(OutboundEmail.objects.filter(kind="alumni_import_invitation"))
        assert sorted(mail.to[0] for mail in mails) == ["ada@home.test", "bob@home.test"]
        assert not selectors.directory_search(viewer=employee).filter(member__user__email="ada@home.test").exists()
    body = next(mail.body for mail in mails if mail.to == ["ada@home.test"])
    link = next(line for line in body.splitlines() if "/step/" in line)
    token = link.strip().rstrip("/").rsplit("/", 1)[-1]
    with transaction.atomic():
        services.leaver_link_submit(token=token, data={"personal_email": "ada@home.test", "consent_directory": True,
                                                       "consent_news": True})
    with tenant_context(org.pk):
        step = LeaverStep.objects.get(process__member__user__email="ada@home.test")
        assert step.is_verified and step.consent_directory and step.consent_text_version
        found = selectors.directory_search(viewer=employee)
        assert list(found.values_list("member__user__email", flat=True)) == ["ada@home.test"]


def test_undelivered_invitations_are_listed_for_hr(org, hr):
    imported = apply(hr, preview(hr), send_invitations=True)
    with tenant_context(org.pk):
        OutboundEmail.objects.filter(kind="alumni_import_invitation", to=["bob@home.test"]).update(
            status=OutboundEmail.Status.FAILED, last_error="550 No such user")
        assert alumni_import_undelivered(alumni_import=imported) == [
            {"email": "bob@home.test", "error": "550 No such user"}]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_reads_back_as_an_import(org, hr, fmt, other_org):
    apply(hr, preview(hr))
    with tenant_context(org.pk):
        rows = alumni_export_rows(organization_id=org.pk)
    assert [row[0] for row in rows] == ["ada@home.test", "bob@home.test"]
    table = read_table(SimpleUploadedFile(f"x.{fmt}", table_bytes(HEADERS, rows, fmt)), max_bytes=10**6, max_rows=10)
    assert table.headers == HEADERS
    assert table.rows[1] == ["bob@home.test", "Bob Byte", LAST_YEAR, "dismissal", "not_eligible", "Broke the rules"]
    # Into a second organization, the export is a valid import (the addresses are taken, so errors say so).
    other_hr = MembershipFactory(organization=other_org, role=Membership.Role.HR)
    with tenant_context(other_org.pk):
        again = alumni_import_preview(by=other_hr, uploaded=SimpleUploadedFile(f"x.{fmt}",
                                                                               table_bytes(HEADERS, rows, fmt)))
    assert all("already has an account" in entry["errors"][0] for entry in again.preview)


def test_formula_cells_are_exported_as_text(org, hr):
    apply(hr, preview(hr, [["eve@home.test", "=HYPERLINK(1)", LAST_YEAR, "resignation", "", ""]]))
    with tenant_context(org.pk):
        rows = alumni_export_rows(organization_id=org.pk)
    table = read_table(SimpleUploadedFile("x.csv", table_bytes(HEADERS, rows, "csv")), max_bytes=10**6, max_rows=10)
    assert table.rows[0][1] == "'=HYPERLINK(1)"


# --- Pages and API ------------------------------------------------------------------------------------

def test_pages_upload_preview_apply_invite_and_undelivered(org, hr, client_for):
    client = client_for(hr)
    assert "Import former employees" in client.get("/o/acme/exits/").content.decode()
    response = client.post("/o/acme/alumni-import/", {"file": upload(ROWS)})
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail).content.decode()
    assert "ada@home.test" in page and "Apply: add 2 alumni" in page
    client.post(detail + "apply/", {})
    with tenant_context(org.pk):
        emails = ["ada@home.test", "bob@home.test"]
        assert Membership.objects.filter(status="alumnus", user__email__in=emails).count() == 2
        assert not OutboundEmail.objects.filter(kind="alumni_import_invitation").exists()
    client.post(detail + "invite/")
    with tenant_context(org.pk):
        OutboundEmail.objects.filter(kind="alumni_import_invitation", to=["bob@home.test"]).update(
            status=OutboundEmail.Status.FAILED, last_error="550 Unknown user")
    page = client.get(detail).content.decode()
    assert "Invitations not delivered (1)" in page and "550 Unknown user" in page
    bad = client.post("/o/acme/alumni-import/", {"file": SimpleUploadedFile("a.csv", b"\x00bin")})
    assert bad.status_code == 400 and "not a CSV" in bad.content.decode()
    for fmt in ("csv", "xlsx"):
        for url in (f"/o/acme/alumni-import/template.{fmt}", f"/o/acme/alumni-import/export.{fmt}"):
            download = client.get(url)
            assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert client.get("/o/acme/alumni-import/export.pdf").status_code == 404


def test_api_preview_get_apply_and_refusals(org, hr, employee, api_for):
    api = api_for(hr)
    response = api.post("/api/v1/imports/alumni/", {"file": upload(ROWS, fmt="xlsx")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["new"], body["errors"], body["status"]) == (2, 0, "previewed")
    assert api.get(f"/api/v1/imports/alumni/{body['id']}/").json()["rows"][0]["email"] == "ada@home.test"
    # The people import's endpoints do not see an alumni import.
    assert api.get(f"/api/v1/imports/{body['id']}/").status_code == 404
    applied = api.post_json(f"/api/v1/imports/alumni/{body['id']}/apply/", {"send_invitations": True})
    assert applied.status_code == 200 and applied.json()["invitations_sent"] == 2
    assert api.post("/api/v1/imports/alumni/", {}).status_code == 400
    assert api_for(employee).post("/api/v1/imports/alumni/", {"file": upload(ROWS)}).status_code == 403
    assert api_for(employee).get(f"/api/v1/imports/alumni/{body['id']}/").status_code == 404
    errors = api.post("/api/v1/imports/alumni/", {"file": upload([["x@home.test", "X", "soon", "resignation",
                                                                     "", ""]])}).json()
    assert errors["errors"] == 1 and "not a date" in errors["rows"][0]["errors"][0]
    refused = api.post_json(f"/api/v1/imports/alumni/{errors['id']}/apply/", {})
    assert refused.status_code == 400 and "nothing was changed" in refused.json()["detail"]


def test_outsider_gets_404_and_employees_are_refused(org, hr, employee, outsider, client_for, api_for):
    imported = preview(hr)
    for member, slug in ((outsider, "acme"), (outsider, "globex"), (employee, "acme")):
        client = client_for(member)
        assert client.get(f"/o/{slug}/alumni-import/{imported.pk}/").status_code in (403, 404)
        assert client.post(f"/o/{slug}/alumni-import/{imported.pk}/apply/").status_code in (403, 404)
    assert client_for(outsider).get(f"/o/globex/alumni-import/{imported.pk}/").status_code == 404
    assert api_for(outsider).get(f"/api/v1/imports/alumni/{imported.pk}/").status_code == 404
    assert api_for(outsider).post(f"/api/v1/imports/alumni/{imported.pk}/apply/").status_code == 404
    with tenant_context(org.pk):
        assert PeopleImport.objects.get(pk=imported.pk).status == "previewed"
    with tenant_context(outsider.organization_id):
        assert not PeopleImport.objects.filter(pk=imported.pk).exists()  # row-level security


def test_the_invitation_link_opens_the_consent_step_page_and_lists_the_card(org, hr, admin, employee, client):
    set_level(admin, "invest")
    apply(hr, preview(hr), send_invitations=True)
    with tenant_context(org.pk):
        body = OutboundEmail.objects.get(kind="alumni_import_invitation", to=["ada@home.test"]).body
    path = urlsplit(next(line for line in body.splitlines() if "/step/" in line).strip()).path
    page = client.get(path)
    assert page.status_code == 200 and "consent_directory" in page.content.decode()
    done = client.post(path, {"personal_email": "ada@home.test", "consent_directory": "on"})
    assert done.status_code == 200
    with tenant_context(org.pk):
        assert AlumniProfile.objects.get(member__user__email="ada@home.test").listed
        assert not AlumniProfile.objects.get(member__user__email="bob@home.test").listed
    assert client.get(path).status_code == 404  # used once
