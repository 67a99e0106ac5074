from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from alliance import uploads
from alliance.models import Organization
from alliance.tenancy import tenant_context
from alumni.models import AlumniProfile, Opening, Referral
from network_intel.models import AlumnusListing, IntelNote


@pytest.mark.django_db
def test_seed_demo_posts_openings_and_lets_alumni_share():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    acme, globex = Organization.objects.get(slug="acme"), Organization.objects.get(slug="globex")
    with tenant_context(acme.pk):
        assert Opening.objects.count() == 4 and Opening.objects.filter(state="closed").count() == 1
        from_openings = Referral.objects.exclude(opening=None)
        assert from_openings.count() == 3
        with_cv = from_openings.exclude(cv="").get()
        assert with_cv.cv_content_type == uploads.PDF and uploads.private_storage().exists(with_cv.cv)
        assert IntelNote.objects.filter(author_is_alumnus=True).count() >= 4
        assert AlumnusListing.objects.count() == 2
        photo = AlumniProfile.objects.exclude(photo="").get()
        assert photo.listed and photo.photo_visibility == "everyone"
        counts = (Opening.objects.count(), IntelNote.objects.count())
    with tenant_context(globex.pk):
        assert not Opening.objects.exists()  # support: no openings board
        assert IntelNote.objects.filter(author_is_alumnus=True, visibility="leadership").exists()
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    with tenant_context(acme.pk):
        assert (Opening.objects.count(), IntelNote.objects.count()) == counts
