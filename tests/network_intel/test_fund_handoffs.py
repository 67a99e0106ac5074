"""Networking-fund hand-offs: the member hears their expense is reimbursed; a withdrawn expense's
approval request leaves the approver's bell (and the approver hears there is nothing to approve);
an expense decided by one approver leaves the others' bells."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alliance.models import Membership, Notification
from network_intel import services
from tests.alliance.factories import MembershipFactory
from tests.helpers import sent_mail
from tests.network_intel.fund_factories import expense, joined_long_ago, policy


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def bell(member) -> list[str]:
    with tenancy.tenant_context(member.organization_id):
        return list(Notification.objects.filter(recipient=member, kind=services.FUND_KIND).order_by("id")
                    .values_list("title", flat=True))


def test_a_withdrawn_expense_leaves_the_approvers_bell(fund, employee, manager, client_for):
    item = expense(employee, submit=True)
    assert len(bell(manager)) == 1 and "asks you to approve" in bell(manager)[0]
    with tenancy.tenant_context(employee.organization_id):
        services.expense_withdraw(by=employee, expense=item)
    titles = bell(manager)
    assert not any("asks you to approve" in title for title in titles)
    assert len(titles) == 1 and "withdrew" in titles[0]
    page = client_for(manager).get("/o/acme/notifications/").content.decode()
    assert "asks you to approve" not in page
    assert any(m.to == ["manager@acme.test"] and "withdrew" in m.subject for m in sent_mail())


def test_a_draft_withdrawn_tells_nobody(fund, employee, manager):
    item = expense(employee)
    with tenancy.tenant_context(employee.organization_id):
        services.expense_withdraw(by=employee, expense=item)
    assert bell(manager) == []


def test_an_expense_decided_by_one_approver_leaves_the_others_bells(org, fund, admin, hr, manager):
    lone = MembershipFactory(organization=org, manager=None, user__email="lone@acme.test")
    joined_long_ago(lone)
    item = expense(lone, submit=True)
    assert len(bell(hr)) == 1 and len(bell(admin)) == 1
    with tenancy.tenant_context(org.pk):
        hr.organization = org
        services.expense_approve(by=hr, expense=item)
    assert bell(hr) == [] and bell(admin) == []
    assert any("Approved" in title for title in bell(lone))


def test_the_member_hears_their_expense_is_reimbursed(fund, employee, manager, hr):
    item = expense(employee, submit=True)
    with tenancy.tenant_context(employee.organization_id):
        services.expense_approve(by=manager, expense=item)
        services.expense_write_note(by=employee, expense=item, title="Hiring plans", body="Ten engineers.")
        services.expenses_reimburse(by=hr, expenses=[item])
    titles = bell(employee)
    assert titles[-1].startswith("Reimbursed: 20.00")
    assert any(m.to == ["employee@acme.test"] and m.subject.startswith("Reimbursed") for m in sent_mail())


def test_fund_notices_turned_off_reach_nobody(fund, employee, manager):
    from alliance.notifications import preferences_set

    with tenancy.tenant_context(manager.organization_id):
        preferences_set(member=Membership.objects.get(pk=manager.pk), choices={services.FUND_KIND: "off"})
    expense(employee, submit=True)
    assert bell(manager) == []
    assert not any(m.to == ["manager@acme.test"] for m in sent_mail())
