"""News pages: alumni and employees read them, HR keeps them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
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
    page = Paginator(selectors.news_list(member=request.member).select_related("author__user"), PER_PAGE).get_page(
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
    if request.method == "POST" and form.is_valid():
        try:
            post = services.news_post_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"“{post.title}” is published.")
            return redirect("alumni:news_manage", org_slug=org_slug)
    return _news_manage_page(request, form, status=400 if form.errors else 200)


@network_gate(_news_level)
@hr_required
@require_http_methods(["GET", "POST"])
def news_edit(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    form = NewsPostForm(request.POST or None, initial={"title": post.title, "body": post.body, "pinned": post.pinned})
    if request.method == "POST" and form.is_valid():
        try:
            services.news_post_update(post=post, by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The post is saved.")
            return redirect("alumni:alumni_news_post", org_slug=org_slug, post_id=post.pk)
    return render(request, "alumni/edit.html", {"form": form, "what": "news post", "title": post.title,
                                                "delete_url": "alumni:news_delete", "obj": post},
                  status=400 if form.errors else 200)


@network_gate(_news_level)
@hr_required
@require_POST
def news_delete(request: OrgRequest, org_slug: str, post_id: int) -> HttpResponse:
    post = rights.access_news_post(request.member, request.network, post_id)
    services.news_post_delete(post=post, by=request.member)
    messages.success(request, f"“{post.title}” is deleted.")
    return redirect("alumni:news_manage", org_slug=org_slug)
