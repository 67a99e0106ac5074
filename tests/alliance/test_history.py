"""The audit trail: PostgreSQL triggers record every change of the audited records, whatever wrote it (a
service, the API, the operators' admin, a raw UPDATE); the log and each record's history show who changed
what, to HR and admins for every record and to anyone else for their own; another organization's history is
never visible."""

from __future__ import annotations

import csv
import io
from datetime import date

import pghistory
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from alliance import services, tenancy
from alliance.history.selectors import HistoryFilter, history_page
from alliance.models import Membership
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def events_of(member: Membership) -> list[tuple[str, str, str, dict | None]]:
    from django.apps import apps

    event_model = apps.get_model("alliance", "MembershipEvent")
    with tenant_context(member.organization_id):
        return list(event_model.objects.filter(pgh_obj_id=member.pk).order_by("id")
                    .values_list("pgh_label", "title", "team", "pgh_context"))


def entries(viewer: Membership, **filters) -> list:
    with tenant_context(viewer.organization_id):
        return history_page(viewer=viewer, filters=HistoryFilter(**filters)).entries


# --- Every code path is recorded (the triggers) ---------------------------------------------------------

def test_a_service_change_is_recorded_field_by_field(hr, employee):
    started = employee.employment_started_on.isoformat()
    with tenant_context(employee.organization_id), pghistory.context(source="web", member=hr.pk, user=hr.user_id):
        services.membership_update(membership=employee, by=hr, role="employee", manager=employee.manager,
                                   title="Analyst", team=employee.team, employment_started_on=date(2019, 3, 4))
    (entry, *_) = entries(hr, record_type="membership", record_id=employee.pk)
    assert entry.action == "Changed" and entry.actor == hr.user.full_name and entry.source == "Web"
    changed = {change.label: (change.old.text, change.new.text) for change in entry.changes}
    assert changed == {"Title": ("Engineer", "Analyst"), "Employment started on": (started, "2019-03-04")}


def test_a_change_through_the_member_page_records_who_and_where(hr, employee, client_for):
    response = client_for(hr).post(f"/o/acme/members/{employee.pk}/", {
        "role": "manager", "title": employee.title, "team": employee.team, "manager": employee.manager_id,
        "employment_started_on": employee.employment_started_on.isoformat()})
    assert response.status_code == 302
    label, _title, _team, context = events_of(employee)[-1]
    assert label == "update"
    assert context["member"] == hr.pk and context["user"] == hr.user_id and context["source"] == "web"
    assert context["url"] == f"/o/acme/members/{employee.pk}/"
    (entry, *_) = entries(hr, record_type="membership", record_id=employee.pk)
    assert [(c.label, c.old.text, c.new.text) for c in entry.changes] == [("Role", "Employee", "Manager")]


def test_a_change_through_the_api_records_the_token(hr, employee, api_for):
    api = api_for(hr)
    response = api.patch_json(f"/api/v1/members/{employee.pk}/", {"employment_started_on": "2019-02-01"})
    assert response.status_code == 200, response.content
    *_, context = events_of(employee)[-1]
    assert context["source"] == "api" and context["member"] == hr.pk and api.token.startswith(context["api_token"])


def test_a_change_through_the_operators_admin_is_recorded(employee):
    operator = get_user_model().objects.create_superuser("ops@alliance.test", "an-operator-passphrase",
                                                         full_name="Ops")
    client = Client()
    client.force_login(operator)
    url = reverse("admin:alliance_membership_change", args=[employee.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(user=employee.user_id, organization=employee.organization_id, manager=employee.manager_id or "",
                title="Changed by the operators", role=employee.role, status=employee.status,
                employment_started_on=employee.employment_started_on.isoformat())
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    label, title, _team, context = events_of(employee)[-1]
    assert (label, title, context["source"], context["user"]) == ("update", "Changed by the operators", "admin",
                                                                   operator.pk)


def test_granting_the_leadership_view_is_recorded(admin, employee):
    with tenant_context(employee.organization_id), pghistory.context(source="web", member=admin.pk, user=admin.user_id):
        services.membership_leadership_set(membership=employee, by=admin, leadership=True)
    (entry, *_) = entries(admin, record_type="membership", record_id=employee.pk)
    assert entry.actor == admin.user.full_name
    changed = {change.label: (change.old.text, change.new.text) for change in entry.changes}
    assert list(changed) == ["Leadership"] and changed["Leadership"][0] != changed["Leadership"][1]


def test_a_raw_update_skipping_every_service_is_recorded(hr, employee):
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(team="Shadow team")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE alliance_membership SET title = 'Raw SQL' WHERE id = %s", [employee.pk])
    assert [row[:3] for row in events_of(employee)[-2:]] == [
        ("update", "Engineer", "Shadow team"), ("update", "Raw SQL", "Shadow team")]
    (latest, *_) = entries(hr, record_type="membership", record_id=employee.pk)
    assert latest.actor == "System" and latest.source.startswith("No context")


def test_a_change_of_an_untracked_column_writes_no_event(employee):
    before = len(events_of(employee))
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(aspirations="Lead a team one day")
    assert len(events_of(employee)) == before


def test_the_event_tables_refuse_to_be_rewritten(hr, employee):
    from django.apps import apps

    event_model = apps.get_model("alliance", "MembershipEvent")
    with tenant_context(employee.organization_id), pytest.raises(Exception, match="Cannot update or delete"), \
            transaction.atomic():
        event_model.objects.filter(pgh_obj_id=employee.pk).update(title="rewritten")


# --- The database lock on the event tables ---------------------------------------------------------------

def test_the_application_role_writes_events_under_row_level_security(employee, outsider):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(title="Under RLS")
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT organization_id FROM alliance_membershipevent")
            assert cursor.fetchall() == [(employee.organization_id,)]  # the other organization's are hidden
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM alliance_membershipevent")  # no tenant set: nothing
        assert cursor.fetchone() == (0,)


def test_the_context_does_not_outlive_its_transaction(transactional_db, hr, employee):
    with transaction.atomic(), pghistory.context(member=hr.pk, source="web"):
        tenancy.set_tenant(employee.organization_id)
        Membership.objects.filter(pk=employee.pk).update(title="In context")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
        assert cursor.fetchone()[0] in (None, "")


# --- Who sees what ---------------------------------------------------------------------------------------

def test_hr_reads_the_log_with_field_and_choice_labels(hr, employee, client_for):
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(role="manager")
    page = client_for(hr).get("/o/acme/history/").content.decode()
    assert "Role" in page and "Employee" in page and "Manager" in page and employee.user.full_name in page
    assert ">manager<" not in page  # labels, never stored values
    record = client_for(hr).get(f"/o/acme/history/membership/{employee.pk}/")
    assert record.status_code == 200 and "Manager" in record.content.decode()


def test_a_member_sees_the_history_of_their_own_records_only(hr, employee, manager, client_for):
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk__in=[employee.pk, manager.pk]).update(team="Moved")
    own = entries(employee)
    assert own and {entry.record_id for entry in own} == {employee.pk}
    client = client_for(employee)
    assert client.get(f"/o/acme/history/membership/{employee.pk}/").status_code == 200
    assert client.get(f"/o/acme/history/membership/{manager.pk}/").status_code == 404
    page = client.get("/o/acme/history/").content.decode()
    assert f"/o/acme/history/membership/{employee.pk}/" in page
    assert f"/o/acme/history/membership/{manager.pk}/" not in page


def test_another_organizations_history_is_invisible(employee, outsider, client_for, api_for):
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(title="Secret title")
    assert client_for(outsider).get(f"/o/globex/history/membership/{employee.pk}/").status_code == 404
    assert client_for(outsider).get("/o/acme/history/").status_code == 404
    assert "Secret title" not in client_for(outsider).get("/o/globex/history/").content.decode()
    assert api_for(outsider).get(f"/api/v1/history/?record_type=membership&record_id={employee.pk}").status_code == 404
    listed = api_for(outsider).get("/api/v1/history/").json()["results"]
    assert all(item["record_id"] != employee.pk or item["record_type"] != "membership" for item in listed)


# --- The API ---------------------------------------------------------------------------------------------

def test_the_api_lists_and_pages_the_history(hr, employee, api_for):
    with tenant_context(employee.organization_id):
        for index in range(3):
            Membership.objects.filter(pk=employee.pk).update(title=f"Title {index}")
    api = api_for(hr)
    first = api.get(f"/api/v1/history/?record_type=membership&record_id={employee.pk}&page_size=2").json()
    assert [item["changes"][0]["to"] for item in first["results"]] == ["Title 2", "Title 1"]
    second = api.get(first["next"]).json()
    assert second["results"][0]["changes"][0]["to"] == "Title 0"
    assert api.get("/api/v1/history/?cursor=bogus").status_code == 400
    assert api.get("/api/v1/history/?record_type=nonsense").status_code == 400
    mine = api_for(employee).get(f"/api/v1/history/?actor={hr.pk}").json()["results"]
    assert all(item["record_type"] == "membership" for item in mine)


def test_the_csv_export_has_a_row_per_changed_field(hr, employee, client_for):
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(title="Exported", team="Data")
    response = client_for(hr).get("/o/acme/history/export.csv?record_type=membership")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "When (UTC)"
    assert {(row[7], row[8], row[9]) for row in rows[1:] if row[5] == str(employee.pk) and row[6] == "Changed"} == {
        ("Title", "Engineer", "Exported"), ("Team", "Platform", "Data")}


def test_the_log_runs_a_constant_number_of_queries(hr, org, client_for):
    client = client_for(hr)
    client.get("/o/acme/history/")  # warm the session

    def count() -> int:
        from django.db import connection as conn
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(conn) as captured:
            assert client.get("/o/acme/history/").status_code == 200
        return len(captured)

    few = count()
    with tenant_context(org.pk):
        people = [MembershipFactory(organization=org) for _ in range(8)]
        for person in people:
            Membership.objects.filter(pk=person.pk).update(title="More", manager=hr)
    assert count() == few


def test_a_task_records_itself_as_the_source(hr, employee):
    from types import SimpleNamespace

    from alliance.history.context import _close_task_context, _open_task_context

    _open_task_context(task_id="audit-test", task=SimpleNamespace(name="alliance.tasks.heartbeat"))
    try:
        with tenant_context(employee.organization_id):
            Membership.objects.filter(pk=employee.pk).update(title="Set by a task")
    finally:
        _close_task_context(task_id="audit-test")
    *_, context = events_of(employee)[-1]
    assert context == {"source": "task", "task": "alliance.tasks.heartbeat"}
    (entry, *_) = entries(hr, record_type="membership", record_id=employee.pk)
    assert entry.actor == "System" and entry.source == "Background task (heartbeat)"
