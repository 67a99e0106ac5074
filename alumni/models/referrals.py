"""Referrals and customer leads that employees and alumni bring, with the bonus each may earn."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from alliance.money import validate_currency
from alumni.limits import MAX_REFERRAL_TEXT
from alumni.models.network import BonusState

MAX_ESTIMATED_VALUE = 1_000_000_000_000


class Contribution(TenantModel):
    """What referrals and customer leads share: a status HR moves along (``NEXT``), a note for the
    person who brought it, and the bonus the organization's policy gives when it succeeds."""

    status_note = BoundedTextField(blank=True, max_length=MAX_REFERRAL_TEXT)
    status_changed_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    bonus_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    bonus_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    bonus_state = models.CharField(max_length=16, choices=BonusState.choices, default=BonusState.NOT_APPLICABLE)
    bonus_paid_at = models.DateTimeField(null=True, blank=True)

    NEXT: dict = {}

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class Referral(Contribution):
    """A candidate for a job, recommended by an employee or an alumnus."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        IN_PROCESS = "in_process", "In process"
        HIRED = "hired", "Hired"
        NOT_HIRED = "not_hired", "Not hired"

    # Where each status may go next (HR moves them).
    NEXT = {
        Status.SUBMITTED: (Status.IN_PROCESS, Status.NOT_HIRED),
        Status.IN_PROCESS: (Status.HIRED, Status.NOT_HIRED),
        Status.HIRED: (),
        Status.NOT_HIRED: (),
    }

    referrer = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="referrals")
    referrer_was_alumnus = models.BooleanField(default=False)
    candidate_name = models.CharField(max_length=200)
    candidate_email = models.EmailField()
    role = models.CharField(max_length=200, help_text="The job you refer them for.")
    why = BoundedTextField(max_length=MAX_REFERRAL_TEXT, help_text="Why they would be great here.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    opening = TenantForeignKey("alumni.Opening", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="referrals", help_text="The job opening they are referred for.")
    # The candidate's CV (checked by its bytes, in the private storage; the referrer and HR download it).
    cv = models.CharField(max_length=300, blank=True, editable=False)
    cv_name = models.CharField(max_length=200, blank=True)
    cv_content_type = models.CharField(max_length=100, blank=True)
    cv_size = models.PositiveIntegerField(null=True, blank=True)

    class Meta(Contribution.Meta):
        indexes = [
            sync_index("alumni_ref_org_updated_idx"),
            models.Index(fields=["organization", "opening"], name="alumni_referral_opening_idx"),
            models.Index(fields=["organization", "-created_at", "-id"], name="alumni_referral_created_idx"),
            models.Index(fields=["organization", "referrer", "-created_at"], name="alumni_referral_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.candidate_name} for {self.role}"


class CustomerLead(Contribution):
    """A possible customer, brought by an employee or an alumnus."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    NEXT = {
        Status.NEW: (Status.CONTACTED, Status.LOST),
        Status.CONTACTED: (Status.QUALIFIED, Status.LOST),
        Status.QUALIFIED: (Status.WON, Status.LOST),
        Status.WON: (),
        Status.LOST: (),
    }

    submitter = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="customer_leads")
    submitter_was_alumnus = models.BooleanField(default=False)
    company = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    need = BoundedTextField(max_length=MAX_REFERRAL_TEXT, help_text="What they need that we could offer.")
    estimated_value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal(MAX_ESTIMATED_VALUE))])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    owner = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              help_text="Who follows the lead up in the organization.")

    class Meta(Contribution.Meta):
        indexes = [
            sync_index("alumni_lead_org_updated_idx"),
            models.Index(fields=["organization", "-created_at", "-id"], name="alumni_lead_created_idx"),
            models.Index(fields=["organization", "submitter", "-created_at"], name="alumni_lead_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"Lead: {self.company}"
