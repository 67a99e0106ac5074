"""Sign-in lockout (django-axes, counted in PostgreSQL), password-reset and per-token API rate limits
(counted in the real Redis cache; tests/alliance/test_outages.py takes Redis away)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.alliance.factories import make_api_token
from tests.helpers import sent_mail

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _sign_in(client: Client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def test_the_cache_is_the_real_redis():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    cache.set("probe", 1, 5)
    assert cache._cache.get_client().exists(cache.make_key("probe"))


def test_an_account_is_locked_after_five_failed_sign_ins(employee, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, employee.user.email, "wrong").status_code == 200  # the form again
    locked = _sign_in(client, employee.user.email, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode() and "15 minutes" in locked.content.decode()
    # Even the right password, even from another address, waits out the pause.
    again = _sign_in(Client(), employee.user.email, PASSWORD, address="198.51.100.1")
    assert again.status_code == 429 and "_auth_user_id" not in again.client.session


def test_the_lockout_counts_the_account_however_its_address_is_typed(employee, settings):
    from alliance.models import UserEmailAlias

    alias = UserEmailAlias.objects.create(user=employee.user, email="e.former@old.example")
    email = employee.user.email
    spellings = [email.upper(), f"  {email} ", email.title(), alias.email.upper(), email]
    for n in range(settings.AXES_FAILURE_LIMIT):  # each failure from its own address, each spelled otherwise
        _sign_in(Client(), spellings[n % len(spellings)], "wrong", address=f"198.51.100.{10 + n}")
    for spelling in (email, email.upper(), f" {email.upper()} ", alias.email, alias.email.upper()):
        refused = _sign_in(Client(), spelling, PASSWORD, address="198.51.100.99")
        assert refused.status_code == 429, spelling
        assert "_auth_user_id" not in refused.client.session


def test_a_sign_in_with_another_case_reaches_the_same_account(employee):
    response = _sign_in(Client(), f" {employee.user.email.upper()}", PASSWORD)
    assert response.status_code == 302
    assert int(response.client.session["_auth_user_id"]) == employee.user.pk


def test_an_address_is_locked_after_five_failures_across_accounts(employee, manager, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, f"nobody{n}@acme.test", "wrong", address="192.0.2.50")
    refused = _sign_in(Client(), manager.user.email, PASSWORD, address="192.0.2.50")
    assert refused.status_code == 429
    # Another address signs in as usual.
    assert _sign_in(Client(), manager.user.email, PASSWORD, address="192.0.2.51").status_code == 302


def test_a_successful_sign_in_resets_the_count(employee, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, employee.user.email, "wrong")
    assert _sign_in(Client(), employee.user.email, PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(Client(), employee.user.email, "wrong").status_code == 200
    assert _sign_in(Client(), employee.user.email, PASSWORD).status_code == 302


def test_password_reset_requests_are_rate_limited_per_email(employee, settings):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "2/hour"
    for _ in range(2):
        response = Client().post("/accounts/password/reset/", {"email": employee.user.email})
        assert response.status_code == 302
    refused = Client().post("/accounts/password/reset/", {"email": employee.user.email.upper()},
                            REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    assert "Too many password reset requests. Try again in 60 minutes." in refused.content.decode()
    assert len(sent_mail()) == 2


def test_password_reset_requests_are_rate_limited_per_address(employee, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "3/hour"
    for n in range(3):
        assert Client().post("/accounts/password/reset/", {"email": f"x{n}@acme.test"}).status_code == 302
    refused = Client().post("/accounts/password/reset/", {"email": employee.user.email})
    assert refused.status_code == 429 and sent_mail() == []


def test_an_api_token_is_throttled_with_retry_after(employee, manager, api_for, settings):
    settings.API_TOKEN_THROTTLE_RATE = "3/min"
    api = api_for(employee)
    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = api.get("/api/v1/me/")
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/json" and "throttled" in throttled.json()["detail"]
    assert 0 < int(throttled["Retry-After"]) <= 60
    # Per token: another token of the same person, and another person, still get through.
    from tests.helpers import ApiClient

    assert ApiClient(make_api_token(employee, name="second")).get("/api/v1/me/").status_code == 200
    assert api_for(manager).get("/api/v1/me/").status_code == 200


def test_the_schema_documents_429_with_retry_after(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            response = operation["responses"]["429"]
            assert "Retry-After" in response["headers"], (method, path)
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_behind_a_proxy_the_lockout_counts_the_forwarded_client_not_the_proxy(employee, manager, settings):
    """Every request reaches the app from the proxy's address; the client is the address the proxy
    appended to X-Forwarded-For. A client cannot dodge the count by writing the header itself."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def through_proxy(email: str, password: str, client_says: str, seen_by_proxy: str):
        return Client().post("/accounts/login/", {"username": email, "password": password},
                             REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{client_says}, {seen_by_proxy}")

    for n in range(settings.AXES_FAILURE_LIMIT):
        # A fresh spoofed address each time: only the right-most one counts.
        through_proxy(f"nobody{n}@acme.test", "wrong", client_says=f"198.51.100.{n}", seen_by_proxy="192.0.2.77")
    assert through_proxy(manager.user.email, PASSWORD, "203.0.113.1", "192.0.2.77").status_code == 429
    # Another client behind the same proxy is not locked out with it.
    assert through_proxy(manager.user.email, PASSWORD, "192.0.2.77", "192.0.2.78").status_code == 302


def test_the_client_address_rule():
    from django.test import RequestFactory, override_settings

    from alliance.http import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3")
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "3.3.3.3"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "2.2.2.2"
    with override_settings(TRUSTED_PROXY_COUNT=9):
        assert client_ip(request) == "1.1.1.1"
    bare = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(bare) == "10.0.0.2"


def _on_clock(monkeypatch, throttle_class, clock: list[float]) -> None:
    monkeypatch.setattr(throttle_class, "timer", staticmethod(lambda: clock[0]))


def test_the_token_limit_is_a_sliding_window_and_refusals_do_not_count(employee, api_for, settings, monkeypatch):
    from alliance.throttling import TokenRateThrottle

    settings.API_TOKEN_THROTTLE_RATE = "3/min"
    clock = [1_000_000.0]
    _on_clock(monkeypatch, TokenRateThrottle, clock)
    api = api_for(employee)

    def at(seconds: float):
        clock[0] = 1_000_000.0 + seconds
        return api.get("/api/v1/me/")

    assert [at(t).status_code for t in (0, 10, 20)] == [200, 200, 200]
    refused = at(30)
    assert refused.status_code == 429 and refused["Retry-After"] == "30"  # until the request at 0 leaves
    assert at(60).status_code == 200  # the request at 0 has left; the refusal at 30 was not counted
    refused = at(61)
    assert refused.status_code == 429 and refused["Retry-After"] == "9"  # until the request at 10 leaves
    assert at(70.5).status_code == 200


def test_the_token_limit_decides_exactly_as_drfs_throttle(employee, settings, monkeypatch):
    """The one-script throttle against DRF's own SimpleRateThrottle (get and set of a pickled list in the
    same cache), fed the same requests at the same times: the same answers and the same waits."""
    import random
    from types import SimpleNamespace

    from rest_framework.throttling import SimpleRateThrottle

    from alliance.throttling import TokenRateThrottle

    class DrfTokenThrottle(SimpleRateThrottle):
        scope = "drf-reference"

        def get_rate(self):
            return settings.API_TOKEN_THROTTLE_RATE

        def get_cache_key(self, request, view):
            return self.cache_format % {"scope": self.scope, "ident": f"t{request.auth.pk}"}

    settings.API_TOKEN_THROTTLE_RATE = "5/min"
    clock = [2_000_000.0]
    for throttle_class in (TokenRateThrottle, DrfTokenThrottle):
        _on_clock(monkeypatch, throttle_class, clock)
    request = SimpleNamespace(auth=SimpleNamespace(pk=987654))
    rng = random.Random(13)
    answers = []
    for _ in range(300):
        clock[0] += rng.choice([0.0, 0.5, 1.0, 3.0, 7.5, 12.0, 30.0, 59.999, 60.0, 61.0])
        ours, theirs = TokenRateThrottle(), DrfTokenThrottle()
        allowed, expected = ours.allow_request(request, None), theirs.allow_request(request, None)
        assert allowed == expected, clock[0]
        if not allowed:
            assert ours.wait() == pytest.approx(theirs.wait()), clock[0]
        answers.append(allowed)
    assert True in answers and False in answers
