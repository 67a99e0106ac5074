from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory, started
from tours import services
from tours.models import AgendaItem, Checkpoint, PrivateNote, Tour, TourRevision

pytestmark = pytest.mark.django_db


def url(name: str, org, *args) -> str:
    return reverse(f"tours:{name}", args=[org.slug, *args])


@pytest.fixture
def checkpoint(active_tour):
    return CheckpointFactory(tour=active_tour)


# --- Pages render for the people entitled to them ---------------------------------


def test_every_page_renders_for_the_manager(client_for, org, manager, employee, active_tour, checkpoint):
    client = client_for(manager)
    started(checkpoint)
    pages = [
        url("list", org), url("team", org), url("my_tour", org), url("create", org),
        url("create", org) + f"?employee={employee.pk}", url("create", org) + f"?previous={active_tour.pk}",
        url("detail", org, active_tour.pk), url("edit", org, active_tour.pk),
        url("checkpoint_detail", org, checkpoint.pk), url("checkpoint_outcome", org, checkpoint.pk),
        url("checkpoint_reschedule", org, checkpoint.pk), url("checkpoint_new", org, active_tour.pk),
        url("ledger", org, employee.pk), url("calendar", org), reverse("dashboard", args=[org.slug]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page


def test_employee_pages(client_for, org, employee, active_tour, checkpoint):
    client = client_for(employee)
    for page in [url("my_tour", org), url("detail", org, active_tour.pk), url("checkpoint_detail", org, checkpoint.pk),
                 url("ledger", org, employee.pk), url("list", org), reverse("dashboard", args=[org.slug])]:
        assert client.get(page).status_code == 200, page
    # Manager-only pages answer 403, and drafting needs direct reports.
    assert client.get(url("edit", org, active_tour.pk)).status_code == 403
    assert client.get(url("checkpoint_outcome", org, checkpoint.pk)).status_code == 403
    assert client.get(url("create", org)).status_code == 403
    assert client.get(url("programs", org)).status_code == 403


def test_hr_pages(client_for, org, hr, active_tour):
    program = ProgramFactory(organization=org)
    client = client_for(hr)
    for page in [url("list", org), url("programs", org), url("program_detail", org, program.pk),
                 url("detail", org, active_tour.pk), url("create", org)]:
        assert client.get(page).status_code == 200, page


def test_outsider_and_colleague_get_404_for_every_tour_route(client_for, org, outsider, colleague, active_tour,
                                                             checkpoint, employee):
    item = AgendaItemFactory(checkpoint=checkpoint)
    with tenant_context(org.pk):
        conversation = services.first_conversation_grant(tour=active_tour, by=employee)
        conversation = services.first_conversation_exercise(tour=active_tour, by=employee)
    gets = [url("detail", org, active_tour.pk), url("edit", org, active_tour.pk),
            url("checkpoint_detail", org, checkpoint.pk), url("checkpoint_outcome", org, checkpoint.pk),
            url("checkpoint_reschedule", org, checkpoint.pk), url("checkpoint_invite", org, checkpoint.pk),
            url("checkpoint_new", org, active_tour.pk), url("ledger", org, employee.pk)]
    posts = [url("transition", org, active_tour.pk, "propose"), url("first_conversation", org, active_tour.pk, "grant"),
             url("next_plan", org, active_tour.pk), url("checkpoint_action", org, checkpoint.pk, "cancel"),
             url("agenda_add", org, checkpoint.pk), url("agenda_item", org, item.pk, "toggle"),
             url("checkpoint_notes", org, checkpoint.pk), url("checkpoint_private_note", org, checkpoint.pk),
             url("first_conversation_outcome", org, conversation.pk)]
    for someone in (colleague, outsider):
        client = client_for(someone)
        for page in gets:
            assert client.get(page).status_code == 404, (someone, page)
        for page in posts:
            assert client.post(page, {"text": "x", "plan": "undecided", "outcome": "stayed"}).status_code == 404, page
    with tenant_context(org.pk):
        assert not AgendaItem.objects.filter(text="x").exists()
        active_tour.refresh_from_db()
        assert active_tour.next_tour_plan == ""


# --- Creating, proposing, accepting --------------------------------------------------


def tour_post(employee, **overrides):
    today = timezone.localdate()
    data = {
        "employee": employee.pk, "manager": "", "kind": "transformational", "title": "Lead the perception team",
        "mission": "Make perception reliable.", "company_objectives": "99% uptime.",
        "employee_benefits": "Management experience.", "success_company": "", "success_employee": "",
        "alignment_notes": "Craft meets safety.", "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=1100)).isoformat(), "cadence_months": "6",
        "next_tour_lead_days": "180", "previous_tour": "", "then": "propose",
    }
    data.update(overrides)
    return data


def test_manager_drafts_and_proposes_in_one_step(client_for, org, manager, employee):
    response = client_for(manager).post(url("create", org), tour_post(employee))
    assert response.status_code == 302
    with tenant_context(org.pk):
        tour = Tour.objects.get()
        assert (tour.status, tour.manager, tour.alignment_notes) == ("proposed", manager, "Craft meets safety.")
        assert response["Location"] == url("detail", org, tour.pk)


def test_bad_tour_form_shows_errors_and_saves_nothing(client_for, org, manager, employee):
    response = client_for(manager).post(url("create", org), tour_post(employee, end_date="", title=""))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Required, except for foundational tours." in content and "This field is required." in content
    with tenant_context(org.pk):
        assert not Tour.objects.exists()


def test_manager_cannot_draft_for_someone_elses_report(client_for, org, manager, colleague, employee):
    response = client_for(manager).post(url("create", org), tour_post(colleague))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_alignment_panel_follows_the_chosen_employee(client_for, org, manager, employee):
    with tenant_context(org.pk):
        type(employee).objects.filter(pk=employee.pk).update(aspirations="Run a robotics lab one day.")
    response = client_for(manager).get(url("alignment", org) + f"?employee={employee.pk}", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "Run a robotics lab one day." in content and "<html" not in content


def test_employee_accepts_and_the_manager_sees_it_in_history(client_for, org, employee, manager, tour):
    response = client_for(employee).post(url("transition", org, tour.pk, "accept"))
    assert response.status_code == 302
    with tenant_context(org.pk):
        tour.refresh_from_db()
        assert tour.status == "active"
    page = client_for(manager).get(url("detail", org, tour.pk)).content.decode()
    assert f"{employee.user.full_name}</strong> accepted" in page


def test_illegal_transition_in_the_browser_shows_a_message_and_changes_nothing(client_for, org, employee, tour):
    response = client_for(employee).post(url("transition", org, tour.pk, "propose"), follow=True)
    assert "Only the tour&#x27;s manager or HR can do this." in response.content.decode()
    with tenant_context(org.pk):
        tour.refresh_from_db()
        assert tour.status == "proposed"


def test_request_changes_needs_a_comment(client_for, org, employee, tour):
    client = client_for(employee)
    response = client.post(url("transition", org, tour.pk, "request_changes"), {"comment": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    client.post(url("transition", org, tour.pk, "request_changes"), {"comment": "More budget"})
    with tenant_context(org.pk):
        tour.refresh_from_db()
        assert (tour.status, tour.changes_requested) == ("draft", "More budget")


def test_amending_terms_records_history(client_for, org, manager, employee, tour):
    data = tour_post(employee, title="A sharper title", comment="Agreed in our 1:1")
    response = client_for(manager).post(url("edit", org, tour.pk), data)
    assert response.status_code == 302
    with tenant_context(org.pk):
        revision = TourRevision.objects.get(tour=tour, action="amended")
        assert revision.changes["title"]["to"] == "A sharper title"
        assert revision.comment == "Agreed in our 1:1"
    page = client_for(employee).get(url("detail", org, tour.pk)).content.decode()
    assert "A sharper title" in page and "Agreed in our 1:1" in page


# --- Checkpoints in the browser ----------------------------------------------------


def test_schedule_a_checkpoint_inline_with_htmx(client_for, org, manager, active_tour):
    client = client_for(manager)
    when = (timezone.localtime() + timedelta(days=5)).replace(second=0, microsecond=0)
    bad = client.post(url("checkpoint_new", org, active_tour.pk), {"scheduled_at": "", "duration_minutes": "45"},
                      HTTP_HX_REQUEST="true")
    # HTMX swaps only successful responses: the form comes back with its errors in place.
    assert bad.status_code == 200 and 'id="schedule-form"' in bad.content.decode()
    assert "This field is required." in bad.content.decode()
    good = client.post(url("checkpoint_new", org, active_tour.pk),
                       {"scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "30",
                        "location": "https://meet.example/abc"}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200 and good["HX-Redirect"].startswith(url("detail", org, active_tour.pk))
    with tenant_context(org.pk):
        checkpoint = Checkpoint.objects.get(tour=active_tour, confirmed=True)
        assert checkpoint.scheduled_at == when and checkpoint.duration_minutes == 30


def test_reschedule_inline_returns_the_row_and_bumps_the_sequence(client_for, org, manager, checkpoint):
    client = client_for(manager)
    form = client.get(url("checkpoint_reschedule", org, checkpoint.pk), HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<form" in form.content.decode() and "<html" not in form.content.decode()
    when = (timezone.localtime() + timedelta(days=9)).replace(second=0, microsecond=0)
    response = client.post(url("checkpoint_reschedule", org, checkpoint.pk),
                           {"scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45",
                            "location": "Room 2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="cp-{checkpoint.pk}"' in response.content.decode()
    with tenant_context(org.pk):
        checkpoint.refresh_from_db()
        assert (checkpoint.scheduled_at, checkpoint.sequence, checkpoint.location) == (when, 1, "Room 2")


def test_agenda_point_added_with_htmx(client_for, org, employee, checkpoint):
    response = client_for(employee).post(url("agenda_add", org, checkpoint.pk), {"text": "My growth plan"},
                                         HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "My growth plan" in content and 'id="agenda-body"' in content and "<html" not in content
    empty = client_for(employee).post(url("agenda_add", org, checkpoint.pk), {"text": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    with tenant_context(org.pk):
        assert AgendaItem.objects.filter(checkpoint=checkpoint).count() == 1


def test_record_outcome_form(client_for, org, manager, employee, active_tour, checkpoint):
    later = CheckpointFactory(tour=active_tour, scheduled_at=timezone.now() + timedelta(days=90))
    item = AgendaItemFactory(checkpoint=checkpoint, text="Skills")
    AgendaItemFactory(checkpoint=checkpoint, text="Next steps")
    client = client_for(manager)
    early = client.get(url("checkpoint_outcome", org, checkpoint.pk))
    assert early.status_code == 302  # not before the conversation has started
    started(checkpoint)
    bad = client.post(url("checkpoint_outcome", org, checkpoint.pk), {"manager_notes": "x"})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    response = client.post(url("checkpoint_outcome", org, checkpoint.pk), {
        "progress": "at_risk", "manager_notes": "Slow quarter", "course_corrections": "Fewer meetings",
        "discussed": [str(item.pk)], "action_1_text": "Pair with Ana", "action_1_owner": str(employee.pk),
    })
    assert response.status_code == 302
    with tenant_context(org.pk):
        checkpoint.refresh_from_db()
        assert (checkpoint.status, checkpoint.progress) == ("completed", "at_risk")
        assert list(later.agenda_items.values_list("text", flat=True)) == ["Next steps"]
        assert list(later.action_items.values_list("text", flat=True)) == ["Pair with Ana"]


def test_private_notes_are_shown_to_their_author_only(client_for, org, manager, employee, hr, checkpoint):
    client_for(employee).post(url("checkpoint_private_note", org, checkpoint.pk), {"body": "Ask about the raise"})
    with tenant_context(org.pk):
        assert PrivateNote.objects.get().author == employee
    own_page = client_for(employee).get(url("checkpoint_detail", org, checkpoint.pk)).content.decode()
    assert "Ask about the raise" in own_page
    for other in (manager, hr):
        assert "Ask about the raise" not in client_for(other).get(
            url("checkpoint_detail", org, checkpoint.pk)).content.decode()


def test_invite_download_is_an_ics_file(client_for, org, employee, checkpoint):
    response = client_for(employee).get(url("checkpoint_invite", org, checkpoint.pk))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content and b"METHOD:REQUEST" in response.content


# --- Lists ----------------------------------------------------------------------


def make_team(org, manager, count):
    people = [MembershipFactory(organization=org, manager=manager) for _ in range(count)]
    for person in people:
        tour = TourFactory(employee=person, manager=manager, status="active")
        CheckpointFactory(tour=tour)
    return people


def test_tour_list_filters_and_runs_constant_queries(client_for, org, hr, manager, django_assert_num_queries):
    make_team(org, manager, 2)
    client = client_for(hr)
    client.get(url("list", org))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("list", org)).status_code == 200
    make_team(org, manager, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url("list", org))
    assert response.content.decode().count("<tr>") == 9  # header + eight tours
    filtered = client.get(url("list", org) + "?status=proposed", HTTP_HX_REQUEST="true").content.decode()
    assert "No tour matches these filters." in filtered and "<html" not in filtered


def test_tour_list_counts_up_to_a_cap_and_exactly_on_demand(client_for, org, hr, manager, monkeypatch,
                                                             django_assert_num_queries):
    from alliance import pagination

    make_team(org, manager, 5)
    client = client_for(hr)
    exact = client.get(url("list", org)).content.decode()
    assert "5 tours" in exact and "exact count" not in exact
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client.get(url("list", org))
    with CaptureQueriesContext(connection) as capped_queries:
        capped = client.get(url("list", org)).content.decode()
    capped_count = len(capped_queries.captured_queries)
    assert "3+ tours" in capped and "count=exact" in capped
    # The capped count reads the keys of at most cap + 1 rows, not every row with its people.
    counts = [q["sql"] for q in capped_queries.captured_queries
              if "COUNT(" in q["sql"].upper() and '"tours_tour"' in q["sql"]]
    assert counts and all("LIMIT 4" in sql and "person__" not in sql for sql in counts)
    on_demand = client.get(url("list", org), {"count": "exact"}).content.decode()
    assert "5 tours" in on_demand and "exact count" not in on_demand
    make_team(org, manager, 3)
    with django_assert_num_queries(capped_count):
        assert client.get(url("list", org)).status_code == 200


def test_tour_list_ending_within_and_csv_export(client_for, org, hr, manager, employee):
    today = timezone.localdate()
    TourFactory(employee=employee, manager=manager, status="active", title="Ending soon",
                start_date=today - timedelta(days=700), end_date=today + timedelta(days=20))
    TourFactory(employee=employee, manager=manager, status="draft", title="=HYPERLINK(evil)",
                start_date=today, end_date=today + timedelta(days=900))
    client = client_for(hr)
    page = client.get(url("list", org) + "?ending_within=30").content.decode()
    assert "Ending soon" in page and "HYPERLINK" not in page
    csv_response = client.get(url("list", org) + "?format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    body = csv_response.getvalue().decode()
    assert body.splitlines()[0].startswith("id,employee,employee_email,team")
    assert "'=HYPERLINK(evil)" in body and "Ending soon" in body


def test_team_dashboard_flags_sorts_and_runs_constant_queries(client_for, org, manager, employee,
                                                              django_assert_num_queries):
    today = timezone.localdate()
    tour = TourFactory(employee=employee, manager=manager, status="active",
                       start_date=today - timedelta(days=700), end_date=today + timedelta(days=60))
    CheckpointFactory(tour=tour, scheduled_at=timezone.now() - timedelta(days=3))
    with tenant_context(org.pk):
        services.first_conversation_grant(tour=tour, by=employee)
        services.first_conversation_exercise(tour=tour, by=employee, note="Curious about product")
    MembershipFactory(organization=org, manager=manager, user__full_name="Zed Newcomer")
    client = client_for(manager)
    page = client.get(url("team", org)).content.decode()
    for flag in ("Next-tour conversation due", "Right of first conversation exercised", "Overdue checkpoint",
                 "No active tour"):
        assert flag in page
    assert "Curious about product" in page
    partial = client.get(url("team", org) + "?flag=no_active_tour", HTTP_HX_REQUEST="true").content.decode()
    assert "Zed Newcomer" in partial and employee.user.full_name not in partial and "<html" not in partial
    with CaptureQueriesContext(connection) as small:
        client.get(url("team", org))
    make_team(org, manager, 5)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url("team", org))


def test_dashboard_shows_the_exercised_right_of_first_conversation(client_for, org, manager, employee, active_tour):
    with tenant_context(org.pk):
        services.first_conversation_grant(tour=active_tour, by=employee)
        services.first_conversation_exercise(tour=active_tour, by=employee)
    page = client_for(manager).get(reverse("dashboard", args=[org.slug])).content.decode()
    assert "Right of first conversation exercised" in page and employee.user.full_name in page


# --- Programs and the calendar feed ----------------------------------------------------


def test_hr_starts_a_cohort_in_the_browser(client_for, org, hr, employee, colleague):
    program = ProgramFactory(organization=org)
    client = client_for(hr)
    start = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(url("program_detail", org, program.pk), {
        "form": "cohort", "cohort-name": "Spring", "cohort-start_date": start,
        "cohort-members": [employee.pk, colleague.pk],
    })
    assert response.status_code == 302
    with tenant_context(org.pk):
        assert Tour.objects.filter(cohort__name="Spring", status="proposed").count() == 2
    bad = client.post(url("program_detail", org, program.pk), {"form": "cohort", "cohort-start_date": start})
    assert bad.status_code == 400


def test_hr_creates_a_program_with_errors_in_place(client_for, org, hr):
    client = client_for(hr)
    bad = client.post(url("programs", org), {"name": "", "duration_months": "40", "cadence_months": "3"})
    assert bad.status_code == 400 and "Ensure this value is less than or equal to 24." in bad.content.decode()
    good = client.post(url("programs", org), {"name": "Graduate rotation", "duration_months": "18",
                                              "cadence_months": "3", "is_active": "on"})
    assert good.status_code == 302


def test_calendar_feed_url_serves_my_checkpoints_and_stops_when_revoked(client, client_for, org, employee,
                                                                         checkpoint):
    page = client_for(employee).post(url("calendar", org), {"action": "create"}).content.decode()
    feed_url = page.split('id="feed-url">')[1].split("</pre>")[0]
    path = feed_url.replace("http://testserver", "")
    assert path.startswith("/calendar/cal_")
    response = client.get(path)  # no session: the secret URL is the credential
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f"{checkpoint.uid}@".encode() in response.content
    client_for(employee).post(url("calendar", org), {"action": "revoke"})
    assert client.get(path).status_code == 404
    assert client.get("/calendar/cal_99999_" + "x" * 40 + ".ics").status_code == 404


# --- Smaller interactions -------------------------------------------------------------


def test_confirm_and_cancel_a_checkpoint_inline(client_for, org, manager, active_tour):
    proposed = CheckpointFactory(tour=active_tour, confirmed=False)
    client = client_for(manager)
    row = client.post(url("checkpoint_action", org, proposed.pk, "confirm"), HTTP_HX_REQUEST="true")
    content = row.content.decode()
    assert row.status_code == 200 and content.strip().startswith(f'<li id="cp-{proposed.pk}"')
    assert "Proposed from the cadence" not in content
    cancelled = client.post(url("checkpoint_action", org, proposed.pk, "cancel"))
    assert cancelled.status_code == 302
    with tenant_context(org.pk):
        proposed.refresh_from_db()
        assert (proposed.status, proposed.confirmed, proposed.sequence) == ("cancelled", True, 2)
    assert client.post(url("checkpoint_action", org, proposed.pk, "explode")).status_code == 404


def test_first_conversation_in_the_browser_leads_the_manager_to_draft_the_next_tour(
    client_for, org, manager, employee, active_tour
):
    client = client_for(employee)
    client.post(url("first_conversation", org, active_tour.pk, "grant"))
    response = client.post(url("first_conversation", org, active_tour.pk, "exercise"),
                           {"note": "Curious about sales", "next": "https://evil.example/"})
    assert response["Location"] == url("detail", org, active_tour.pk)  # no open redirect
    with tenant_context(org.pk):
        conversation = active_tour.first_conversations.get()
    outcome = client_for(manager).post(url("first_conversation_outcome", org, conversation.pk),
                                       {"outcome": "new_internal_tour", "note": "Sales engineering tour"})
    assert outcome["Location"] == url("create", org) + f"?previous={active_tour.pk}"
    draft_page = client_for(manager).get(outcome["Location"]).content.decode()
    assert f'value="{active_tour.pk}"' in draft_page  # the successor links back


def test_next_plan_and_ending_early_in_the_browser(client_for, org, manager, employee, active_tour):
    client = client_for(manager)
    client.post(url("next_plan", org, active_tour.pk), {"plan": "undecided", "notes": "Talk in May"})
    refused = client.post(url("transition", org, active_tour.pk, "end_early"), {"reason": ""}, follow=True)
    assert "Say why the tour ends early." in refused.content.decode()
    client.post(url("transition", org, active_tour.pk, "end_early"), {"reason": "Moved teams"})
    with tenant_context(org.pk):
        active_tour.refresh_from_db()
        assert (active_tour.next_tour_plan, active_tour.status) == ("undecided", "ended_early")
    assert client_for(employee).post(url("next_plan", org, active_tour.pk), {"plan": "undecided"}).status_code == 302


# --- Review fixes: bounded dates, program edits, CSV cells, strict ids -------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"start_date": "0001-01-01"}, "Choose a date between 1900 and 2100."),
     ({"end_date": "9999-12-31"}, "Choose a date between 1900 and 2100."),
     ({"end_date": "2999-12-31", "cadence_months": "1"}, "Choose a date between 1900 and 2100."),
     ({"end_date": (timezone.localdate() + timedelta(days=11 * 366)).isoformat()},
      "At most 10 years after the start date.")],
)
def test_tour_form_refuses_dates_out_of_bounds_and_saves_nothing(client_for, org, manager, employee, overrides,
                                                                 message):
    response = client_for(manager).post(url("create", org), tour_post(employee, **overrides))
    assert response.status_code == 400 and message in response.content.decode()
    with tenant_context(org.pk):
        assert not Tour.objects.exists() and not Checkpoint.objects.exists()


def test_edit_form_refuses_dates_out_of_bounds(client_for, org, manager, employee, tour):
    response = client_for(manager).post(url("edit", org, tour.pk), tour_post(employee, start_date="0001-01-01"))
    assert response.status_code == 400 and "Choose a date between 1900 and 2100." in response.content.decode()
    with tenant_context(org.pk):
        tour.refresh_from_db()
        assert tour.start_date.year > 1900 and not TourRevision.objects.filter(tour=tour).exists()


def test_checkpoint_and_cohort_forms_refuse_dates_out_of_bounds(client_for, org, hr, manager, employee):
    open_ended = TourFactory(employee=employee, manager=manager, status="active", kind="foundational", end_date=None)
    response = client_for(manager).post(url("checkpoint_new", org, open_ended.pk),
                                        {"scheduled_at": "9999-12-31T23:00", "duration_minutes": "45"})
    assert response.status_code == 400 and "Choose a date between 1900 and 2100." in response.content.decode()
    program = ProgramFactory(organization=org)
    cohort = client_for(hr).post(url("program_detail", org, program.pk), {
        "form": "cohort", "cohort-start_date": "0001-01-01", "cohort-members": [employee.pk]})
    assert cohort.status_code == 400 and "Choose a date between 1900 and 2100." in cohort.content.decode()
    with tenant_context(org.pk):
        assert not Checkpoint.objects.filter(tour=open_ended).exists() and not program.cohorts.exists()


def test_hr_renames_and_archives_a_program_in_the_browser(client_for, org, hr):
    program = ProgramFactory(organization=org, name="Graduate rotation", duration_months=12, cadence_months=3)
    response = client_for(hr).post(url("program_detail", org, program.pk), {
        "form": "program", "program-name": "Engineering rotation", "program-duration_months": "12",
        "program-cadence_months": "3", "program-mission_template": program.mission_template,
        "program-company_objectives": program.company_objectives,
        "program-employee_benefits": program.employee_benefits,
        "program-success_criteria": program.success_criteria,
        # "program-is_active" left out: the checkbox is unticked, the program archived.
    })
    assert response.status_code == 302
    with tenant_context(org.pk):
        program.refresh_from_db()
        assert (program.name, program.is_active) == ("Engineering rotation", False)


def test_csv_export_defuses_formulas_in_every_text_cell(client_for, org, hr, admin):
    boss = MembershipFactory(organization=org, role="manager", manager=admin, user__full_name="@SUM(1+1)")
    person = MembershipFactory(organization=org, manager=boss, team="+cmd|' /C calc'!A0",
                               user__full_name="=HYPERLINK(evil)")
    TourFactory(employee=person, manager=boss, title="\t=1+1")
    TourFactory(employee=person, manager=boss, title="\r-2+3", status="cancelled")
    body = client_for(hr).get(url("list", org) + "?format=csv").getvalue().decode()
    for cell in ("'=HYPERLINK(evil)", "'@SUM(1+1)", "'+cmd|' /C calc'!A0", "'\t=1+1", "'\r-2+3"):
        assert cell in body, cell
    assert ",=HYPERLINK" not in body and ",+cmd" not in body and ",@SUM" not in body


@pytest.mark.parametrize("value", ["²", "٣", "1e5", "-1", pytest.param("9" * 5000, id="5000-digits")])
def test_non_ascii_and_odd_ids_in_the_browser_are_ignored_not_500(client_for, org, manager, employee, value):
    client = client_for(manager)
    assert client.get(url("create", org) + f"?employee={value}").status_code == 200
    assert client.get(url("create", org) + f"?previous={value}").status_code == 200
    assert client.get(url("alignment", org) + f"?employee={value}", HTTP_HX_REQUEST="true").status_code == 200
    posted = client.post(url("create", org), {**tour_post(employee), "employee": value})
    assert posted.status_code == 400 and "Select a valid choice" in posted.content.decode()
    with tenant_context(org.pk):
        assert not Tour.objects.exists()


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_programs_page_runs_constant_queries(client_for, org, hr):
    client = client_for(hr)
    url = reverse("tours:programs", args=[org.slug])
    ProgramFactory(organization=org)
    few = _queries_for(client, url)
    for _ in range(12):
        ProgramFactory(organization=org)
    assert _queries_for(client, url) == few


def test_career_ledger_runs_constant_queries(client_for, org, manager, employee):
    client = client_for(manager)
    url = reverse("tours:ledger", args=[org.slug, employee.pk])
    previous = TourFactory(employee=employee, manager=manager, status="completed")
    few = _queries_for(client, url)
    for _ in range(8):
        previous = TourFactory(employee=employee, manager=manager, status="completed", previous_tour=previous)
    assert _queries_for(client, url) == few
