"""Forms of the network-intelligence and networking-fund pages. Bounds come from the models; the rules are the
services'."""

from __future__ import annotations

from django import forms

from alliance.models import Membership
from alliance.pickers import SearchChoiceField, SearchMultipleChoiceField, SearchSelect, person_field
from network_intel.limits import (
    COMPANY_NAME_MAX,
    CONTACTS_MAX,
    MERCHANT_MAX_LENGTH,
    MESSAGE_MAX,
    MET_NAMES_MAX,
    NOTE_BODY_MAX,
    NOTE_COMPANIES_MAX,
    NOTE_COMPANIES_TEXT_MAX,
    NOTE_TAGS_MAX,
    NOTE_TAGS_TEXT_MAX,
    PURPOSE_MAX,
    REFUSAL_MAX_LENGTH,
    TAG_DESCRIPTION_MAX,
    TAG_MAX_LENGTH,
    TITLE_MAX,
)
from network_intel.models import (
    MONEY_DIGITS,
    MONEY_PLACES,
    RATE_DIGITS,
    RATE_PLACES,
    SEARCH_LANGUAGES,
    Company,
    Contact,
    ExpenseKind,
    FundPolicy,
    IntelNote,
    SourceKind,
    Visibility,
)
from network_intel.selectors import SORTS, companies_named, contact_label, contact_name, contacts_named, own_contacts

COMPANY_SEARCH_PATH = "intel/companies/pick/"  # under /o/<slug>/: network_intel.views.company_search
CONTACT_SEARCH_PATH = "intel/contacts/pick/"  # under /o/<slug>/: network_intel.views.contact_search


class NoteForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(max_length=NOTE_BODY_MAX, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text="Markdown: **bold**, lists, links.")
    companies = forms.CharField(
        required=False, max_length=NOTE_COMPANIES_TEXT_MAX,
        help_text=f"Comma-separated, at most {NOTE_COMPANIES_MAX}. Start typing to pick one the organization knows.",
        widget=forms.TextInput(attrs={"list": "company-options", "autocomplete": "off"}),
    )
    tags = forms.CharField(
        required=False, max_length=NOTE_TAGS_TEXT_MAX,
        help_text=f"Comma-separated topics, at most {NOTE_TAGS_MAX}; the organization's vocabulary is suggested.",
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )
    contacts = SearchMultipleChoiceField(queryset=Contact.objects.none(), required=False, max_count=CONTACTS_MAX,
                                         search_path=CONTACT_SEARCH_PATH, match=contacts_named,
                                         option_label=contact_label, name_of=contact_name,
                                         help_text="Your own contacts this is about: type a few letters of a name.")
    source_kind = forms.ChoiceField(label="Where you learned it", choices=SourceKind.choices)
    learned_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    visibility = forms.ChoiceField(label="Who may see it", choices=Visibility.choices,
                                   initial=Visibility.ORGANIZATION)
    useful_until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contacts is not None:
            self.fields["contacts"].queryset = contacts

    def clean_companies(self) -> str:
        return _check_names(self.cleaned_data["companies"], most=NOTE_COMPANIES_MAX, longest=COMPANY_NAME_MAX,
                            what="companies")

    def clean_tags(self) -> str:
        return _check_names(self.cleaned_data["tags"], most=NOTE_TAGS_MAX, longest=TAG_MAX_LENGTH, what="tags")


def _check_names(value: str, *, most: int, longest: int, what: str) -> str:
    """Comma-separated names: counted and measured here, before any is looked up or created."""
    names = split_names(value)
    if len(names) > most:
        raise forms.ValidationError(f"Name at most {most} {what} ({len(names)} given).")
    too_long = next((name for name in names if len(name) > longest), None)
    if too_long is not None:
        raise forms.ValidationError(f"“{too_long[:20]}…” is too long: at most {longest} characters each.")
    return value


def split_names(value: str) -> list[str]:
    seen, names = set(), []
    for name in (value or "").split(","):
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names




def _company_name(company: Company) -> str:
    return company.name


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=300, label="Search notes")
    company = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    tag = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    author = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    team = forms.CharField(required=False, max_length=100)
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *SourceKind.choices])
    learned_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    learned_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


class CompanyForm(forms.Form):
    name = forms.CharField(max_length=COMPANY_NAME_MAX)
    domain = forms.CharField(max_length=253, required=False, help_text="e.g. acme.com")
    industry = forms.CharField(max_length=100, required=False)
    allow_similar = forms.BooleanField(required=False, label="It is not one of the similar companies")




class ContactForm(forms.ModelForm):
    company_name = forms.CharField(label="Company", max_length=COMPANY_NAME_MAX,
                                   help_text="Start typing: the companies the organization knows are suggested.",
                                   widget=SearchSelect(search_path=COMPANY_SEARCH_PATH, free=True))
    introduced_by = person_field("network_intel.colleagues", required=False, label="Introduced by",
                                 help_text="A colleague who introduced you, if any: type a few letters of the name.")
    # Shown (as a checkbox) once the typed company is refused as close to one the organization has.
    new_company = forms.BooleanField(required=False, widget=forms.HiddenInput,
                                     label="It is a different company from the ones suggested")

    class Meta:
        model = Contact
        fields = ["name", "title", "met_where", "introduced_by", "strength", "last_talked_on", "email", "phone",
                  "personal_notes"]
        widgets = {"last_talked_on": forms.DateInput(attrs={"type": "date"}),
                   "personal_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introduced_by"].queryset = colleagues

    def ask_new_company(self) -> None:
        """The typed company is close to an existing one: show the box that confirms it is another."""
        self.fields["new_company"].widget = forms.CheckboxInput()


class IntroductionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=MESSAGE_MAX,
                              help_text="Why you would like to meet them; your colleague decides.")


class AnswerForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=MESSAGE_MAX)


class TagForm(forms.Form):
    name = forms.CharField(max_length=TAG_MAX_LENGTH)
    description = forms.CharField(max_length=TAG_DESCRIPTION_MAX, required=False)


class MergeForm(forms.Form):
    into = SearchChoiceField(queryset=Company.objects.none(), search_path=COMPANY_SEARCH_PATH, match=companies_named,
                             option_label=_company_name, name_of=_company_name, label="Merge into company",
                             help_text="Type a few letters of the company to keep.")

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["into"].queryset = companies


class SettingsForm(forms.Form):
    search_language = forms.ChoiceField(choices=SEARCH_LANGUAGES)


NOTE_FIELDS = [name for name in IntelNote.EDITABLE]


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
    contacts = SearchMultipleChoiceField(queryset=Contact.objects.none(), required=False, max_count=CONTACTS_MAX,
                                         search_path=CONTACT_SEARCH_PATH, match=contacts_named,
                                         option_label=contact_label, name_of=contact_name,
                                         label="People met (your contacts)",
                                         help_text="Type a few letters of a name or company.")
    met_names = forms.CharField(label="People met (typed in)", required=False, max_length=MET_NAMES_MAX,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text="One per line: name, company — for people not among your contacts.")
    purpose = forms.CharField(max_length=PURPOSE_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Why this meeting mattered.")
    receipts = MultipleFileField(required=False, help_text="PDF, JPEG, PNG, HEIC or WebP, up to 10 MB each.")

    def __init__(self, *args, member: Membership, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("currency", member.organization.currency)
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = own_contacts(member)


class ReceiptsForm(forms.Form):
    receipts = MultipleFileField(help_text="PDF, JPEG, PNG, HEIC or WebP, up to 10 MB each.")


class ApproveForm(forms.Form):
    acknowledge_over_budget = forms.BooleanField(required=False, label="I know it goes over the budget")
    not_duplicate = forms.BooleanField(required=False, label="It is not a duplicate")


class RefuseForm(forms.Form):
    reason = forms.CharField(max_length=REFUSAL_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="The member sees it.")


class ReportBackForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, label="What did you learn? (a title)")
    body = forms.CharField(max_length=NOTE_BODY_MAX, widget=forms.Textarea(attrs={"rows": 5}), help_text="Markdown.")
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
