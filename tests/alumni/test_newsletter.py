"""The newsletter digest: to alumni who consented to news, once per period through the ledger, nothing
when nothing is new, and an unsubscribe link that works without signing in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from alliance import tenancy
from alliance.models import Reminder
from alumni import services
from alumni.models import LeaverStep, NewsletterIssue, NewsPost
from tests.alumni.engage import as_member, consent_to_news, post
from tests.alumni.network import deliver_all, make_alumnus, set_level
from tests.helpers import sent_mail

MONDAY = datetime(2030, 3, 4, 9, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def readers(org, admin):
    set_level(admin, "support")
    yes, no = make_alumnus(org, "yes@home.test", "Yes Reader"), make_alumnus(org, "no@home.test", "No Reader")
    consent_to_news(org, yes)
    consent_to_news(org, no, news=False)
    return yes, no


def publish(org, hr, title, when):
    news = post(org, hr, title)
    with tenancy.tenant_context(org.pk):
        NewsPost.objects.filter(pk=news.pk).update(published_at=when)
    return news


def weekly(org, hr):
    with tenancy.tenant_context(org.pk):
        services.newsletter_schedule_save(by=as_member(org, hr), frequency="weekly")


def test_the_digest_goes_once_to_those_who_consented(org, hr, readers, employee):
    weekly(org, hr)
    publish(org, hr, "Fleet news", MONDAY - timedelta(days=3))
    publish(org, hr, "Hiring again", MONDAY - timedelta(days=2))
    assert services.newsletter_sweep(now=MONDAY) == 1
    assert services.newsletter_sweep(now=MONDAY + timedelta(hours=1)) == 0  # exactly once per period
    delivered = deliver_all(org)
    assert [(r.kind, r.status) for r in delivered] == [("alumni_newsletter", "sent")]
    assert [m.to for m in sent_mail()] == [["yes@home.test"]]
    body = sent_mail()[0].body
    assert "Fleet news" in body and "Hiring again" in body and "/alumni/unsubscribe/" in body
    # Next week: only what is new since this digest.
    publish(org, hr, "Summer party", MONDAY + timedelta(days=2))
    assert services.newsletter_sweep(now=MONDAY + timedelta(days=7)) == 1
    deliver_all(org)
    assert "Summer party" in sent_mail()[1].body and "Fleet news" not in sent_mail()[1].body


def test_nothing_new_nothing_sent(org, hr, readers):
    weekly(org, hr)
    assert services.newsletter_sweep(now=MONDAY) == 0
    publish(org, hr, "Old news", MONDAY - timedelta(days=30))  # before the first digest's period
    assert services.newsletter_sweep(now=MONDAY) == 0
    publish(org, hr, "Fresh", MONDAY - timedelta(days=1))
    assert services.newsletter_sweep(now=MONDAY) == 1
    deliver_all(org)
    assert services.newsletter_sweep(now=MONDAY + timedelta(days=7)) == 0
    with tenancy.tenant_context(org.pk):
        assert NewsletterIssue.objects.count() == 1
    assert len(sent_mail()) == 1


def test_monthly_by_default_and_nothing_at_ignore(org, admin, hr, readers):
    publish(org, hr, "March news", datetime(2030, 3, 10, tzinfo=ZoneInfo("UTC")))
    assert services.newsletter_sweep(now=datetime(2030, 3, 20, tzinfo=ZoneInfo("UTC"))) == 0  # same month
    set_level(admin, "ignore")
    assert services.newsletter_sweep(now=datetime(2030, 4, 1, 8, tzinfo=ZoneInfo("UTC"))) == 0
    set_level(admin, "support")
    assert services.newsletter_sweep(now=datetime(2030, 4, 1, 9, tzinfo=ZoneInfo("UTC"))) == 1
    with tenancy.tenant_context(org.pk):
        assert NewsletterIssue.objects.get().period == "2030-04"


def _unsubscribe_link(org, hr) -> str:
    weekly(org, hr)
    publish(org, hr, "Fleet news", MONDAY - timedelta(days=1))
    services.newsletter_sweep(now=MONDAY)
    deliver_all(org)
    return re.search(r"https?://[^/\s]+(/alumni/unsubscribe/\S+/)", sent_mail()[0].body).group(1)


def test_unsubscribe_works_without_signing_in(org, hr, readers):
    yes, _ = readers
    link = _unsubscribe_link(org, hr)
    anonymous = Client()
    confirm = anonymous.get(link)
    assert confirm.status_code == 200 and "Stop the Acme alumni newsletter?" in confirm.content.decode()
    with tenancy.tenant_context(org.pk):
        assert LeaverStep.objects.get(process__member=yes).consent_news  # a GET changes nothing
    done = anonymous.post(link)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not LeaverStep.objects.get(process__member=yes).consent_news
    publish(org, hr, "More news", MONDAY + timedelta(days=1))
    assert services.newsletter_sweep(now=MONDAY + timedelta(days=7)) == 0  # nobody left to send to


def test_a_pending_copy_is_skipped_once_the_consent_is_withdrawn(org, hr, readers):
    weekly(org, hr)
    publish(org, hr, "Fleet news", MONDAY - timedelta(days=1))
    services.newsletter_sweep(now=MONDAY)
    yes, _ = readers
    Client().post(re.sub(r"^", "", "/alumni/unsubscribe/" + services.unsubscribe_token(yes) + "/"))
    assert [r.status for r in deliver_all(org)] == ["skipped"] and not sent_mail()


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: "not-a-token", lambda t: t.replace(":", ";", 1)])
def test_a_tampered_link_is_a_clear_404_and_changes_nothing(org, hr, readers, tamper):
    yes, _ = readers
    token = services.unsubscribe_token(yes)
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/alumni/unsubscribe/{tamper(token)}/")
        assert response.status_code == 404 and "unsubscribe link is not valid" in response.content.decode()
    with tenancy.tenant_context(org.pk):
        assert LeaverStep.objects.get(process__member=yes).consent_news
        assert not Reminder.objects.exists()


def test_hr_sets_the_frequency_and_bad_values_are_refused(org, hr, employee, readers, client_for):
    assert client_for(hr).post("/o/acme/alumni-network/newsletter/", {"frequency": "daily"}).status_code == 400
    assert client_for(employee).post("/o/acme/alumni-network/newsletter/", {"frequency": "weekly"}
                                     ).status_code == 403
    assert client_for(hr).post("/o/acme/alumni-network/newsletter/", {"frequency": "weekly"}).status_code == 302
    page = client_for(hr).get("/o/acme/alumni-network/news/").content.decode()
    assert 'value="weekly" selected' in page
