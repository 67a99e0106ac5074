from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from alliance import money
from alliance.errors import ApplicationError
from alliance.limits import LEAD_TIMES_TEXT_MAX, MAX_LEAD_TIMES, PASSWORD_MAX, PROFILE_TEXT_MAX
from alliance.models import LEAD_TIME_LIMITS, SCIM_TOKEN_NAME_MAX, TIME_ZONE_CHOICES, Membership, Organization
from alliance.pickers import BoundedModelMultipleChoiceField, person_field  # noqa: F401 (re-exported)


def apply_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal in the form: on its fields where named, else on top."""
    placed = False
    for field, messages in error.field_errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.EMPLOYEE)
    title = forms.CharField(max_length=200, required=False)
    team = forms.CharField(max_length=100, required=False)
    manager = person_field("alliance.managers", required=False, help_text="Type a few letters of their name.")
    employment_started_on = forms.DateField(
        label="Employment start date", required=False, widget=DateInput(),
        help_text="The first day of their employment, however long ago; the day they accept when empty.")

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is not None:
            self.fields["manager"].queryset = managers


class MembershipForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
    title = forms.CharField(max_length=200, required=False)
    team = forms.CharField(max_length=100, required=False)
    manager = person_field("alliance.managers", required=False, help_text="Type a few letters of their name.")
    # Left empty (a form from before this field), the start date stays as it is.
    employment_started_on = forms.DateField(
        label="Employment start date", widget=DateInput(), required=False,
        help_text="The first day of their employment (of this stay), not the day they were added here.")

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is not None:
            self.fields["manager"].queryset = managers


# The longest free text a person writes about themselves or their organization (characters).


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
    aspirations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=PROFILE_TEXT_MAX,
        help_text="What you want from your career: the next step, the skills, the story.",
    )
    values = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=PROFILE_TEXT_MAX,
        help_text="One value per line.",
    )


class LeadTimesField(forms.CharField):
    """Days, comma-separated ("14, 7, 1"), with errors a person reads — not "Item 2 in the array…"."""

    def __init__(self, *, upper: int, **kwargs):
        self.upper = upper
        kwargs.setdefault("help_text", f"Up to {MAX_LEAD_TIMES} whole numbers of days between 1 and {upper}, "
                                       "separated by commas.")
        kwargs.setdefault("max_length", LEAD_TIMES_TEXT_MAX)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > self.max_length:
            raise forms.ValidationError(f"Keep it to {self.max_length} characters, e.g. “14, 7, 1”.")
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not parts:
            raise forms.ValidationError("Give at least one lead time.")
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError("Lead times are whole numbers of days, e.g. “14, 7, 1”.")
        days = [int(part) for part in parts]
        if any(not 1 <= day <= self.upper for day in days):
            raise forms.ValidationError(f"Lead times must be between 1 and {self.upper} days.")
        if len(days) > MAX_LEAD_TIMES:
            raise forms.ValidationError(f"Give at most {MAX_LEAD_TIMES} lead times.")
        if len(set(days)) != len(days):
            raise forms.ValidationError("Each lead time may appear once.")
        return sorted(days, reverse=True)


class OrganizationForm(forms.ModelForm):
    checkpoint_days_before = LeadTimesField(upper=LEAD_TIME_LIMITS["checkpoint_days_before"],
                                            label="Checkpoint reminders (days before, comma-separated)")
    tour_ending_days_before = LeadTimesField(
        upper=LEAD_TIME_LIMITS["tour_ending_days_before"],
        label="Next-tour conversation prompts (days before a tour ends, comma-separated)",
    )

    class Meta:
        model = Organization
        fields = [
            "name", "mission", "values", "time_zone", "currency",
            "checkpoint_days_before", "agenda_nudge_days_before", "overdue_days_after", "overdue_max_reminders",
            "tour_ending_days_before", "first_conversation_followup_working_days",
        ]
        labels = {
            "checkpoint_days_before": "Checkpoint reminders (days before, comma-separated)",
            "tour_ending_days_before": "Next-tour conversation prompts (days before a tour ends, comma-separated)",
            "agenda_nudge_days_before": "Empty-agenda nudge (days before)",
            "overdue_days_after": "Overdue checkpoint notice (days after)",
            "overdue_max_reminders": "Overdue notices at most",
            "first_conversation_followup_working_days": "Right-of-first-conversation follow-up (working days)",
        }
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 4}),
            "values": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_currency(self) -> str:
        return money.clean_currency(self.cleaned_data.get("currency"))


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False,
                                max_length=PASSWORD_MAX)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False,
                                max_length=PASSWORD_MAX)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            from alliance.models import User

            try:
                validate_password(data["password1"], User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “HRIS nightly sync”.")


class ScimTokenForm(forms.Form):
    name = forms.CharField(max_length=SCIM_TOKEN_NAME_MAX, label="Token name",
                           help_text="Which identity provider uses it, e.g. “Okta”.")


class PeopleImportForm(forms.Form):
    file = forms.FileField(label="Spreadsheet (CSV or XLSX)",
                           help_text="Columns: E-mail, Full name, Title, Team, Role, Manager e-mail, Start date, "
                                     "Time zone (optional). Download the template for an example.")


class PeopleImportApplyForm(forms.Form):
    send_invitations = forms.BooleanField(
        required=False, label="Invite the new people now",
        help_text="Leave it unticked to invite them later, from this page.")


class TwoFactorRequirementForm(forms.Form):
    """The roles whose people must sign in with a second factor (the organization settings page)."""

    roles = forms.MultipleChoiceField(
        choices=Membership.Role.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Require a second factor for",
        help_text="People with these roles set up an authenticator app at their next sign-in, before anything else.")
