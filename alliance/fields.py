"""Model fields the apps share."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """Free text with a maximum length that the model enforces.

    Django's ``TextField`` only hands ``max_length`` to the form it generates; this one also
    validates it in ``full_clean`` (which every service calls), so a 1 MB text is refused by
    the model, the forms and the API serializers alike, with the same bound.
    """

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        if max_length is None:
            raise TypeError("BoundedTextField needs a max_length.")
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))
