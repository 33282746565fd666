"""Money: Decimal with two places, one rounding rule, Italian formatting."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")


class MoneyField(models.DecimalField):
    """A euro amount: numeric(12, 2) in the database, Decimal in Python."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_digits") == 12:
            del kwargs["max_digits"]
        if kwargs.get("decimal_places") == 2:
            del kwargs["decimal_places"]
        return name, path, args, kwargs


def quantize(value: Decimal | int | str | None) -> Decimal:
    """Round to cents with ROUND_HALF_UP; also cleans SQLite's inexact aggregates."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        # SQLite returns Sum() of numeric columns as float: go through str, never arithmetic.
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euro(value: Decimal | int | str | None) -> str:
    """1234.5 -> '1.234,50 €' (Italian grouping and decimal comma)."""
    if value is None or value == "":
        return ""
    try:
        amount = quantize(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"
