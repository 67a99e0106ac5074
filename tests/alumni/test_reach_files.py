"""CVs on referrals and directory photos: checked by their bytes (a wrong file saves nothing, no file
either), stored privately, served only through views that check the viewer's right."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from alliance import tenancy, uploads
from alumni import services
from alumni.models import AlumniProfile, Referral
from tests.alliance.factories import MembershipFactory
from tests.alumni import files
from tests.alumni.network import make_alumnus, set_level


@pytest.fixture
def referrer(org, admin, employee):
    set_level(admin, "support")
    employee.organization = org
    return employee


def _refer(client, cv, email="bo@friend.test"):
    return client.post("/o/acme/alumni/referrals/new/", {
        "candidate_name": "Bo Friend", "candidate_email": email, "role": "Engineer", "why": "Great", "cv": cv})


@pytest.mark.parametrize("make, content_type", [(files.pdf, uploads.PDF), (files.docx, uploads.DOCX),
                                                (files.odt, uploads.ODT)])
def test_a_cv_is_a_document_checked_by_its_bytes(org, referrer, client_for, make, content_type):
    response = _refer(client_for(referrer), make())
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        referral = Referral.objects.get()
    assert referral.cv_content_type == content_type and referral.cv.startswith(f"cvs/{org.pk}/")
    assert uploads.private_storage().exists(referral.cv)


@pytest.mark.parametrize("make", [files.fake_pdf, lambda: files.docx(document=False), files.png])
def test_anything_else_is_a_clear_error_and_nothing_is_saved(org, referrer, client_for, make):
    before = files.stored_names(f"cvs/{org.pk}")
    response = _refer(client_for(referrer), make())
    assert response.status_code == 400
    assert "is not a" in response.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not Referral.objects.exists()
    assert files.stored_names(f"cvs/{org.pk}") == before


def test_a_refused_referral_leaves_no_file_behind(org, referrer, client_for):
    before = files.stored_names(f"cvs/{org.pk}")
    response = _refer(client_for(referrer), files.pdf(), email=referrer.user.email)  # refers themselves
    assert response.status_code == 400 and "cannot refer yourself" in response.content.decode()
    assert files.stored_names(f"cvs/{org.pk}") == before


def test_the_cv_is_served_to_the_referrer_and_hr_only(org, hr, referrer, outsider, client_for, api_for):
    _refer(client_for(referrer), files.pdf())
    with tenancy.tenant_context(org.pk):
        referral = Referral.objects.get()
    path = f"/o/acme/alumni/referrals/{referral.pk}/cv/"
    for person in (referrer, hr):
        response = client_for(person).get(path)
        assert response.status_code == 200 and response["Content-Type"] == uploads.PDF
        assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    colleague = MembershipFactory(organization=org, user__email="colleague@acme.test")
    assert client_for(colleague).get(path).status_code == 404
    assert client_for(outsider).get(path).status_code == 404
    assert client_for(outsider).get(f"/o/globex/alumni/referrals/{referral.pk}/cv/").status_code == 404
    assert api_for(hr).get(f"/api/v1/referrals/{referral.pk}/cv/").status_code == 200
    assert api_for(colleague).get(f"/api/v1/referrals/{referral.pk}/cv/").status_code == 404
    assert api_for(outsider).get(f"/api/v1/referrals/{referral.pk}/cv/").status_code == 404


def test_the_api_takes_a_cv_as_multipart(org, referrer, api_for):
    api = api_for(referrer)
    made = api.post("/api/v1/referrals/", {"candidate_name": "Cy", "candidate_email": "cy@x.test", "role": "Dev",
                                           "why": "Solid", "cv": files.docx()})
    assert made.status_code == 201, made.content
    assert made.json()["cv_content_type"] == uploads.DOCX and made.json()["cv_name"] == "cv.docx"
    refused = api.post("/api/v1/referrals/", {"candidate_name": "Di", "candidate_email": "di@x.test", "role": "Dev",
                                              "why": "Solid", "cv": files.fake_pdf()})
    assert refused.status_code == 400 and "cv" in refused.json()["errors"]
    with tenancy.tenant_context(org.pk):
        assert Referral.objects.count() == 1


# --- Directory photos ---------------------------------------------------------------------------------

@pytest.fixture
def ada(org, admin):
    set_level(admin, "support")
    return make_alumnus(org, "ada@home.test", "Ada Alumna")


def test_a_photo_is_checked_reencoded_and_made_small(org, ada, client_for):
    client = client_for(ada)
    refused = client.post("/o/acme/alumni/card/photo/", {"photo": files.fake_pdf("me.jpg")}, follow=True)
    assert "is not a" in refused.content.decode()
    with tenancy.tenant_context(org.pk):
        assert AlumniProfile.objects.get(member=ada).photo == ""
    assert client.post("/o/acme/alumni/card/photo/", {"photo": files.png()}).status_code == 302
    with tenancy.tenant_context(org.pk):
        profile = AlumniProfile.objects.get(member=ada)
    with uploads.private_storage().open(profile.photo, "rb") as stream:
        image = Image.open(io.BytesIO(stream.read()))
        assert image.format == "JPEG" and max(image.size) <= 512 and image.size == (512, 384)
    first = profile.photo
    assert client.post("/o/acme/alumni/card/photo/", {"photo": files.png(size=(300, 300))}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert AlumniProfile.objects.get(member=ada).photo != first
    client.post("/o/acme/alumni/card/photo/", {"remove": "1"})
    with tenancy.tenant_context(org.pk):
        assert AlumniProfile.objects.get(member=ada).photo == ""


def test_the_photo_follows_its_visibility(org, hr, employee, ada, outsider, client_for, api_for,
                                          django_capture_on_commit_callbacks):
    other = make_alumnus(org, "bo@home.test", "Bo Alumnus")
    with tenancy.tenant_context(org.pk):
        profile = AlumniProfile.objects.get(member=ada)
        ada.organization = org
        with django_capture_on_commit_callbacks(execute=True):
            services.alumni_photo_set(by=ada, profile=profile, photo=files.png())
    path = f"/o/acme/alumni/directory/{profile.pk}/photo/"
    # Default: alumni only.
    assert client_for(ada).get(path).status_code == 200
    assert client_for(other).get(path).status_code == 200
    assert client_for(employee).get(path).status_code == 404 and client_for(hr).get(path).status_code == 404
    assert client_for(outsider).get(path).status_code == 404
    card = {"listed": "on", "current_company": "", "current_role": "", "city": "", "name_visibility": "everyone",
            "company_visibility": "alumni", "city_visibility": "alumni", "years_visibility": "alumni",
            "teams_visibility": "alumni", "tours_visibility": "hidden", "photo_visibility": "everyone"}
    assert client_for(ada).post("/o/acme/alumni/card/", card).status_code == 302
    assert client_for(employee).get(path).status_code == 200
    cards = {card["name"]: card for card in api_for(employee).get("/api/v1/alumni/").json()["results"]}
    assert cards["Ada Alumna"]["photo"] is True and cards["Bo Alumnus"]["photo"] is False
    page = client_for(employee).get("/o/acme/alumni/directory/").content.decode()
    assert path in page
    assert client_for(ada).post("/o/acme/alumni/card/", {**card, "photo_visibility": "hidden"}).status_code == 302
    assert client_for(employee).get(path).status_code == 404 and client_for(other).get(path).status_code == 404
    assert client_for(ada).get(path).status_code == 200  # always to its alumnus
    assert path not in client_for(other).get("/o/acme/alumni/directory/").content.decode()
    assert client_for(ada).post("/o/acme/alumni/card/", {**card, "listed": ""}).status_code == 302
    assert client_for(other).get(path).status_code == 404  # unlisted: no card, no photo
