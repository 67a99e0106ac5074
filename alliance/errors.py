from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the domain said no. Views show it as form errors, the API as 400."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
