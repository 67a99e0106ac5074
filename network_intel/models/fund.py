"""The networking fund's policy, budget overrides and exchange rates, with the money bounds every layer uses."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from alliance.models import Membership, TenantModel, audit_history
from alliance.money import validate_currency

MONEY_DIGITS = 12
MONEY_PLACES = 2
RATE_DIGITS = 18
RATE_PLACES = 8
# The largest single expense the fund accepts, in any currency: bigger is a typing mistake.
ABSURD_AMOUNT = Decimal("1000000")


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


@audit_history(fields=["period", "amount", "per_expense_max", "receipt_required_above", "cap_mode", "rollover",
                       "report_back_days"], model_name="FundPolicyEvent", index_prefix="fund_policy_ev")
class FundPolicy(TenantModel):
    """The organization's networking-fund policy (one row; none means no fund yet)."""

    class Period(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Year"

    class CapMode(models.TextChoices):
        SOFT = "soft", "Soft: the approver acknowledges going over"
        HARD = "hard", "Hard: refused over budget"

    period = models.CharField(max_length=10, choices=Period.choices, default=Period.QUARTER)
    amount = money_field("budget per member per period", validators=[MinValueValidator(Decimal("0"))])
    per_expense_max = money_field("largest single expense", null=True, blank=True,
                                  validators=[MinValueValidator(Decimal("0.01"))])
    receipt_required_above = money_field("receipt required above", default=Decimal("25.00"),
                                         validators=[MinValueValidator(Decimal("0"))])
    cap_mode = models.CharField(max_length=10, choices=CapMode.choices, default=CapMode.HARD)
    rollover = models.BooleanField("unused budget rolls over to the next period", default=False)
    report_back_days = models.PositiveSmallIntegerField(
        "remind about the note after (days)", default=3,
        validators=[MinValueValidator(1)],
        help_text="Days after the expense date to remind the member when the note is still missing.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="fund_policy_one_per_org")]

    def __str__(self) -> str:
        return f"{self.amount} per {self.period}"


class FundOverride(TenantModel):
    """Another budget for one role or one team (a team's override wins over a role's)."""

    role = models.CharField(max_length=16, choices=Membership.Role.choices, blank=True)
    team = models.CharField(max_length=100, blank=True)
    amount = money_field("budget per member per period", validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["team", "role", "id"]
        constraints = [
            models.CheckConstraint(condition=(Q(role="") & ~Q(team="")) | (~Q(role="") & Q(team="")),
                                   name="fund_override_role_or_team"),
            models.UniqueConstraint(fields=["organization", "role"], condition=~Q(role=""),
                                    name="fund_override_role_once"),
            models.UniqueConstraint(fields=["organization", "team"], condition=~Q(team=""),
                                    name="fund_override_team_once"),
        ]
        indexes = [models.Index(fields=["organization", "team", "role", "id"], name="fund_override_list_idx")]

    def __str__(self) -> str:
        return f"{self.team or self.get_role_display()}: {self.amount}"


class ExchangeRate(TenantModel):
    """HR's rate table: one unit of ``currency`` is worth ``rate`` of the organization's currency from ``valid_on``."""

    currency = models.CharField(max_length=3, validators=[validate_currency])
    rate = models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES,
                               validators=[MinValueValidator(Decimal("0.00000001"))])
    valid_on = models.DateField()

    class Meta:
        ordering = ["currency", "-valid_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "currency", "valid_on"],
                                               name="fund_rate_once_per_day")]
        indexes = [models.Index(fields=["organization", "currency", "valid_on", "id"], name="fund_rate_lookup_idx")]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} ({self.valid_on})"
