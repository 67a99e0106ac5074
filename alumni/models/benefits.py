"""The alumni benefits catalog (``invest``), in two tiers."""

from __future__ import annotations

from django.db import models

from alliance.fields import BoundedTextField
from alliance.models import TenantModel, sync_index
from alumni.limits import MAX_BENEFIT_TEXT


class BenefitKind(models.TextChoices):
    PRODUCT_DISCOUNT = "product_discount", "Product discount"
    SERVICE = "service", "Service"
    PERK = "perk", "Perk"


class BenefitTier(models.TextChoices):
    ALUMNI = "alumni", "All alumni"
    DISTINGUISHED = "distinguished", "Distinguished alumni only"


class Benefit(TenantModel):
    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=MAX_BENEFIT_TEXT)
    kind = models.CharField(max_length=16, choices=BenefitKind.choices)
    tier = models.CharField(max_length=14, choices=BenefitTier.choices, default=BenefitTier.ALUMNI,
                            help_text="Who may claim it.")
    how_to_claim = BoundedTextField(max_length=MAX_BENEFIT_TEXT)

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            sync_index("alumni_benefit_org_updated_idx"),
            models.Index(fields=["organization", "title", "id"], name="alumni_benefit_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title
