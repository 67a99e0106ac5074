"""A worker killed in the middle of sending loses nothing and sends nothing twice.

Two real Celery worker processes on the real Redis broker: the first delivers the reminders (their
in-app notifications and outbox e-mail rows) and is killed (SIGKILL) while its e-mail provider is
still busy with the first e-mail; the broker redelivers the unacknowledged dispatch after the
visibility timeout, and the second worker sends each e-mail once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from alliance import tenancy
from alliance.models import OutboundEmail, Reminder

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VISIBILITY_TIMEOUT = 3


def worker_env(queue: str, mail_dir: Path, backend: str) -> dict[str, str]:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    port = f":{db['PORT']}" if db["PORT"] else ""
    database_url = f"postgresql://{db['USER']}:{quote(db['PASSWORD'] or '', safe='')}@{host}{port}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_TEST_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "OUTBOX_TRANSPORT_BACKEND": backend,
        "EMAIL_FILE_PATH": str(mail_dir),
        "SLOW_MAIL_SECONDS": "60",
    }


def start_worker(env: dict[str, str], name: str, log_dir: Path) -> subprocess.Popen:
    log = open(log_dir / f"worker-{name}.log", "wb")  # noqa: SIM115 - closed when the process ends
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "alliance", "worker", "--pool", "solo", "--concurrency", "1",
         "--loglevel", "INFO", "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
    )


def email_rows() -> list[OutboundEmail]:
    with tenancy.cross_tenant(reason="test: read the outbox"):
        return list(OutboundEmail.objects.order_by("id"))


def ledger() -> list[Reminder]:
    with tenancy.cross_tenant(reason="test: read the ledger"):
        return list(Reminder.objects.order_by("id"))


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.django_db(transaction=True)
def test_killed_worker_task_is_redelivered_and_sent_once(tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from alliance.celery import app as celery_app
    from tests.tours.test_tasks import make_checkpoint, make_people, make_tour
    from tours import reminders

    queue = celery_app.conf.task_default_queue  # this test run's own queue (alliance.settings.test)
    org, manager, employee = make_people()
    make_checkpoint(make_tour(org, manager, employee), timezone.now() + timedelta(hours=20))
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    slow = start_worker(worker_env(queue, mail_dir, "tests.alliance.mail_backends.SlowFileBackend"), "slow", tmp_path)
    try:
        assert reminders.sweep(reminders.CHECKPOINT_UPCOMING) == 2  # manager and employee, one batch
        # Let the slow worker take the task and sit in the e-mail provider, then kill it.
        time.sleep(6)
        assert slow.poll() is None
        os.kill(slow.pid, signal.SIGKILL)
        slow.wait(timeout=10)
        assert list(mail_dir.iterdir()) == []
        assert {r.status for r in ledger()} == {Reminder.Status.SENT}  # delivered: the e-mails are outbox rows
        assert {row.status for row in email_rows()} == {"pending"}  # not lost, not sent
    finally:
        if slow.poll() is None:
            slow.kill()

    fast_env = worker_env(queue, mail_dir, "django.core.mail.backends.filebased.EmailBackend")
    fast = start_worker(fast_env, "fast", tmp_path)
    try:
        sent = lambda: {row.status for row in email_rows()} == {"sent"}  # noqa: E731
        assert wait_until(sent, VISIBILITY_TIMEOUT + 45)
        time.sleep(1)
        recipients = sorted(
            line.split(":", 1)[1].strip()
            for path in mail_dir.iterdir()
            for line in path.read_text().splitlines()
            if line.startswith("To:")
        )
        assert recipients == ["boss@acme.test", "emp@acme.test"]
        assert [r.attempts for r in ledger()] == [1, 1]
        assert [row.attempts for row in email_rows()] == [1, 1]  # the killed attempt was rolled back
    finally:
        fast.send_signal(signal.SIGTERM)
        try:
            fast.wait(timeout=15)
        except subprocess.TimeoutExpired:
            fast.kill()
