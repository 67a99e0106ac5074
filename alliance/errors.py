from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the domain said no. Views show it as form errors, the API as 400."""

    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


def field_error(field: str, message: str) -> ApplicationError:
    """An ``ApplicationError`` about one field: the message, and the same message on that field."""
    return ApplicationError(message, field_errors={field: [message]})


class NotAllowed(ApplicationError):
    """The caller may see the object but may not do this to it: 403 in the API, the same
    message in the page. Something the caller may not even see is a 404 (Http404), never this."""

    status_code = 403
