"""Forms of the alumni pages: the exit process, the network, news, benefits, events, openings and sharing.

Bounds come from the models; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from alliance import money
from alliance.models import Membership
from alliance.pickers import person_field
from alumni.limits import (
    MAX_ANSWER_TEXT,
    MAX_APPLICATION_TEXT,
    MAX_CHOICES_TEXT,
    MAX_EXIT_NOTE,
    MAX_LEAVER_NOTE,
    MAX_URL,
)
from alumni.models import (
    CONSENT_TEXT,
    DIRECTORY_FIELDS,
    MAX_BENEFIT_TEXT,
    MAX_BONUS,
    MAX_DUE_OFFSET_DAYS,
    MAX_ESTIMATED_VALUE,
    MAX_EVENT_CAPACITY,
    MAX_EVENT_TEXT,
    MAX_INTERVIEW_MINUTES,
    MAX_NEWS_BODY,
    MAX_OPENING_TEXT,
    MAX_REFERRAL_TEXT,
    MAX_RETENTION_DAYS,
    MIN_INTERVIEW_MINUTES,
    MIN_RETENTION_DAYS,
    SCALE_MAX,
    SCALE_MIN,
    AlumniNoteReach,
    AssigneeRole,
    BenefitKind,
    BenefitTier,
    BonusFor,
    ExitKind,
    ExitProcess,
    ExitQuestion,
    InvestmentLevel,
    NewsletterFrequency,
    Opening,
    Visibility,
)
from alumni.services import REHIRE_ROLES
from network_intel import services as intel_services
from tours import services as tour_services

DATE = forms.DateInput(attrs={"type": "date"})
TRI_STATE = [("", "Not decided"), ("yes", "Yes"), ("no", "No")]


class ExitStartForm(forms.Form):
    member = person_field("alumni.exit_candidates", label="Who is leaving",
                          help_text="Type a few letters of their name.")
    kind = forms.ChoiceField(choices=ExitKind.choices)
    last_working_day = forms.DateField(widget=DATE)
    initiated_by = forms.ChoiceField(choices=ExitProcess.InitiatedBy.choices, label="Initiated by")
    hr_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_EXIT_NOTE,
                              label="Confidential HR note", help_text="HR and administrators only.")

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["member"].queryset = candidates


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ClassificationForm(forms.Form):
    last_working_day = forms.DateField(widget=DATE)
    good_standing = forms.ChoiceField(choices=TRI_STATE, required=False, label="Leaving in good standing")
    rehire = forms.ChoiceField(choices=[("", "Not decided"), *ExitProcess.Rehire.choices], required=False,
                               label="Rehire eligibility")
    rehire_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_EXIT_NOTE,
                                    help_text="Visible to HR and administrators only.")
    alumni_tier = forms.ChoiceField(choices=ExitProcess.Tier.choices)
    regretted = forms.ChoiceField(choices=TRI_STATE, required=False, label="Regretted loss")
    alumni_despite = forms.BooleanField(required=False, label="Joins the alumni network anyway",
                                        help_text="For a dismissal or someone not in good standing.")
    alumni_despite_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                          max_length=MAX_EXIT_NOTE, label="Why (recorded)")
    hr_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_EXIT_NOTE,
                              label="Confidential HR note")

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
    linkedin_url = forms.URLField(required=False, max_length=MAX_URL, label="LinkedIn URL", assume_scheme="https")
    consent_directory = forms.BooleanField(required=False, label="List me in the alumni directory")
    consent_news = forms.BooleanField(required=False, label="Send me news of the organization")
    consent_jobs = forms.BooleanField(required=False, label="Send me job openings")
    consent_events = forms.BooleanField(required=False, label="Invite me to alumni events")
    consent_feedback = forms.BooleanField(required=False, label="Ask me for feedback now and then")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_LEAVER_NOTE,
                           label="What would you like from the alumni network?")

    consent_text = CONSENT_TEXT


class AlumniContactForm(LeaverStepForm):
    """The alumnus's contact details and consents, on their alumni page (the note stays with the exit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.fields["personal_email"].help_text = ("A new address gets a link to confirm it; once confirmed, "
                                                   "you sign in with it.")


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
                self.fields[name] = forms.CharField(label=question.text, required=False,
                                                    max_length=MAX_ANSWER_TEXT,
                                                    widget=forms.Textarea(attrs={"rows": 3}))

    def answers(self) -> dict:
        return {name[1:]: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class TemplateTaskForm(forms.Form):
    kind = forms.ChoiceField(choices=ExitKind.choices, label="Exit kind")
    title = forms.CharField(max_length=200, label="Task")
    assignee_role = forms.ChoiceField(choices=AssigneeRole.choices, label="Assigned to")
    assignee_member = person_field("alumni.exit_candidates", required=False, label="Named member",
                                   help_text="When assigned to a named member: type a few letters of the name.")
    due_offset_days = forms.IntegerField(min_value=-MAX_DUE_OFFSET_DAYS, max_value=MAX_DUE_OFFSET_DAYS, initial=0,
                                         label="Due (days from the last day)", help_text="−14, 0, 7 …")

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["assignee_member"].queryset = members


class QuestionSetForm(forms.Form):
    name = forms.CharField(max_length=200)
    is_default = forms.BooleanField(required=False, label="Use for new exit interviews")


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(choices=ExitQuestion.Kind.choices)
    choices = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_CHOICES_TEXT,
                              help_text="For choices: one per line.")


class NetworkSettingsForm(forms.Form):
    level = forms.ChoiceField(choices=InvestmentLevel.choices, widget=forms.RadioSelect,
                              label="How much we invest in our alumni")
    referral_bonus_for = forms.ChoiceField(choices=BonusFor.choices, label="Referral bonus for")
    referral_bonus_amount = forms.DecimalField(min_value=Decimal("0"), max_value=Decimal(MAX_BONUS),
                                               decimal_places=2, max_digits=12, label="Referral bonus (per hire)")
    lead_bonus_for = forms.ChoiceField(choices=BonusFor.choices, label="Customer-lead bonus for")
    lead_bonus_amount = forms.DecimalField(min_value=Decimal("0"), max_value=Decimal(MAX_BONUS), decimal_places=2,
                                           max_digits=12, label="Customer-lead bonus (per won lead)")
    bonus_currency = forms.CharField(max_length=3, min_length=3, label="Currency of the bonuses",
                                     help_text="A three-letter ISO 4217 code, e.g. EUR.")
    retention_days = forms.IntegerField(
        required=False, min_value=MIN_RETENTION_DAYS, max_value=MAX_RETENTION_DAYS, label="Retention period (days)",
        help_text="Alumni who gave no consent and have not signed in are anonymized this long after leaving. "
                  "Empty: never.")
    alumni_note_visibility = forms.ChoiceField(
        choices=AlumniNoteReach.choices, required=False, label="Alumni feedback and intel notes may reach",
        help_text="The widest audience an alumnus may choose for what they share (invest: intel notes too).")

    def clean_bonus_currency(self) -> str:
        return money.clean_currency(self.cleaned_data.get("bonus_currency"))

    @classmethod
    def initial_for(cls, settings) -> dict:
        return {name: getattr(settings, name) for name in cls.base_fields}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("alumni_note_visibility"):
            cleaned.pop("alumni_note_visibility", None)  # left out: it stays as it is
        return cleaned


VISIBILITY_LABELS = {
    "name": "Who sees your name",
    "company": "Who sees your current company and role",
    "city": "Who sees your city",
    "years": "Who sees the years you were here",
    "teams": "Who sees your teams here",
    "tours": "Who sees your tours' titles",
}


class AlumniCardForm(forms.Form):
    listed = forms.BooleanField(required=False, label="List me in the alumni directory",
                                help_text="This is your directory consent; untick it to leave the directory at once.")
    current_company = forms.CharField(max_length=200, required=False)
    current_role = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in DIRECTORY_FIELDS:
            self.fields[f"{field}_visibility"] = forms.ChoiceField(choices=Visibility.choices,
                                                                   label=VISIBILITY_LABELS[field])
        self.fields["tours_visibility"].help_text = "Hidden unless you agree to show your tours' titles."
        self.fields["photo_visibility"] = forms.ChoiceField(choices=Visibility.choices, label="Who sees your photo",
                                                            required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("photo_visibility"):
            cleaned.pop("photo_visibility", None)  # left out: it stays as it is
        return cleaned


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Search")
    company = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    team = forms.CharField(max_length=100, required=False)
    year = forms.IntegerField(min_value=1900, max_value=2200, required=False, label="Here in (year)")


class ReferralForm(forms.Form):
    candidate_name = forms.CharField(max_length=200, label="Their name")
    candidate_email = forms.EmailField(label="Their e-mail")
    role = forms.CharField(max_length=200, label="The job", help_text="The role you refer them for.")
    why = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_REFERRAL_TEXT,
                          label="Why they would be great here")
    cv = forms.FileField(required=False, label="Their CV", help_text="Optional: a PDF, Word (DOCX) or OpenDocument "
                         "(ODT) file, up to 10 MB. Only you and HR can open it.")


class LeadForm(forms.Form):
    company = forms.CharField(max_length=200)
    contact_name = forms.CharField(max_length=200, label="Contact")
    contact_email = forms.EmailField(required=False, label="Contact's e-mail")
    need = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_REFERRAL_TEXT,
                           label="What they need")
    estimated_value = forms.DecimalField(required=False, min_value=Decimal("0"),
                                         max_value=Decimal(MAX_ESTIMATED_VALUE), decimal_places=2, max_digits=16)
    currency = forms.CharField(max_length=3, min_length=3, required=False,
                               help_text="Three letters, e.g. EUR; the organization's currency when empty.")

    def clean_currency(self) -> str:
        code = self.cleaned_data.get("currency")
        return money.clean_currency(code) if code else ""


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=())
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=MAX_REFERRAL_TEXT,
                           help_text="Shared with the person who referred or brought it.")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class OwnerForm(forms.Form):
    owner = person_field("alumni.lead_owners", required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["owner"].queryset = members


class ComeBackForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_REFERRAL_TEXT,
                              label="What would you like to do here?")


class DeclineForm(forms.Form):
    decline_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_REFERRAL_TEXT,
                                   label="Why (for the record)")


class RehireForm(forms.Form):
    role = forms.ChoiceField(choices=[(r, Membership.Role(r).label) for r in REHIRE_ROLES])
    manager = person_field("alumni.rehire_managers", help_text="Type a few letters of their name.")
    title = forms.CharField(max_length=200, required=False, label="Job title")
    team = forms.CharField(max_length=100, required=False)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="First day back")
    tour_kind = forms.ChoiceField(choices=[("rotational", "Rotational"), ("transformational", "Transformational"),
                                           ("foundational", "Foundational")], initial="transformational",
                                  label="Kind of the new tour")
    tour_title = forms.CharField(max_length=tour_services.TITLE_MAX, label="Title of the new tour")
    mission = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=tour_services.MISSION_MAX)
    company_objectives = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What the company gets",
                                         max_length=tour_services.TERMS_TEXT_MAX)
    employee_benefits = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What they get",
                                        max_length=tour_services.TERMS_TEXT_MAX)
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False,
                               help_text="Required, except for foundational tours.")

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is not None:
            self.fields["manager"].queryset = managers


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label="I understand: my account, profile, contact details and consents are erased "
                                       "for good, and I can no longer sign in.")


class NewsPostForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=MAX_NEWS_BODY, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text="Markdown: **bold**, *italics*, lists, [links](https://…).")
    pinned = forms.BooleanField(required=False, label="Pin to the top of the news")


class NewsletterForm(forms.Form):
    frequency = forms.ChoiceField(choices=NewsletterFrequency.choices, label="Newsletter digest",
                                  help_text="Sent to alumni who agreed to news, only when there is something new.")


class BenefitForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=BenefitKind.choices)
    tier = forms.ChoiceField(choices=BenefitTier.choices, label="Who may claim it")
    description = forms.CharField(max_length=MAX_BENEFIT_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    how_to_claim = forms.CharField(max_length=MAX_BENEFIT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class EventForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=MAX_EVENT_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    label="Starts (your time zone)")
    ends_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  label="Ends (your time zone)")
    place = forms.CharField(max_length=200, required=False)
    link = forms.URLField(required=False, max_length=MAX_URL, assume_scheme="https", label="Link (online event)")
    capacity = forms.IntegerField(min_value=1, max_value=MAX_EVENT_CAPACITY, required=False,
                                  help_text="Empty: no limit. When full, people join the waiting list.")


CV_HELP = "Optional: a PDF, Word (DOCX) or OpenDocument (ODT) file, up to 10 MB. Only you and HR can open it."


class OpeningForm(forms.Form):
    title = forms.CharField(max_length=200)
    team = forms.CharField(max_length=100, required=False)
    location = forms.CharField(max_length=200, required=False, help_text="A city, or “remote”.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_OPENING_TEXT)

    @classmethod
    def initial_for(cls, opening: Opening) -> dict:
        return {name: getattr(opening, name) for name in Opening.EDITABLE}


class OpeningReferralForm(forms.Form):
    candidate_name = forms.CharField(max_length=200, label="Their name")
    candidate_email = forms.EmailField(label="Their e-mail")
    why = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_REFERRAL_TEXT,
                          label="Why they would be great for this job")
    cv = forms.FileField(required=False, label="Their CV", help_text=CV_HELP)


class ApplyForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_APPLICATION_TEXT,
                              label="Why you would like this job", help_text="HR reads it and answers you.")


class PhotoForm(forms.Form):
    photo = forms.FileField(label="Your photo", help_text="A JPEG, PNG, WebP or HEIC image, up to 10 MB; we "
                                                         "make it small and remove its location data.")


class SharingConsentForm(forms.Form):
    feedback = forms.BooleanField(required=False, label="I share feedback and intelligence with the organization",
                                  help_text="You can withdraw it at any time; from then on you cannot share.")
    who_knows = forms.BooleanField(required=False, label="List me in “who here knows someone at…?”",
                                   help_text="Colleagues see your name and the role and strength of the contacts "
                                             "you recorded here — never their names. Untick to leave at once.")


class AlumniNoteForm(forms.Form):
    kind = forms.ChoiceField(choices=[("feedback", "Feedback for the organization"),
                                      ("intel", "Intelligence from the outside world")], widget=forms.RadioSelect)
    title = forms.CharField(max_length=intel_services.TITLE_MAX)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=intel_services.NOTE_BODY_MAX,
                           help_text="Markdown works.")
    company = forms.CharField(max_length=intel_services.COMPANY_NAME_MAX, required=False,
                              help_text="For intelligence: the company it is about.")
    visibility = forms.ChoiceField(choices=AlumniNoteReach.choices, label="Who sees it")

    def __init__(self, *args, kinds=("feedback", "intel"), visibilities=tuple(AlumniNoteReach.values), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] in kinds]
        self.fields["visibility"].choices = [c for c in AlumniNoteReach.choices if c[0] in visibilities]
        if "intel" not in kinds:
            del self.fields["company"]
            self.fields["kind"].initial = "feedback"


class AlumniImportApplyForm(forms.Form):
    send_invitations = forms.BooleanField(
        required=False, label="Invite them to the alumni network now",
        help_text="Each gets one e-mail with a link to say what they agree to. Leave it unticked to invite "
                  "them later, from this page. Nothing about them is shown until they agree.")
