"""Forms of job openings, CV and photo uploads and alumni sharing (they only shape input: the rules
are in ``alumni.reach_services``)."""

from __future__ import annotations

from django import forms

from alumni.models import MAX_REFERRAL_TEXT, AlumniNoteReach, Opening
from alumni.reach_models import MAX_OPENING_TEXT

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
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
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
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000,
                           help_text="Markdown works.")
    company = forms.CharField(max_length=200, required=False, help_text="For intelligence: the company it is about.")
    visibility = forms.ChoiceField(choices=AlumniNoteReach.choices, label="Who sees it")

    def __init__(self, *args, kinds=("feedback", "intel"), visibilities=tuple(AlumniNoteReach.values), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] in kinds]
        self.fields["visibility"].choices = [c for c in AlumniNoteReach.choices if c[0] in visibilities]
        if "intel" not in kinds:
            del self.fields["company"]
            self.fields["kind"].initial = "feedback"
