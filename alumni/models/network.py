"""The alumni network's settings: the investment level, the bonus policy and how far alumni notes reach."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from alliance.models import TenantModel, audit_history
from alliance.money import validate_currency

MAX_BONUS = 1_000_000


MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 30, 3650


class InvestmentLevel(models.TextChoices):
    """How much the organization invests in its alumni; it decides what the portal offers."""

    IGNORE = "ignore", "Ignore: alumni are recorded, no portal and no messages"
    SUPPORT = "support", "Support: directory, news, referrals and leads, feedback"
    INVEST = "invest", "Invest: all of support, plus benefits, events, openings and the dashboard"


LEVEL_RANK = {InvestmentLevel.IGNORE: 0, InvestmentLevel.SUPPORT: 1, InvestmentLevel.INVEST: 2}


class BonusFor(models.TextChoices):
    NOBODY = "nobody", "Nobody (no bonus)"
    EMPLOYEES = "employees", "Employees only"
    ALUMNI = "alumni", "Alumni only"
    EVERYONE = "everyone", "Employees and alumni"


class BonusState(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    PENDING = "pending", "Pending payment"
    PAID = "paid", "Paid"


class AlumniNoteReach(models.TextChoices):
    """How far an alumnus's feedback and intel notes may reach (network intelligence's visibilities)."""

    LEADERSHIP = "leadership", "Leadership (HR, admins and their former managers)"
    ORGANIZATION = "organization", "Everyone in the organization"


@audit_history(fields=["level", "referral_bonus_for", "referral_bonus_amount", "lead_bonus_for", "lead_bonus_amount",
                       "bonus_currency", "retention_days", "alumni_note_visibility"],
               model_name="AlumniSettingsEvent", index_prefix="alumni_settings_ev")
class AlumniSettings(TenantModel):
    """The organization's alumni network: its investment level and its referral-bonus policy.

    One row per organization, created the first time an administrator saves it; until then the
    defaults below apply (``alumni.selectors.network_settings``)."""

    level = models.CharField(max_length=8, choices=InvestmentLevel.choices, default=InvestmentLevel.SUPPORT)
    referral_bonus_for = models.CharField(max_length=10, choices=BonusFor.choices, default=BonusFor.NOBODY,
                                          help_text="Who earns a bonus when someone they referred is hired.")
    referral_bonus_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal(MAX_BONUS))])
    lead_bonus_for = models.CharField(max_length=10, choices=BonusFor.choices, default=BonusFor.NOBODY,
                                      help_text="Who earns a thank-you bonus when a lead they brought is won.")
    lead_bonus_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal(MAX_BONUS))])
    bonus_currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    retention_days = models.PositiveSmallIntegerField(
        null=True, blank=True,
        validators=[MinValueValidator(MIN_RETENTION_DAYS), MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text="Days after leaving when alumni who gave no consent and have not signed in are anonymized. "
                  "Empty: never.")
    alumni_note_visibility = models.CharField(
        max_length=12, choices=AlumniNoteReach.choices, default=AlumniNoteReach.LEADERSHIP,
        help_text="The widest audience an alumnus may give the feedback and intel notes they share.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="alumni_one_settings_per_org")]

    def __str__(self) -> str:
        return f"Alumni network settings ({self.level})"

    def clean(self) -> None:
        super().clean()
        if self.referral_bonus_for != BonusFor.NOBODY and not self.referral_bonus_amount:
            raise ValidationError({"referral_bonus_amount": "Give the bonus amount, or choose nobody."})
        if self.lead_bonus_for != BonusFor.NOBODY and not self.lead_bonus_amount:
            raise ValidationError({"lead_bonus_amount": "Give the bonus amount, or choose nobody."})

    def reaches(self, level: str) -> bool:
        return LEVEL_RANK[InvestmentLevel(self.level)] >= LEVEL_RANK[InvestmentLevel(level)]
