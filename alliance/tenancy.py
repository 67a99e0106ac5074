"""The two tenancy locks' shared machinery.

Application lock: request.org / request.member and the scoped lookups in each
app's selectors. Database lock: PostgreSQL row-level security keyed on
transaction-local settings, set only through the helpers below:

* ``set_tenant`` / ``tenant_context`` — the organization the current transaction
  works for. ``set_config(..., true)`` makes the value transaction-local, so it can
  never leak to the next request or task on a pooled connection.
* ``cross_tenant`` — the one explicit, audited way to read or write across
  organizations (beat sweeps, system commands, the operators' admin site).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

ORGANIZATION_SETTING = "alliance.organization_id"
USER_SETTING = "alliance.user_id"
CROSS_TENANT_SETTING = "alliance.cross_tenant"

audit_log = logging.getLogger("alliance.tenancy.audit")


class TenancyError(RuntimeError):
    pass


def _set(name: str, value: str) -> None:
    if not connection.in_atomic_block:
        # Outside a transaction a transaction-local setting would vanish at once and
        # every following query would silently see nothing.
        raise TenancyError(f"{name} can only be set inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _get(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [name])
        return cursor.fetchone()[0] or ""


def set_tenant(organization_id: int) -> None:
    _set(ORGANIZATION_SETTING, str(int(organization_id)))


def execute_in_tenant(cursor, organization_id: int, sql: str, params) -> None:
    """``set_tenant(organization_id)``, then ``sql`` on ``cursor``, in one round trip: both
    statements go to the server in one message and the cursor holds the second one's rows.

    For the lookup every API request starts with (the token names its organization): the
    tenant is set before the lookup runs, under row-level security, without a trip of its own.
    """
    if not connection.in_atomic_block:
        raise TenancyError(f"{ORGANIZATION_SETTING} can only be set inside a transaction")
    cursor.execute(f"SELECT set_config(%s, %s, true); {sql}",
                   [ORGANIZATION_SETTING, str(int(organization_id)), *params])


def set_current_user(user_id: int | None) -> None:
    _set(USER_SETTING, "" if user_id is None else str(int(user_id)))


def current_tenant() -> int | None:
    value = _get(ORGANIZATION_SETTING)
    return int(value) if value else None


@contextmanager
def tenant_context(organization_id: int) -> Iterator[None]:
    """Run the block in a transaction that sees only ``organization_id``'s rows."""
    with transaction.atomic():
        previous = _get(ORGANIZATION_SETTING)
        set_tenant(organization_id)
        yield
        # Reached only without an exception; on one, leaving the atomic block rolls
        # back to its savepoint, which undoes the set_config as well.
        _set(ORGANIZATION_SETTING, previous)


@contextmanager
def cross_tenant(*, reason: str) -> Iterator[None]:
    """The single way to cross organizations. Every use is logged with its reason."""
    if not reason.strip():
        raise TenancyError("cross_tenant needs a reason")
    audit_log.info("cross-tenant access: %s", reason)
    with transaction.atomic():
        previous = _get(CROSS_TENANT_SETTING)
        _set(CROSS_TENANT_SETTING, "on")
        yield
        # Reached only without an exception; on one, leaving the atomic block rolls
        # back to its savepoint, which undoes the set_config as well.
        _set(CROSS_TENANT_SETTING, previous)
