"""Faults injected into the production shape (tests/faults/stack.py): the mail server, Redis and PostgreSQL
stopped and started again, the worker killed (SIGKILL) and stopped as ``docker stop`` does (SIGTERM, then
SIGKILL after 10 s), while reminders are being delivered and a REST client reads and submits expenses.

Each scenario proves: no reminder lost (each has its in-app notification and its e-mail), none doubled,
every delivery done within 2 minutes of the fault's end, no API answer 5xx except the documented JSON 503
while the database is away, and one expense per Idempotency-Key however often the client retried.

The suite runs short versions. ``make chaos`` (CHAOS=1) runs the long ones: more reminders, production's
retry and redelivery timings, a mail outage longer than the old retry window, and prints the figures.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.faults.stack import ApiClient, Stack, wait_until

LONG = os.environ.get("CHAOS") == "1"
EMPLOYEES = 250 if LONG else 30  # each checkpoint owes two reminders: its manager's and its employee's
MAIL_DOWN = 400 if LONG else 10  # seconds; the old retries gave up after 5 min 22 s
OUTBOX_RETRY_BASE = 60 if LONG else 2  # production's first retry comes after a minute
REDIS_DOWN = 60 if LONG else 10
POSTGRES_DOWN = 40
VISIBILITY_TIMEOUT = 90 if LONG else 15  # production's; the suite's shorter one only saves waiting
RECOVERY = 120  # seconds after a fault ends within which deliveries resume
RECOVERY_ALL = 600 if LONG else 120  # ... and within which all of them are done

FIGURES: list[tuple[str, dict]] = []

@pytest.fixture(scope="module")
def stack():
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # Not under pytest's private temporary folder: the PostgreSQL server may run as another system user
    # (pgserver does, under root), which must reach its data directory.
    root = Path(tempfile.mkdtemp(prefix="alliance-faults-"))
    started = Stack(root, visibility_timeout=VISIBILITY_TIMEOUT, outbox_retry_base=OUTBOX_RETRY_BASE)
    try:
        for name in ("web", "worker", "beat"):
            started.start(name)
        yield started
    finally:
        started.close()
        shutil.rmtree(root, ignore_errors=True)
        if FIGURES:
            print("\n" + report())  # noqa: T201 - `make chaos` prints its figures


RESTARTS_AT_START = [0]


@pytest.fixture(autouse=True)
def _count_restarts(stack):
    """Processes the supervisor started again during this scenario (docker-compose's restart policy)."""
    RESTARTS_AT_START[0] = sum(stack.restarts.values())


def report() -> str:
    columns = ("reminders", "notified", "e-mailed", "lost", "doubled", "resent", "resumed_s", "recovered_s",
               "restarts", "api_answers",
               "api_5xx", "api_503_json", "expense_keys", "created", "expenses")
    lines = [f"{'scenario':<42}" + "".join(f"{name:>13}" for name in columns)]
    for name, figures in FIGURES:
        lines.append(f"{name:<42}" + "".join(f"{figures.get(column, '-')!s:>13}" for column in columns))
    return "\n".join(lines)


class Traffic:
    """A REST client reading and submitting expenses in a loop, in a thread; each expense has its own
    Idempotency-Key, sent again (same key, same body) until the API answers it."""

    def __init__(self, stack: Stack, token: str) -> None:
        self.api = ApiClient(stack, token)
        self.keys: dict[str, bool] = {}  # key → answered (2xx or a refusal)
        self.created: set[str] = set()  # keys answered 201
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _body(self, n: int) -> dict:
        return {"spent_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(), "kind": "meal",
                "merchant": f"Cafe {n}", "amount": "12.50", "currency": "USD", "purpose": "Lunch with a founder",
                "submit": True}

    def _submit(self, key: str, n: int) -> None:
        answer = self.api.post("/api/v1/expenses/", self._body(n), key=key)
        self.keys[key] = answer is not None and answer.status_code < 500
        if answer is not None and answer.status_code == 201:
            self.created.add(key)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            self.api.get("/api/v1/me/")
            self.api.get("/api/v1/tours/")
            key = str(uuid.uuid4())
            self.keys[key] = False
            self._submit(key, n)
            for pending in [k for k, done in self.keys.items() if not done and k != key]:
                self._submit(pending, n)
            time.sleep(0.2)

    def start(self) -> Traffic:
        self._thread.start()
        return self

    def finish(self, timeout: float = 60) -> None:
        """Stop the loop, then retry what is unanswered until it is answered."""
        self._stop.set()
        self._thread.join(30)
        deadline = time.monotonic() + timeout
        while not all(self.keys.values()) and time.monotonic() < deadline:
            for key in [k for k, done in self.keys.items() if not done]:
                self._submit(key, 0)
            time.sleep(1)

    def figures(self, stack: Stack, organization_id: int) -> dict:
        answers = self.api.answers
        return {
            "api_answers": len(answers),
            # Any 5xx but the database-away JSON 503, or no answer at all.
            "api_5xx": sum(1 for _, status, kind in answers
                           if status == 0 or (status >= 500 and (status, kind) != (503, "application/json"))),
            "api_503_json": sum(1 for _, status, kind in answers if status == 503 and kind == "application/json"),
            "expense_keys": len(self.keys),
            "created": len(self.created),
            "expenses": stack.expenses(organization_id),
        }


def deliver(stack: Stack, slug: str) -> tuple[dict, int]:
    """A new organization whose checkpoints are due for their reminders, claimed by a sweep (this one, or
    beat's own if it came first)."""
    seeded = stack.seed(slug, EMPLOYEES)
    stack.sweep_checkpoint_reminders()
    assert stack.reminder_figures(seeded["organization_id"])["reminders"] >= 2 * EMPLOYEES
    return seeded, seeded["organization_id"]


def settle(stack: Stack, organization_id: int, name: str, extra: dict) -> dict:
    """After a fault ends: deliveries must resume within RECOVERY seconds (the first reminder delivered
    or e-mailed since), and all be done within RECOVERY_ALL; record the figures."""
    def progress() -> int:
        figures = stack.reminder_figures(organization_id)
        return figures["notified"] + figures["e-mailed"]

    def done() -> bool:
        return stack.all_delivered(organization_id, 2 * EMPLOYEES)

    before = progress()
    resumed = wait_until(lambda: done() or progress() > before, RECOVERY, every=0.5)
    recovered = wait_until(done, RECOVERY_ALL, every=1)
    time.sleep(3)  # anything doubled would show now
    figures = {**stack.reminder_figures(organization_id), **extra,
               "resumed_s": "over" if resumed is None else round(resumed),
               "recovered_s": "over" if None in (resumed, recovered) else round(resumed + recovered),
               "restarts": sum(stack.restarts.values()) - RESTARTS_AT_START[0]}
    FIGURES.append((name, figures))
    assert resumed is not None and recovered is not None, (figures, stack.log("worker")[-4000:])
    assert figures["reminders"] >= 2 * EMPLOYEES and figures["lost"] == 0 and figures["doubled"] == 0, figures
    return figures


def test_a_mail_outage_longer_than_the_old_retry_window_loses_and_doubles_nothing(stack):
    stack.mail.stop()
    _, org = deliver(stack, "mailfault")
    assert wait_until(lambda: stack.reminder_figures(org)["notified"] >= 2 * EMPLOYEES, 60) is not None
    time.sleep(MAIL_DOWN)  # the in-app notifications are there; every e-mail waits in the outbox
    assert stack.reminder_figures(org)["e-mailed"] == 0
    assert stack.query("SELECT count(*) FROM alliance_outboundemail WHERE organization_id = %s AND status = 'failed'",
                       (org,))[0][0] == 0
    stack.mail.start()
    settle(stack, org, f"mail server down {MAIL_DOWN} s", {})


def test_redis_stopped_during_reads_writes_and_deliveries_loses_and_doubles_nothing(stack):
    seeded = stack.seed("redisfault", EMPLOYEES)
    org = seeded["organization_id"]
    traffic = Traffic(stack, seeded["token"]).start()
    time.sleep(2)
    stack.redis.stop()
    # The sweep claims in the database; the broker is away, so the deliveries wait for the requeue.
    stack.sweep_checkpoint_reminders()
    assert stack.reminder_figures(org)["reminders"] >= 2 * EMPLOYEES
    time.sleep(REDIS_DOWN)
    stack.redis.start()
    traffic.finish()
    figures = settle(stack, org, f"Redis down {REDIS_DOWN} s", traffic.figures(stack, org))
    assert figures["api_5xx"] == 0 and figures["api_503_json"] == 0, traffic.api.server_errors()
    assert all(traffic.keys.values()) and figures["expenses"] == figures["created"] == figures["expense_keys"], figures


def test_postgres_stopped_answers_503_json_and_resumes_deliveries(stack):
    seeded, org = deliver(stack, "pgfault")
    traffic = Traffic(stack, seeded["token"]).start()
    time.sleep(1)  # the worker is writing the batch's notifications and e-mail rows
    stack.postgres.stop()
    time.sleep(POSTGRES_DOWN)
    stack.postgres.start()
    traffic.finish()
    figures = settle(stack, org, f"PostgreSQL down {POSTGRES_DOWN} s", traffic.figures(stack, org))
    assert figures["api_503_json"] > 0 and figures["api_5xx"] == 0, traffic.api.server_errors(allowed=(503,))
    assert all(traffic.keys.values()) and figures["expenses"] == figures["created"] == figures["expense_keys"], figures


@pytest.mark.parametrize("how", ["SIGKILL, restarted 3 s later", "docker stop (SIGTERM, SIGKILL after 10 s)"])
def test_a_worker_killed_or_stopped_mid_batch_delivers_exactly_once(stack, how):
    slug = "killed" if how.startswith("SIGKILL") else "stopped"
    _, org = deliver(stack, slug)
    assert wait_until(lambda: stack.reminder_figures(org)["notified"] > 0, 30, every=0.05) is not None
    if how.startswith("SIGKILL"):
        stack.kill("worker", signal.SIGKILL)
        time.sleep(3)
    else:
        took = stack.stop("worker")
        FIGURES.append((f"(worker stop took {took:.1f} s)", {}))
    stack.start("worker")
    figures = settle(stack, org, f"worker {how}"[:42], {})
    if not how.startswith("SIGKILL"):
        assert figures["resent"] == 0  # a stop lets the worker finish what it is sending
