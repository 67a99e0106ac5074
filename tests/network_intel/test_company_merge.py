"""Merging a duplicate company: a preview of all that moves (without JavaScript too), the duplicate's name kept as
another name of the company (typing it finds the company), and the people whose contacts moved are told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance import tenancy
from alliance.models import Notification
from network_intel import selectors, services
from network_intel.models import Company, CompanyAlias, Contact
from tests.network_intel.factories import company, contact, note
from tests.network_intel.fund_factories import expense, joined_long_ago, policy


def url(name, *args, slug="acme"):
    return reverse(f"network_intel:{name}", args=[slug, *args])


@pytest.fixture
def duplicate(org, hr, admin, manager, employee, stranger):
    joined_long_ago(admin, hr, manager, employee)
    policy(hr)
    real, dup = company(employee, "Cyberdyne Systems"), company(employee, "Cyberdine")
    mine = contact(employee, dup, name="Miles Dyson")
    contact(stranger, dup, name="Sarah Connor")
    contact(hr, dup, name="Kyle Reese")
    note(employee, title="Cyberdine hires", companies=[dup])
    note(stranger, title="My private view", companies=[dup], visibility="private")
    expense(employee, contacts=[mine])
    with tenancy.tenant_context(org.pk):
        services.introduction_request(by=stranger, contact=mine, message="Please introduce me")
    return real, dup


def told(member):
    with tenancy.tenant_context(member.organization_id):
        return list(Notification.objects.filter(recipient=member, kind=services.COMPANY_KIND)
                    .values_list("title", flat=True))


def test_the_preview_shows_all_that_moves_before_anything_changes(client_for, org, hr, duplicate):
    real, dup = duplicate
    page = client_for(hr).get(url("company_detail", dup.pk)).content.decode()
    assert "data-confirm" not in page and "Preview the merge" in page
    preview = client_for(hr).post(url("company_merge", dup.pk), {"into": real.pk, "into__text": real.name})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Merge “Cyberdine” into “Cyberdyne Systems”?" in text
    assert "3 contacts of 3 people move to Cyberdyne Systems" in text
    assert "1 note you can see now name Cyberdyne Systems" in text  # the private note is not counted
    assert "1 expense met people there" in text
    assert "1 introduction request follow" in text
    assert 'name="confirmed" value="1"' in text
    with tenancy.tenant_context(org.pk):
        assert Company.objects.filter(pk=dup.pk).exists()  # nothing changed yet


def test_merging_keeps_the_name_as_an_alias_and_tells_the_people_whose_contacts_moved(
        client_for, org, hr, employee, stranger, duplicate):
    real, dup = duplicate
    # Without JavaScript: the typed name only, then the confirmation page's own form.
    preview = client_for(hr).post(url("company_merge", dup.pk), {"into__text": "Cyberdyne Systems"})
    assert preview.status_code == 200 and f'name="into" value="{real.pk}"' in preview.content.decode()
    done = client_for(hr).post(url("company_merge", dup.pk), {"into": real.pk, "into__text": "Cyberdyne Systems",
                                                               "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == url("company_detail", real.pk)
    with tenancy.tenant_context(org.pk):
        assert not Company.objects.filter(pk=dup.pk).exists()
        assert list(CompanyAlias.objects.values_list("company_id", "name")) == [(real.pk, "Cyberdine")]
        assert Contact.objects.filter(company=real).count() == 3
        # Typing the old name finds the company kept, everywhere one types a company.
        assert [c.pk for c in selectors.company_matches(organization_id=org.pk, text="cyberdine")][:1] == [real.pk]
        assert [c.pk for c in selectors.company_search(organization_id=org.pk, text="Cyberdine")][:1] == [real.pk]
        assert services.company_resolve(by=employee, name="Cyberdine Inc.").pk == real.pk
        with pytest.raises(Exception, match="another name of “Cyberdyne Systems”"):
            services.company_create(by=employee, name="Cyberdine", allow_similar=True)
    assert "Cyberdyne Systems" in client_for(employee).get(url("suggest_companies"),
                                                           {"company_name": "Cyberdine"}).content.decode()
    assert "Cyberdyne Systems" in client_for(employee).get(url("company_search"), {"q": "cyberdine"}).content.decode()
    assert "Also known as: Cyberdine" in client_for(employee).get(url("company_detail", real.pk)).content.decode()
    assert told(employee) == ["Your contacts at Cyberdine are now at Cyberdyne Systems"]
    assert told(stranger) == ["Your contacts at Cyberdine are now at Cyberdyne Systems"]
    assert told(hr) == []  # who merged is not told of their own act


def test_a_second_merge_carries_the_other_names_and_renaming_respects_them(org, hr, employee):
    kept, middle, first = (company(employee, "Initech"), company(employee, "Innitech"),
                           company(employee, "Initek"))
    with tenancy.tenant_context(org.pk):
        services.company_merge(by=hr, source=first, target=middle)
        services.company_merge(by=hr, source=middle, target=kept)
        assert sorted(CompanyAlias.objects.filter(company=kept).values_list("name", flat=True)) == [
            "Initek", "Innitech"]
        other = company(employee, "Globex")
        with pytest.raises(Exception, match="another name of “Initech”"):
            services.company_update(by=hr, company=other, data={"name": "Initek"})
        services.company_update(by=hr, company=kept, data={"name": "Innitech"})  # its own other name
        assert list(CompanyAlias.objects.filter(company=kept).values_list("name", flat=True)) == ["Initek"]


def test_only_hr_merges_and_another_organizations_company_is_not_found(client_for, org, employee, hr, outsider,
                                                                       duplicate):
    real, dup = duplicate
    assert client_for(employee).post(url("company_merge", dup.pk), {"into": real.pk}).status_code == 403
    assert client_for(outsider).post(url("company_merge", dup.pk), {"into": real.pk}).status_code == 404
    refused = client_for(hr).post(url("company_merge", dup.pk), {"into__text": "Nowhere Corp"}, follow=True)
    assert "Choose the company to merge into" in refused.content.decode()
    with tenancy.tenant_context(org.pk):
        assert Company.objects.filter(pk=dup.pk).exists()
