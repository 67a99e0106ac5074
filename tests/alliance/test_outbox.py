"""`make run`'s outbox: the e-mails the app sent, at /dev/outbox/, only where local settings open it."""

from __future__ import annotations

import importlib
import os

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.test import Client
from django.urls import NoReverseMatch, clear_url_caches, reverse

import alliance.urls


def _reload_urls() -> None:
    importlib.reload(alliance.urls)
    clear_url_caches()


@pytest.fixture
def outbox(settings, tmp_path):
    """The local settings' outbox, in a temporary folder."""
    settings.DEV_OUTBOX = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    _reload_urls()
    yield tmp_path
    settings.DEV_OUTBOX = False
    _reload_urls()


# Django's file backend names its file by the second and the backend object's id: two sends in one second
# from backends at the same address would share a file, so each send keeps its backend alive.
_BACKENDS: list = []


def _send(subject: str, body: str, *, when: float, folder) -> str:
    before = set(os.listdir(folder))
    _BACKENDS.append(get_connection())
    message = EmailMultiAlternatives(subject=subject, body=body, to=["ellis@acme.test"], connection=_BACKENDS[-1])
    message.attach_alternative(f"<p>{body}</p>", "text/html")
    message.attach("checkpoint.ics", "BEGIN:VCALENDAR\r\nURL:http://127.0.0.1:8123/o/acme/\r\nEND:VCALENDAR\r\n",
                   "text/calendar")
    message.send()
    (name,) = set(os.listdir(folder)) - before
    os.utime(folder / name, (when, when))
    return name


@pytest.mark.django_db
def test_the_outbox_lists_sent_mail_newest_first_and_shows_each_as_escaped_text(outbox):
    older = _send("Welcome <b>Ellis</b>", "Hello <script>alert(1)</script>", when=1_000_000, folder=outbox)
    newer = _send("Your checkpoint", "See you on Monday.", when=2_000_000, folder=outbox)
    client = Client()
    listing = client.get("/dev/outbox/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert text.index("Your checkpoint") < text.index("Welcome &lt;b&gt;Ellis&lt;/b&gt;")
    assert f'href="/dev/outbox/{newer}/"' in text and f'href="/dev/outbox/{older}/"' in text

    detail = client.get(f"/dev/outbox/{older}/").content.decode()
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;" in detail and "<script>alert(1)" not in detail
    assert "ellis@acme.test" in detail
    assert "URL:http://127.0.0.1:8123/o/acme/" in detail  # the calendar file, as text
    assert "<p>Hello" not in detail  # the HTML alternative is not shown


@pytest.mark.django_db
def test_the_outbox_is_empty_before_any_mail(outbox):
    response = Client().get("/dev/outbox/")
    assert response.status_code == 200 and b"No e-mail sent yet." in response.content


@pytest.mark.django_db
def test_the_outbox_answers_this_machine_only(outbox):
    name = _send("Private", "Only for the developer.", when=1_000_000, folder=outbox)
    stranger = Client(REMOTE_ADDR="10.1.2.3")
    assert stranger.get("/dev/outbox/").status_code == 404
    assert stranger.get(f"/dev/outbox/{name}/").status_code == 404
    assert Client(REMOTE_ADDR="::1").get("/dev/outbox/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["nothing.log", "..%2Fsecrets.json", "dev.env", "%2E%2E"])
def test_the_outbox_shows_its_own_files_only(outbox, name):
    (outbox.parent / "secrets.json").write_text("{}")
    assert Client().get(f"/dev/outbox/{name}/").status_code == 404


@pytest.mark.django_db
def test_without_local_settings_there_is_no_outbox(client):
    assert client.get("/dev/outbox/").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("dev_outbox")
