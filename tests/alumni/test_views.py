from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from alumni import services
from alumni.models import ExitInterview, ExitProcess
from tests.alumni.conftest import start


def test_hr_starts_an_exit_in_the_browser_and_bad_input_shows_errors(org, hr, long_employee, checklist, client_for):
    client = client_for(hr)
    assert client.get("/o/acme/exits/new/").status_code == 200
    bad = client.post("/o/acme/exits/new/", {"member": long_employee.pk, "kind": "resignation",
                                             "last_working_day": "2019-05-01", "initiated_by": "employee"})
    assert bad.status_code == 400 and "cannot be before" in bad.content.decode()
    day = (timezone.localdate() + timedelta(days=9)).isoformat()
    ok = client.post("/o/acme/exits/new/", {"member": long_employee.pk, "kind": "resignation",
                                            "last_working_day": day, "initiated_by": "employee"})
    assert ok.status_code == 302
    board = client.get("/o/acme/exits/").content.decode()
    assert long_employee.user.full_name in board and "0 / 3" in board


def test_the_manager_never_sees_interview_answers(org, hr, manager, long_employee, checklist, client_for):
    process = start(hr, long_employee)
    with tenancy.tenant_context(org.pk):
        interview = ExitInterview.objects.select_related("process").get(process=process)
        question = interview.question_set.questions.get(kind="text")
        services.exit_interview_answer(interview=interview, by=long_employee,
                                       answers={str(question.pk): "The commute, honestly"})
    assert client_for(manager).get(f"/o/acme/exits/{process.pk}/").status_code == 403
    assert "The commute" not in client_for(manager).get("/o/acme/exit-tasks/").content.decode()
    assert "The commute" in client_for(hr).get(f"/o/acme/exits/{process.pk}/").content.decode()
    assert "The commute" in client_for(long_employee).get("/o/acme/my-exit/").content.decode()
    assert client_for(manager).get("/o/acme/my-exit/").status_code == 404


def test_bad_interview_answers_are_refused(org, hr, long_employee, checklist, client_for):
    start(hr, long_employee)
    with tenancy.tenant_context(org.pk):
        scale = ExitInterview.objects.get().question_set.questions.get(kind="scale")
    response = client_for(long_employee).post("/o/acme/my-exit/answers/", {f"q{scale.pk}": "9"})
    assert response.status_code == 400
    with tenancy.tenant_context(org.pk):
        assert ExitInterview.objects.get().answers == {}


def test_an_alumnus_reaches_only_the_alumni_area(org, hr, long_employee, client_for):
    process = start(hr, long_employee, days=0)
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=long_employee.pk).status == Membership.Status.ALUMNUS
        assert ExitProcess.objects.get(pk=process.pk).state == "completed"
    client = client_for(long_employee)
    home = client.get("/o/acme/alumni/")
    assert home.status_code == 200 and "Welcome to the Acme alumni network" in home.content.decode()
    home = client.get("/o/acme/")  # the organization's home sends an alumnus to theirs
    assert home.status_code == 302 and home["Location"] == "/o/acme/alumni/"
    for path in ("/o/acme/my-tour/", "/o/acme/exit-tasks/", "/o/acme/profile/", "/o/acme/my-exit/",
                 "/o/acme/api-tokens/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/o/acme/notifications/").status_code == 200  # an alumnus keeps their bell
    assert client.get("/").url == "/o/acme/alumni/"
    assert client_for(hr).get("/o/acme/alumni/").status_code == 404
