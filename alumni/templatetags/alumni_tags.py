"""Template helpers of the alumni network."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def network_reaches(context, level: str) -> bool:
    """Whether the organization's investment level reaches ``level`` (read once per request)."""
    request = context.get("request")
    org = getattr(request, "org", None)
    if org is None:
        return False
    settings = getattr(request, "network", None)
    if settings is None:
        from alumni.selectors import network_settings

        settings = request.network = network_settings(org)
    return settings.reaches(level)
