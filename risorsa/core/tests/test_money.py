from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risorsa.core.money import AmountError, format_euro, parse_amount, quantize


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("0,00", "0.00"),
        ("9.999,99", "9999.99"),
        ("1.000.000", "1000000.00"),
        ("12", "12.00"),
        (" 383,26 € ", "383.26"),
    ],
)
def test_reads_italian_and_plain_amounts(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12,345", "più di 2 decimali"),
        ("1.234", "più di 2 decimali"),
        ("abc", "importo non valido"),
        ("1,2,3", "importo non valido"),
        ("", "importo non valido"),
    ],
)
def test_refuses_unreadable_amounts_and_never_rounds(text, reason):
    with pytest.raises(AmountError) as error:
        parse_amount(text)
    assert error.value.reason == reason


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1234.56", "1.234,56\u00a0€"),
        ("0", "0,00\u00a0€"),
        ("-5.5", "-5,50\u00a0€"),
        ("1000000", "1.000.000,00\u00a0€"),
    ],
)
def test_formats_amounts_italian_style(amount, text):
    assert format_euro(Decimal(amount)) == text


def test_quantize_cleans_sqlite_float_sums_and_rounds_half_up():
    assert quantize(2067.78000000000) == Decimal("2067.78")
    assert quantize(Decimal("0.005")) == Decimal("0.01")
    assert quantize(None) == Decimal("0.00")


@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2))
def test_formatting_and_reading_back_give_the_same_amount(amount):
    assert parse_amount(format_euro(amount)) == amount
