"""The forms of the webhook settings pages (alliance.webhooks.views)."""

from __future__ import annotations

from django import forms

from alliance.models import WEBHOOK_DESCRIPTION_MAX, WEBHOOK_EVENT_TYPES_MAX, WEBHOOK_URL_MAX
from alliance.registry import webhook_events


class BoundedMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > self.max_count:
            raise forms.ValidationError(f"Choose at most {self.max_count}.", code="max_count")
        return super().clean(value)


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label="URL", max_length=WEBHOOK_URL_MAX, assume_scheme="https",
                         help_text="An https address of your system that answers 2xx within 10 seconds.")
    description = forms.CharField(max_length=WEBHOOK_DESCRIPTION_MAX, required=False,
                                  help_text="What it is for (yours to read).")
    event_types = BoundedMultipleChoiceField(label="Events", max_count=WEBHOOK_EVENT_TYPES_MAX,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(spec.type, f"{spec.type} — {spec.description}")
                                              for spec in webhook_events().values()]


class ChatConnectionForm(forms.Form):
    """One's own Slack or Teams incoming webhook and the notification kinds sent there."""

    url = forms.URLField(label="Incoming webhook URL", max_length=WEBHOOK_URL_MAX, assume_scheme="https")
    kinds = BoundedMultipleChoiceField(label="Send these there", max_count=WEBHOOK_EVENT_TYPES_MAX, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        from alliance.registry import notification_kinds

        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind, item.label) for kind, item in notification_kinds().items()]
