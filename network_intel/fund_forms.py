"""Forms of the networking-fund pages. Bounds come from the models; the rules are the services'."""

from __future__ import annotations

from django import forms

from alliance.models import Membership
from network_intel.fund_models import (
    MERCHANT_MAX_LENGTH,
    MONEY_DIGITS,
    MONEY_PLACES,
    RATE_DIGITS,
    RATE_PLACES,
    REFUSAL_MAX_LENGTH,
    ExpenseKind,
    FundPolicy,
)
from network_intel.models import Contact, IntelNote, Visibility

REPORT_BACK_CHOICES = [(v, label) for v, label in Visibility.choices if v != Visibility.PRIVATE]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.heic,.webp,"
                                                                       "application/pdf,image/*",
                                                             "data-receipt-input": "true"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def money(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


class ExpenseForm(forms.Form):
    spent_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=ExpenseKind.choices)
    merchant = forms.CharField(max_length=MERCHANT_MAX_LENGTH, help_text="The café, restaurant or event.")
    amount = money("Amount", min_value=0)
    currency = forms.CharField(max_length=3, min_length=3, help_text="ISO 4217, e.g. EUR.")
    exchange_rate = forms.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, required=False,
                                       help_text="For another currency: one unit in the organization's currency. "
                                                 "Leave empty to use HR's rate table.")
    contacts = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False,
                                              label="People met (your contacts)")
    met_names = forms.CharField(label="People met (typed in)", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="One per line: name, company — for people not among your contacts.")
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why this meeting mattered.")
    receipts = MultipleFileField(required=False, help_text="PDF, JPEG, PNG, HEIC or WebP, up to 10 MB each.")

    def __init__(self, *args, member: Membership, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("currency", member.organization.currency)
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = (Contact.objects.for_org(member.organization_id).filter(owner=member)
                                            .select_related("company").order_by("name", "id"))
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} ({c.company.name})"


class ReceiptsForm(forms.Form):
    receipts = MultipleFileField(help_text="PDF, JPEG, PNG, HEIC or WebP, up to 10 MB each.")


class ApproveForm(forms.Form):
    acknowledge_over_budget = forms.BooleanField(required=False, label="I know it goes over the budget")
    not_duplicate = forms.BooleanField(required=False, label="It is not a duplicate")


class RefuseForm(forms.Form):
    reason = forms.CharField(max_length=REFUSAL_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="The member sees it.")


class ReportBackForm(forms.Form):
    title = forms.CharField(max_length=200, label="What did you learn? (a title)")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text="Markdown.")
    visibility = forms.ChoiceField(choices=REPORT_BACK_CHOICES, initial=Visibility.TEAM)


class LinkNoteForm(forms.Form):
    note = forms.ModelChoiceField(queryset=IntelNote.objects.none(), label="A note you wrote already")

    def __init__(self, *args, notes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if notes is not None:
            self.fields["note"].queryset = notes


class PolicyForm(forms.Form):
    period = forms.ChoiceField(choices=FundPolicy.Period.choices)
    amount = money("Budget per member per period", min_value=0)
    per_expense_max = money("Largest single expense", required=False, min_value=0)
    receipt_required_above = money("Receipt required above", min_value=0)
    cap_mode = forms.ChoiceField(choices=FundPolicy.CapMode.choices)
    rollover = forms.BooleanField(required=False, label="Unused budget rolls over to the next period")
    report_back_days = forms.IntegerField(min_value=1, max_value=60,
                                          label="Remind about the note after (days)")


class OverrideForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "—"), *Membership.Role.choices], required=False)
    team = forms.CharField(max_length=100, required=False)
    amount = money("Budget per member per period", min_value=0)


class RateForm(forms.Form):
    currency = forms.CharField(max_length=3, min_length=3)
    rate = forms.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES,
                              help_text="One unit of this currency in the organization's currency.")
    valid_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
