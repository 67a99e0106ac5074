"""Nothing destructive by accident: cancelling an exit asks first (a confirmation page without JavaScript,
the browser's question with it), and changes nothing until confirmed."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alumni.models import ExitProcess
from tests.alumni.conftest import start

pytestmark = pytest.mark.django_db


def test_cancelling_an_exit_asks_first(org, hr, long_employee, client_for):
    process = start(hr, long_employee, days=10)
    client = client_for(hr)
    page = client.get(f"/o/acme/exits/{process.pk}/").content.decode()
    assert 'data-confirm="Cancel this exit?' in page
    asked = client.post(f"/o/acme/exits/{process.pk}/cancel/")
    body = asked.content.decode()
    assert asked.status_code == 200 and "exit?" in body and "Cancel the exit" in body
    assert 'name="confirmed" value="1"' in body and "No, go back" in body
    with tenancy.tenant_context(org.pk):
        assert ExitProcess.objects.get(pk=process.pk).state == "in_progress"
    done = client.post(f"/o/acme/exits/{process.pk}/cancel/", {"confirmed": "1"})
    assert done.status_code == 302
    with tenancy.tenant_context(org.pk):
        assert ExitProcess.objects.get(pk=process.pk).state == "cancelled"


def test_an_outsider_never_reaches_the_question(org, hr, long_employee, client_for, outsider):
    process = start(hr, long_employee, days=10)
    assert client_for(outsider).post(f"/o/acme/exits/{process.pk}/cancel/").status_code == 404
