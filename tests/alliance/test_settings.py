"""The production settings module, checked the way a deployment would check it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("DATABASE_OWNER_URL", "DEBUG", "EMAIL_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="alliance.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL="postgresql://alliance_app:secret@db.internal:5432/alliance",
        REDIS_URL="redis://redis.internal:6379/0",
        ALLOWED_HOSTS="alliance.example.com",
        CSRF_TRUSTED_ORIGINS="https://alliance.example.com",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_send_the_content_security_policy():
    script = (
        "from django.test import Client\n"
        "response = Client(HTTP_X_FORWARDED_PROTO='https').get('/healthz', HTTP_HOST='alliance.example.com')\n"
        "print(response['Content-Security-Policy'])\n"
    )
    result = manage("shell", "-c", script, env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    policy = result.stdout.strip()
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "upgrade-insecure-requests" in policy and "frame-ancestors 'none'" in policy


def test_the_embedded_postgres_gets_its_shared_buffers_once(tmp_path, monkeypatch):
    """The embedded server's configuration ends with one marked shared_buffers line, rewritten (not
    repeated) when the size changes; the lines before it are kept."""
    from alliance import devenv

    conf = tmp_path / "postgresql.conf"
    conf.write_text("shared_buffers = 128MB\t\t\t# min 128kB\nmax_connections = 100\n")
    devenv._size_shared_buffers(tmp_path)
    devenv._size_shared_buffers(tmp_path)
    size = devenv.shared_buffers_mb()
    assert 128 <= size <= 1024
    lines = conf.read_text().splitlines()
    assert lines[:2] == ["shared_buffers = 128MB\t\t\t# min 128kB", "max_connections = 100"]
    assert lines[2:] == [f"shared_buffers = {size}MB  {devenv.SHARED_BUFFERS_MARK}"]
    monkeypatch.setattr(devenv, "shared_buffers_mb", lambda: 512)
    devenv._size_shared_buffers(tmp_path)
    assert conf.read_text().splitlines()[2:] == [f"shared_buffers = 512MB  {devenv.SHARED_BUFFERS_MARK}"]
    devenv._size_shared_buffers(tmp_path / "missing")  # no data directory yet: nothing to do
