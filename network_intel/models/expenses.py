"""Expenses paid from the networking fund, the contacts met over them, and their receipts."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, audit_history, sync_index
from alliance.money import validate_currency
from network_intel.limits import MERCHANT_MAX_LENGTH, MET_NAMES_MAX, PURPOSE_MAX, REFUSAL_MAX_LENGTH
from network_intel.models.fund import RATE_DIGITS, RATE_PLACES, money_field
from network_intel.models.notes import Visibility
from network_intel.models.undo import AllRowsManager, LiveManager, deleted_at_field

# The visibilities a report-back may have: the team at least, or leadership for sensitive matters.
REPORT_BACK_VISIBILITIES = (Visibility.TEAM, Visibility.ORGANIZATION, Visibility.LEADERSHIP)


class ExpenseKind(models.TextChoices):
    COFFEE = "coffee", "Coffee"
    MEAL = "meal", "Meal"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class ExpenseState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REIMBURSED = "reimbursed", "Reimbursed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The audit trail: the claim, its approval and its reimbursement.
@audit_history(fields=["member", "spent_on", "kind", "merchant", "amount", "currency", "amount_org", "state",
                       "over_budget_acknowledged", "decided_by", "decided_at", "refusal_reason", "note",
                       "reimbursed_by", "reimbursed_at"], model_name="ExpenseEvent", index_prefix="fund_expense_ev")
class Expense(TenantModel):
    """A coffee, meal or event with someone interesting, paid by a member from their fund."""

    Kind = ExpenseKind
    State = ExpenseState
    # What counts against the budget: approved (paid or not) and waiting for approval.
    SPENT_STATES = (ExpenseState.APPROVED, ExpenseState.REIMBURSED)
    EDITABLE = ("spent_on", "kind", "merchant", "amount", "currency", "purpose", "met_names")

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="fund_expenses")
    spent_on = models.DateField("date")
    kind = models.CharField(max_length=10, choices=ExpenseKind.choices, default=ExpenseKind.COFFEE)
    merchant = models.CharField(max_length=MERCHANT_MAX_LENGTH)
    amount = money_field("amount", validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    exchange_rate = models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES,
                                        help_text="One unit of the expense's currency in the organization's.")
    rate_on = models.DateField(help_text="The day of the rate (the expense's, or the rate table's row).")
    rate_entered = models.BooleanField(default=False, help_text="Typed in by the member, not from the rate table.")
    amount_org = money_field("amount in the organization's currency")
    org_currency = models.CharField(max_length=3, validators=[validate_currency])
    purpose = BoundedTextField(max_length=PURPOSE_MAX, help_text="Who you met and why it matters.")
    met_names = BoundedTextField("people met (typed in)", max_length=MET_NAMES_MAX, blank=True,
                                 help_text="One per line: name, company — for people not among your contacts.")
    contacts = models.ManyToManyField("network_intel.Contact", through="ExpenseContact", related_name="+",
                                      blank=True)
    state = models.CharField(max_length=10, choices=ExpenseState.choices, default=ExpenseState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    over_budget = models.BooleanField(default=False, help_text="It took the member past the budget when submitted.")
    possible_duplicate = models.BooleanField(default=False)
    duplicate_cleared = models.BooleanField(default=False,
                                            help_text="The approver confirmed it is not a duplicate.")
    over_budget_acknowledged = models.BooleanField(default=False)
    decided_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = BoundedTextField(max_length=REFUSAL_MAX_LENGTH, blank=True)
    note = TenantForeignKey("network_intel.IntelNote", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="fund_expenses", help_text="What was learned: the report-back.")
    reimbursed_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    reimbursed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = deleted_at_field()
    # The report-back note while it is deleted and may still be restored (its id; no key: the note's row goes
    # at the end of the minute, and this with it).
    parked_note_id = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllRowsManager()

    class Meta:
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(amount_org__gte=0) & Q(exchange_rate__gt=0),
                                   name="fund_expense_positive"),
            models.CheckConstraint(condition=~Q(state="refused") | ~Q(refusal_reason=""),
                                   name="fund_expense_refusal_has_reason"),
        ]
        indexes = [
            models.Index(fields=["organization", "member", "spent_on", "id"], name="fund_expense_member_idx"),
            models.Index(fields=["organization", "state", "spent_on", "id"], name="fund_expense_state_idx"),
            models.Index(fields=["organization", "submitted_at", "id"], name="fund_expense_queue_idx"),
            sync_index("fund_expense_sync_idx"),
            # The report-back sweep reads approved expenses without a note, across organizations.
            models.Index(fields=["spent_on"], name="fund_expense_report_back_idx",
                         condition=Q(state="approved", note__isnull=True)),
            models.Index(fields=["deleted_at"], name="fund_expense_deleted_idx", condition=Q(deleted_at__isnull=False)),
            models.Index(fields=["organization", "parked_note_id"], name="fund_expense_parked_note_idx",
                         condition=Q(parked_note_id__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.merchant}, {self.amount} {self.currency}"

    @property
    def is_open(self) -> bool:
        return self.state in (ExpenseState.DRAFT, ExpenseState.SUBMITTED)

    @property
    def waits_for_note(self) -> bool:
        return self.state == ExpenseState.APPROVED and self.note_id is None

    @property
    def met_name_list(self) -> list[str]:
        return [line.strip() for line in self.met_names.splitlines() if line.strip()]


class ExpenseContact(TenantModel):
    """An outside contact (network intelligence) met over an expense."""

    expense = TenantForeignKey(Expense, on_delete=models.CASCADE, related_name="contact_links")
    contact = TenantForeignKey("network_intel.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "expense", "contact"],
                                               name="fund_expense_contact_once")]
        indexes = [models.Index(fields=["organization", "contact", "expense"], name="fund_expense_contact_idx")]


class Receipt(TenantModel):
    """A receipt file (checked by its bytes; stored privately under a random name)."""

    expense = TenantForeignKey(Expense, on_delete=models.CASCADE, related_name="receipts")
    file = models.CharField(max_length=300, editable=False, help_text="The name in the private storage.")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "expense", "created_at", "id"], name="fund_receipt_expense_idx"),
            sync_index("fund_receipt_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PendingReceipt(TenantModel):
    """A receipt chosen in the new-expense form that came back with an error: checked and stored already, tied to
    the form's one-time token, so the member need not choose it again. It becomes a ``Receipt`` when the form
    succeeds; the beat removes what was left behind after a day (``PENDING_RECEIPT_HOURS``)."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    form_token = models.CharField(max_length=64)
    file = models.CharField(max_length=300, editable=False, help_text="The name in the private storage.")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "member", "form_token", "id"], name="fund_pending_receipt_idx"),
            # The clean-up sweep reads the old ones across organizations.
            models.Index(fields=["created_at"], name="fund_pending_receipt_age_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name
