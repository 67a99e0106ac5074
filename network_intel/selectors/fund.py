"""Reads for the networking fund: periods, budgets, balances, rates, team spending, the payroll export
and the report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from alliance.models import Membership, Organization
from alliance.people import email_visible_to, load_contact_consents
from network_intel.models.expenses import Expense, ExpenseState
from network_intel.models.fund import ExchangeRate, FundOverride, FundPolicy

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def org_today(organization: Organization) -> date:
    return timezone.localdate(timezone=ZoneInfo(organization.time_zone))


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The period containing ``day``: its first day and the first day of the next."""
    if period == FundPolicy.Period.MONTH:
        start = day.replace(day=1)
    elif period == FundPolicy.Period.QUARTER:
        start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    else:
        start = day.replace(month=1, day=1)
    months = {FundPolicy.Period.MONTH: 1, FundPolicy.Period.QUARTER: 3}.get(period, 12)
    total = start.month - 1 + months
    return start, start.replace(year=start.year + total // 12, month=total % 12 + 1)


def fund_policy(organization_id: int) -> FundPolicy | None:
    return FundPolicy.objects.for_org(organization_id).first()


def budget_for(policy: FundPolicy, member: Membership, overrides: list[FundOverride] | None = None) -> Decimal:
    """The member's budget per period: their team's override, else their role's, else the policy's."""
    if overrides is None:
        overrides = list(FundOverride.objects.for_org(policy.organization_id))
    by_team = {o.team: o.amount for o in overrides if o.team}
    by_role = {o.role: o.amount for o in overrides if o.role}
    if member.team and member.team in by_team:
        return by_team[member.team]
    return by_role.get(member.role, policy.amount)


@dataclass(frozen=True)
class Balance:
    member: Membership
    currency: str
    period_start: date
    period_end: date  # the last day of the period
    budget: Decimal  # this period's budget, with what rolled over
    rolled_over: Decimal
    approved: Decimal  # approved or reimbursed
    pending: Decimal  # waiting for approval
    cap_mode: str

    @property
    def left(self) -> Decimal:
        return self.budget - self.approved - self.pending

    @property
    def used_percent(self) -> int:
        if self.budget <= 0:
            return 100 if self.approved + self.pending > 0 else 0
        return min(100, int((self.approved + self.pending) * 100 / self.budget))


def _sums(member: Membership, start: date, end: date) -> tuple[Decimal, Decimal]:
    sums = (Expense.objects.for_org(member.organization_id)
            .filter(member=member, spent_on__gte=start, spent_on__lt=end)
            .aggregate(approved=Sum("amount_org", filter=Q(state__in=Expense.SPENT_STATES)),
                       pending=Sum("amount_org", filter=Q(state=ExpenseState.SUBMITTED))))
    return sums["approved"] or ZERO, sums["pending"] or ZERO


def balance_of(member: Membership, *, day: date | None = None, policy: FundPolicy | None = None) -> Balance | None:
    """The member's budget for the period containing ``day`` (today by default); None without a policy."""
    policy = policy or fund_policy(member.organization_id)
    if policy is None:
        return None
    day = day or org_today(member.organization)
    start, end = period_bounds(policy.period, day)
    budget = budget_for(policy, member)
    rolled = ZERO
    if policy.rollover:
        previous_start, _ = period_bounds(policy.period, start - timedelta(days=1))
        spent, _pending = _sums(member, previous_start, start)
        rolled = max(ZERO, budget - spent)
    approved, pending = _sums(member, start, end)
    return Balance(member=member, currency=member.organization.currency, period_start=start,
                   period_end=end - timedelta(days=1), budget=budget + rolled, rolled_over=rolled,
                   approved=approved, pending=pending, cap_mode=policy.cap_mode)


def rate_for(organization_id: int, currency: str, day: date) -> ExchangeRate | None:
    """The rate table's row for ``currency`` valid on ``day`` (the latest on or before it)."""
    return (ExchangeRate.objects.for_org(organization_id).filter(currency=currency, valid_on__lte=day)
            .order_by("-valid_on", "-id").first())


def rate_list(organization_id: int) -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.for_org(organization_id).order_by("currency", "-valid_on", "-id")


def override_list(organization_id: int) -> QuerySet[FundOverride]:
    return FundOverride.objects.for_org(organization_id).order_by("team", "role", "id")


def team_spending(member: Membership, *, day: date | None = None) -> list[Balance]:
    """The balance of each of the manager's direct reports this period (one query per figure set)."""
    policy = fund_policy(member.organization_id)
    if policy is None:
        return []
    day = day or org_today(member.organization)
    start, end = period_bounds(policy.period, day)
    reports = list(Membership.objects.for_org(member.organization_id)
                   .filter(manager=member, status=Membership.Status.ACTIVE).select_related("user", "organization"))
    sums = {row["member_id"]: row for row in (
        Expense.objects.for_org(member.organization_id)
        .filter(member__in=reports, spent_on__gte=start, spent_on__lt=end).values("member_id")
        .annotate(approved=Sum("amount_org", filter=Q(state__in=Expense.SPENT_STATES)),
                  pending=Sum("amount_org", filter=Q(state=ExpenseState.SUBMITTED))))}
    overrides = list(FundOverride.objects.for_org(member.organization_id))
    balances = []
    for report in reports:
        row = sums.get(report.pk, {})
        balances.append(Balance(member=report, currency=member.organization.currency, period_start=start,
                                period_end=end - timedelta(days=1), budget=budget_for(policy, report, overrides),
                                rolled_over=ZERO, approved=row.get("approved") or ZERO,
                                pending=row.get("pending") or ZERO, cap_mode=policy.cap_mode))
    return balances


# --- Payroll and report ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PayrollLine:
    member_name: str
    email: str | None  # as alliance.people's rule lets the viewer see it
    team: str
    currency: str
    amount: Decimal
    expense_ids: list[int]


def payroll_lines(member: Membership) -> list[PayrollLine]:
    """What to pay: approved expenses with their report-back, summed per member and currency."""
    rows = (Expense.objects.for_org(member.organization_id)
            .filter(state=ExpenseState.APPROVED, note__isnull=False)
            .values("member_id", "member__user__full_name", "member__team", "org_currency")
            .annotate(total=Sum("amount_org"))
            .order_by("member__user__full_name", "member_id", "org_currency"))
    ids: dict[tuple[int, str], list[int]] = defaultdict(list)
    for expense_id, member_id, currency in (
            Expense.objects.for_org(member.organization_id).filter(state=ExpenseState.APPROVED, note__isnull=False)
            .order_by("id").values_list("id", "member_id", "org_currency")):
        ids[(member_id, currency)].append(expense_id)
    rows = list(rows)
    people = Membership.objects.for_org(member.organization_id).select_related("user").in_bulk(
        {row["member_id"] for row in rows})
    load_contact_consents(member, people.values())
    return [PayrollLine(member_name=row["member__user__full_name"],
                        email=email_visible_to(member, people[row["member_id"]]),
                        team=row["member__team"], currency=row["org_currency"], amount=row["total"],
                        expense_ids=ids[(row["member_id"], row["org_currency"])]) for row in rows]


@dataclass(frozen=True)
class TeamReport:
    team: str
    members: int
    budget: Decimal
    spent: Decimal
    notes: int
    waiting: int

    @property
    def budget_use(self) -> int:
        return int(self.spent * 100 / self.budget) if self.budget > 0 else 0

    @property
    def debriefs_per_100(self) -> Decimal | None:
        """Notes linked per 100 of currency spent: what the fund brings back."""
        if self.spent <= 0:
            return None
        return (Decimal(self.notes) * 100 / self.spent).quantize(CENT)


def fund_report(member: Membership, *, day: date | None = None) -> tuple[tuple[date, date] | None, list[TeamReport]]:
    """Per team, this period: budget, spent (approved and reimbursed), notes linked, expenses waiting for one."""
    policy = fund_policy(member.organization_id)
    if policy is None:
        return None, []
    day = day or org_today(member.organization)
    start, end = period_bounds(policy.period, day)
    members = list(Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)
                   .only("id", "team", "role"))
    overrides = list(FundOverride.objects.for_org(member.organization_id))
    budgets: dict[str, Decimal] = defaultdict(lambda: ZERO)
    heads: dict[str, int] = defaultdict(int)
    for person in members:
        budgets[person.team] += budget_for(policy, person, overrides)
        heads[person.team] += 1
    rows = (Expense.objects.for_org(member.organization_id)
            .filter(spent_on__gte=start, spent_on__lt=end, state__in=Expense.SPENT_STATES)
            .values("member__team")
            .annotate(spent=Sum("amount_org"), notes=Count("note", distinct=True),
                      waiting=Count("id", filter=Q(state=ExpenseState.APPROVED, note__isnull=True))))
    spent = {row["member__team"]: row for row in rows}
    teams = sorted(set(budgets) | set(spent))
    report = [TeamReport(team=team or "(no team)", members=heads.get(team, 0), budget=budgets.get(team, ZERO),
                         spent=(spent.get(team) or {}).get("spent") or ZERO,
                         notes=(spent.get(team) or {}).get("notes") or 0,
                         waiting=(spent.get(team) or {}).get("waiting") or 0) for team in teams]
    return (start, end - timedelta(days=1)), report
