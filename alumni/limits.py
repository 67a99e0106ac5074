"""The longest text and the longest lists the alumni network takes (characters, items).

One constant per bound, used by the models (``max_length``), the forms, the API serializers and the services
alike, so an oversized input is refused in every door with the same limit, before the database sees it.
"""

from __future__ import annotations

# The exit process.
MAX_EXIT_NOTE = 2_000  # ExitProcess.hr_note, rehire_reason, alumni_despite_note
MAX_QUESTIONS_PER_SET = 50  # an exit interview's questions; its answers are one per question
MAX_QUESTION_CHOICES = 20  # the choices of one question, one per line ...
MAX_CHOICES_TEXT = 2_000  # ... in ExitQuestion.choices
MAX_ANSWER_TEXT = 5_000  # a written answer in ExitInterview.answers
MAX_LEAVER_NOTE = 2_000  # LeaverStep.note: what the leaver would like from the network
MAX_URL = 200  # LeaverStep.linkedin_url, Event.link (Django's URLField default)

# The network.
MAX_REFERRAL_TEXT = 5_000  # Referral.why / status_note, CustomerLead.need, Boomerang.message / decline_note
MAX_APPLICATION_TEXT = 4_000  # an application to an opening, kept in a Boomerang.message with the job's title
MAX_TOUR_TITLES = 10_000  # AlumniProfile.tour_titles: their tours' titles, one per line (written by the app)
MAX_BENEFIT_TEXT = 5_000  # Benefit.description, how_to_claim
MAX_EVENT_TEXT = 5_000  # Event.description
MAX_NEWS_BODY = 20_000  # NewsPost.body (Markdown)
MAX_NEWS_HTML = 100_000  # NewsPost.body_html, rendered from it
MAX_OPENING_TEXT = 10_000  # Opening.description
