from __future__ import annotations

from django import forms

from alumni.engage_models import MAX_BENEFIT_TEXT, MAX_EVENT_CAPACITY, MAX_EVENT_TEXT, MAX_NEWS_BODY
from alumni.models import (
    BenefitKind,
    BenefitTier,
    NewsletterFrequency,
)


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
    link = forms.URLField(required=False, assume_scheme="https", label="Link (online event)")
    capacity = forms.IntegerField(min_value=1, max_value=MAX_EVENT_CAPACITY, required=False,
                                  help_text="Empty: no limit. When full, people join the waiting list.")
