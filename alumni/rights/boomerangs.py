"""Who may ask to come back, and who sees the requests."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniSettings, Boomerang, InvestmentLevel
from alumni.rights.network import can_run_network, is_alumnus


def can_ask_to_come_back(member: Membership, settings: AlumniSettings) -> bool:
    return is_alumnus(member) and settings.reaches(InvestmentLevel.SUPPORT)


def require_come_back(by: Membership, settings: AlumniSettings) -> None:
    if not can_ask_to_come_back(by, settings):
        raise NotAllowed("Only alumni can ask to come back.")


def access_boomerang(member: Membership, boomerang_id: int) -> Boomerang:
    boomerang = (Boomerang.objects.for_org(member.organization_id)
                 .select_related("member__user").filter(pk=boomerang_id).first())
    if boomerang is None or not can_run_network(member):
        raise Http404("No such rehire.")
    return boomerang
