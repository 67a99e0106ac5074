"""Every tenant list ordering is served by an index that leads with organization_id.

A small organization's list must not walk a big organization's rows: the RLS
predicate does not narrow an index scan, so each list selector filters by
organization explicitly and the index it uses starts with ``organization_id``.
Checked from the catalog, so an app that adds a list without its index fails here.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.urls import get_resolver
from rest_framework.generics import ListAPIView
from rest_framework.settings import api_settings

from alliance.rls import is_tenant_model
from tests.alliance.routes import iter_routes
from tours.selectors import TOUR_LIST_SORTS

# The cross-tenant reminder sweeps select what is due in every organization at once,
# by status and time: these are the only time-column indexes that do not lead with
# organization_id (tours/reminders.py, alliance/reminders.py).
SWEEP_INDEXES = {
    "tours_cp_status_sched_idx",
    "tours_status_end_date_idx",
    "tours_rofc_outcome_idx",
    "reminder_pending_idx",
    "tours_action_open_due_idx",
    "tours_one_on_one_status_idx",  # 1:1 reminders and carry-over: scheduled meetings by time, across organizations
    "intel_note_created_idx",  # the weekly digest sweep reads one week of notes across organizations
    "alumni_exit_sweep_idx",  # the last-day sweep finds exits whose last day is over, across organizations
    "alumni_task_open_due_idx",  # exit-task reminders select open tasks by due date across organizations
    "fund_expense_report_back_idx",  # the report-back sweep: approved expenses without a note, by date
    "alumni_event_upcoming_idx",  # event reminders: events about to start, across organizations
    "alumni_news_sweep_idx",  # the newsletter sweep finds organizations with recent news
    "intel_note_deleted_idx",  # undo's purge: notes deleted more than a minute ago, across organizations
    "fund_expense_deleted_idx",  # undo's purge: draft expenses deleted more than a minute ago, likewise
    "fund_pending_receipt_age_idx",  # receipts of expense forms never sent, removed after a day, likewise
    "webhook_delivery_due_idx",  # the webhook dispatcher: pending deliveries due now, across organizations
    "idempotent_request_prune_idx",  # the hourly sweep forgets the API's kept answers older than a day
    "job_status_updated_idx",  # background jobs: beat requeues queued ones and prunes finished ones, across orgs
    "outbound_email_due_idx",  # the e-mail outbox's dispatcher: what is due, across organizations
}

# Orderings of the browser's list pages (model label, ordering). A list sorted by a person reads a stored
# sort key (Membership.sort_name, and its copy on tours), never another table's column; the team
# dashboard, sorted in Python, is bounded by a filter on an organization_id-leading index (one manager's
# reports).
PAGE_ORDERINGS = [
    # The Tours page's "Sort by" choices: ending soonest, by person (the stored sort key), newest start.
    *[("tours.tour", ordering) for _label, ordering in TOUR_LIST_SORTS.values()],
    ("alliance.membership", ("sort_name", "id")),  # the members page and the people pickers, by name
    ("tours.tour", ("employee", "start_date", "id")),  # a person's career ledger
    ("tours.checkpoint", ("scheduled_at", "id")),  # checkpoints in time order
    ("tours.checkpoint", ("tour", "scheduled_at", "id")),  # a tour's checkpoints
    ("tours.tourrevision", ("tour", "-created_at", "-id")),  # a tour's history
    ("tours.touramendment", ("tour", "-created_at", "-id")),  # a tour's amendments
    ("tours.agendaitem", ("checkpoint", "created_at", "id")),
    ("tours.actionitem", ("checkpoint", "created_at", "id")),
    ("tours.firstconversation", ("tour", "-exercised_at", "-id")),
    ("tours.cohort", ("program", "-start_date", "-id")),
    ("tours.rotationalprogram", ("name", "id")),  # programs page; name is unique per organization
    ("alliance.notification", ("recipient", "-created_at", "-id")),  # the bell and its page
    ("alliance.invitation", ("-created_at",)),
    ("alliance.apitoken", ("membership", "-created_at")),
    ("alliance.outboundemail", ("status", "-created_at", "-id")),  # undelivered e-mail, newest first
    ("network_intel.expense", ("member", "-spent_on", "-id")),  # a member's fund page
    ("network_intel.receipt", ("expense", "created_at", "id")),  # an expense's receipts
]


def _indexes(table: str) -> list[tuple[str, list[str], bool, bool]]:
    """(name, columns, unique, partial) of every index of ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, x.indisunique, x.indpred IS NOT NULL,
                   array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                         ORDER BY k.n)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = %s
            """,
            [table],
        )
        return [(name, list(columns), unique, partial) for name, unique, partial, columns in cursor.fetchall()]


def _columns(model, ordering: tuple[str, ...]) -> list[str]:
    return [model._meta.get_field(name.lstrip("-")).column for name in ordering]


def serving_index(model, ordering: tuple[str, ...]) -> str | None:
    """An index whose columns are organization_id followed by the ordering (a unique index may
    stop before the tie-breaking id, which it makes redundant)."""
    wanted = ["organization_id", *_columns(model, ordering)]
    for name, columns, unique, partial in _indexes(model._meta.db_table):
        if partial:
            continue
        if columns[: len(wanted)] == wanted:
            return name
        if unique and wanted[-1] == "id" and columns == wanted[:-1]:
            return name
    return None


def api_list_orderings() -> list[tuple[str, type, tuple[str, ...]]]:
    """(route, model, cursor ordering) of every API list the URL resolver serves."""
    found = []
    for route in iter_routes(get_resolver()):
        view = route.view_class
        if not (view and route.route.startswith("/api/") and issubclass(view, ListAPIView)):
            continue
        model = view.serializer_class.Meta.model
        pagination = view.pagination_class or api_settings.DEFAULT_PAGINATION_CLASS
        found.append((route.route, model, tuple(pagination.ordering)))
    return found


def api_list_client_orderings() -> list[tuple[str, type, str, tuple[str, ...]]]:
    """(route, model, ``ordering`` value, rows' ordering) of every order an API list lets a client choose."""
    found = []
    for route in iter_routes(get_resolver()):
        view = route.view_class
        if not (view and route.route.startswith("/api/") and issubclass(view, ListAPIView)):
            continue
        pagination = view.pagination_class or api_settings.DEFAULT_PAGINATION_CLASS
        for name, ordering in getattr(pagination, "orderings", {}).items():
            found.append((route.route, view.serializer_class.Meta.model, name, tuple(ordering)))
    return found


def test_api_lists_are_discovered():
    routes = {route for route, _, _ in api_list_orderings()}
    assert {"/api/v1/tours/", "/api/v1/checkpoints/", "/api/v1/members/", "/api/v1/programs/"} <= routes


@pytest.mark.django_db
def test_every_api_list_cursor_is_served_by_a_tenant_leading_index():
    missing = [
        (route, model._meta.label_lower, ordering)
        for route, model, ordering in api_list_orderings()
        if is_tenant_model(model) and serving_index(model, ordering) is None
    ]
    assert missing == []


def test_api_orderings_are_discovered():
    assert ("/api/v1/tours/", "employee_name") in {(route, name) for route, _, name, _ in api_list_client_orderings()}


@pytest.mark.django_db
def test_every_api_ordering_a_client_chooses_is_served_by_a_tenant_leading_index():
    missing = [
        (route, name, ordering) for route, model, name, ordering in api_list_client_orderings()
        if is_tenant_model(model) and serving_index(model, ordering) is None
    ]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "ordering"), PAGE_ORDERINGS)
def test_every_page_ordering_is_served_by_a_tenant_leading_index(label, ordering):
    assert serving_index(apps.get_model(label), ordering) is not None


@pytest.mark.django_db
def test_page_orderings_name_the_models_own_orderings():
    """The table above follows the code: each model's own Meta ordering is in it (or is joined)."""
    listed = {(label, ordering[-len(apps.get_model(label)._meta.ordering):]) for label, ordering in PAGE_ORDERINGS}
    for label in {label for label, _ in PAGE_ORDERINGS}:
        model = apps.get_model(label)
        assert (label, tuple(model._meta.ordering)) in listed, label


@pytest.mark.django_db
def test_every_time_index_of_a_tenant_table_leads_with_organization_id():
    """Indexes on a date/time column serve orderings and ranges; outside the sweeps they are per tenant."""
    offending = []
    for model in apps.get_models():
        if not is_tenant_model(model):
            continue
        time_columns = {
            field.column for field in model._meta.local_fields
            if field.get_internal_type() in ("DateTimeField", "DateField")
        }
        for name, columns, _unique, _partial in _indexes(model._meta.db_table):
            if set(columns) & time_columns and columns[0] != "organization_id" and name not in SWEEP_INDEXES:
                offending.append((model._meta.db_table, name, columns))
    assert offending == []


@pytest.mark.django_db
def test_the_named_sweep_indexes_exist():
    """The exceptions above are real indexes, not names left behind."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s)", [list(SWEEP_INDEXES)])
        assert {row[0] for row in cursor.fetchall()} == SWEEP_INDEXES
