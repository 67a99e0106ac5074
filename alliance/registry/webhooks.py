"""The registry's webhook events: the event types apps send to REST clients' endpoints (alliance.webhooks)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EVENT_TYPE = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")


@dataclass(frozen=True)
class WebhookEvent:
    type: str  # "tour.accepted"
    description: str
    # The API's output serializer of the resource: the event's ``data`` is what the API answers for it.
    serializer: Any
    resource: str  # "tour": with the row's id, what the order of deliveries is kept by
    order: int = 100
    # load(instance, viewer) -> the instance as the API reads it for ``viewer`` (annotations, prefetches);
    # None: the instance the service passed.
    load: Callable[[Any, Any], Any] | None = None


_WEBHOOK_EVENTS: dict[str, WebhookEvent] = {}
# One derived serializer per resource serializer and exclusions: the events of one resource (checkpoint.moved,
# checkpoint.held) share its component in the schema.
_DERIVED: dict[tuple[Any, tuple[str, ...]], Any] = {}


def _without(serializer: Any, exclude: tuple[str, ...]) -> Any:
    """``serializer`` without the ``exclude`` fields (confidential notes an event never carries)."""
    if not exclude:
        return serializer
    key = (serializer, tuple(sorted(exclude)))
    if key not in _DERIVED:
        _DERIVED[key] = _derive(serializer, exclude)
    return _DERIVED[key]


def _derive(serializer: Any, exclude: tuple[str, ...]) -> Any:
    meta = type("Meta", (serializer.Meta,), {"fields": [name for name in serializer.Meta.fields
                                                        if name not in exclude]})
    name = serializer.__name__.removesuffix("Serializer").removesuffix("Output") + "EventDataSerializer"
    return type(name, (serializer,), {"Meta": meta, **{field: None for field in exclude
                                                          if field in getattr(serializer, "_declared_fields", {})}})


def register_webhook_event(type: str, *, description: str, serializer: Any, resource: str,  # noqa: A002
                           order: int = 100, exclude: tuple[str, ...] = (),
                           load: Callable[[Any, Any], Any] | None = None) -> None:
    """An event type REST clients may subscribe to; the app sends it from its services with
    ``alliance.webhooks.events.webhook_event_emit(type, instance)``. ``serializer`` is the API's output
    serializer of the resource, less the ``exclude`` fields (confidential free text); ``load`` reads the
    instance as the API does for a viewer, when its serializer needs more than the row."""
    if not EVENT_TYPE.fullmatch(type) or len(type) > 60:
        raise ValueError(f"A webhook event type is 'resource.action' in lower case: {type!r}")
    if not description.strip():
        raise ValueError("Describe when the event happens.")
    _WEBHOOK_EVENTS[type] = WebhookEvent(type=type, description=description, serializer=_without(serializer, exclude),
                                         resource=resource, order=order, load=load)


def webhook_events() -> dict[str, WebhookEvent]:
    """Every event type, in the catalog's order."""
    ordered = sorted(_WEBHOOK_EVENTS.values(), key=lambda item: (item.order, item.type))
    return {item.type: item for item in ordered}
