"""HR's alumni dashboard (``invest``)."""

from __future__ import annotations

from alliance.models import Membership
from alumni.models import AlumniSettings
from alumni.rights.network import INVEST, can_run_network


def can_see_dashboard(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(INVEST)
