"""The exit, end to end in a real Chromium: HR starts it, the leaver fills their step and
confirms their address, the last-day sweep runs, and the alumnus signs in with the personal
address and sees only the alumni area; they update their directory card, refer friends (also for
an opening once the organization invests) and say they will come to an event."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance.models import Membership
from alliance.tenancy import tenant_context
from alumni import services
from alumni.models import EventRsvp, Referral
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alumni.engage import event
from tests.alumni.network import set_level
from tests.helpers import choose_person, nav_link, sent_mail

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def sign_in(page, email: str, landing: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(landing))


def test_from_exit_to_alumnus(page_for, transactional_db, live_server):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics", mission="Robots for every workshop.")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    hr_member = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hr@acme.test",
                                  user__full_name="Harper HR")
    dana = MembershipFactory(organization=acme, manager=admin, user__email="dana@acme.test",
                             user__full_name="Dana Data")
    with tenant_context(acme.pk):
        Membership.objects.filter(pk=dana.pk).update(employment_started_on=date(2021, 3, 1))

    hr = page_for()
    sign_in(hr, "hr@acme.test", r"/o/acme/$")
    nav_link(hr, "Exits").click()
    hr.get_by_role("link", name="Start an exit").click()
    choose_person(hr, "Who is leaving", "Dana", "Dana Data")
    hr.get_by_label("Kind").select_option("resignation")
    hr.get_by_label("Last working day").fill(timezone.localdate().isoformat())
    hr.get_by_label("Initiated by").select_option("employee")
    hr.get_by_role("button", name="Start the exit").click()
    hr.get_by_role("heading", name="Exit of Dana Data").wait_for()

    leaver = page_for()
    sign_in(leaver, "dana@acme.test", r"/o/acme/$")
    leaver.get_by_role("link", name="Open your exit").click()
    leaver.get_by_label("Personal e-mail").fill("dana@home.example")
    leaver.get_by_label("Send me news of the organization").check()
    leaver.get_by_role("button", name="Save", exact=True).click()
    leaver.get_by_text("Confirm dana@home.example with the link we just sent there.").wait_for()
    link = next(line for m in sent_mail() for line in m.body.splitlines() if "/alumni/verify/" in line)
    leaver.goto(link.replace("http://testserver", live_server.url).replace("http://127.0.0.1:8000", live_server.url))
    leaver.get_by_text("dana@home.example is confirmed").wait_for()

    assert services.exits_sweep(now=timezone.now() + timedelta(days=1)) == 1
    assert any(m.to == ["dana@home.example"] and "Welcome" in m.subject for m in sent_mail())

    alumnus = page_for()
    sign_in(alumnus, "dana@home.example", r"/o/acme/alumni/$")
    alumnus.get_by_role("heading", name="Welcome to the Acme Robotics alumni network").wait_for()
    assert alumnus.get_by_text("News: yes").is_visible()
    nav = alumnus.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == ["Alumni", "Directory", "Referrals & leads", "News"]
    alumnus.goto(live_server.url + "/o/acme/")  # the organization's home sends an alumnus to theirs
    assert alumnus.url == live_server.url + "/o/acme/alumni/"

    # The alumnus lists themselves in the directory, showing their company to employees too.
    alumnus.goto(live_server.url + "/o/acme/alumni/")
    alumnus.get_by_role("link", name="My directory card").first.click()
    alumnus.get_by_label("List me in the alumni directory").check()
    alumnus.get_by_label("Current company", exact=True).fill("Initech")
    alumnus.get_by_label("Current role", exact=True).fill("Head of robotics")
    alumnus.get_by_label("Who sees your current company and role").select_option("everyone")
    alumnus.get_by_label("City", exact=True).fill("Lisbon")
    alumnus.get_by_label("Who sees your city").select_option("alumni")
    alumnus.get_by_role("button", name="Save my card").click()
    alumnus.get_by_text("Your directory card is saved.").wait_for()
    # ... and refers a friend.
    nav.get_by_role("link", name="Referrals & leads").click()
    alumnus.get_by_label("Their name").fill("Fay Friend")
    alumnus.get_by_label("Their e-mail").fill("fay@friend.example")
    alumnus.get_by_label("The job").fill("Robotics engineer")
    alumnus.get_by_label("Why they would be great here").fill("Built our first gripper with me.")
    alumnus.get_by_role("button", name="Refer them").click()
    alumnus.get_by_text("Thank you: Fay Friend is referred.").wait_for()

    # HR sees the card as employees may (company, not city) and moves the referral along.
    hr.goto(live_server.url + "/o/acme/alumni/directory/")
    row = hr.get_by_role("row", name=re.compile("Dana Data"))
    assert "Initech" in row.inner_text() and "Lisbon" not in row.inner_text()
    hr.goto(live_server.url + "/o/acme/alumni/referrals/")
    hr.get_by_role("row", name=re.compile("Fay Friend")).get_by_role("combobox").first.select_option("in_process")
    hr.get_by_role("row", name=re.compile("Fay Friend")).get_by_role("button", name="Update").click()
    hr.get_by_text("Referral of Fay Friend for Robotics engineer: in process.").wait_for()

    # The organization invests in its alumni: an opening and an event. The same alumnus refers a
    # friend for the opening and answers the event from the portal.
    set_level(admin, "invest")
    hr_member.organization = acme
    with tenant_context(acme.pk):
        services.opening_create(by=hr_member, title="Gripper designer", description="Hands for robots.")
    event(acme, hr_member, "Alumni summer evening", capacity=20)
    alumnus.goto(live_server.url + "/o/acme/alumni/")
    alumnus.get_by_role("link", name="Job openings").first.click()
    alumnus.get_by_role("link", name="Gripper designer").click()
    alumnus.get_by_label("Their name").fill("Gil Gripper")
    alumnus.get_by_label("Their e-mail").fill("gil@friend.example")
    alumnus.get_by_label("Why they would be great for this job").fill("Designed the soft gripper with me.")
    alumnus.get_by_role("button", name="Refer them").click()
    alumnus.get_by_text("Gil Gripper is referred for Gripper designer").wait_for()
    nav_link(alumnus, "Events").click()
    alumnus.get_by_role("link", name="Alumni summer evening").click()
    alumnus.get_by_role("button", name="I'll come").click()
    alumnus.get_by_text("You are going", exact=True).wait_for()
    with tenant_context(acme.pk):
        referral = Referral.objects.select_related("opening").get(candidate_email="gil@friend.example")
        assert referral.opening.title == "Gripper designer" and referral.referrer.user.email == "dana@home.example"
        assert EventRsvp.objects.get(event__title="Alumni summer evening").state == EventRsvp.State.GOING
