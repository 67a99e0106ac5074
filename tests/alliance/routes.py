"""Every route the project serves, read from the URL resolver.

Sweeps built on this cover routes added later (by any app) without being edited.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# An id no test ever creates: "an object that does not exist here" for kinds we cannot name.
UNKNOWN_ID = 2_000_000_017


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "/o/<slug:org_slug>/members/<int:membership_id>/"
    name: str | None
    callback: object
    converters: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The route with each parameter shown as its converter, e.g. /o/<slug>/members/<int>/."""
        return PARAMETER.sub(lambda m: f"<{m['converter'] or 'str'}>", self.route)

    @property
    def int_kwargs(self) -> list[str]:
        return [name for name, converter in self.converters.items() if converter == "int"]

    def build(self, kwargs: dict[str, object]) -> str:
        return PARAMETER.sub(lambda m: str(kwargs[m["name"]]), self.route)

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)


def iter_routes(resolver: URLResolver, prefix: str = "/") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            continue  # regex routes (the operators' admin) are not tenant routes
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            yield from iter_routes(entry, route)
        elif isinstance(entry, URLPattern):
            converters = {m["name"]: m["converter"] or "str" for m in PARAMETER.finditer(route)}
            yield Route(route=route, name=entry.name, callback=entry.callback, converters=converters)


def fill_kwargs(route: Route, *, org_slug: str = "", own_ids: dict[str, int] | None = None) -> dict[str, object]:
    """Values for every parameter: the given slug and ids, an unknown id, or an unknown word."""
    own_ids = own_ids or {}
    values: dict[str, object] = {}
    for name, converter in route.converters.items():
        if name == "org_slug":
            values[name] = org_slug
        elif name in own_ids:
            values[name] = own_ids[name]
        elif converter == "int":
            values[name] = UNKNOWN_ID
        elif converter == "uuid":
            values[name] = uuid.UUID(int=UNKNOWN_ID)
        else:
            values[name] = "no-such-thing"
    return values


def model_for_kwarg(route: Route, name: str):
    """The tenant model an int parameter most likely names, or None.

    From the parameter's name (``membership_id`` → Membership, ``token_id`` →
    ApiToken), a DRF view's queryset or serializer, or the path segment before it
    (``/agenda-items/<int:item_id>/`` → AgendaItem, ``/tours/<int:pk>/`` → Tour).
    """
    import pghistory.models
    from django.apps import apps

    from alliance.rls import is_tenant_model

    # The audit trail's event tables (``MembershipEvent``, ``TourEvent``…) are named by no route's int parameter:
    # left out, so ``event_id`` still names the alumni event.
    tenant_models = [model for model in apps.get_models()
                     if is_tenant_model(model) and not issubclass(model, pghistory.models.Event)]
    if name in ("pk", "id"):
        view = route.view_class
        queryset = getattr(view, "queryset", None)
        model = getattr(queryset, "model", None) or getattr(getattr(view, "serializer_class", None), "Meta", None)
        model = getattr(model, "model", model) if model is not None else None
        if model is not None and is_tenant_model(model):
            return model
    stems = [] if name in ("pk", "id") else [name.removesuffix("_id").replace("_", "")]
    before = re.search(r"/([\w-]+)/<int:" + re.escape(name) + ">", route.route)
    if before:
        stems.append(before.group(1).replace("-", "").removesuffix("s"))
    for stem in stems:
        exact = [m for m in tenant_models if m._meta.model_name == stem]
        if exact:
            return exact[0]
        ending = [m for m in tenant_models if m._meta.model_name.endswith(stem)]
        if len(ending) == 1:
            return ending[0]
    return None
