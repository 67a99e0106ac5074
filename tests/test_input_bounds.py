"""Every text and every list a client can send has a bound: in the models, the forms and the API serializers.

An unbounded field is how 200,000 tags, a 1 MB note body or a 20,000-character expense purpose reached
the database. These scans walk every door and fail naming the field to fix:

* **API**: every input serializer of every API view the URL resolver reaches: the serializers the schema
  documents as request bodies, the nested ``InputSerializer``-style classes and the serializers of the API
  modules, and the fields of serializers nested in them. A serializer only ever used for responses is
  output, not input, and is skipped; so are read-only fields.
* **Forms**: every form class of every app's forms module (declared and model-generated fields, and the
  fields built per question in the exit interview's form).
* **Models**: every ``CharField``/``TextField`` has a ``max_length`` that ``full_clean`` enforces (a plain
  ``TextField`` only hands it to forms: ``BoundedTextField`` validates it), every ``ArrayField`` a ``size``;
  every ``JSONField`` is listed below with what bounds it.

Exempt kinds, and why:

* choice fields (``ChoiceField``, ``TypedChoiceField``, ``ModelChoiceField``; DRF ``ChoiceField``): the value
  must be one of the choices, so it is as long as the longest choice at most.
* multiple-choice fields over fixed choices (``MultipleChoiceField``): every value must be one of the choices,
  and a form post holds at most ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` values.
* numbers, dates, booleans: fixed size (their ranges are the field's own business).
* files: bounded by the request size limits (``MAX_REQUEST_BYTES``) and the upload checks.
* a model field computed by the database (``GeneratedField``): nobody types it.
"""

from __future__ import annotations

import importlib
import inspect
import sys

import pytest
from django import forms
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.views import APIView

from alliance.forms import BoundedModelMultipleChoiceField

APPS = ("alliance", "tours", "network_intel", "alumni")

# JSON written by the app only, never taken from a client as it is: how each one is bounded.
# Part of one rendered e-mail: bounded with the whole message by EMAIL_MESSAGE_MAX_BYTES (alliance.outbox, and a
# database constraint).
EMAIL_PART = "part of one rendered e-mail, bounded with the whole message"
AUDIT_CONTEXT = ("who and where (ids, a source word, the address cut to 200 characters, a token prefix, a task "
                 "name): written by the trigger from alliance.history.context, never from input")
JSON_FIELDS = {
    "alliance.BackgroundJob.params": "written by the services only: an export's or import's bounded options",
    "tours.TourRevision.changes": "the old and new values of a tour's bounded fields",
    "tours.TourAmendment.changes": "the proposed values of a tour's bounded terms (validated like the tour)",
    "tours.TourAmendment.diff": "computed from the bounded changes",
    "network_intel.IntelNoteRevision.changes": "the old and new values of a note's bounded fields and links",
    "alumni.ErasureRecord.kept": "counts of what was kept",
    "alliance.OutboundEmail.alternatives": EMAIL_PART,
    "alliance.OutboundEmail.attachments": EMAIL_PART,
    "alliance.OutboundEmail.headers": EMAIL_PART,
    "alliance.SystemEmail.alternatives": EMAIL_PART,
    "alliance.SystemEmail.attachments": EMAIL_PART,
    "alliance.SystemEmail.headers": EMAIL_PART,
    "alliance.IdempotentRequest.headers": "the few headers of the stored answer, written by the app from its own "
                                          "response (alliance.idempotency), never from the request",
    "alumni.ExitInterview.answers": "one answer per question of the set (MAX_QUESTIONS_PER_SET), each choice "
                                    "one of the question's or a text of MAX_ANSWER_TEXT (alumni.services.interviews)",
    "alliance.PeopleImport.rows": "the rows of an upload bounded in bytes and rows (IMPORT_MAX_BYTES, "
                                  "IMPORT_MAX_ROWS), each cell cut to its column's bound (alliance.services.imports)",
    "alliance.PeopleImport.preview": "one entry per row of the bounded rows, written by the app",
    "alliance.PeopleImport.unknown_columns": "at most UNKNOWN_COLUMNS_SHOWN_MAX header names of 100 characters",
    "alliance.PeopleImport.missing": "at most MISSING_SHOWN_MAX members, written by the app from the organization",
    "alliance.WebhookDelivery.payload": "an event written by the app from an API serializer's output (bounded "
                                        "fields), cut to its resource id past WEBHOOK_PAYLOAD_MAX_BYTES "
                                        "(alliance.webhooks.events)",
    # The audit trail's event tables: written by triggers only, never from a form or the API.
    "tours.TourRevisionEvent.changes": "a copy of tours.TourRevision.changes, written by its trigger",
    **{f"{label}.pgh_context": AUDIT_CONTEXT for label in (
        "alliance.MembershipEvent", "alliance.InvitationEvent", "tours.TourEvent", "tours.TourRevisionEvent",
        "tours.TourAmendmentEvent", "network_intel.FundPolicyEvent", "network_intel.ExpenseEvent",
        "alumni.ExitProcessEvent", "alumni.AlumniSettingsEvent")},
}


# --- API ---------------------------------------------------------------------------------------------------

def _patterns(resolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def _our_api_views() -> set[type[APIView]]:
    views = set()
    for pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "cls", None)
        if isinstance(view, type) and issubclass(view, APIView) and view.__module__.split(".")[0] in APPS:
            views.add(view)
    return views


def _serializer_classes_in(value) -> set[type[serializers.BaseSerializer]]:
    """The serializer classes a schema declaration names (a class, an instance, many=True, a dict of them)."""
    found = set()
    if isinstance(value, serializers.ListSerializer):
        found |= _serializer_classes_in(value.child)
    elif isinstance(value, serializers.BaseSerializer):
        found.add(type(value))
    elif isinstance(value, type) and issubclass(value, serializers.BaseSerializer):
        found.add(value)
    elif isinstance(value, OpenApiResponse):
        found |= _serializer_classes_in(value.response)
    elif isinstance(value, dict):
        for item in value.values():
            found |= _serializer_classes_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= _serializer_classes_in(item)
    return found


def _documented_serializers() -> tuple[set, set]:
    """The serializers the OpenAPI schema reads request bodies with, and those it answers with."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    requests, responses = set(), set()
    for path, path_regex, method, callback in generator.endpoints:
        if callback.cls.__module__.split(".")[0] not in APPS:
            continue
        view = generator.create_view(callback, method)
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.registry, schema.path, schema.path_regex = ComponentRegistry(), path, path_regex
        schema.path_prefix, schema.method = "", method.upper()
        if method.upper() in ("POST", "PUT", "PATCH"):
            requests |= _serializer_classes_in(schema.get_request_serializer())
        responses |= _serializer_classes_in(schema.get_response_serializers())
    return requests, responses


def _nested_in(cls: type[serializers.BaseSerializer]) -> set[type[serializers.BaseSerializer]]:
    """The serializers a serializer's fields hold: nested, many=True, a list's or dict's child, a method field's
    documented type."""
    instance, found = cls(), set()
    for field in getattr(instance, "fields", {}).values():
        for part in (field, getattr(field, "child", None)):
            found |= _serializer_classes_in(part)
        if isinstance(field, serializers.SerializerMethodField):
            method = getattr(instance, field.method_name, None)
            found |= _serializer_classes_in(getattr(method, "_spectacular_annotation", {}).get("field"))
    return found


def _with_nested(classes: set) -> set:
    found, todo = set(), list(classes)
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo += _nested_in(cls)
    return found


def _input_serializers() -> dict[str, type[serializers.BaseSerializer]]:
    requests, responses = _documented_serializers()
    requests, responses = _with_nested(requests), _with_nested(responses)
    candidates = set(requests)
    for view in _our_api_views():
        for value in [*vars(sys.modules[view.__module__]).values(), *vars(view).values()]:
            if (isinstance(value, type) and issubclass(value, serializers.BaseSerializer)
                    and not issubclass(value, serializers.ListSerializer)  # a list of a serializer found itself
                    and value.__module__.split(".")[0] in APPS):
                candidates.add(value)
    inputs = {cls for cls in candidates if cls in requests or cls not in responses}
    return {f"{cls.__module__}.{cls.__qualname__}": cls for cls in inputs}


def _serializer_problems(path: str, serializer: serializers.Serializer, seen: set) -> list[str]:
    problems = []
    for name, field in serializer.fields.items():
        where = f"{path}.{name}"
        if field.read_only:
            continue
        if isinstance(field, serializers.ListSerializer):
            if field.max_length is None:
                problems.append(f"{where}: a nested list (many=True) without max_length")
            field = field.child
        if isinstance(field, serializers.Serializer):
            if type(field) not in seen:
                problems += _serializer_problems(where, field, seen | {type(field)})
            continue
        problems += _field_problems(where, field)
    return problems


def _field_problems(where: str, field) -> list[str]:
    if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
        return []
    if isinstance(field, serializers.CharField):  # StrictCharField, EmailField, RegexField, URLField, SlugField …
        return [] if field.max_length else [f"{where}: {type(field).__name__} without max_length"]
    if isinstance(field, serializers.ListField):
        problems = [] if field.max_length else [f"{where}: ListField without max_length"]
        return problems + _field_problems(f"{where}[]", field.child)
    if isinstance(field, serializers.DictField | serializers.JSONField | serializers.HStoreField):
        return [f"{where}: {type(field).__name__} takes any JSON: give it declared, bounded fields"]
    return []


def test_the_scan_finds_the_input_serializers_of_every_app():
    found = _input_serializers()
    for name in ("network_intel.apis.notes.IntelNoteInputSerializer",
                 "network_intel.apis.expenses.ExpenseInputSerializer",
                 "tours.apis.checkpoints.RecordOutcomeInputSerializer",
                 "alumni.apis.exits.ExitUpdateInputSerializer"):
        assert name in found
    assert "network_intel.apis.notes.IntelNoteOutputSerializer" not in found


def test_every_text_and_list_field_of_the_api_input_has_a_bound():
    problems = []
    for path, cls in sorted(_input_serializers().items()):
        problems += _serializer_problems(path, cls(), {cls})
    assert not problems, "Unbounded API input (give each a max_length from the app's limits):\n" + "\n".join(problems)


# --- Forms -------------------------------------------------------------------------------------------------

def _form_classes() -> dict[str, type[forms.BaseForm]]:
    found = {}
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__):
                found[f"{module.__name__}.{name}"] = value
    return found


def _form_field_problems(where: str, field: forms.Field) -> list[str]:
    if isinstance(field, forms.ModelMultipleChoiceField):
        ok = isinstance(field, BoundedModelMultipleChoiceField)
        return [] if ok else [f"{where}: ModelMultipleChoiceField without a count (BoundedModelMultipleChoiceField)"]
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return []  # one of the choices; MultipleChoiceField: values among the choices
    if isinstance(field, forms.CharField):  # EmailField, URLField, SlugField, RegexField, JSONField …
        return [] if field.max_length else [f"{where}: {type(field).__name__} without max_length"]
    if hasattr(field, "base_field"):  # SimpleArrayField
        return [] if getattr(field, "max_length", None) else [f"{where}: array field without max_length"]
    return []


def _dynamic_fields() -> dict[str, dict[str, forms.Field]]:
    """Forms that build fields per row of data: built here on unsaved rows of each kind."""
    from alumni.forms import AnswersForm
    from alumni.models import ExitQuestion

    questions = [ExitQuestion(pk=n, text="?", kind=kind, choices="a\nb")
                 for n, kind in enumerate(ExitQuestion.Kind.values, start=1)]
    return {"alumni.forms.AnswersForm": AnswersForm(questions=questions).fields}


def test_every_text_and_list_field_of_the_forms_has_a_bound():
    problems = []
    dynamic = _dynamic_fields()
    for path, form_class in sorted(_form_classes().items()):
        for name, field in {**form_class.base_fields, **dynamic.get(path, {})}.items():
            problems += _form_field_problems(f"{path}.{name}", field)
    assert not problems, "Unbounded form fields (give each a max_length from the app's limits):\n" + "\n".join(
        problems)


# --- Models ------------------------------------------------------------------------------------------------

def _our_models():
    return [model for model in apps.get_models() if model._meta.app_label in APPS]


def _model_field_problems(model, field) -> list[str]:
    where = f"{model._meta.label}.{field.name}"
    if isinstance(field, models.GeneratedField):
        return []
    if isinstance(field, ArrayField):
        problems = [] if field.size else [f"{where}: ArrayField without size"]
        if isinstance(field.base_field, models.CharField | models.TextField) and not field.base_field.max_length:
            problems.append(f"{where}: ArrayField of text without max_length")
        return problems
    if isinstance(field, models.JSONField):
        return [] if where in JSON_FIELDS else [f"{where}: JSONField not listed in JSON_FIELDS with its bound"]
    if isinstance(field, models.CharField | models.TextField):
        if not field.max_length:
            return [f"{where}: {type(field).__name__} without max_length (use BoundedTextField)"]
        try:
            field.run_validators("x" * (field.max_length + 1))
        except ValidationError:
            return []
        return [f"{where}: max_length is not validated by full_clean (a TextField: use BoundedTextField)"]
    return []


def test_every_text_array_and_json_field_of_the_models_has_a_bound():
    problems = []
    for model in _our_models():
        for field in model._meta.concrete_fields:
            problems += _model_field_problems(model, field)
    assert not problems, "Unbounded model fields:\n" + "\n".join(problems)


@pytest.mark.parametrize("label", sorted(JSON_FIELDS))
def test_every_listed_json_field_still_exists(label):
    app_label, model_name, field_name = label.split(".")
    apps.get_model(app_label, model_name)._meta.get_field(field_name)


def test_the_scans_name_each_unbounded_field():
    from alliance.serializers import StrictCharField
    from network_intel.models import IntelNote

    class Sample(serializers.Serializer):
        text = StrictCharField()
        names = serializers.ListField(child=StrictCharField())
        bounded = serializers.ListField(child=StrictCharField(max_length=5), max_length=3)
        shown = StrictCharField(read_only=True)

    assert _serializer_problems("Sample", Sample(), {Sample}) == [
        "Sample.text: StrictCharField without max_length",
        "Sample.names: ListField without max_length",
        "Sample.names[]: StrictCharField without max_length",
    ]
    assert _form_field_problems("F.body", forms.CharField()) == ["F.body: CharField without max_length"]
    assert _form_field_problems("F.people", forms.ModelMultipleChoiceField(queryset=IntelNote.objects.none()))
    plain = models.TextField(max_length=10)
    plain.set_attributes_from_name("notes")
    assert _model_field_problems(IntelNote, plain) == [
        "network_intel.IntelNote.notes: max_length is not validated by full_clean (a TextField: use BoundedTextField)"]
