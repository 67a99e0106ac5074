"""Shared by the alumni pages: the level gate every alumni page passes first, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest

from alliance.errors import ApplicationError
from alliance.http import OrgRequest
from alliance.models import Membership
from alumni import rights, selectors
from alumni.models import AlumniSettings


def _refused(request: HttpRequest, error: ApplicationError) -> None:
    messages.error(request, error.message)


def network_gate(check: Callable[[Membership, AlumniSettings], bool]):
    """The investment level's gate: the page exists for this person only when ``check`` (a function of
    ``alumni.rights``) says so; otherwise it is a 404, like any page that does not exist. It reads the
    level on every request, so a change of level changes what everyone sees at once."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: OrgRequest, *args, **kwargs):
            settings = selectors.network_settings(request.org)
            if not check(request.member, settings):
                raise Http404("No such page.")
            request.network = settings
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _alumnus_portal(member: Membership, settings: AlumniSettings) -> bool:
    return rights.is_alumnus(member) and rights.portal_open(member, settings)


PER_PAGE = 20
