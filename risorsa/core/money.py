"""Money: Decimal with two places, one rounding rule, Italian formatting."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"


_ITALIAN_UNITS = re.compile(r"\d{1,3}(\.\d{3})+|\d+")
_DIGITS = re.compile(r"\d+")


class AmountError(ValueError):
    """An amount that cannot be read; `reason` says why, in Italian; `code` names the reason for
    whoever stores it and words it later ("invalid", "decimals")."""

    def __init__(self, reason: str, *, code: str = "invalid"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


def parse_cents(text: str) -> int:
    """Read '1.234,56', '1234,56', '1.000.000' or '1234.56' as integer cents; never rounds.

    A single dot without a comma is a decimal point ('1.234' has three decimals: refused).
    """
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:]
    if "," in cleaned:
        units, _comma, decimals = cleaned.partition(",")
        if not _ITALIAN_UNITS.fullmatch(units):
            raise AmountError(_("importo non valido"))
        units = units.replace(".", "")
    elif cleaned.count(".") > 1:
        if not _ITALIAN_UNITS.fullmatch(cleaned):
            raise AmountError(_("importo non valido"))
        units, decimals = cleaned.replace(".", ""), ""
    else:
        units, _dot, decimals = cleaned.partition(".")
        if not _DIGITS.fullmatch(units):
            raise AmountError(_("importo non valido"))
    if decimals and not _DIGITS.fullmatch(decimals):
        raise AmountError(_("importo non valido"))
    if len(decimals) > 2:
        raise AmountError(_("più di 2 decimali"), code="decimals")
    value = int(units) * 100 + int(decimals.ljust(2, "0"))
    return -value if negative else value


def parse_amount(text: str) -> Decimal:
    """The same amounts as parse_cents, as a Decimal with two places."""
    return Decimal(parse_cents(text)).scaleb(-2)


class EuroFormField(forms.Field):
    """A form field for euro amounts typed Italian style ('1.234,56')."""

    default_error_messages = {"negative": gettext_lazy("L'importo non può essere negativo.")}

    def __init__(self, *, min_value: Decimal | None = None, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_euro(value).replace("\u00a0€", "")
        return value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value)
        except AmountError as exc:
            raise ValidationError(exc.reason, code="invalid") from exc
        if self.min_value is not None and amount < self.min_value:
            raise ValidationError(self.error_messages["negative"], code="min_value")
        return amount
