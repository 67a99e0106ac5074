"""Choosing a person or a company by typing: one widget, one field, one search endpoint per kind.

A list of people or companies longer than a screen is never a ``<select>`` of everyone. A
``SearchChoiceField`` renders ``SearchSelect``: a text input (the ARIA combobox) that asks its
search endpoint for at most ``SEARCH_LIMIT`` matches as one types (static/alliance/combobox.js),
and a hidden input carrying the chosen row's id. Without JavaScript the text input is a plain
field: the server resolves what was typed among the same rows, or says why it cannot.

Whom a person may pick is the app's rule: each app registers a *picker* (``register_people_picker``)
— a name and the function that gives a viewer's choosable rows (the selector that built the
dropdown before). The form field and the search endpoint both call it, so what is offered
while typing and what the form accepts can never differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string

from alliance.models import Membership

SEARCH_LIMIT = 20  # the most rows one search answers
SEARCH_TEXT_MAX = 100  # the longest text searched (characters)
TEXT_SUFFIX = "__text"  # the typed text's field name: "<field>__text"

PeopleScope = Callable[[Membership], "QuerySet[Membership] | None"]


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id, at most ``max_count`` of them: counted before the rows are looked up."""

    def __init__(self, queryset, *, max_count: int, **kwargs):
        self.max_count = max_count
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > self.max_count:
            raise forms.ValidationError(f"Choose at most {self.max_count}.", code="max_count")
        return super().clean(value)


@dataclass(frozen=True)
class PeoplePicker:
    name: str
    scope: PeopleScope  # the viewer's choosable memberships, or None when they may pick nobody here


_PEOPLE_PICKERS: dict[str, PeoplePicker] = {}


def register_people_picker(name: str, scope: PeopleScope) -> None:
    """Whom a viewer may choose in the fields named ``name`` (``"tours.employee"``): the same rows the form
    accepts. Registered from the app's ``AppConfig.ready()``; registering again replaces."""
    _PEOPLE_PICKERS[name] = PeoplePicker(name=name, scope=scope)


def people_picker(name: str) -> PeoplePicker | None:
    return _PEOPLE_PICKERS.get(name)


def choosable_people(viewer: Membership, picker: str) -> QuerySet[Membership]:
    """The memberships ``viewer`` may choose in ``picker``'s fields (none for an unknown picker)."""
    found = people_picker(picker)
    rows = found.scope(viewer) if found is not None else None
    return rows if rows is not None else Membership.objects.none()


def _search_text(text: str) -> str:
    return " ".join((text or "").split())[:SEARCH_TEXT_MAX]


def people_matching(rows: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    """Rows whose name has a word starting with ``text`` or whose e-mail starts with it, by name.

    Bounded by the caller's scope (one organization's memberships, filtered on an index that starts
    with ``organization_id``) and cut at ``SEARCH_LIMIT`` by the caller."""
    text = _search_text(text)
    if not text:
        return rows.order_by("sort_name", "id")
    return (rows.filter(Q(user__full_name__istartswith=text) | Q(user__full_name__icontains=f" {text}")
                        | Q(user__email__istartswith=text))
            .order_by("sort_name", "id"))


def person_name(member: Membership) -> str:
    return member.user.full_name or member.user.email


def person_option_label(member: Membership) -> str:
    from alliance.people import person_label

    return person_label(member)


# --- The widget ------------------------------------------------------------------------------------

PEOPLE_SEARCH_PATH = "pick/people/{picker}/"  # under the organization's root, /o/<slug>/


class SearchSelect(forms.Widget):
    """An ARIA combobox (text input + listbox) and a hidden input with the chosen id.

    ``search_path`` is the search endpoint under the organization's root (``/o/<slug>/``, which the
    page's ``<body data-org-root>`` gives the script). ``free=True``: the text itself is the value (a
    company's name, which may be new); the listbox only suggests. Attributes given to the widget that
    start with ``hx-`` or ``data-`` go on the input carrying the value, which fires ``change`` when a
    choice is made."""

    template_name = "alliance/widgets/search_select.html"

    def __init__(self, *, search_path: str, free: bool = False, attrs=None):
        super().__init__(attrs)
        self.search_path = search_path
        self.free = free
        self.label = ""  # the chosen row's label, shown in the text input
        self.typed: str | None = None  # what was typed, shown again when the form comes back

    def format_value(self, value):
        return "" if value is None else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or name
        on_value = {k: v for k, v in widget["attrs"].items() if k.startswith(("hx-", "data-"))}
        widget.update({
            "text_name": name if self.free else name + TEXT_SUFFIX,
            "text_value": widget["value"] if self.free else (self.typed if self.typed is not None else self.label),
            "text_attrs": {k: v for k, v in widget["attrs"].items() if k not in on_value},
            "value_attrs": on_value,
            "listbox_id": f"{widget_id}_listbox",
            "search_path": self.search_path,
            "free": self.free,
        })
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/alliance/widgets/), not the form renderer's own directories;
        # a rendered template is already safe HTML.
        return render_to_string(template_name, context)

    def value_from_datadict(self, data, files, name):
        if self.free:
            return data.get(name)
        return {"id": data.get(name), "text": data.get(name + TEXT_SUFFIX)}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def use_required_attribute(self, initial):
        return False  # the chosen id is what is required: the server says when it is missing


class _Resolves:
    """Finding the one row a typed text names among ``queryset`` (the field's ``match``, ``name_of`` and
    ``label_from_instance``): its whole label or name first, then a single match."""

    def resolve(self, text: str):
        rows = list(self.match(self.queryset, text)[:SEARCH_LIMIT + 1])
        folded = text.casefold()
        exact = [row for row in rows
                 if folded in (self.label_from_instance(row).casefold(), self.name_of(row).casefold())]
        if len(exact) == 1:
            return exact[0]
        if len(rows) == 1:
            return rows[0]
        if not rows:
            raise forms.ValidationError(self.error_messages["no_match"], code="no_match", params={"text": text})
        names = ", ".join(self.name_of(row) for row in rows[:3])
        raise forms.ValidationError(self.error_messages["several"], code="several",
                                    params={"text": text, "names": names})


class SearchChoiceField(_Resolves, forms.ModelChoiceField):
    """A row chosen by typing: the id the combobox chose, or — without JavaScript — the row the typed
    text names. Either way checked against ``queryset`` (another organization's row, or one the viewer
    may not choose, is refused with a clear message)."""

    default_error_messages = {
        "invalid_choice": "Select a valid choice: that is not one you can choose here. Pick one of the suggestions.",
        "no_match": "Nobody you can choose here matches “%(text)s”.",
        "several": "Several match “%(text)s” (%(names)s…): type more of the name, or pick one of the suggestions.",
    }

    def __init__(self, queryset=None, *, search_path: str,
                 match: Callable[[QuerySet, str], QuerySet] = people_matching,
                 option_label: Callable = person_option_label, name_of: Callable = person_name, **kwargs):
        self.match = match
        self.name_of = name_of
        kwargs.setdefault("widget", SearchSelect(search_path=search_path))
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset if queryset is not None else Membership.objects.none(), **kwargs)
        self.label_from_instance = option_label

    def clean(self, value):
        typed_id, text = (value.get("id"), value.get("text")) if isinstance(value, dict) else (value, None)
        typed_id = typed_id.strip() if isinstance(typed_id, str) else typed_id
        if text is None:  # a client that posts the id alone (a script, a form from before)
            return super().clean(typed_id)
        text = _search_text(text)
        if not text:
            return super().clean(None)
        if typed_id:
            chosen = super().clean(typed_id)
            if chosen is not None and _search_text(self.label_from_instance(chosen)) == text:
                return chosen
        return self.resolve(text)

    def has_changed(self, initial, data):
        if isinstance(data, dict):
            if data.get("text") is not None and not (data.get("id") or "").strip():
                return bool(_search_text(data["text"])) or initial not in (None, "")  # typed, not chosen
            data = data.get("id")
        return super().has_changed(initial, data)

    def prepare_value(self, value):
        if isinstance(value, dict):  # a bound form: what was chosen and what was typed
            self.widget.typed = value.get("text")
            value = value.get("id")
        if hasattr(value, "_meta"):
            chosen = value
        elif isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit()
                                        and len(value) <= 18):
            chosen = self.queryset.filter(pk=value).first()
        else:
            chosen = None
        self.widget.label = self.label_from_instance(chosen) if chosen is not None else ""
        return chosen.pk if chosen is not None else ""


# --- Several rows chosen by typing ----------------------------------------------------------------------

class SearchSelectMultiple(forms.Widget):
    """Several rows chosen by typing: the chosen ones as ticked checkboxes (untick to drop one) above an ARIA
    combobox that adds one more with each choice (static/alliance/combobox.js). Without JavaScript the text input
    takes names, separated by commas, that the server resolves; the checkboxes work as they are."""

    template_name = "alliance/widgets/search_select_multiple.html"

    def __init__(self, *, search_path: str, attrs=None):
        super().__init__(attrs)
        self.search_path = search_path
        self.chosen: list[tuple[object, str]] = []  # (id, label) of the rows chosen, shown ticked
        self.typed = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or name
        widget.update({"text_name": name + TEXT_SUFFIX, "text_value": self.typed, "chosen": self.chosen,
                       "listbox_id": f"{widget_id}_listbox", "chosen_id": f"{widget_id}_chosen",
                       "search_path": self.search_path})
        return context

    def _render(self, template_name, context, renderer=None):
        return render_to_string(template_name, context)

    def value_from_datadict(self, data, files, name):
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return {"ids": list(ids) if isinstance(ids, list | tuple) else [ids], "text": data.get(name + TEXT_SUFFIX)}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def use_required_attribute(self, initial):
        return False


class SearchMultipleChoiceField(_Resolves, BoundedModelMultipleChoiceField):
    """Several rows chosen by typing, at most ``max_count``: the ids ticked (each checked against ``queryset``)
    and, without JavaScript, the comma-separated names typed (each resolved among the same rows). Returns a list
    of rows in the order chosen."""

    default_error_messages = {
        **SearchChoiceField.default_error_messages,
        "max_count": "Choose at most %(max)s.",
    }

    def __init__(self, queryset=None, *, search_path: str, max_count: int,
                 match: Callable[[QuerySet, str], QuerySet] = people_matching,
                 option_label: Callable = person_option_label, name_of: Callable = person_name, **kwargs):
        self.match = match
        self.name_of = name_of
        kwargs.setdefault("widget", SearchSelectMultiple(search_path=search_path))
        super().__init__(queryset if queryset is not None else Membership.objects.none(), max_count=max_count,
                         **kwargs)
        self.label_from_instance = option_label

    def _parts(self, value) -> tuple[list[str], list[str]]:
        if isinstance(value, dict):
            ids, text = value.get("ids") or [], value.get("text") or ""
        else:
            ids, text = list(value or []), ""
        ids, text = ids[:self.max_count + 1], text[:(self.max_count + 1) * (SEARCH_TEXT_MAX + 2)]  # bounded reads
        ids = [str(getattr(item, "pk", item)).strip() for item in ids if str(getattr(item, "pk", item)).strip()]
        names = [_search_text(part) for part in text.replace("\n", ",").split(",")]
        return list(dict.fromkeys(ids)), [name for name in names if name]

    def clean(self, value):
        ids, names = self._parts(value)
        if len(ids) + len(names) > self.max_count:
            raise forms.ValidationError(self.error_messages["max_count"], code="max_count",
                                        params={"max": self.max_count})
        if not ids and not names:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        # Each id checked against the rows (not through ``clean``, which would call ``prepare_value``: that one
        # drops what is not among them, for showing the form again).
        chosen = list(self._check_values(ids)) if ids else []
        by_pk = {row.pk: row for row in chosen}
        ordered = [by_pk[int(pk)] for pk in ids if pk.isdigit() and int(pk) in by_pk]
        for name in names:
            row = self.resolve(name)
            if row.pk not in {r.pk for r in ordered}:
                ordered.append(row)
        if len(ordered) > self.max_count:
            raise forms.ValidationError(self.error_messages["max_count"], code="max_count",
                                        params={"max": self.max_count})
        return ordered

    def has_changed(self, initial, data):
        ids, names = self._parts(data)
        before = {str(getattr(item, "pk", item)) for item in (initial or [])}
        return bool(names) or set(ids) != before

    def prepare_value(self, value):
        ids, _ = self._parts(value)
        self.widget.typed = (value.get("text") or "") if isinstance(value, dict) else ""
        valid = [int(pk) for pk in ids if pk.isascii() and pk.isdigit() and len(pk) <= 18]
        rows = {row.pk: row for row in self.queryset.filter(pk__in=valid)} if valid else {}
        self.widget.chosen = [(pk, self.label_from_instance(rows[pk])) for pk in valid if pk in rows]
        return [pk for pk, _ in self.widget.chosen]


def person_field(picker: str, **kwargs) -> SearchChoiceField:
    """A person chosen by typing, among whom ``picker`` lets the viewer choose (set the field's queryset
    with ``choosable_people`` or the selector the picker registers)."""
    return SearchChoiceField(search_path=PEOPLE_SEARCH_PATH.format(picker=picker), **kwargs)


def people_field(picker: str, *, max_count: int, **kwargs) -> SearchMultipleChoiceField:
    """Several people chosen by typing, among whom ``picker`` lets the viewer choose."""
    return SearchMultipleChoiceField(search_path=PEOPLE_SEARCH_PATH.format(picker=picker), max_count=max_count,
                                     **kwargs)


def _managers_for_hr(viewer: Membership) -> QuerySet[Membership] | None:
    from alliance.selectors import managers_for_org

    return managers_for_org(organization_id=viewer.organization_id) if viewer.is_hr else None


def register_core_pickers() -> None:
    """The core's own choices: a member's or an invitee's manager (HR's member and invitation pages)."""
    register_people_picker("alliance.managers", _managers_for_hr)
