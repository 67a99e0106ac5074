"""The exit process: an offboarding that ends as an onboarding into the alumni network."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index

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
    hr_note = models.TextField(blank=True, help_text="Confidential: HR and admins only.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    # Classification by HR.
    good_standing = models.BooleanField(null=True, blank=True)
    rehire = models.CharField(max_length=14, choices=Rehire.choices, blank=True)
    rehire_reason = models.TextField(blank=True, help_text="Visible to HR and admins only.")
    alumni_tier = models.CharField(max_length=14, choices=Tier.choices, default=Tier.ALUMNI)
    regretted = models.BooleanField(null=True, blank=True)
    # Dismissals and people not in good standing join the alumni network only when HR says so.
    alumni_despite = models.BooleanField(default=False)
    alumni_despite_note = models.TextField(blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

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
    choices = models.TextField(blank=True, help_text="For choices: one per line.")
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
    linkedin_url = models.URLField(blank=True)
    consent_directory = models.BooleanField(default=False)
    consent_news = models.BooleanField(default=False)
    consent_jobs = models.BooleanField(default=False)
    consent_events = models.BooleanField(default=False)
    consent_feedback = models.BooleanField(default=False)
    consent_text_version = models.CharField(max_length=20, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="What you would like from the alumni network.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The one-time link to this step, sent to the personal address.
    access_token_hash = models.CharField(max_length=64, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    access_used_at = models.DateTimeField(null=True, blank=True)

    CONSENT_FIELDS = ("consent_directory", "consent_news", "consent_jobs", "consent_events", "consent_feedback")

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
    def is_complete(self) -> bool:
        return self.submitted_at is not None and self.is_verified


# --- The alumni network ------------------------------------------------------------------

MAX_BONUS = 1_000_000
MAX_ESTIMATED_VALUE = 1_000_000_000_000
MAX_REFERRAL_TEXT = 5_000
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


currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. EUR.")


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
    bonus_currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
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


class Visibility(models.TextChoices):
    ALUMNI = "alumni", "Alumni"
    EVERYONE = "everyone", "Alumni and employees"
    HIDDEN = "hidden", "Hidden"


# The directory card's fields, each with its own visibility (``<field>_visibility``).
DIRECTORY_FIELDS = ("name", "company", "city", "years", "teams", "tours")


def _visibility_field(default: str = Visibility.ALUMNI) -> models.CharField:
    return models.CharField(max_length=8, choices=Visibility.choices, default=default)


class AlumniProfile(TenantModel):
    """An alumnus's directory card. Listed only while they consent to the directory; what each
    viewer sees of it is decided field by field (``alumni.selectors.directory_*``)."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="alumni_profiles")
    listed = models.BooleanField(default=False, help_text="Show my card in the alumni directory.")
    current_company = models.CharField(max_length=200, blank=True)
    current_role = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    # Their time here, recorded when they left (the directory reads no other app's tables).
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    teams = models.CharField(max_length=300, blank=True)
    tour_titles = models.TextField(blank=True, help_text="Their tours' titles, one per line.")
    distinguished = models.BooleanField(default=False)
    name_visibility = _visibility_field(Visibility.EVERYONE)
    company_visibility = _visibility_field()
    city_visibility = _visibility_field()
    years_visibility = _visibility_field()
    teams_visibility = _visibility_field()
    tours_visibility = _visibility_field(Visibility.HIDDEN)  # tours' titles only when they consent
    # The card's photo (re-encoded, in the private storage; served by a view that applies its visibility).
    photo = models.CharField(max_length=300, blank=True, editable=False)
    photo_visibility = _visibility_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "member"], name="alumni_one_profile")]
        indexes = [
            sync_index("alumni_prof_org_updated_idx"),
            models.Index(fields=["organization", "listed"], name="alumni_profile_listed_idx"),
        ]

    def __str__(self) -> str:
        return f"Alumni profile ({self.member_id})"


class Contribution(TenantModel):
    """What referrals and customer leads share: a status HR moves along (``NEXT``), a note for the
    person who brought it, and the bonus the organization's policy gives when it succeeds."""

    status_note = models.TextField(blank=True, max_length=MAX_REFERRAL_TEXT)
    status_changed_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    bonus_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    bonus_currency = models.CharField(max_length=3, blank=True)
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
    why = models.TextField(max_length=MAX_REFERRAL_TEXT, help_text="Why they would be great here.")
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
    need = models.TextField(max_length=MAX_REFERRAL_TEXT, help_text="What they need that we could offer.")
    estimated_value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal(MAX_ESTIMATED_VALUE))])
    currency = models.CharField(max_length=3, validators=[currency_validator])
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


class Boomerang(TenantModel):
    """An alumnus coming back: asked for by them ("I'd like to come back") or started by HR."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Asked to come back"
        REHIRED = "rehired", "Rehired"
        DECLINED = "declined", "Declined"

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="boomerangs")
    state = models.CharField(max_length=10, choices=State.choices)
    message = models.TextField(blank=True, max_length=MAX_REFERRAL_TEXT, help_text="What they would like to do.")
    requested_at = models.DateTimeField(null=True, blank=True)
    rehired_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rehired_at = models.DateTimeField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    role = models.CharField(max_length=16, blank=True)
    manager = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous_exit = TenantForeignKey(ExitProcess, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    last_tour_ref = models.BigIntegerField(null=True, blank=True, help_text="Their last tour before leaving.")
    new_tour_ref = models.BigIntegerField(null=True, blank=True, help_text="The drafted tour of the new stay.")
    decline_note = models.TextField(blank=True)
    opening = TenantForeignKey("alumni.Opening", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="boomerangs", help_text="The opening they applied for, if any.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "member"], condition=models.Q(state="requested"),
                                    name="alumni_one_open_boomerang_request"),
        ]
        indexes = [
            sync_index("alumni_boom_org_updated_idx"),
            models.Index(fields=["organization", "-created_at", "-id"], name="alumni_boom_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Boomerang of {self.member_id} ({self.state})"


class ErasureRecord(TenantModel):
    """That a person's data was erased, and what was kept — never who they were."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    erased_at = models.DateTimeField()
    kept = models.JSONField(default=dict, help_text="What the organization had to keep, counted.")

    class Meta:
        ordering = ["-erased_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "member"], name="alumni_erased_once")]

    def __str__(self) -> str:
        return f"Erasure of {self.member_id}"


from alumni.engage_models import (  # noqa: E402,F401
    AlumniEvent,
    Benefit,
    BenefitKind,
    BenefitTier,
    EventRsvp,
    NewsletterFrequency,
    NewsletterIssue,
    NewsletterSchedule,
    NewsPost,
)

# Job openings, CVs and photos live in their own module; importing it here registers the models.
from alumni.reach_models import Opening  # noqa: E402,F401
