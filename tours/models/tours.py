"""Tours of duty: the two-sided contract, its rotational programs, history and amendments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import SORT_NAME_MAX, Membership, TenantForeignKey, TenantModel, audit_history, sync_index
from tours import limits

# Bounds and defaults, used by the models, the forms, the serializers and the services alike.
DEFAULT_CADENCE_MONTHS = 6
MIN_CADENCE_MONTHS, MAX_CADENCE_MONTHS = 1, 24
DEFAULT_NEXT_TOUR_LEAD_DAYS = 180
MIN_NEXT_TOUR_LEAD_DAYS, MAX_NEXT_TOUR_LEAD_DAYS = 7, 730
DEFAULT_CHECKPOINT_MINUTES = 45
MIN_CHECKPOINT_MINUTES, MAX_CHECKPOINT_MINUTES = 10, 480
# Tour dates and checkpoint times stay well inside what dates, calendars and reminders can
# compute with: a typo such as year 1 or 9999 is refused (by the services, and by the database).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST_TIME = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2101, 1, 1, tzinfo=UTC)


class TourKind(models.TextChoices):
    ROTATIONAL = "rotational", "Rotational"
    TRANSFORMATIONAL = "transformational", "Transformational"
    FOUNDATIONAL = "foundational", "Foundational"


def tour_duration_warnings(kind: str, start_date: date | None, end_date: date | None) -> list[str]:
    """The book's typical lengths for each kind (``Tour.duration_warnings``; also used by lists
    that read columns instead of model instances)."""
    if end_date is None or start_date is None:
        return []
    years = (end_date - start_date).days / 365.25
    length = f"{years:.1f}".rstrip("0").rstrip(".")
    length = f"{length} year" if length == "1" else f"{length} years"
    if kind == TourKind.TRANSFORMATIONAL and not (2 - 0.05 <= years <= 5 + 0.05):
        return [f"Transformational tours usually run 2–5 years; this one runs {length}."]
    if kind == TourKind.ROTATIONAL and years > 2 + 0.05:
        return [f"Rotational tours usually last at most 2 years; this one runs {length}."]
    return []


def tour_next_conversation_due(*, status: str, end_date: date | None, lead_days: int | None, plan: str,
                               today: date) -> bool:
    """Whether the next-tour conversation is due (``Tour.next_tour_conversation_due``)."""
    if status != Tour.Status.ACTIVE or end_date is None:
        return False
    due_on = end_date - timedelta(days=lead_days or 0)
    return today >= due_on and plan not in Tour.DECIDED_PLANS


class RotationalProgram(TenantModel):
    """HR's template for standardized, usually entry-level tours."""

    name = models.CharField(max_length=limits.TITLE_MAX)
    description = BoundedTextField(max_length=limits.DESCRIPTION_MAX, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Rotational tours last at most two years.",
    )
    mission_template = BoundedTextField("mission", max_length=limits.MISSION_MAX, blank=True)
    company_objectives = BoundedTextField("what the company gets", max_length=limits.TERMS_TEXT_MAX, blank=True)
    employee_benefits = BoundedTextField("what the employee gets", max_length=limits.TERMS_TEXT_MAX, blank=True)
    success_criteria = BoundedTextField("how success is judged", max_length=limits.TERMS_TEXT_MAX, blank=True)
    cadence_months = models.PositiveSmallIntegerField(
        "checkpoint every (months)", default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    is_active = models.BooleanField(default=True)
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="tours_program_name_unique"),
        ]
        indexes = [sync_index("tours_program_org_updated_idx")]

    def __str__(self) -> str:
        return self.name


class Cohort(TenantModel):
    """One start of a rotational program: the tours proposed together in one action."""

    program = TenantForeignKey(RotationalProgram, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=limits.TITLE_MAX)
    start_date = models.DateField()
    started_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["organization", "program", "start_date", "id"], name="tours_cohort_program_idx"),
        ]

    def __str__(self) -> str:
        return self.name


# The audit trail (alliance/models/history.py): the terms, who, the state and the commitments people dispute.
@audit_history(fields=["employee", "manager", "status", "kind", "title", "mission", "company_objectives",
                       "employee_benefits", "success_company", "success_employee", "alignment_notes", "start_date",
                       "end_date", "cadence_months", "next_tour_lead_days", "first_conversation_granted_on",
                       "next_tour_plan"], model_name="TourEvent", index_prefix="tours_tour_ev")
class Tour(TenantModel):
    """The written deal: what the company gets, what the employee gets, for how long."""

    Kind = TourKind

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"
        CANCELLED = "cancelled", "Cancelled"

    class NextPlan(models.TextChoices):
        NEW_INTERNAL_TOUR = "new_internal_tour", "New internal tour"
        OUTSIDE_TRANSITION = "outside_transition", "Outside transition"
        UNDECIDED = "undecided", "Undecided"

    OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED, Status.ACTIVE)
    CLOSED_STATUSES = (Status.COMPLETED, Status.ENDED_EARLY, Status.CANCELLED)
    # A next-tour plan that settles the question (no more "start the conversation" prompts).
    DECIDED_PLANS = (NextPlan.NEW_INTERNAL_TOUR, NextPlan.OUTSIDE_TRANSITION)
    # The terms: what an amendment changes and the history records.
    TERM_FIELDS = (
        "kind", "title", "mission", "company_objectives", "employee_benefits", "success_company",
        "success_employee", "alignment_notes", "start_date", "end_date", "cadence_months",
        "next_tour_lead_days",
    )

    employee = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="tours")
    # RESTRICT: a manager with tours cannot be deleted alone, but an organization can be.
    manager = TenantForeignKey(Membership, on_delete=models.RESTRICT, related_name="managed_tours")
    kind = models.CharField(max_length=20, choices=TourKind.choices, default=TourKind.TRANSFORMATIONAL)
    title = models.CharField(max_length=limits.TITLE_MAX)
    mission = BoundedTextField(max_length=limits.MISSION_MAX,
                               help_text="The mission of this tour, in a sentence or two.")
    company_objectives = BoundedTextField(
        "what the company gets", max_length=limits.TERMS_TEXT_MAX,
        help_text="Objectives and results the company can count on.",
    )
    employee_benefits = BoundedTextField(
        "what the employee gets", max_length=limits.TERMS_TEXT_MAX,
        help_text="Growth, skills, and the accomplishment the employee can put on their record.",
    )
    success_company = BoundedTextField("success for the company", max_length=limits.TERMS_TEXT_MAX, blank=True)
    success_employee = BoundedTextField("success for the employee", max_length=limits.TERMS_TEXT_MAX, blank=True)
    alignment_notes = BoundedTextField(
        max_length=limits.TERMS_TEXT_MAX,
        blank=True,
        help_text="How the organization's mission and values and the employee's aspirations and values "
        "overlap for this tour.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Required, except for foundational tours.")
    cadence_months = models.PositiveSmallIntegerField(
        "checkpoint every (months)", default=DEFAULT_CADENCE_MONTHS,
        validators=[MinValueValidator(MIN_CADENCE_MONTHS), MaxValueValidator(MAX_CADENCE_MONTHS)],
    )
    next_tour_lead_days = models.PositiveSmallIntegerField(
        "start the next-tour conversation (days before the end)", default=DEFAULT_NEXT_TOUR_LEAD_DAYS,
        validators=[MinValueValidator(MIN_NEXT_TOUR_LEAD_DAYS), MaxValueValidator(MAX_NEXT_TOUR_LEAD_DAYS)],
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    previous_tour = TenantForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors",
        help_text="The tour before this one in the person's career ledger.",
    )
    program = TenantForeignKey(
        RotationalProgram, null=True, blank=True, on_delete=models.SET_NULL, related_name="tours"
    )
    cohort = TenantForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="tours")
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)
    changes_requested = BoundedTextField(
        max_length=limits.COMMENT_MAX, blank=True,
        help_text="The employee's latest request for changes, until the tour is proposed again.",
    )
    first_conversation_granted_on = models.DateField(
        null=True, blank=True, help_text="When the employee granted the right of first conversation."
    )
    next_tour_plan = models.CharField(max_length=24, choices=NextPlan.choices, blank=True)
    next_tour_plan_notes = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)
    next_tour_plan_recorded_at = models.DateTimeField(null=True, blank=True)
    # The employee's sort key (``Membership.sort_name``), copied when the tour is made and whenever the
    # person is renamed (``alliance.registry.register_sort_name_copy``), so tours sort by person from an
    # index instead of joining every membership and user.
    employee_sort_name = models.CharField(max_length=SORT_NAME_MAX, blank=True, default="", db_default="",
                                          editable=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee"], condition=models.Q(status="active"),
                name="tours_one_active_tour_per_employee",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="foundational") | models.Q(end_date__isnull=False),
                name="tours_end_date_required_unless_foundational",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gt=models.F("start_date")),
                name="tours_end_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(employee=models.F("manager")), name="tours_not_own_manager"
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_months__gte=MIN_CADENCE_MONTHS, cadence_months__lte=MAX_CADENCE_MONTHS),
                name="tours_cadence_range",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__gte=EARLIEST_DATE, start_date__lte=LATEST_DATE)
                & (models.Q(end_date__isnull=True) | models.Q(end_date__gte=EARLIEST_DATE, end_date__lte=LATEST_DATE)),
                name="tours_dates_in_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "employee", "status"]),
            models.Index(fields=["organization", "manager", "status"]),
            sync_index("tours_tour_org_updated_idx"),
            # HR's Tours page, newest start first.
            models.Index(fields=["organization", "start_date", "id"], name="tours_tour_org_start_idx"),
            # A person's career ledger.
            models.Index(fields=["organization", "employee", "start_date", "id"], name="tours_tour_ledger_idx"),
            # The Tours page: ending soonest first.
            models.Index(fields=["organization", "end_date", "id"], name="tours_tour_org_end_idx"),
            # Tours by person (the Tours page's and the API's ``employee_name`` ordering).
            models.Index(fields=["organization", "employee_sort_name", "id"], name="tours_tour_person_idx"),
            # The reminder sweep selects ending tours across organizations by end date.
            models.Index(fields=["status", "end_date"], name="tours_status_end_date_idx"),
            # The health page's drafts older than 30 days.
            models.Index(fields=["organization", "created_at"], condition=models.Q(status="draft"),
                         name="tours_tour_draft_age_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def duration_days(self) -> int | None:
        if self.end_date is None or self.start_date is None:
            return None
        return (self.end_date - self.start_date).days

    @property
    def duration_warnings(self) -> list[str]:
        """Advice, not a block: the book's typical lengths for each kind."""
        return tour_duration_warnings(self.kind, self.start_date, self.end_date)

    def days_left(self, today: date | None = None) -> int | None:
        if self.end_date is None:
            return None
        return (self.end_date - (today or timezone.localdate())).days

    def next_tour_conversation_due_on(self) -> date | None:
        if self.end_date is None:
            return None
        return self.end_date - timedelta(days=self.next_tour_lead_days or 0)

    def next_tour_conversation_due(self, today: date | None = None) -> bool:
        return tour_next_conversation_due(
            status=self.status, end_date=self.end_date, lead_days=self.next_tour_lead_days,
            plan=self.next_tour_plan, today=today or timezone.localdate(),
        )

    @property
    def first_conversation_granted(self) -> bool:
        return self.first_conversation_granted_on is not None


# The tour's own history joins the audit trail: each revision is an event of its tour (earlier ones were
# copied in by the migration that started the trail).
@audit_history(fields=["tour", "by", "action", "changes", "comment"], model_name="TourRevisionEvent",
               index_prefix="tours_rev_ev", updates=False)
class TourRevision(TenantModel):
    """One entry of a tour's history: who did what, when, and which terms changed."""

    class Action(models.TextChoices):
        CREATED = "created", "Drafted"
        AMENDED = "amended", "Amended the terms"
        AMENDMENT_PROPOSED = "amendment_proposed", "Proposed an amendment"
        AMENDMENT_DECLINED = "amendment_declined", "Declined the amendment"
        AMENDMENT_WITHDRAWN = "amendment_withdrawn", "Withdrew the amendment"
        PROPOSED = "proposed", "Proposed"
        CHANGES_REQUESTED = "changes_requested", "Asked for changes"
        ACCEPTED = "accepted", "Accepted"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"
        CANCELLED = "cancelled", "Cancelled"
        MANAGER_CHANGED = "manager_changed", "Changed the manager"
        FIRST_CONVERSATION_GRANTED = "rofc_granted", "Granted the right of first conversation"
        FIRST_CONVERSATION_WITHDRAWN = "rofc_withdrawn", "Withdrew the right of first conversation"
        FIRST_CONVERSATION_EXERCISED = "rofc_exercised", "Exercised the right of first conversation"
        FIRST_CONVERSATION_OUTCOME = "rofc_outcome", "Recorded the first conversation's outcome"
        NEXT_TOUR_PLAN = "next_tour_plan", "Recorded the next-tour plan"
        IMPORTED = "imported", "Imported from a spreadsheet"

    tour = TenantForeignKey(Tour, on_delete=models.CASCADE, related_name="revisions")
    by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=24, choices=Action.choices)
    # {field: {"label": ..., "from": ..., "to": ...}} with display values, so history
    # reads the same after choices or labels change.
    changes = models.JSONField(default=dict, blank=True)
    comment = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "tour", "created_at", "id"], name="tours_revision_tour_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.tour_id})"


@audit_history(fields=["tour", "proposed_by", "reason", "status", "answered_by", "answered_at", "answer_note"],
               model_name="TourAmendmentEvent", index_prefix="tours_amend_ev")
class TourAmendment(TenantModel):
    """A proposed change to the terms of an active tour: the terms in force stay until the
    employee accepts it. ``changes`` holds the new values (JSON), ``diff`` what a person reads."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the employee"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    tour = TenantForeignKey(Tour, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)
    changes = models.JSONField(default=dict)
    diff = models.JSONField(default=dict)  # field -> {"label", "from", "to"}
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    answered_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "tour"], condition=models.Q(status="pending"),
                                    name="tours_one_pending_amendment"),
        ]
        indexes = [
            models.Index(fields=["organization", "tour", "status"]),
            models.Index(fields=["organization", "tour", "created_at", "id"], name="tours_amendment_tour_idx"),
        ]

    def __str__(self) -> str:
        return f"Amendment of {self.tour_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
