"""In a real Chromium, under the Content-Security-Policy: an alumnus refers a friend for an opening with
their CV and puts a photo on their card; HR sees the referral and opens the dashboard, whose charts the
vendored Chart.js draws (a blocked script or style would fail the test)."""

from __future__ import annotations

import pytest

from alliance.models import Membership
from alliance.tenancy import tenant_context
from alumni import services
from alumni.models import Referral
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alumni import files
from tests.alumni.network import make_alumnus, set_level
from tests.alumni.test_browser import sign_in

pytestmark = pytest.mark.browser

def test_refer_from_an_opening_with_a_cv_and_the_dashboard_draws(page_for, transactional_db, live_server,
                                                                 tmp_path):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hr@acme.test")
    make_alumnus(acme, "ada@home.test", "Ada Alumna")
    set_level(admin, "invest")
    hr.organization = acme
    with tenant_context(acme.pk):
        services.opening_create(by=hr, title="Robotics engineer", description="Build the arms.")
    cv = tmp_path / "friend-cv.pdf"
    cv.write_bytes(files.pdf().read())
    photo = tmp_path / "me.png"
    photo.write_bytes(files.png().read())

    alumna = page_for()
    sign_in(alumna, "ada@home.test", r"/o/acme/alumni/$")
    alumna.get_by_role("link", name="Job openings").first.click()
    alumna.get_by_role("link", name="Robotics engineer").click()
    alumna.get_by_label("Their name").fill("Bo Friend")
    alumna.get_by_label("Their e-mail").fill("bo@friend.test")
    alumna.get_by_label("Why they would be great for this job").fill("We built arms together.")
    alumna.get_by_label("Their CV").set_input_files(str(cv))
    alumna.get_by_role("button", name="Refer them").click()
    alumna.get_by_text("Bo Friend is referred for Robotics engineer").wait_for()
    alumna.goto("/o/acme/alumni/card/")
    alumna.get_by_label("Your photo", exact=True).set_input_files(str(photo))
    alumna.get_by_role("button", name="Upload").click()
    alumna.get_by_text("Your photo is on your card").wait_for()
    alumna.wait_for_function("() => { const img = document.querySelector('img.alumni-photo'); "
                             "return img && img.complete && img.naturalWidth > 0; }")
    assert alumna.get_by_alt_text("Your directory photo").evaluate("img => img.naturalWidth") == 512

    with tenant_context(acme.pk):
        referral = Referral.objects.select_related("opening").get()
    assert referral.opening.title == "Robotics engineer" and referral.cv_name == "friend-cv.pdf"

    staff = page_for()
    sign_in(staff, "hr@acme.test", r"/o/acme/$")
    staff.goto("/o/acme/alumni/referrals/")
    staff.get_by_role("link", name="CV: friend-cv.pdf").wait_for()
    staff.goto("/o/acme/alumni-network/dashboard/")
    staff.get_by_role("heading", name="Directory opt-in").wait_for()
    # Every section with figures has a canvas, and Chart.js drew each (the referral is this year's figure).
    staff.wait_for_function("() => window.Chart && document.querySelectorAll('canvas[data-chart]').length > 0 && "
                            "Object.keys(window.Chart.instances).length === "
                            "document.querySelectorAll('canvas[data-chart]').length")
    assert staff.locator("section[aria-labelledby=section-referrals] canvas").count() == 1
