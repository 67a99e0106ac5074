from __future__ import annotations

from django import forms

from alliance.models import Membership
from alumni.models import (
    CONSENT_TEXT,
    MAX_DUE_OFFSET_DAYS,
    MAX_INTERVIEW_MINUTES,
    MIN_INTERVIEW_MINUTES,
    SCALE_MAX,
    SCALE_MIN,
    AssigneeRole,
    ExitKind,
    ExitProcess,
    ExitQuestion,
)

DATE = forms.DateInput(attrs={"type": "date"})
TRI_STATE = [("", "Not decided"), ("yes", "Yes"), ("no", "No")]


def _member_label(member: Membership) -> str:
    return f"{member.user.full_name} ({member.user.email})"


class ExitStartForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Membership.objects.none(), label="Who is leaving")
    kind = forms.ChoiceField(choices=ExitKind.choices)
    last_working_day = forms.DateField(widget=DATE)
    initiated_by = forms.ChoiceField(choices=ExitProcess.InitiatedBy.choices, label="Initiated by")
    hr_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              label="Confidential HR note", help_text="HR and administrators only.")

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["member"].queryset = candidates
            self.fields["member"].label_from_instance = _member_label


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ClassificationForm(forms.Form):
    last_working_day = forms.DateField(widget=DATE)
    good_standing = forms.ChoiceField(choices=TRI_STATE, required=False, label="Leaving in good standing")
    rehire = forms.ChoiceField(choices=[("", "Not decided"), *ExitProcess.Rehire.choices], required=False,
                               label="Rehire eligibility")
    rehire_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                    help_text="Visible to HR and administrators only.")
    alumni_tier = forms.ChoiceField(choices=ExitProcess.Tier.choices)
    regretted = forms.ChoiceField(choices=TRI_STATE, required=False, label="Regretted loss")
    alumni_despite = forms.BooleanField(required=False, label="Joins the alumni network anyway",
                                        help_text="For a dismissal or someone not in good standing.")
    alumni_despite_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                          label="Why (recorded)")
    hr_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Confidential HR note")

    @classmethod
    def initial_for(cls, process: ExitProcess) -> dict:
        def tri(value):
            return "" if value is None else ("yes" if value else "no")

        return {"last_working_day": process.last_working_day, "good_standing": tri(process.good_standing),
                "rehire": process.rehire, "rehire_reason": process.rehire_reason, "alumni_tier": process.alumni_tier,
                "regretted": tri(process.regretted), "alumni_despite": process.alumni_despite,
                "alumni_despite_note": process.alumni_despite_note, "hr_note": process.hr_note}

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["good_standing"] = _tri(data["good_standing"])
        data["regretted"] = _tri(data["regretted"])
        return data


class InterviewScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       label="When (your time zone)")
    duration_minutes = forms.IntegerField(min_value=MIN_INTERVIEW_MINUTES, max_value=MAX_INTERVIEW_MINUTES,
                                          initial=45, label="Minutes")
    location = forms.CharField(max_length=200, required=False)


class LeaverLinkForm(forms.Form):
    email = forms.EmailField(label="The leaver's personal e-mail")


class LeaverStepForm(forms.Form):
    personal_email = forms.EmailField(label="Personal e-mail", help_text="We send a link to confirm it.")
    phone = forms.CharField(max_length=40, required=False)
    city = forms.CharField(max_length=100, required=False)
    linkedin_url = forms.URLField(required=False, label="LinkedIn URL", assume_scheme="https")
    consent_directory = forms.BooleanField(required=False, label="List me in the alumni directory")
    consent_news = forms.BooleanField(required=False, label="Send me news of the organization")
    consent_jobs = forms.BooleanField(required=False, label="Send me job openings")
    consent_events = forms.BooleanField(required=False, label="Invite me to alumni events")
    consent_feedback = forms.BooleanField(required=False, label="Ask me for feedback now and then")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           label="What would you like from the alumni network?")

    consent_text = CONSENT_TEXT


class AnswersForm(forms.Form):
    """One field per question of the interview's set; named ``q<id>``."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == ExitQuestion.Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text, required=False, coerce=int, empty_value=None,
                    choices=[("", "—"), *[(n, str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)]])
            elif question.kind == ExitQuestion.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(label=question.text, required=False,
                                                      choices=[("", "—"), *[(c, c) for c in question.choice_list]])
            else:
                self.fields[name] = forms.CharField(label=question.text, required=False, max_length=5000,
                                                    widget=forms.Textarea(attrs={"rows": 3}))

    def answers(self) -> dict:
        return {name[1:]: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class TemplateTaskForm(forms.Form):
    kind = forms.ChoiceField(choices=ExitKind.choices, label="Exit kind")
    title = forms.CharField(max_length=200, label="Task")
    assignee_role = forms.ChoiceField(choices=AssigneeRole.choices, label="Assigned to")
    assignee_member = forms.ModelChoiceField(queryset=Membership.objects.none(), required=False,
                                             label="Named member", help_text="When assigned to a named member.")
    due_offset_days = forms.IntegerField(min_value=-MAX_DUE_OFFSET_DAYS, max_value=MAX_DUE_OFFSET_DAYS, initial=0,
                                         label="Due (days from the last day)", help_text="−14, 0, 7 …")

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["assignee_member"].queryset = members
            self.fields["assignee_member"].label_from_instance = _member_label


class QuestionSetForm(forms.Form):
    name = forms.CharField(max_length=200)
    is_default = forms.BooleanField(required=False, label="Use for new exit interviews")


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(choices=ExitQuestion.Kind.choices)
    choices = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="For choices: one per line.")
