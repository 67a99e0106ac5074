"""What `make test` needs beside the database and Redis: Chromium for the browser tests, and a real
PgBouncer in transaction pooling mode for the pooling leg of CI (``PGBOUNCER=1 make test``).
Used by alliance.devenv."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PY = sys.executable


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH", "")]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing Debian's chromium for the browser tests (apt-get)...")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = find_chromium()
        if found:
            return found
    # Playwright's own build, where its download site is reachable.
    result = subprocess.run([PY, "-m", "playwright", "install", "chromium"], check=False)
    if result.returncode == 0:
        return ""  # Playwright finds its own browser
    raise SystemExit(
        "The browser tests need Chromium. Install it, e.g. `sudo apt-get install chromium` "
        "(Debian/Ubuntu) or `.venv/bin/python -m playwright install chromium`, or set "
        "CHROMIUM_PATH to a Chromium/Chrome binary, then run `make test` again."
    )


PGBOUNCER_PORT = 6439


def start_pgbouncer(env: dict[str, str]) -> dict[str, str]:
    """A real PgBouncer in transaction pooling mode between the application role and PostgreSQL.

    Only the application role's connections go through it (the owner creates and migrates
    the databases directly, as in production). Returns the environment with DATABASE_URL
    pointing at PgBouncer and server-side cursors disabled (a named cursor cannot outlive
    its transaction's server connection). Runs as the user that owns the database's
    socket when started as root, since PgBouncer refuses to run as root.
    """
    from urllib.parse import quote, unquote, urlsplit

    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else "")
    if not binary:
        raise SystemExit("PgBouncer is not installed (Debian: apt-get install pgbouncer).")
    app = urlsplit(env["DATABASE_URL"])
    # A Unix-socket directory arrives URL-encoded in the host part (see alliance.dbroles).
    host_part = app.netloc.rsplit("@", 1)[-1]
    host = unquote(host_part.split(":")[0]) if host_part.upper().startswith("%2F") else app.hostname or ""
    port = app.port or 5432
    owner = urlsplit(env["DATABASE_OWNER_URL"])
    directory = DATA_DIR / "pgbouncer"
    directory.mkdir(parents=True, exist_ok=True)
    users = {unquote(app.username or ""): unquote(app.password or ""),
             unquote(owner.username or ""): unquote(owner.password or "")}
    (directory / "users.txt").write_text("".join(f'"{user}" "{password}"\n' for user, password in users.items()))
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={host} port={port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {PGBOUNCER_PORT}\nunix_socket_dir =\n"
        "pool_mode = transaction\n"
        "auth_type = scram-sha-256\n"
        f"auth_file = {directory / 'users.txt'}\n"
        f"admin_users = {unquote(app.username or '')}\n"
        "default_pool_size = 8\nmax_client_conn = 400\n"
        "server_reset_query =\nignore_startup_parameters = extra_float_digits\n"
        f"logfile = {directory / 'pgbouncer.log'}\npidfile = {directory / 'pgbouncer.pid'}\n"
    )
    command = [binary, "-q", str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        socket_owner = Path(host).stat().st_uid if host.startswith("/") else None
        import pwd

        user = pwd.getpwuid(socket_owner).pw_name if socket_owner else "postgres"
        shutil.chown(directory, user)
        for name in ("users.txt", "pgbouncer.ini"):
            shutil.chown(directory / name, user)
        command[1:1] = ["-u", user]
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
        os.kill(int((directory / "pgbouncer.pid").read_text()), signal.SIGTERM)
        time.sleep(0.5)
    process = subprocess.Popen(command)
    atexit.register(process.terminate)
    import socket

    for _ in range(50):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", PGBOUNCER_PORT), timeout=0.2):
            break
        time.sleep(0.1)
    else:
        raise SystemExit("PgBouncer did not start; see .data/pgbouncer/pgbouncer.log")
    user, password = quote(unquote(app.username or ""), safe=""), quote(unquote(app.password or ""), safe="")
    pooled = dict(env)
    pooled["DATABASE_URL"] = f"postgresql://{user}:{password}@127.0.0.1:{PGBOUNCER_PORT}{app.path}"
    pooled["DISABLE_SERVER_SIDE_CURSORS"] = "true"
    pooled["PGBOUNCER_URL"] = pooled["DATABASE_URL"]
    return pooled
