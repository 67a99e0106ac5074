from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership

logger = logging.getLogger(__name__)


@shared_task
def heartbeat() -> str:
    """Beat's sign of life: proves the schedule, the broker and a worker all run."""
    now = timezone.now().isoformat()
    logger.info("heartbeat %s", now)
    return now


@shared_task
def count_active_members(organization_id: int) -> int:
    """How many active members an organization has, counted inside its tenant context.

    Small on purpose: it is the model of every tenant task (ids in, re-fetch under
    the tenant, no model instances through the broker).
    """
    with tenancy.tenant_context(organization_id):
        return Membership.objects.filter(status=Membership.Status.ACTIVE).count()
