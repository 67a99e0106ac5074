"""Money currencies: the one rule for which ISO 4217 codes an amount of money may carry.

ISO 4217 also lists codes that are not money anyone pays with: precious metals (XAU, XAG, XPD, XPT),
bond-market and accounting units (XBA–XBD, XDR, XUA, XSU, XAD), the testing and "no currency" codes
(XTS, XXX) and fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW). Every model, form, serializer
and service that takes a currency uses ``clean_currency`` or ``validate_currency`` from here.
"""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError

from alliance.errors import field_error

NOT_MONEY = frozenset({
    "XAD", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
    "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW",
})
MONEY_CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_MONEY
CURRENCY_MESSAGE = "“{code}” is not the ISO 4217 code of a currency (e.g. EUR, USD, JPY)."


def is_money_currency(code: str) -> bool:
    return code in MONEY_CURRENCIES


def currency_error(code: str) -> str:
    return CURRENCY_MESSAGE.format(code=(code or "")[:10])


def validate_currency(value: str) -> None:
    """Model and form validator: the stored code must be a money currency, in capitals."""
    if not is_money_currency(value):
        raise ValidationError(currency_error(value), code="invalid_currency")


def clean_currency(code: str | None) -> str:
    """The code as stored (trimmed, capitals), or ValidationError when it is not a money currency."""
    cleaned = (code or "").strip().upper()
    validate_currency(cleaned)
    return cleaned


def clean_currency_field(code: str | None, field: str = "currency") -> str:
    """``clean_currency`` for a service: a code that is not a money currency is an ``ApplicationError`` on
    ``field`` (a 400 with the field's error in the API, a form error in the page)."""
    try:
        return clean_currency(code)
    except ValidationError as error:
        raise field_error(field, error.messages[0]) from None
