"""Checklist templates per kind of exit, and the interview's question sets."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alliance.services import (
    full_clean_or_raise,
    model_update,
)
from alumni import rights
from alumni.limits import MAX_QUESTIONS_PER_SET
from alumni.models import ExitKind, ExitQuestion, ExitQuestionSet, ExitTemplate, ExitTemplateTask


@transaction.atomic
def exit_template_save(*, by: Membership, kind: str, name: str) -> ExitTemplate:
    rights.require_exit_runner(by)
    if kind not in ExitKind.values:
        raise field_error("kind", "Choose the kind of exit.")
    name = (name or "").strip() or f"{ExitKind(kind).label} checklist"
    template, _ = ExitTemplate.objects.for_org(by.organization_id).get_or_create(
        organization_id=by.organization_id, kind=kind, defaults={"name": name})
    if template.name != name:
        model_update(template, data={"name": name}, fields=["name"])
    return template


@transaction.atomic
def exit_template_task_add(
    *, template: ExitTemplate, by: Membership, title: str, assignee_role: str, due_offset_days: int,
    assignee_member: Membership | None = None,
) -> ExitTemplateTask:
    rights.require_exit_runner(by)
    if assignee_member is not None and (assignee_member.organization_id != by.organization_id
                                        or not assignee_member.is_active):
        raise field_error("assignee_member", "Choose an active member of this organization.")
    row = ExitTemplateTask(organization_id=by.organization_id, template=template, title=(title or "").strip(),
                           assignee_role=assignee_role, assignee_member=assignee_member,
                           due_offset_days=due_offset_days)
    full_clean_or_raise(row, exclude=["organization", "template"])
    row.save()
    return row


@transaction.atomic
def exit_template_task_remove(*, row: ExitTemplateTask, by: Membership) -> None:
    rights.require_exit_runner(by)
    row.delete()


@transaction.atomic
def question_set_save(*, by: Membership, name: str, is_default: bool,
                      question_set: ExitQuestionSet | None = None) -> ExitQuestionSet:
    rights.require_exit_runner(by)
    name = (name or "").strip()
    if not name:
        raise field_error("name", "Give the question set a name.")
    sets = ExitQuestionSet.objects.for_org(by.organization_id)
    if sets.filter(name__iexact=name).exclude(pk=getattr(question_set, "pk", None)).exists():
        raise field_error("name", "Another question set has this name.")
    if is_default:
        sets.filter(is_default=True).exclude(pk=getattr(question_set, "pk", None)).update(
            is_default=False, updated_at=timezone.now())
    if question_set is None:
        question_set = ExitQuestionSet(organization_id=by.organization_id, name=name, is_default=is_default)
        full_clean_or_raise(question_set, exclude=["organization"])
        question_set.save()
    else:
        model_update(question_set, data={"name": name, "is_default": is_default}, fields=["name", "is_default"])
    return question_set


@transaction.atomic
def question_add(*, question_set: ExitQuestionSet, by: Membership, text: str, kind: str,
                 choices: str = "") -> ExitQuestion:
    rights.require_exit_runner(by)
    position = ExitQuestion.objects.for_org(by.organization_id).filter(question_set=question_set).count()
    if position >= MAX_QUESTIONS_PER_SET:
        raise ApplicationError(f"A question set has at most {MAX_QUESTIONS_PER_SET} questions.",
                               field_errors={"text": ["The set is full."]})
    question = ExitQuestion(organization_id=by.organization_id, question_set=question_set,
                            text=(text or "").strip(), kind=kind, choices=(choices or "").strip(), position=position)
    full_clean_or_raise(question, exclude=["organization", "question_set"])
    question.save()
    return question


@transaction.atomic
def question_remove(*, question: ExitQuestion, by: Membership) -> None:
    rights.require_exit_runner(by)
    question.delete()
