"""Shared by the alumni network's API views: the level gate, as a 404 for what the level does not offer."""

from __future__ import annotations

from django.http import Http404

from alliance.models import Organization
from alumni import selectors
from alumni.selectors import network_settings


def _gate(request, check):
    settings = network_settings(Organization.objects.get(pk=request.member.organization_id))
    if not check(request.member, settings):
        raise Http404("No such page.")
    return settings


class GatedListMixin:
    """A list of a feature the level may not offer. Bad parameters (filters, cursor, page size) are a 400
    like on every list, whatever the level; then the level's gate (404); then the list itself."""

    level_check = staticmethod(lambda member, settings: False)

    def list(self, request, *args, **kwargs):
        self.filter_queryset(self.serializer_class.Meta.model.objects.none())
        if self.paginator is not None:
            self.paginator.decode_cursor(request)
            self.paginator.get_page_size(request)
        _gate(request, self.level_check)
        return super().list(request, *args, **kwargs)


def _network(request):
    return selectors.network_settings(request.org)
