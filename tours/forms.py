from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from alliance.models import Membership
from alliance.pickers import people_field, person_field
from tours import limits
from tours.models import (
    DEFAULT_CADENCE_MONTHS,
    DEFAULT_CHECKPOINT_MINUTES,
    DEFAULT_NEXT_TOUR_LEAD_DAYS,
    DEFAULT_ONE_ON_ONE_MINUTES,
    MAX_CADENCE_MONTHS,
    MAX_CHECKPOINT_MINUTES,
    MAX_NEXT_TOUR_LEAD_DAYS,
    MIN_CADENCE_MONTHS,
    MIN_CHECKPOINT_MINUTES,
    MIN_NEXT_TOUR_LEAD_DAYS,
    Checkpoint,
    FirstConversation,
    OneOnOne,
    OneOnOneSeries,
    RotationalProgram,
    Tour,
    TourKind,
)
from tours.selectors import TOUR_LIST_SORTS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _text(rows: int = 3, *, max_length: int, **kwargs) -> forms.CharField:
    """A free-text field; every one has a bound from ``tours.limits`` (the model's and the API's too)."""
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), max_length=max_length, **kwargs)


class TourTermsForm(forms.Form):
    kind = forms.ChoiceField(choices=TourKind.choices, initial=TourKind.TRANSFORMATIONAL,
                             help_text="Rotational: 1–2 years, standardized. Transformational: a personal mission, "
                             "2–5 years. Foundational: long-term, open-ended.")
    title = forms.CharField(max_length=limits.TITLE_MAX)
    mission = _text(3, max_length=limits.MISSION_MAX, help_text="The mission of this tour, in a sentence or two.")
    company_objectives = _text(4, max_length=limits.TERMS_TEXT_MAX, label="What the company gets",
                               help_text="Objectives and results the company can count on.")
    employee_benefits = _text(4, max_length=limits.TERMS_TEXT_MAX, label="What the employee gets",
                              help_text="Growth, skills, and the accomplishment for their record.")
    success_company = _text(2, max_length=limits.TERMS_TEXT_MAX, label="Success for the company", required=False)
    success_employee = _text(2, max_length=limits.TERMS_TEXT_MAX, label="Success for the employee", required=False)
    alignment_notes = _text(4, max_length=limits.TERMS_TEXT_MAX, required=False, label="Alignment",
                            help_text="Where the organization's mission and values and this person's "
                            "aspirations and values overlap for this tour.")
    start_date = forms.DateField(widget=DateInput())
    end_date = forms.DateField(widget=DateInput(), required=False,
                               help_text="Required, except for foundational tours.")
    cadence_months = forms.IntegerField(label="Checkpoint every (months)", min_value=MIN_CADENCE_MONTHS,
                                        max_value=MAX_CADENCE_MONTHS, initial=DEFAULT_CADENCE_MONTHS)
    next_tour_lead_days = forms.IntegerField(
        label="Next-tour conversation (days before the end)", min_value=MIN_NEXT_TOUR_LEAD_DAYS,
        max_value=MAX_NEXT_TOUR_LEAD_DAYS, initial=DEFAULT_NEXT_TOUR_LEAD_DAYS,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if data.get("kind") and data["kind"] != TourKind.FOUNDATIONAL and not end and "end_date" not in self.errors:
            self.add_error("end_date", "Required, except for foundational tours.")
        if start and end and end <= start:
            self.add_error("end_date", "Choose a date after the start date.")
        return data


class TourCreateForm(TourTermsForm):
    field_order = ["employee", "manager"]
    employee = person_field("tours.employee", help_text="Type a few letters of their name.")
    manager = person_field("tours.manager", required=False,
                           help_text="Who runs this tour with them; left empty, the employee's manager.")
    previous_tour = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, employees: QuerySet[Membership], managers: QuerySet[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees
        self.fields["manager"].queryset = managers
        self.order_fields(["employee", "manager"])


class TourEditForm(TourTermsForm):
    comment = forms.CharField(max_length=limits.COMMENT_MAX, required=False, label="Why the change",
                              help_text="Kept with the change in the tour's history.")


class CommentForm(forms.Form):
    comment = _text(3, max_length=limits.COMMENT_MAX, label="What would you like changed?")


class ReasonForm(forms.Form):
    reason = _text(2, max_length=limits.COMMENT_MAX, required=False)


class NoteForm(forms.Form):
    note = _text(2, max_length=limits.COMMENT_MAX, required=False)


class NextPlanForm(forms.Form):
    plan = forms.ChoiceField(choices=Tour.NextPlan.choices, widget=forms.RadioSelect)
    notes = _text(2, max_length=limits.COMMENT_MAX, required=False)


class FirstConversationOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=FirstConversation.Outcome.choices, widget=forms.RadioSelect)
    note = _text(2, max_length=limits.COMMENT_MAX, required=False)


class CheckpointScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label="When", widget=DateTimeInput(),
                                       help_text="In your time zone.")
    duration_minutes = forms.IntegerField(label="Minutes", min_value=MIN_CHECKPOINT_MINUTES,
                                          max_value=MAX_CHECKPOINT_MINUTES, initial=DEFAULT_CHECKPOINT_MINUTES)
    location = forms.CharField(label="Place or video link", max_length=limits.LOCATION_MAX, required=False)


class AgendaItemForm(forms.Form):
    text = forms.CharField(label="Talking point", max_length=limits.ITEM_TEXT_MAX)


class SharedNotesForm(forms.Form):
    notes = _text(4, max_length=limits.NOTES_MAX, required=False, label="Your shared notes")
    # The version of the notes the form showed (alliance.merging.text_version): a save over notes
    # someone else changed meanwhile keeps both texts.
    based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class PrivateNoteForm(forms.Form):
    body = _text(4, max_length=limits.NOTES_MAX, required=False, label="Private note",
                 help_text="Only you can ever read this — not your manager, not HR, not an API.")


ACTION_ROWS = 4


class OutcomeForm(forms.Form):
    progress = forms.ChoiceField(choices=Checkpoint.Progress.choices, widget=forms.RadioSelect)
    manager_notes = _text(4, max_length=limits.NOTES_MAX, required=False, label="Manager's notes (shared)")
    course_corrections = _text(3, max_length=limits.NOTES_MAX, required=False, label="Agreed course corrections")
    # The versions of both texts the form showed (alliance.merging.text_version): what the other
    # manager-side person saved meanwhile is merged, not overwritten.
    notes_based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    corrections_based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    discussed = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                          label="Agenda points discussed",
                                          help_text="Points left unticked carry over to the next checkpoint.")

    def __init__(self, *args, checkpoint: Checkpoint, **kwargs):
        super().__init__(*args, **kwargs)
        tour = checkpoint.tour
        self.fields["discussed"].choices = [(str(item.pk), item.text) for item in checkpoint.agenda_items.all()]
        owners = [("", "No owner"), (str(tour.employee_id), tour.employee.user.full_name),
                  (str(tour.manager_id), tour.manager.user.full_name)]
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}_text"] = forms.CharField(
                label=f"Action item {row}", max_length=limits.ITEM_TEXT_MAX, required=False
            )
            self.fields[f"action_{row}_owner"] = forms.ChoiceField(
                label=f"Owner of action item {row}", choices=owners, required=False
            )
            self.fields[f"action_{row}_due"] = forms.DateField(
                label=f"Due date of action item {row}", required=False, widget=DateInput()
            )

    def action_rows(self):
        return [(self[f"action_{row}_text"], self[f"action_{row}_owner"], self[f"action_{row}_due"])
                for row in range(1, ACTION_ROWS + 1)]

    def new_action_items(self) -> list[dict]:
        items = []
        for row in range(1, ACTION_ROWS + 1):
            text = self.cleaned_data.get(f"action_{row}_text", "").strip()
            if text:
                owner = self.cleaned_data.get(f"action_{row}_owner") or None
                items.append({"text": text, "owner": owner, "due_on": self.cleaned_data.get(f"action_{row}_due")})
        return items


class TourFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    kind = forms.ChoiceField(choices=[("", "Any kind"), *TourKind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Tour.Status.choices], required=False)
    team = forms.ChoiceField(choices=[("", "Any team")], required=False)
    manager = people_field("tours.list_managers", max_count=20, required=False, label="Managers",
                           help_text="Type a few letters of a manager's name; any of those chosen.")
    ending_within = forms.TypedChoiceField(
        label="Ending within", coerce=int, required=False, empty_value=None,
        choices=[("", "Any time"), ("30", "30 days"), ("90", "90 days"), ("180", "180 days"), ("365", "a year")],
    )
    sort = forms.ChoiceField(label="Sort by", required=False,
                             choices=[(key, label) for key, (label, _ordering) in TOUR_LIST_SORTS.items()])

    def __init__(self, *args, teams: list[str], managers: QuerySet[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any team"), *[(t, t) for t in teams]]
        self.fields["manager"].queryset = managers


class ProgramForm(forms.ModelForm):
    class Meta:
        model = RotationalProgram
        fields = ["name", "description", "duration_months", "cadence_months", "mission_template",
                  "company_objectives", "employee_benefits", "success_criteria", "is_active"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in
                   ("description", "mission_template", "company_objectives", "employee_benefits",
                    "success_criteria")}
        labels = {"is_active": "Open for new cohorts"}


class CohortForm(forms.Form):
    name = forms.CharField(max_length=limits.TITLE_MAX, required=False,
                           help_text="Defaults to the program and the month.")
    start_date = forms.DateField(widget=DateInput())
    members = people_field("tours.cohort_members", max_count=limits.COHORT_MEMBERS_MAX,
                           help_text="Type a few letters of each name. Each gets a proposed tour with their manager.")

    def __init__(self, *args, members: QuerySet[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = (
            lambda m: f"{m.user.full_name} — {m.title or m.get_role_display()}"
            + (f", {m.team}" if m.team else "")
            + ("" if m.manager_id else " (no manager yet)")
        )


# --- Recurring 1:1s ---------------------------------------------------------------------------


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class OneOnOneSeriesForm(forms.Form):
    """Start (with ``reports``) or edit a series; times are in the manager's time zone."""

    report = person_field("tours.one_on_one_report", label="With", help_text="Type a few letters of their name.")
    cadence = forms.ChoiceField(choices=OneOnOneSeries.Cadence.choices, initial=OneOnOneSeries.Cadence.WEEKLY)
    first_date = forms.DateField(label="First meeting", widget=DateInput(),
                                 help_text="Monthly 1:1s fall on a day from 1 to 28.")
    local_time = forms.TimeField(label="Time", widget=TimeInput(), help_text="In the manager's time zone; it stays "
                                 "the same local time across daylight-saving changes.")
    duration_minutes = forms.IntegerField(label="Minutes", min_value=MIN_CHECKPOINT_MINUTES,
                                          max_value=MAX_CHECKPOINT_MINUTES, initial=DEFAULT_ONE_ON_ONE_MINUTES)
    location = forms.CharField(label="Place or video link", max_length=limits.LOCATION_MAX, required=False)
    ends_on = forms.DateField(label="Last day (optional)", widget=DateInput(), required=False)

    def __init__(self, *args, reports: QuerySet[Membership] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if reports is None:
            del self.fields["report"]
        else:
            self.fields["report"].queryset = reports


class OneOnOneMoveForm(forms.Form):
    scheduled_at = forms.DateTimeField(label="New date and time", widget=DateTimeInput(),
                                       help_text="In your time zone. Only this meeting moves.")
    duration_minutes = forms.IntegerField(label="Minutes", min_value=MIN_CHECKPOINT_MINUTES,
                                          max_value=MAX_CHECKPOINT_MINUTES)


class TalkingPointForm(forms.Form):
    text = forms.CharField(label="Talking point", max_length=limits.ITEM_TEXT_MAX)


class OneOnOneRecordForm(forms.Form):
    shared_notes = _text(4, max_length=limits.NOTES_MAX, required=False, label="Shared notes",
                         help_text="Both of you read these.")
    discussed = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                          label="Talking points discussed",
                                          help_text="Points left unticked carry over to the next 1:1.")

    def __init__(self, *args, meeting: OneOnOne, **kwargs):
        super().__init__(*args, **kwargs)
        series = meeting.series
        self.owners = {str(series.report_id): series.report, str(series.manager_id): series.manager}
        self.fields["discussed"].choices = [(str(point.pk), point.text) for point in meeting.talking_points.all()
                                            if not point.discussed]
        owners = [("", "No owner"), *[(pk, member.user.full_name) for pk, member in self.owners.items()]]
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}_text"] = forms.CharField(label=f"Action item {row}",
                                                                max_length=limits.ITEM_TEXT_MAX, required=False)
            self.fields[f"action_{row}_owner"] = forms.ChoiceField(label=f"Owner of action item {row}",
                                                                   choices=owners, required=False)

    def action_rows(self):
        return [(self[f"action_{row}_text"], self[f"action_{row}_owner"]) for row in range(1, ACTION_ROWS + 1)]

    def action_items(self) -> list[tuple[str, Membership | None]]:
        return [(self.cleaned_data.get(f"action_{row}_text", ""),
                 self.owners.get(self.cleaned_data.get(f"action_{row}_owner") or ""))
                for row in range(1, ACTION_ROWS + 1) if self.cleaned_data.get(f"action_{row}_text", "").strip()]
