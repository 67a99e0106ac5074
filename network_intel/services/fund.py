"""Writes for the networking fund's settings: the policy, budget overrides and the rate table (HR and admins)."""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from network_intel import rights
from network_intel.models.fund import ExchangeRate, FundOverride, FundPolicy
from network_intel.services._common import clean_amount, clean_currency, clean_rate, field_error

# The first key of the transaction-level advisory lock that serializes changes of the fund settings.
FUND_SETTINGS_LOCK = 7_301


# --- Policy and rates --------------------------------------------------------------------------------

POLICY_FIELDS = ("period", "amount", "per_expense_max", "receipt_required_above", "cap_mode", "rollover",
                 "report_back_days")


def _begin_settings_change(by: Membership) -> None:
    """Refuse anyone but HR and admins, then take the organization's fund-settings lock."""
    if not rights.can_run_fund(by):
        raise NotAllowed("Only HR or an administrator can change the networking fund.")
    # One change of the fund's settings at a time per organization (until the transaction ends):
    # two HR people saving the first policy, or the same rate or override, at the same moment
    # would otherwise both find nothing and both insert, and the second would hit the unique key.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [FUND_SETTINGS_LOCK, by.organization_id])


@transaction.atomic
def fund_policy_save(*, by: Membership, data: dict) -> FundPolicy:
    """HR sets the organization's fund policy (made on first save)."""
    _begin_settings_change(by)
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not part of the fund policy.")
    data = dict(data)
    for field in ("amount", "receipt_required_above"):
        if field in data:
            data[field] = clean_amount(data[field], field, allow_zero=True)
    if data.get("per_expense_max") is not None:
        data["per_expense_max"] = clean_amount(data["per_expense_max"], "per_expense_max")
    policy = FundPolicy.objects.select_for_update().filter(organization_id=by.organization_id).first()
    if policy is None:
        if "amount" not in data:
            raise field_error("amount", "Give the budget per member per period.")
        policy = FundPolicy(organization_id=by.organization_id, **data)
        full_clean_or_raise(policy)
        policy.save()
        return policy
    model_update(policy, data=data, fields=POLICY_FIELDS)
    return policy


@transaction.atomic
def fund_override_set(*, by: Membership, amount, role: str = "", team: str = "") -> FundOverride:
    """Another budget for a role or a team (replacing the one it had)."""
    _begin_settings_change(by)
    role, team = (role or "").strip(), " ".join((team or "").split())
    if bool(role) == bool(team):
        raise ApplicationError("Give either a role or a team.", field_errors={"team": ["Either a role or a team."]})
    if role and role not in Membership.Role.values:
        raise field_error("role", "Choose employee, manager, hr or admin.")
    amount = clean_amount(amount, allow_zero=True)
    lookup = {"role": role, "team": ""} if role else {"role": "", "team": team}
    override = FundOverride.objects.for_org(by.organization_id).filter(**lookup).first()
    if override is None:
        override = FundOverride(organization_id=by.organization_id, amount=amount, **lookup)
        full_clean_or_raise(override)
        override.save()
    else:
        model_update(override, data={"amount": amount}, fields=["amount"])
    return override


@transaction.atomic
def fund_override_delete(*, by: Membership, override: FundOverride) -> None:
    _begin_settings_change(by)
    override.delete()


@transaction.atomic
def exchange_rate_save(*, by: Membership, currency: str, rate, valid_on: date) -> ExchangeRate:
    """HR records a rate (1 unit of ``currency`` in the organization's currency) from ``valid_on``."""
    _begin_settings_change(by)
    currency = clean_currency(currency)
    if currency == by.organization.currency:
        raise field_error("currency", f"{currency} is the organization's own currency: its rate is always 1.")
    rate = clean_rate(rate, "rate")
    if valid_on is None:
        raise field_error("valid_on", "Give the day the rate is valid from.")
    found = ExchangeRate.objects.for_org(by.organization_id).filter(currency=currency, valid_on=valid_on).first()
    if found is not None:
        model_update(found, data={"rate": rate}, fields=["rate"])
        return found
    row = ExchangeRate(organization_id=by.organization_id, currency=currency, rate=rate, valid_on=valid_on)
    full_clean_or_raise(row)
    row.save()
    return row


@transaction.atomic
def exchange_rate_delete(*, by: Membership, rate: ExchangeRate) -> None:
    _begin_settings_change(by)
    rate.delete()
