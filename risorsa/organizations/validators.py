"""The 11-digit fiscal code of an organization (codice fiscale numerico / partita IVA)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fiscal_code_check_digit(first_ten: str) -> int:
    """Check digit of the Italian 11-digit code (Luhn variant used by the Agenzia delle Entrate)."""
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def validate_organization_fiscal_code(value: str) -> None:
    if len(value) != 11 or not value.isdigit():
        raise ValidationError(_("Il codice fiscale dell'ente deve avere 11 cifre."), code="format")
    if fiscal_code_check_digit(value[:10]) != int(value[10]):
        raise ValidationError(
            _("Codice fiscale dell'ente %(value)s: cifra di controllo errata."),
            code="check_digit",
            params={"value": value},
        )
