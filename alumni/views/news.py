"""News pages: alumni and employees read them, HR keeps them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import hr_required
from alliance.formviews import action_submit, form_submit
from alliance.http import OrgRequest
from alliance.rowpeople import with_people
from alumni import rights, selectors, services
from alumni.forms import NewsletterForm, NewsPostForm
from alumni.rights import is_alumnus
from alumni.views._common import PER_PAGE, network_gate


def _can_read_or_manage_news(member, settings) -> bool:
    return rights.can_read_news(member, settings) or rights.can_manage_news(member, settings)


# HR's pages exist from the feature's level on; below it they are a 404 like the feature itself,
# and someone who is not HR gets the usual 403 of HR pages.
def _news_level(member, settings) -> bool:
    return settings.reaches(rights.NEWS_LEVEL)


@network_gate(_can_read_or_manage_news)
@require_GET
def alumni_news(request: OrgRequest, org_slug: str) -> HttpResponse:
    page = Paginator(with_people(selectors.news_list(member=request.member), "author"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "alumni/news.html", {
        "page": page, "posts": page.object_list, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_news(request.member, request.network),
    })


@network_gate(_can_read_or_manage_news)
@require_GET
def alumni_news_post(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    return render(request, "alumni/news_post.html", {
        "post": post, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_news(request.member, request.network)})


def _news_manage_page(request: OrgRequest, form: NewsPostForm, *, status: int = 200,
                      newsletter: NewsletterForm | None = None) -> HttpResponse:
    page = Paginator(selectors.news_list(member=request.member), PER_PAGE).get_page(request.GET.get("page"))
    newsletter = newsletter or NewsletterForm(initial={"frequency": selectors.newsletter_frequency(request.org)})
    return render(request, "alumni/news_manage.html", {"form": form, "newsletter": newsletter, "page": page,
                                                       "posts": page.object_list}, status=status)


@network_gate(_news_level)
@hr_required
@require_http_methods(["GET", "POST"])
def news_manage(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = NewsPostForm(request.POST or None)
    return form_submit(
        request, form, save=lambda data: services.news_post_create(by=request.member, **data),
        success=lambda post: f"“{post.title}” is published.",
        then=lambda post: redirect("alumni:news_manage", org_slug=org_slug),
        page=lambda status: _news_manage_page(request, form, status=status))


@network_gate(_news_level)
@hr_required
@require_http_methods(["GET", "POST"])
def news_edit(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    form = versions.track(NewsPostForm(request.POST or None, initial=_post_values(post)), post, read=_post_values)
    return form_submit(
        request, form, save=lambda data: services.news_post_update(post=post, by=request.member, data=data),
        success="The post is saved.",
        then=lambda _: redirect("alumni:alumni_news_post", org_slug=org_slug, post_id=post.pk),
        page=lambda status: render(request, "alumni/edit.html", {
            "form": form, "what": "news post", "title": post.title, "delete_url": "alumni:news_delete", "obj": post,
        }, status=status))


@network_gate(_news_level)
@hr_required
@require_POST
def news_delete(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    if not is_confirmed(request):
        return confirm_page(request, question=f"Delete the post “{post.title}”?", action_label="Delete it",
                            back_url=reverse("alumni:news_manage", args=[org_slug]), detail="This cannot be undone.")
    return action_submit(request, act=lambda: services.news_post_delete(post=post, by=request.member),
                         success=f"“{post.title}” is deleted.",
                         then=lambda _: redirect("alumni:news_manage", org_slug=org_slug))


def _post_values(post) -> dict:
    return {"title": post.title, "body": post.body, "pinned": post.pinned}
