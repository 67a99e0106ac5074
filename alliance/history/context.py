"""Who and where, for every audited change: the metadata of ``pghistory.context``.

The context travels as transaction-local settings (``set_config(..., true)``) that pghistory puts before
each write, and the triggers copy it into the event row (``pgh_context``). Nothing of it survives the
transaction, so it is as safe as the tenant setting under PgBouncer's transaction pooling.

Keys: ``source`` (``web``, ``api``, ``task``, ``import`` or ``baseline``/``tour history`` for what the
migration copied), ``user`` and ``member`` (ids), ``url``, ``api_token`` (its visible prefix), ``task``,
``import`` (the import's id). A change made outside any context (a shell, a raw command) has no context:
the log says "system".
"""

from __future__ import annotations

from typing import Any

import pghistory
import pghistory.runtime
from celery import signals
from django.http import HttpRequest, HttpResponse

SOURCES = {
    "web": "Web",
    "api": "API",
    "task": "Background task",
    "import": "Import",
    "scim": "Identity provider (SCIM)",
    "admin": "Operators' admin",
    "baseline": "History started",
    "tour history": "Tour history",
}


def add(**metadata: Any) -> None:
    """Add to the context of the request or task under way (nothing outside one)."""
    pghistory.context(**{key: value for key, value in metadata.items() if value is not None})


class AuditContextMiddleware:
    """Opens the request's audit context: the source and the address, then the signed-in person and, once
    the organization is resolved (TenantMiddleware, before this one), their membership."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        with pghistory.context(source=source, url=path[:200], method=request.method):
            return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add(user=user.pk)
        member = getattr(request, "member", None)
        if member is not None:
            add(member=member.pk)
        return None


def note_scim_caller(scim_token) -> None:
    """The SCIM token of the identity provider: its creator's membership acts through it."""
    add(source="scim", scim_token=scim_token.prefix, member=scim_token.membership_id,
        user=scim_token.membership.user_id)


def note_api_caller(api_token) -> None:
    """The API token that authenticated the request: its creator's membership acts through it."""
    add(source="api", api_token=api_token.prefix, member=api_token.membership_id, user=api_token.membership.user_id)


# Tasks: one context per run, opened before and closed after it (Celery's signals, on the worker).
_TASK_CONTEXTS: dict[str, pghistory.context] = {}


@signals.task_prerun.connect
def _open_task_context(task_id=None, task=None, **kwargs) -> None:
    if hasattr(pghistory.runtime._tracker, "value"):
        return  # run eagerly inside a request or another task: its context already says who
    context = pghistory.context(source="task", task=getattr(task, "name", ""))
    context.__enter__()
    _TASK_CONTEXTS[task_id] = context


@signals.task_postrun.connect
def _close_task_context(task_id=None, **kwargs) -> None:
    context = _TASK_CONTEXTS.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
