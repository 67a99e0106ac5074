"""News (``support``): who reads it and who keeps it."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniSettings, InvestmentLevel, NewsPost
from alumni.rights.network import can_run_network, portal_open, require_level

NEWS_LEVEL = InvestmentLevel.SUPPORT


def can_read_news(member: Membership, settings: AlumniSettings) -> bool:
    return portal_open(member, settings, NEWS_LEVEL)


def can_manage_news(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(NEWS_LEVEL)


def require_news_editor(by: Membership, settings: AlumniSettings) -> None:
    require_level(by, settings, lambda m, s: can_read_news(m, s) or can_manage_news(m, s))
    if not can_manage_news(by, settings):
        raise NotAllowed("Only HR or an administrator can publish news.")


def access_news_post(member: Membership, settings: AlumniSettings, post_id: int) -> NewsPost:
    if not (can_read_news(member, settings) or can_manage_news(member, settings)):
        raise Http404("No such news post.")
    post = NewsPost.objects.for_org(member.organization_id).select_related("author__user").filter(pk=post_id).first()
    if post is None:
        raise Http404("No such news post.")
    return post
