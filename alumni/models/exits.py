"""The exit process: an offboarding that ends as an onboarding into the alumni network.

The exit, its checklist (templates and tasks), its interview (question sets, questions, answers) and
the leaver's own step (personal contact details and consents)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, audit_history
from alumni.limits import MAX_CHOICES_TEXT, MAX_EXIT_NOTE, MAX_LEAVER_NOTE, MAX_QUESTION_CHOICES, MAX_URL

# Bounds shared by models, forms and serializers.
MAX_DUE_OFFSET_DAYS = 180
MAX_LAST_DAY_AHEAD_DAYS = 730
DEFAULT_INTERVIEW_MINUTES = 45
MIN_INTERVIEW_MINUTES, MAX_INTERVIEW_MINUTES = 15, 240
SCALE_MIN, SCALE_MAX = 1, 5
# The consent wording the leaver agrees to; a new wording gets a new version.
CONSENT_TEXT_VERSION = "2026-12"
CONSENT_TEXT = (
    "I agree that the organization keeps my personal contact details to stay in touch with me as an "
    "alumnus, for the communications I tick below. I can change this at any time on my alumni page."
)


class ExitKind(models.TextChoices):
    RESIGNATION = "resignation", "Resignation"
    END_OF_TOUR = "end_of_tour", "End of tour"
    RETIREMENT = "retirement", "Retirement"
    MUTUAL = "mutual", "Mutual agreement"
    DISMISSAL = "dismissal", "Dismissal"


# The audit trail keeps the classification HR may be asked to account for; the confidential HR note and the
# interview's answers never reach it.
@audit_history(fields=["member", "kind", "last_working_day", "initiated_by", "state", "good_standing", "rehire",
                       "rehire_reason", "alumni_tier", "regretted", "alumni_despite", "outcome"],
               model_name="ExitProcessEvent", index_prefix="alumni_exit_ev")
class ExitProcess(TenantModel):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class InitiatedBy(models.TextChoices):
        EMPLOYEE = "employee", "The employee"
        COMPANY = "company", "The company"
        BOTH = "both", "Both"

    class Rehire(models.TextChoices):
        ELIGIBLE = "eligible", "Eligible"
        CONDITIONAL = "conditional", "Conditional"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"

    class Tier(models.TextChoices):
        ALUMNI = "alumni", "Alumni"
        DISTINGUISHED = "distinguished", "Distinguished alumni"

    class Outcome(models.TextChoices):
        ALUMNUS = "alumnus", "Joined the alumni network"
        FORMER = "former", "Left without joining the alumni network"

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="exit_processes")
    kind = models.CharField(max_length=16, choices=ExitKind.choices)
    last_working_day = models.DateField()
    initiated_by = models.CharField(max_length=10, choices=InitiatedBy.choices)
    started_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    hr_note = BoundedTextField(max_length=MAX_EXIT_NOTE, blank=True, help_text="Confidential: HR and admins only.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    # Classification by HR.
    good_standing = models.BooleanField(null=True, blank=True)
    rehire = models.CharField(max_length=14, choices=Rehire.choices, blank=True)
    rehire_reason = BoundedTextField(max_length=MAX_EXIT_NOTE, blank=True, help_text="Visible to HR and admins only.")
    alumni_tier = models.CharField(max_length=14, choices=Tier.choices, default=Tier.ALUMNI)
    regretted = models.BooleanField(null=True, blank=True)
    # Dismissals and people not in good standing join the alumni network only when HR says so.
    alumni_despite = models.BooleanField(default=False)
    alumni_despite_note = BoundedTextField(max_length=MAX_EXIT_NOTE, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Recorded from HR's spreadsheet of former employees (completed on import; the leaver's step is their
    # invitation to join the network).
    imported = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_working_day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "member"], condition=models.Q(state="in_progress"),
                                    name="alumni_one_open_exit_per_member"),
            models.CheckConstraint(condition=~models.Q(rehire="not_eligible") | ~models.Q(rehire_reason=""),
                                   name="alumni_not_eligible_has_reason"),
        ]
        indexes = [
            models.Index(fields=["organization", "state", "last_working_day"]),
            models.Index(fields=["organization", "updated_at", "id"]),
            # The last-day sweep across organizations.
            models.Index(fields=["state", "last_working_day"], name="alumni_exit_sweep_idx",
                         condition=models.Q(state="in_progress")),
        ]

    def __str__(self) -> str:
        return f"Exit of {self.member_id} ({self.kind}, {self.last_working_day})"

    def clean(self) -> None:
        super().clean()
        if self.rehire == self.Rehire.NOT_ELIGIBLE and not self.rehire_reason.strip():
            raise ValidationError({"rehire_reason": "Say why this person is not eligible for rehire."})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def joins_alumni(self) -> bool:
        """Dismissals and those not in good standing stay outside unless HR decided otherwise."""
        if self.alumni_despite:
            return True
        return self.kind != ExitKind.DISMISSAL and self.good_standing is not False


class AssigneeRole(models.TextChoices):
    HR = "hr", "HR"
    MANAGER = "manager", "The leaver's manager"
    ADMIN = "admin", "An administrator"
    LEAVER = "leaver", "The leaver"
    MEMBER = "member", "A named member"


class ExitTemplate(TenantModel):
    kind = models.CharField(max_length=16, choices=ExitKind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="alumni_one_template_per_kind")]

    def __str__(self) -> str:
        return self.name


class ExitTemplateTask(TenantModel):
    template = TenantForeignKey(ExitTemplate, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    assignee_role = models.CharField(max_length=8, choices=AssigneeRole.choices)
    assignee_member = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    due_offset_days = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(-MAX_DUE_OFFSET_DAYS), MaxValueValidator(MAX_DUE_OFFSET_DAYS)],
        help_text="Days from the last working day: −14 is two weeks before, 7 a week after.",
    )

    class Meta:
        ordering = ["due_offset_days", "id"]
        indexes = [models.Index(fields=["organization", "template"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.assignee_role == AssigneeRole.MEMBER and self.assignee_member_id is None:
            raise ValidationError({"assignee_member": "Choose the member who does this task."})
        if self.assignee_role != AssigneeRole.MEMBER:
            self.assignee_member = None


class ExitTask(TenantModel):
    process = TenantForeignKey(ExitProcess, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    assignee_role = models.CharField(max_length=8, choices=AssigneeRole.choices)
    assignee = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="exit_tasks")
    due_on = models.DateField()
    # Why the due day is not the template's (e.g. it would have been before the exit was started).
    due_note = models.CharField(max_length=200, blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["organization", "assignee", "due_on"]),
            models.Index(fields=["organization", "process", "due_on"]),
            models.Index(fields=["organization", "updated_at", "id"]),
            # The task reminder sweep: open tasks by due day.
            models.Index(fields=["due_on"], name="alumni_task_open_due_idx", condition=models.Q(done_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ExitQuestionSet(TenantModel):
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False, help_text="Used for new exit interviews.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="alumni_question_set_name_unique"),
            models.UniqueConstraint(fields=["organization"], condition=models.Q(is_default=True),
                                    name="alumni_one_default_question_set"),
        ]

    def __str__(self) -> str:
        return self.name


class ExitQuestion(TenantModel):
    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        SCALE = "scale", f"Scale {SCALE_MIN}–{SCALE_MAX}"
        CHOICE = "choice", "One of several choices"

    question_set = TenantForeignKey(ExitQuestionSet, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    choices = BoundedTextField(max_length=MAX_CHOICES_TEXT, blank=True, help_text="For choices: one per line.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["organization", "question_set", "position"])]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": "Give at least two choices, one per line."})
        if len(self.choice_list) > MAX_QUESTION_CHOICES:
            raise ValidationError({"choices": f"Give at most {MAX_QUESTION_CHOICES} choices."})


class ExitInterview(TenantModel):
    """A scheduled conversation; its answers are for HR and admins only — never the manager."""

    class Status(models.TextChoices):
        NOT_SCHEDULED = "not_scheduled", "Not scheduled"
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    process = TenantForeignKey(ExitProcess, on_delete=models.CASCADE, related_name="interviews")
    question_set = TenantForeignKey(ExitQuestionSet, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    interviewer = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NOT_SCHEDULED)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_INTERVIEW_MINUTES,
        validators=[MinValueValidator(MIN_INTERVIEW_MINUTES), MaxValueValidator(MAX_INTERVIEW_MINUTES)],
    )
    location = models.CharField(max_length=200, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    answers = models.JSONField(default=dict, blank=True)  # {question id: answer}
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "process"], name="alumni_one_interview")]

    def __str__(self) -> str:
        return f"Exit interview ({self.process_id})"

    @property
    def ends_at(self):
        return self.scheduled_at + timedelta(minutes=self.duration_minutes) if self.scheduled_at else None


class LeaverStep(TenantModel):
    """The leaver's own step: how to reach them later, and what they agree to receive."""

    process = TenantForeignKey(ExitProcess, on_delete=models.CASCADE, related_name="leaver_steps")
    personal_email = models.EmailField(blank=True)
    personal_email_verified_at = models.DateTimeField(null=True, blank=True)
    verification_token_hash = models.CharField(max_length=64, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    city = models.CharField(max_length=100, blank=True)
    linkedin_url = models.URLField(max_length=MAX_URL, blank=True)
    consent_directory = models.BooleanField(default=False)
    consent_news = models.BooleanField(default=False)
    consent_jobs = models.BooleanField(default=False)
    consent_events = models.BooleanField(default=False)
    consent_feedback = models.BooleanField(default=False)
    consent_text_version = models.CharField(max_length=20, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    note = BoundedTextField(max_length=MAX_LEAVER_NOTE, blank=True,
                            help_text="What you would like from the alumni network.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The one-time link to this step, sent to the personal address.
    access_token_hash = models.CharField(max_length=64, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    access_used_at = models.DateTimeField(null=True, blank=True)

    CONSENT_FIELDS = ("consent_directory", "consent_news", "consent_jobs", "consent_events", "consent_feedback")
    # The consents to hear from the organization after leaving (news, openings, events, feedback): any one
    # of them lets HR see the personal address (alliance.people). Being listed in the directory does not.
    CONTACT_CONSENT_FIELDS = ("consent_news", "consent_jobs", "consent_events", "consent_feedback")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "process"], name="alumni_one_leaver_step"),
        ]
        indexes = [
            models.Index(fields=["organization", "verification_token_hash"]),
            models.Index(fields=["organization", "access_token_hash"]),
        ]

    def __str__(self) -> str:
        return f"Leaver step ({self.process_id})"

    @property
    def is_verified(self) -> bool:
        return self.personal_email_verified_at is not None and bool(self.personal_email)

    @property
    def consents(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in self.CONSENT_FIELDS}

    @property
    def consents_to_contact(self) -> bool:
        return any(getattr(self, name) for name in self.CONTACT_CONSENT_FIELDS)

    @property
    def is_complete(self) -> bool:
        return self.submitted_at is not None and self.is_verified
