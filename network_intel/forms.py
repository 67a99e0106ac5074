from __future__ import annotations

from django import forms

from network_intel.models import SEARCH_LANGUAGES, Contact, IntelNote, SourceKind, Visibility
from network_intel.selectors import SORTS


class NoteForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), help_text="Markdown: **bold**, lists, links.")
    companies = forms.CharField(
        required=False, help_text="Comma-separated. Start typing to pick one the organization knows.",
        widget=forms.TextInput(attrs={"list": "company-options", "autocomplete": "off"}),
    )
    tags = forms.CharField(
        required=False, help_text="Comma-separated topics; the organization's vocabulary is suggested.",
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )
    contacts = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False,
                                              help_text="Your own contacts this is about.")
    source_kind = forms.ChoiceField(label="Where you learned it", choices=SourceKind.choices)
    learned_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    visibility = forms.ChoiceField(label="Who may see it", choices=Visibility.choices,
                                   initial=Visibility.ORGANIZATION)
    useful_until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contacts is not None:
            self.fields["contacts"].queryset = contacts


def split_names(value: str) -> list[str]:
    seen, names = set(), []
    for name in (value or "").split(","):
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


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
    name = forms.CharField(max_length=200)
    domain = forms.CharField(max_length=253, required=False, help_text="e.g. acme.com")
    industry = forms.CharField(max_length=100, required=False)
    allow_similar = forms.BooleanField(required=False, label="It is not one of the similar companies")


class ContactForm(forms.ModelForm):
    company_name = forms.CharField(label="Company", max_length=200,
                                   widget=forms.TextInput(attrs={"list": "company-options", "autocomplete": "off"}))

    class Meta:
        model = Contact
        fields = ["name", "title", "met_where", "introduced_by", "strength", "last_talked_on", "email", "phone",
                  "personal_notes"]
        widgets = {"last_talked_on": forms.DateInput(attrs={"type": "date"}),
                   "personal_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introduced_by"].queryset = colleagues
        self.fields["introduced_by"].label_from_instance = lambda m: m.user.full_name


class IntroductionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              help_text="Why you would like to meet them; your colleague decides.")


class AnswerForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class TagForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=200, required=False)


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, max_value=2**63 - 1, label="Merge into company")


class SettingsForm(forms.Form):
    search_language = forms.ChoiceField(choices=SEARCH_LANGUAGES)


NOTE_FIELDS = [name for name in IntelNote.EDITABLE]
