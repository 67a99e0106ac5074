"""Redis and the database out of reach: the API answers JSON, sign-in keeps its lockout, nothing 500s.

Redis is made unreachable for the cache and the API throttle only, by pointing them at a closed
port within the test: the suite's own Redis (and Celery's broker) is untouched. The database is made
unreachable in a separate process, whose settings point at a closed port.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys

import pytest
from django.test import Client

from alliance.settings.base import BASE_DIR
from tests.alliance.test_abuse import PASSWORD, _sign_in
from tests.helpers import sent_mail


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}


def test_the_api_answers_and_still_throttles_per_process_with_redis_down(redis_down, employee, api_for, settings,
                                                                          caplog):
    api = api_for(employee)
    settings.API_TOKEN_THROTTLE_RATE = "3/min"
    with caplog.at_level(logging.WARNING, logger="alliance.redis"):
        answers = [api.get("/api/v1/me/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].json()["membership"]["email"] == employee.user.email
    assert answers[3]["Content-Type"] == "application/json" and int(answers[3]["Retry-After"]) > 0
    warnings = [r for r in caplog.records if "API throttling" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


def test_the_sign_in_lockout_locks_with_redis_down(redis_down, employee, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, employee.user.email, "wrong").status_code == 200
    assert _sign_in(client, employee.user.email, "wrong").status_code == 429
    again = _sign_in(Client(), employee.user.email, PASSWORD, address="198.51.100.1")
    assert again.status_code == 429 and "_auth_user_id" not in again.client.session


def test_signing_in_works_with_redis_down(redis_down, employee):
    answer = _sign_in(Client(), employee.user.email, PASSWORD)
    assert answer.status_code == 302 and "_auth_user_id" in answer.client.session


def test_password_reset_keeps_its_limit_in_memory_with_redis_down(redis_down, employee, settings):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "2/hour"
    answers = [Client().post("/accounts/password/reset/", {"email": employee.user.email}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert len(sent_mail()) == 2


UNREACHABLE_DATABASE_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for name, path, headers in [("api", "/api/v1/me/", {"Authorization": "Bearer x"}),
                            ("api_post", "/api/v1/expenses/", {"Authorization": "Bearer x"}),
                            ("page", "/o/acme/", {}), ("sign_in", "/accounts/login/", {})]:
    method = client.post if name == "api_post" else client.get
    response = method(path, headers=headers)
    answers[name] = [response.status_code, response["Content-Type"], response.get("Retry-After"),
                     response.content.decode()]
print(json.dumps(answers))
"""


def test_an_unreachable_database_answers_503_json_on_the_api_and_the_503_page_in_the_browser():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "alliance.settings.test",
                   "DATABASE_URL": f"postgres://alliance_app:x@127.0.0.1:{closed_port()}/alliance"}
    run = subprocess.run([sys.executable, "-c", UNREACHABLE_DATABASE_PROBE], env=environment, cwd=BASE_DIR,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    for name in ("api", "api_post"):
        status, content_type, retry_after, body = answers[name]
        assert (status, content_type, retry_after) == (503, "application/json", "30"), answers[name]
        assert "briefly unavailable" in json.loads(body)["detail"]
    for name in ("page", "sign_in"):
        status, content_type, retry_after, body = answers[name]
        assert (status, retry_after) == (503, "30") and content_type.startswith("text/html"), answers[name]
        assert "Alliance is briefly unavailable" in body
