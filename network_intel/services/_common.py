"""Shared by the services: the field error they raise, and the networking fund's money checks."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from alliance.errors import field_error  # noqa: F401 (the services raise it)
from alliance.money import clean_currency_field as clean_currency  # noqa: F401 (the fund's services use it)
from network_intel.models.fund import ABSURD_AMOUNT, RATE_PLACES
from network_intel.selectors.fund import CENT

RATE_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
MAX_RATE = Decimal("1000000")


# --- Money ------------------------------------------------------------------------------------------

def clean_amount(value, field: str = "amount", *, allow_zero: bool = False) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise field_error(field, "Give an amount such as 42.50.") from None
    if not amount.is_finite():
        raise field_error(field, "Give an amount such as 42.50.")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise field_error(field, "The amount must be more than zero.")
    if amount > ABSURD_AMOUNT:
        raise field_error(field, f"{amount} is not a networking expense: at most {ABSURD_AMOUNT:,} per expense.")
    if amount != amount.quantize(CENT):
        raise field_error(field, "Give at most two decimals.")
    return amount.quantize(CENT)


def clean_rate(value, field: str = "exchange_rate") -> Decimal:
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise field_error(field, "Give the rate as a number, e.g. 1.0842.") from None
    if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
        raise field_error(field, "The rate must be a positive number.")
    rate = rate.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)
    if rate <= 0:
        raise field_error(field, f"The rate must be at least {RATE_QUANTUM}.")
    return rate


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """The amount in the organization's currency: rounded once, half up, to the cent."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
