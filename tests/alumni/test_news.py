"""News posts: HR publishes (Markdown rendered safely), alumni and employees read them, pinned first."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alumni import services
from alumni.models import NewsPost
from tests.alumni.engage import as_member, post
from tests.alumni.network import make_alumnus, set_level


@pytest.fixture
def alumnus(org):
    return make_alumnus(org, "alum@home.test", "Ada Alumna")


def test_hr_publishes_edits_and_deletes_a_post_from_the_pages(org, admin, hr, employee, alumnus, client_for):
    set_level(admin, "support")
    page = client_for(hr)
    created = page.post("/o/acme/alumni-network/news/", {"title": "Fleet news", "body": "The **fleet** grows",
                                                          "pinned": "on"})
    assert created.status_code == 302
    with tenancy.tenant_context(org.pk):
        news = NewsPost.objects.get()
    assert news.pinned and "<strong>fleet</strong>" in news.body_html and news.author_id == hr.pk
    assert page.post(f"/o/acme/alumni-network/news/{news.pk}/", {"title": "Fleet news!", "body": "Now *more*"}
                     ).status_code == 302
    news.refresh_from_db()
    assert (news.title, news.pinned, news.body_html) == ("Fleet news!", False, "<p>Now <em>more</em></p>")
    for reader in (employee, alumnus):
        body = client_for(reader).get(f"/o/acme/alumni/news/{news.pk}/").content.decode()
        assert "Fleet news!" in body and "<em>more</em>" in body
    asked = page.post(f"/o/acme/alumni-network/news/{news.pk}/delete/")
    assert asked.status_code == 200 and "Delete it" in asked.content.decode()  # it asks first
    assert page.post(f"/o/acme/alumni-network/news/{news.pk}/delete/", {"confirmed": "1"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert not NewsPost.objects.exists()


def test_the_body_is_rendered_safely(org, hr, alumnus, client_for):
    news = post(org, hr, body='Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">')
    html = client_for(alumnus).get(f"/o/acme/alumni/news/{news.pk}/").content.decode()
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html


def test_bad_input_is_a_clear_400_and_nothing_is_saved(org, hr, client_for):
    response = client_for(hr).post("/o/acme/alumni-network/news/", {"title": "", "body": "x" * 20_001})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    with tenancy.tenant_context(org.pk), pytest.raises(Exception) as refused:
        services.news_post_create(by=as_member(org, hr), title="T", body="x" * 20_001)
    assert "at most 20000" in str(refused.value) or "20000" in str(refused.value.field_errors)
    with tenancy.tenant_context(org.pk):
        assert not NewsPost.objects.exists()


def test_only_hr_publishes(org, employee, alumnus, client_for):
    assert client_for(employee).post("/o/acme/alumni-network/news/", {"title": "x", "body": "y"}).status_code == 403
    assert client_for(alumnus).post("/o/acme/alumni-network/news/", {"title": "x", "body": "y"}).status_code == 404
    with tenancy.tenant_context(org.pk), pytest.raises(Exception, match="Only HR"):
        services.news_post_create(by=as_member(org, employee), title="x", body="y")
    with tenancy.tenant_context(org.pk):
        assert not NewsPost.objects.exists()


def test_pinned_posts_come_first(org, hr, alumnus, client_for, api_for):
    post(org, hr, "Older pinned", pinned=True)
    post(org, hr, "Newest")
    post(org, hr, "Middle pinned", pinned=True)
    body = client_for(alumnus).get("/o/acme/alumni/news/").content.decode()
    assert body.index("Middle pinned") < body.index("Older pinned") < body.index("Newest")


def test_news_lists_run_a_constant_number_of_queries(org, hr, employee, client_for, api_for,
                                                    django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api, page = api_for(employee), client_for(employee)
    for i in range(2):
        post(org, hr, f"Post {i}")
    api.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as few_api:
        assert len(api.get("/api/v1/alumni-news/").json()["results"]) == 2
    with CaptureQueriesContext(connection) as few_page:
        assert page.get("/o/acme/alumni/news/").status_code == 200
    for i in range(2, 12):
        post(org, hr, f"Post {i}")
    with django_assert_num_queries(len(few_api.captured_queries)):
        assert len(api.get("/api/v1/alumni-news/").json()["results"]) == 12
    with django_assert_num_queries(len(few_page.captured_queries)):
        assert page.get("/o/acme/alumni/news/").status_code == 200
