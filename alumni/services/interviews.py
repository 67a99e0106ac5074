"""The exit interview: scheduling it, and the answers of the leaver or of HR."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alliance.reminders import notify
from alliance.services import (
    full_clean_or_raise,
)
from alumni import rights
from alumni.limits import MAX_ANSWER_TEXT, MAX_QUESTIONS_PER_SET
from alumni.models import ExitInterview, ExitQuestion
from alumni.services._common import _require_open

EXIT_INTERVIEW_INVITE = "exit_interview_invite"


@transaction.atomic
def exit_interview_schedule(
    *, interview: ExitInterview, by: Membership, scheduled_at: datetime | None, duration_minutes: int,
    location: str = "", interviewer: Membership | None = None,
) -> ExitInterview:
    """Schedule (or move) the conversation; leaver and interviewer get a calendar invite."""
    rights.require_exit_runner(by)
    _require_open(interview.process)
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise field_error("scheduled_at", "Give the date and time of the conversation.")
    if scheduled_at < timezone.now():
        raise field_error("scheduled_at", "The conversation must be in the future.")
    interviewer = interviewer or by
    if interviewer.organization_id != by.organization_id or not rights.can_run_exits(interviewer):
        raise field_error("interviewer", "The interviewer must be HR or an administrator of this organization.")
    interview.scheduled_at, interview.duration_minutes = scheduled_at, duration_minutes
    interview.location, interview.interviewer = (location or "").strip(), interviewer
    interview.status = ExitInterview.Status.SCHEDULED
    interview.sequence += 1
    full_clean_or_raise(interview, exclude=["organization", "process", "question_set"])
    interview.save()
    window = f"seq{interview.sequence}"
    for person in {interview.process.member, interviewer}:
        notify(kind=EXIT_INTERVIEW_INVITE, subject_id=interview.pk, recipient=person, window=window)
    return interview


def _clean_answers(interview: ExitInterview, answers: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(answers, dict) or len(answers) > MAX_QUESTIONS_PER_SET:
        raise ApplicationError("More answers than an interview has questions.",
                               field_errors={"answers": [f"At most {MAX_QUESTIONS_PER_SET}."]})
    questions = {str(q.pk): q for q in ExitQuestion.objects.for_org(interview.organization_id).filter(
        question_set_id=interview.question_set_id)}
    unknown = [key for key in answers if str(key) not in questions]
    if unknown:
        raise ApplicationError("These answers are for questions of another interview.",
                               field_errors={"answers": [f"Unknown question {unknown[0]}."]})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in answers.items():
        question = questions[str(key)]
        field = f"q{question.pk}"
        if value in (None, ""):
            continue
        if question.kind == ExitQuestion.Kind.SCALE:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                errors[field] = ["Choose a number from 1 to 5."]
                continue
            cleaned[str(question.pk)] = number
        elif question.kind == ExitQuestion.Kind.CHOICE:
            if value not in question.choice_list:
                errors[field] = ["Choose one of the choices."]
                continue
            cleaned[str(question.pk)] = value
        else:
            text = str(value).strip()
            if len(text) > MAX_ANSWER_TEXT:
                errors[field] = [f"Keep the answer under {MAX_ANSWER_TEXT:,} characters."]
                continue
            cleaned[str(question.pk)] = text
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], field_errors=errors)
    return cleaned


@transaction.atomic
def exit_interview_answer(*, interview: ExitInterview, by: Membership, answers: dict[str, Any],
                          held: bool = False) -> ExitInterview:
    """The leaver answers in advance, or HR records the conversation's answers (``held``)."""
    rights.require_interview_answerer(by, interview)
    if held and not rights.can_run_exits(by):
        raise ApplicationError("Only HR marks the conversation as held.")
    interview.answers = {**interview.answers, **_clean_answers(interview, answers)}
    interview.answered_at = timezone.now()
    fields = ["answers", "answered_at", "updated_at"]
    if held:
        interview.status = ExitInterview.Status.HELD
        fields.append("status")
    interview.save(update_fields=fields)
    return interview
