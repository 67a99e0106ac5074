"""The alumni area's own links to news, events and benefits, as the level and the viewer allow."""

from __future__ import annotations

from django import template

from alumni.rights import nav_benefits, nav_events, nav_news

register = template.Library()

LINKS = (("News", "alumni:alumni_news", nav_news), ("Events", "alumni:alumni_events", nav_events),
         ("Benefits", "alumni:alumni_benefits", nav_benefits))


@register.simple_tag
def engage_links(member) -> list[tuple[str, str]]:
    return [(label, url_name) for label, url_name, visible in LINKS if visible(member)]


HOME_ITEMS = 3


@register.simple_tag
def engage_home(member) -> dict:
    """The latest news and the next events for the alumni home, as the level allows (two queries at most)."""
    from django.utils import timezone

    from alumni.selectors import event_list, news_list

    found: dict = {"news": [], "events": []}
    if nav_news(member):
        found["news"] = list(news_list(member=member).only("id", "title", "pinned", "published_at")[:HOME_ITEMS])
    if nav_events(member):
        found["events"] = list(event_list(member=member, upcoming_from=timezone.now())
                               .filter(cancelled_at__isnull=True)[:HOME_ITEMS])
    return found
