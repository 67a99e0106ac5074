"""People from a spreadsheet: CSV and XLSX read by their content, a preview row by row with the members
page's rules, applied all or nothing and idempotently, invitations only when HR chooses, and exports in
the same columns. Pages, API, rights and the other organization's 404s."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Invitation, Membership, MembershipChange, PeopleImport, User
from alliance.services.imports import HEADERS, IMPORT_MAX_ROWS, people_import_apply, people_import_preview
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory
from tests.network_intel.fund_factories import png_bytes

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-42"


def csv_file(rows: list[list[str]], headers: list[str] | None = None, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, table_bytes(headers or HEADERS, rows, "csv"), content_type="text/csv")


def xlsx_file(rows: list[list[str]], headers: list[str] | None = None, name: str = "people.xlsx"):
    return SimpleUploadedFile(name, table_bytes(headers or HEADERS, rows, "xlsx"))


def person(email, name="", title="", team="", role="employee", manager="", start="2019-04-01", zone=""):
    return [email, name or email.split("@")[0].title(), title, team, role, manager, start, zone]


TEAM = [
    person("boss@acme.test", "Bea Boss", "Head of Engineering", "Engineering", "manager", "admin@acme.test",
           "2015-01-05"),
    person("lead@acme.test", "Lee Lead", "Team lead", "Platform", "manager", "boss@acme.test", "2017-03-01"),
    person("dev1@acme.test", "Dev One", "Engineer", "Platform", "employee", "lead@acme.test", "2019-04-01",
           "Europe/Berlin"),
    person("dev2@acme.test", "Dev Two", "Engineer", "Platform", "employee", "lead@acme.test", "2021-09-13"),
]


def preview(by, upload):
    with tenant_context(by.organization_id):
        return people_import_preview(by=by, uploaded=upload)


def apply(by, people_import, **kwargs):
    with tenant_context(by.organization_id):
        return people_import_apply(people_import=people_import, by=by, **kwargs)


def snapshot(org) -> list[tuple]:
    with tenant_context(org.pk):
        return list(Membership.objects.order_by("user__email").values_list(
            "user__email", "role", "title", "team", "manager__user__email", "employment_started_on", "status"))


def history_count(org) -> int:
    with tenant_context(org.pk):
        return MembershipChange.objects.count()


def errors_by_row(people_import: PeopleImport) -> dict[int, list[str]]:
    return {entry["row"]: entry["errors"] for entry in people_import.preview if entry["kind"] == "error"}


# --- Preview and apply ---------------------------------------------------------------------------------

def test_preview_changes_nothing_then_apply_adds_everyone_with_managers(org, admin, hr):
    before = snapshot(org)
    people_import = preview(hr, csv_file(TEAM))
    assert (people_import.new_count, people_import.changed_count, people_import.error_count) == (4, 0, 0)
    assert snapshot(org) == before and not User.objects.filter(email="dev1@acme.test").exists()

    applied = apply(hr, people_import)
    assert applied.status == "applied" and applied.applied_by_id == hr.pk
    with tenant_context(org.pk):
        dev1 = Membership.objects.select_related("user", "manager__user").get(user__email="dev1@acme.test")
        boss = Membership.objects.select_related("manager__user").get(user__email="boss@acme.test")
    assert (dev1.role, dev1.title, dev1.team, dev1.manager.user.email) == ("employee", "Engineer", "Platform",
                                                                         "lead@acme.test")
    assert dev1.employment_started_on == date(2019, 4, 1) and dev1.user.time_zone == "Europe/Berlin"
    assert not dev1.user.has_usable_password()
    assert boss.manager.user.email == "admin@acme.test" and boss.employment_started_on == date(2015, 1, 5)
    with tenant_context(org.pk):
        assert not Invitation.objects.exists()  # nobody is invited by surprise


def test_the_same_file_again_changes_nothing(org, admin, hr):
    apply(hr, preview(hr, csv_file(TEAM)))
    before, changes = snapshot(org), history_count(org)
    again = preview(hr, csv_file(TEAM))
    assert (again.new_count, again.changed_count, again.unchanged_count, again.error_count) == (0, 0, 4, 0)
    applied = apply(hr, again)
    assert applied.status == "applied" and snapshot(org) == before and history_count(org) == changes
    assert apply(hr, applied).applied_at == applied.applied_at  # applying an applied import does nothing


def test_a_reimport_updates_titles_teams_managers_field_by_field(org, admin, hr):
    apply(hr, preview(hr, csv_file(TEAM)))
    edited = [row[:] for row in TEAM]
    edited[3][2], edited[3][3], edited[3][5] = "Senior Engineer", "Data", "boss@acme.test"
    people_import = preview(hr, csv_file(edited))
    assert (people_import.changed_count, people_import.unchanged_count) == (1, 3)
    entry = next(entry for entry in people_import.preview if entry["kind"] == "changed")
    assert entry["row"] == 5 and {(c["field"], c["old"], c["new"]) for c in entry["changes"]} == {
        ("title", "Engineer", "Senior Engineer"), ("team", "Platform", "Data"),
        ("manager_email", "lead@acme.test", "boss@acme.test")}
    apply(hr, people_import)
    with tenant_context(org.pk):
        dev2 = Membership.objects.select_related("manager__user").get(user__email="dev2@acme.test")
        changes = list(MembershipChange.objects.filter(membership=dev2).values_list("field", "source"))
    assert (dev2.title, dev2.team, dev2.manager.user.email) == ("Senior Engineer", "Data", "boss@acme.test")
    assert sorted(changes) == [("manager", "import"), ("team", "import"), ("title", "import")]


def test_a_manager_change_carries_open_tours_as_the_members_page_does(org, admin, hr, manager, employee):
    from tests.tours.factories import TourFactory

    other = MembershipFactory(organization=org, role=Membership.Role.MANAGER, user__email="other@acme.test")
    with tenant_context(org.pk):
        tour = TourFactory(employee=employee, manager=manager, status="active")
    row = person("employee@acme.test", employee.user.full_name, employee.title, employee.team, "employee",
                 "other@acme.test", employee.employment_started_on.isoformat())
    apply(hr, preview(hr, csv_file([row])))
    with tenant_context(org.pk):
        tour.refresh_from_db()
    assert tour.manager_id == other.pk


def test_people_missing_from_the_file_are_listed_and_kept(org, admin, hr, manager, employee):
    people_import = apply(hr, preview(hr, csv_file(TEAM)))
    assert {p["email"] for p in people_import.missing} >= {"manager@acme.test", "employee@acme.test"}
    with tenant_context(org.pk):
        assert Membership.objects.get(pk=employee.pk).status == "active"


def test_columns_match_in_any_case_and_unknown_columns_are_reported(org, admin, hr):
    headers = ["EMAIL", "full NAME", "Title", "team", "ROLE", "Manager E-Mail", "start_date", "Shoe size"]
    people_import = preview(hr, csv_file([person("dev1@acme.test", manager="admin@acme.test")[:7] + ["44"]],
                                         headers=headers))
    assert people_import.new_count == 1 and people_import.unknown_columns == ["Shoe size"]


def test_a_file_without_an_email_column_is_refused(org, hr):
    with pytest.raises(ApplicationError, match="E-mail"):
        preview(hr, csv_file([["Ann"]], headers=["Full name"]))


def test_xlsx_is_read_by_its_content_whatever_the_name(org, admin, hr):
    people_import = preview(hr, xlsx_file(TEAM, name="people.csv"))
    assert people_import.file_format == "xlsx" and people_import.new_count == 4
    as_text = preview(hr, csv_file(TEAM, name="people.xlsx"))
    assert as_text.file_format == "csv" and as_text.new_count == 4


def test_xlsx_dates_are_read_as_dates(org, admin, hr):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["dev1@acme.test", "Dev One", "", "", "employee", "admin@acme.test", date(2018, 2, 3), ""])
    buffer = io.BytesIO()
    book.save(buffer)
    people_import = preview(hr, SimpleUploadedFile("dates.xlsx", buffer.getvalue()))
    assert people_import.new_count == 1
    apply(hr, people_import)
    with tenant_context(org.pk):
        assert Membership.objects.get(user__email="dev1@acme.test").employment_started_on == date(2018, 2, 3)


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("people.csv", png_bytes()), "not a CSV"),
    (SimpleUploadedFile("people.csv", b""), "empty"),
    (SimpleUploadedFile("people.xlsx", b"PK\x03\x04 not really a zip"), "not a readable XLSX"),
])
def test_files_that_are_not_spreadsheets_are_refused(org, hr, upload, message):
    with pytest.raises(ApplicationError, match=message):
        preview(hr, upload)
    with tenant_context(org.pk):
        assert not PeopleImport.objects.exists()


def test_uploads_are_bounded_in_rows_and_size(org, hr, settings):
    rows = [person(f"p{i}@acme.test") for i in range(IMPORT_MAX_ROWS + 1)]
    with pytest.raises(ApplicationError, match="more than 10,000 rows"):
        preview(hr, csv_file(rows))
    huge = SimpleUploadedFile("big.csv", b"E-mail\n" + b"x" * (6 * 1024 * 1024))
    with pytest.raises(ApplicationError, match="larger than 5 MB"):
        preview(hr, huge)


# --- Refusals, row by row, and nothing changed ----------------------------------------------------------

def test_a_cycle_a_duplicate_and_an_employee_manager_are_refused_row_by_row(org, admin, hr, employee):
    rows = [
        person("a@acme.test", role="manager", manager="b@acme.test"),            # row 2: a → b → a
        person("b@acme.test", role="manager", manager="a@acme.test"),            # row 3
        person("c@acme.test", manager="employee@acme.test"),                     # row 4: an employee as manager
        person("d@acme.test", manager="admin@acme.test"),                        # row 5
        person("D@acme.test", manager="admin@acme.test"),                        # row 6: duplicate
        person("e@acme.test", role="manager", manager="e@acme.test"),            # row 7: own manager
        person("f@acme.test", start="2019-02-30"),                               # row 8: no such day
        person("g@acme.test", start=(timezone.localdate().replace(year=timezone.localdate().year + 3)).isoformat()),
        person("h@acme.test", role="captain"),                                   # row 10
        person("i@acme.test", manager="nobody@acme.test"),                       # row 11
        person("not-an-address"),                                                # row 12
        person("j@acme.test", role="admin"),                                     # row 13: HR cannot grant admin
        person("k@acme.test", zone="Mars/Olympus"),                              # row 14
    ]
    before, changes = snapshot(org), history_count(org)
    people_import = preview(hr, csv_file(rows))
    errors = errors_by_row(people_import)
    assert set(errors) == {2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14}, errors
    assert "reporting loop" in errors[2][0] and "reporting loop" in errors[3][0]
    assert "not a manager" in errors[4][0]
    assert "more than once (first in row 5)" in errors[6][0]
    assert errors[7] == ["Nobody can be their own manager."]
    assert "not a date" in errors[8][0] and "days ahead" in errors[9][0]
    assert "not a role" in errors[10][0] and "neither in the file" in errors[11][0]
    assert "not an e-mail address" in errors[12][0] and "administrator" in errors[13][0]
    assert "time zone" in errors[14][0]
    assert (people_import.error_count, people_import.new_count) == (12, 1)
    with pytest.raises(ApplicationError, match="12 rows have errors"):
        apply(hr, people_import)
    assert snapshot(org) == before and history_count(org) == changes
    with tenant_context(org.pk):
        assert PeopleImport.objects.get().status == "previewed"


def test_demoting_a_manager_who_keeps_reports_is_refused(org, admin, hr, manager, employee):
    row = person("manager@acme.test", manager.user.full_name, manager.title, manager.team, "employee",
                 "admin@acme.test", manager.employment_started_on.isoformat())
    errors = errors_by_row(preview(hr, csv_file([row])))
    assert "direct report" in errors[2][0]


def test_an_apply_checks_again_against_the_organization_as_it_is_now(org, admin, hr, manager):
    people_import = preview(hr, csv_file([person("new@acme.test", manager="manager@acme.test")]))
    with tenant_context(org.pk):
        Membership.objects.filter(pk=manager.pk).update(role="employee")
    with pytest.raises(ApplicationError, match="not a manager"):
        apply(hr, people_import)
    assert not User.objects.filter(email="new@acme.test").exists()


def test_only_hr_and_admins_import(org, manager, employee):
    for member in (manager, employee):
        with pytest.raises(NotAllowed):
            preview(member, csv_file(TEAM))


# --- Invitations: only when HR chooses -----------------------------------------------------------------

def test_invitations_now_and_the_imported_person_sets_a_password(org, admin, hr, client_for):
    from django.test import Client

    from tests.helpers import sent_mail

    applied = apply(hr, preview(hr, csv_file(TEAM[:2])), send_invitations=True)
    assert applied.invitations_sent == 2
    with tenant_context(org.pk):
        assert set(Invitation.objects.values_list("email", flat=True)) == {"boss@acme.test", "lead@acme.test"}
    mail = next(m for m in sent_mail() if m.to == ["lead@acme.test"])
    path = "/invite/" + mail.body.split("/invite/")[1].split("/")[0] + "/"
    response = Client().post(path, {"full_name": "Lee Lead", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    lee = User.objects.get(email="lead@acme.test")
    assert lee.check_password(PASSWORD)
    with tenant_context(org.pk):
        assert Membership.objects.filter(user=lee).count() == 1
        assert Membership.objects.get(user=lee).employment_started_on == date(2017, 3, 1)


def test_invitations_later_from_the_import_page(org, admin, hr, client_for):
    applied = apply(hr, preview(hr, csv_file(TEAM[:2])))
    client = client_for(hr)
    response = client.post(f"/o/acme/members/import/{applied.pk}/invite/")
    assert response.status_code == 302
    with tenant_context(org.pk):
        assert Invitation.objects.count() == 2
    client.post(f"/o/acme/members/import/{applied.pk}/invite/")
    with tenant_context(org.pk):  # a second round replaces the open ones, one open invitation each
        assert Invitation.objects.filter(revoked_at__isnull=True).count() == 2


# --- Pages ---------------------------------------------------------------------------------------------

def test_pages_upload_preview_apply(org, admin, hr, client_for):
    client = client_for(hr)
    page = client.get("/o/acme/members/import/")
    assert page.status_code == 200 and b"Template" in page.content
    response = client.post("/o/acme/members/import/", {"file": csv_file(TEAM)})
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "4</strong> new" in detail and "Apply: add 4, change 0" in detail
    assert client.post(response.url + "apply/", {}).status_code == 302
    assert "Applied" in client.get(response.url).content.decode()
    assert len(snapshot(org)) == 6


def test_page_shows_errors_with_their_rows(org, admin, hr, client_for):
    client = client_for(hr)
    response = client.post("/o/acme/members/import/", {"file": csv_file([person("x@acme.test", role="captain")])})
    detail = client.get(response.url).content.decode()
    assert "Row 2" in detail and "not a role" in detail and "Apply:" not in detail


def test_page_refuses_a_bad_file_with_a_clear_message(org, hr, client_for):
    response = client_for(hr).post("/o/acme/members/import/",
                                   {"file": SimpleUploadedFile("x.csv", png_bytes())})
    assert response.status_code == 400 and "not a CSV" in response.content.decode()


@pytest.mark.parametrize("path", ["/o/acme/members/import/", "/o/acme/members/import/template.csv",
                                  "/o/acme/members/export.csv"])
def test_pages_are_for_hr_only(path, employee, manager, client_for):
    assert client_for(employee).get(path).status_code == 403
    assert client_for(manager).get(path).status_code == 403


def test_outsider_gets_404_for_an_import(org, admin, hr, outsider, client_for, api_for):
    people_import = preview(hr, csv_file(TEAM))
    outsider_client = client_for(outsider)
    assert outsider_client.get(f"/o/acme/members/import/{people_import.pk}/").status_code == 404
    assert outsider_client.get(f"/o/globex/members/import/{people_import.pk}/").status_code == 404
    assert outsider_client.post(f"/o/globex/members/import/{people_import.pk}/apply/").status_code == 404
    assert api_for(outsider).get(f"/api/v1/imports/{people_import.pk}/").status_code == 404
    assert api_for(outsider).post(f"/api/v1/imports/{people_import.pk}/apply/").status_code == 404
    with tenant_context(org.pk):
        assert PeopleImport.objects.get().status == "previewed"


# --- Template and exports ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_has_the_columns_and_one_example(fmt, hr, client_for):
    response = client_for(hr).get(f"/o/acme/members/import/template.{fmt}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    import tablib
    data = tablib.Dataset().load(response.content if fmt == "xlsx" else response.content.decode(), format=fmt)
    assert data.headers == HEADERS and len(data) == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trip_changes_nothing(fmt, org, admin, hr, manager, employee, client_for):
    with tenant_context(org.pk):
        Membership.objects.filter(pk=employee.pk).update(title="=HYPERLINK(\"http://evil\")")
    response = client_for(hr).get(f"/o/acme/members/export.{fmt}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content  # CSV streams
    import tablib
    data = tablib.Dataset().load(content if fmt == "xlsx" else content.decode(), format=fmt)
    assert data.headers == HEADERS
    row = next(r for r in data if r[0] == "employee@acme.test")
    assert row[2].startswith("'=") and row[5] == "manager@acme.test"  # formula-safe, manager by e-mail
    with tenant_context(org.pk):
        Membership.objects.filter(pk=employee.pk).update(title="Engineer")
    upload = SimpleUploadedFile(f"members.{fmt}", content)
    people_import = preview(hr, upload)
    assert people_import.error_count == 0 and people_import.new_count == 0
    assert people_import.changed_count == 1  # only the title that was edited back meanwhile


# --- API -----------------------------------------------------------------------------------------------

def test_api_preview_get_apply(org, admin, hr, api_for):
    api = api_for(hr)
    response = api.post("/api/v1/imports/people/", {"file": csv_file(TEAM)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["new"], body["changed"], body["unchanged"], body["errors"], body["status"]) == (
        4, 0, 0, 0, "previewed")
    assert api.get(f"/api/v1/imports/{body['id']}/").json()["status"] == "previewed"
    applied = api.post_json(f"/api/v1/imports/{body['id']}/apply/", {})
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert len(snapshot(org)) == 6


def test_api_refusals(org, admin, hr, employee, api_for):
    api = api_for(hr)
    assert api.post("/api/v1/imports/people/", {}).status_code == 400
    bad = api.post("/api/v1/imports/people/", {"file": SimpleUploadedFile("a.csv", png_bytes())})
    assert bad.status_code == 400 and "not a CSV" in bad.json()["detail"]
    assert api_for(employee).post("/api/v1/imports/people/", {"file": csv_file(TEAM)}).status_code == 403
    errors = api.post("/api/v1/imports/people/", {"file": csv_file([person("x@acme.test", role="captain")])}).json()
    assert errors["errors"] == 1 and errors["rows"][0]["row"] == 2 and "not a role" in errors["rows"][0]["errors"][0]
    refused = api.post_json(f"/api/v1/imports/{errors['id']}/apply/", {})
    assert refused.status_code == 400 and "nothing was changed" in refused.json()["detail"]
    assert api_for(employee).get(f"/api/v1/imports/{errors['id']}/").status_code == 404


def test_hr_may_name_an_administrator_unchanged_but_not_change_one(org, admin, hr):
    row = person("admin@acme.test", admin.user.full_name, admin.title, admin.team, "admin", "",
                 admin.employment_started_on.isoformat())
    assert preview(hr, csv_file([row])).unchanged_count == 1
    row[2] = "Chief"
    errors = errors_by_row(preview(hr, csv_file([row])))
    assert errors == {2: ["Only an administrator can change an administrator."]}
    assert preview(admin, csv_file([row])).changed_count == 1


def test_an_imported_member_is_invited_later_from_their_page(org, admin, hr, employee, client_for):
    apply(hr, preview(hr, csv_file(TEAM[:1])))
    with tenant_context(org.pk):
        boss = Membership.objects.get(user__email="boss@acme.test")
    client = client_for(hr)
    assert "has not signed in yet" in client.get(f"/o/acme/members/{boss.pk}/").content.decode()
    assert client.post(f"/o/acme/members/{boss.pk}/invite/").status_code == 302
    with tenant_context(org.pk):
        invitation = Invitation.objects.get(email="boss@acme.test")
    assert invitation.manager_id == admin.pk and invitation.employment_started_on == date(2015, 1, 5)
    # Someone who can sign in is not invited again.
    assert "has not signed in yet" not in client.get(f"/o/acme/members/{employee.pk}/").content.decode()
    client.post(f"/o/acme/members/{employee.pk}/invite/")
    with tenant_context(org.pk):
        assert not Invitation.objects.filter(email="employee@acme.test").exists()
    assert client_for(employee).post(f"/o/acme/members/{boss.pk}/invite/").status_code in (403, 404)


def test_the_last_administrator_keeps_the_role_and_old_addresses_are_refused(org, admin, hr):
    from alliance.models import UserEmailAlias

    row = person("admin@acme.test", admin.user.full_name, admin.title, admin.team, "hr", "",
                 admin.employment_started_on.isoformat())
    assert errors_by_row(preview(admin, csv_file([row]))) == {2: ["The organization needs at least one administrator."]}
    UserEmailAlias.objects.create(user=hr.user, email="old.hr@acme.test")
    errors = errors_by_row(preview(admin, csv_file([person("old.hr@acme.test", manager="admin@acme.test")])))
    assert "former address of another account" in errors[2][0]
