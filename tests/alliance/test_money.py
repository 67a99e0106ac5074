"""alliance.money: one rule for currencies, used by every model, form and serializer that takes one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.money import MONEY_CURRENCIES, clean_currency, validate_currency


@pytest.mark.parametrize("code", ["EUR", "USD", "JPY", "CHF", "XOF", "XAF", "XCD", "XPF", " eur "])
def test_money_currencies_are_taken(code):
    assert clean_currency(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["AAA", "XXX", "XTS", "XAU", "XAG", "XDR", "XBA", "USN", "CHE", "EU", "EURO",
                                  "", "E1R", "€"])
def test_codes_that_are_not_money_are_refused(code):
    with pytest.raises(ValidationError, match="ISO 4217"):
        clean_currency(code)


def test_the_validator_wants_the_stored_form():
    validate_currency("EUR")
    with pytest.raises(ValidationError):
        validate_currency("eur")
    assert len(MONEY_CURRENCIES) > 150
