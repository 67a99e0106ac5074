"""Shared by the alumni services: field errors, the organization's day and settings, exit locks,
who an exit acts as, and files stored by a write that may fail."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alliance import uploads
from alliance.errors import ApplicationError
from alliance.models import Membership, Organization
from alumni import rights
from alumni.models import AlumniSettings, ExitProcess
from alumni.selectors import network_settings


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def organization_today(organization: Organization, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()


def _lock(process: ExitProcess) -> ExitProcess:
    locked = ExitProcess.objects.for_org(process.organization_id).select_for_update().get(pk=process.pk)
    process.state, process.last_working_day = locked.state, locked.last_working_day
    return process


def _require_open(process: ExitProcess) -> None:
    if not process.is_open:
        raise ApplicationError(f"This exit is {process.get_state_display().lower()}; it cannot change any more.")


def _actor(process: ExitProcess) -> Membership:
    """Who the exit acts as in other apps: the HR person who started it, or an administrator."""
    if process.started_by_id:
        starter = Membership.objects.for_org(process.organization_id).select_related("user").get(
            pk=process.started_by_id)
        if rights.can_run_exits(starter):
            return starter
    admin = (Membership.objects.for_org(process.organization_id).select_related("user")
             .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
             .exclude(pk=process.member_id).order_by("pk").first())
    if admin is None:
        raise ApplicationError("The organization has no administrator to close the exit.")
    return admin


def _settings(organization_id: int) -> AlumniSettings:
    return network_settings(Organization.objects.get(pk=organization_id))


def _with_stored(write: Callable[[list[str]], Any]) -> Any:
    """Run ``write`` in a savepoint; the files it stored (their names appended to the list it gets)
    are removed if it fails, so a refused write leaves no file behind."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except BaseException:
        uploads.delete_stored(stored)
        raise


def _delete_after_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: uploads.delete_stored(names))
