"""A tag's name is seen only through a note the viewer may see (the vocabulary excepted): the tags API,
suggestions, the tag page, the search's tag filter and HR's vocabulary page all follow ``tags_visible_to``."""

from __future__ import annotations

import pytest

from alliance import tenancy
from network_intel import services
from network_intel.models import Tag
from tests.network_intel.factories import note

pytestmark = pytest.mark.django_db


@pytest.fixture
def tags(employee, hr):
    from alliance.models import Membership

    with tenancy.tenant_context(hr.organization_id):  # HR outside the author's team and chain
        Membership.objects.filter(pk=hr.pk).update(team="People")
    hr.team = "People"
    note(employee, title="Merger", body="Between us.", tags=["project-falcon"], visibility="private")
    note(employee, title="Team news", body="For the team.", tags=["team-offsite"], visibility="team")
    note(employee, title="Budget", body="Leadership only.", tags=["budget-cuts"], visibility="leadership")
    note(employee, title="Public", body="Everyone.", tags=["hiring"])
    with tenancy.tenant_context(hr.organization_id):
        services.tag_save_official(by=hr, name="Pricing", description="")
        return {tag.name: tag for tag in Tag.objects.for_org(hr.organization_id)}


def _api_names(api) -> set[str]:
    return {row["name"] for row in api.get("/api/v1/intel-tags/").json()["results"]}


def test_the_tags_api_lists_only_tags_of_visible_notes_and_the_vocabulary(tags, api_for, employee, stranger,
                                                                           teammate, hr):
    assert _api_names(api_for(employee)) == {"project-falcon", "team-offsite", "budget-cuts", "hiring", "Pricing"}
    assert _api_names(api_for(teammate)) == {"team-offsite", "hiring", "Pricing"}
    assert _api_names(api_for(hr)) == {"budget-cuts", "hiring", "Pricing"}
    assert _api_names(api_for(stranger)) == {"hiring", "Pricing"}


def test_suggestions_tag_pages_and_the_search_filter_hide_tags_of_hidden_notes(tags, client_for, stranger,
                                                                               employee):
    client = client_for(stranger)
    suggestions = client.get("/o/acme/intel/suggest/tags/", {"q": "proj"}).content.decode()
    assert "project-falcon" not in suggestions
    assert client.get(f"/o/acme/intel/tags/{tags['project-falcon'].pk}/").status_code == 404
    assert client.get(f"/o/acme/intel/tags/{tags['hiring'].pk}/").status_code == 200
    search = client.get("/o/acme/intel/", {"tag": tags["project-falcon"].pk}).content.decode()
    assert "project-falcon" not in search
    own = client_for(employee).get("/o/acme/intel/suggest/tags/", {"q": "proj"}).content.decode()
    assert "project-falcon" in own


def test_the_vocabulary_page_lists_free_tags_hr_may_see_only(tags, client_for, hr):
    page = client_for(hr).get("/o/acme/intel/vocabulary/").content.decode()
    assert "budget-cuts" in page and "hiring" in page
    assert "project-falcon" not in page and "team-offsite" not in page
