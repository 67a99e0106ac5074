"""The alumni area's own links to news, events and benefits, as the level and the viewer allow."""

from __future__ import annotations

from django import template

from alumni.engage_rights import nav_benefits, nav_events, nav_news

register = template.Library()

LINKS = (("News", "alumni:alumni_news", nav_news), ("Events", "alumni:alumni_events", nav_events),
         ("Benefits", "alumni:alumni_benefits", nav_benefits))


@register.simple_tag
def engage_links(member) -> list[tuple[str, str]]:
    return [(label, url_name) for label, url_name, visible in LINKS if visible(member)]
