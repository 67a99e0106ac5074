"""The one shape of a page that changes something through a service (create, edit, delete, close).

``form_submit``: a valid POST calls the service with the form's cleaned data; on success a message
and a redirect; an ``ApplicationError`` becomes the form's errors and the page is shown again (400).
An edit form given its row's version (``alliance.versions.track``) saves only over that version: a
stale save changes nothing and shows both versions (409).
``action_submit``: the same for a button without a form; a refusal is shown as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.versions import save_tracked, status_of

T = TypeVar("T")


def _message(success: str | Callable[[Any], str], result: Any) -> str:
    return success(result) if callable(success) else success


def form_submit(request: HttpRequest, form, *, save: Callable[[dict], T], success: str | Callable[[T], str],
                then: Callable[[T], HttpResponse], page: Callable[[int], HttpResponse]) -> HttpResponse:
    """On a valid POST: ``save(cleaned_data)``, the ``success`` message (text, or made from what ``save``
    returned) and ``then(result)`` (the redirect). Otherwise ``page(status)``: 400 when the form has errors,
    409 when a tracked form was rendered from a version someone else has changed since."""
    if request.method == "POST" and form.is_valid():
        try:
            if getattr(form, "tracked", None) is not None:
                result = save_tracked(form, lambda: save(form.cleaned_data))
            else:
                result = save(form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _message(success, result))
            return then(result)
    return page(status_of(form, posted=bool(form.errors)))


def action_submit(request: HttpRequest, *, act: Callable[[], T], success: str | Callable[[T], str],
                  then: Callable[[T | None], HttpResponse],
                  refused: Callable[[], HttpResponse] | None = None) -> HttpResponse:
    """``act()``, the ``success`` message and ``then(result)``. A refusal (``ApplicationError``) is shown as
    an error message and answered by ``refused()`` — or by ``then(None)`` when there is no ``refused``."""
    try:
        result = act()
    except ApplicationError as error:
        messages.error(request, error.message)
        return refused() if refused is not None else then(None)
    messages.success(request, _message(success, result))
    return then(result)
