"""Bodies refused from their headers alone: too large, of unknown length, or files from nobody signed in.
Each test hands the request a body that counts what is read of it: a refused one is never read."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart

from tests.alliance.factories import make_api_token

pytestmark = pytest.mark.django_db

UPLOAD_PAGE = "/o/acme/fund/expenses/1/receipts/"
UPLOAD_API = "/api/v1/expenses/1/receipts/"


class CountingPayload(FakePayload):
    """Django's test body, remembering how many bytes anything read from it."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.taken = 0

    def read(self, size=-1, /):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1, /):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


def _multipart(size: int = 3 * 1024 * 1024) -> bytes:
    return encode_multipart(BOUNDARY, {"receipts": SimpleUploadedFile("r.pdf", b"%PDF-1.4\n" + b"x" * size)})


def _send(client: Client, path: str, body: bytes, **headers):
    payload = CountingPayload(body)
    response = client.generic("POST", path, **{"wsgi.input": payload, "CONTENT_TYPE": MULTIPART_CONTENT,
                                                "CONTENT_LENGTH": str(len(body)), **headers})
    return response, payload


def test_files_from_nobody_signed_in_are_not_read(org):
    response, payload = _send(Client(), UPLOAD_PAGE, _multipart())
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")
    assert payload.taken == 0


def test_files_to_the_api_without_a_valid_token_are_not_read(org):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, {"HTTP_AUTHORIZATION": "Basic abc"}):
        response, payload = _send(Client(), UPLOAD_API, _multipart(), **headers)
        assert response.status_code == 401 and response["Content-Type"] == "application/json", headers
        assert "token" in response.json()["detail"] and payload.taken == 0


def test_a_body_over_the_limit_is_a_413_unread_even_when_signed_in(employee, client_for, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    response, payload = _send(client_for(employee), UPLOAD_PAGE, _multipart(2 * 1024 * 1024))
    assert response.status_code == 413 and "1 MB" in response.content.decode() and payload.taken == 0
    token = make_api_token(employee)
    response, payload = _send(Client(), UPLOAD_API, _multipart(2 * 1024 * 1024),
                              HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 413 and "1 MB" in response.json()["detail"] and payload.taken == 0


def test_files_without_a_length_are_refused_unread(employee, client_for):
    payload = CountingPayload(_multipart(10))
    response = client_for(employee).generic("POST", UPLOAD_PAGE, **{
        "wsgi.input": payload, "CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": ""})
    assert response.status_code == 411 and payload.taken == 0


def test_a_signed_in_upload_within_the_limit_reaches_its_view(employee, client_for):
    response, _ = _send(client_for(employee), UPLOAD_PAGE, _multipart(10))
    assert response.status_code == 404  # not refused at the door: the view answered (no such expense)


def test_a_small_form_sent_as_multipart_by_nobody_signed_in_is_read(employee):
    # Browsers and clients may send any form as multipart: signing in must still work.
    response = Client().post("/accounts/login/", {"username": employee.user.email, "password": "wrong"})
    assert response.status_code == 200 and "username" in response.content.decode()
