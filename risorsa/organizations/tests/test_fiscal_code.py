import pytest
from django.core.exceptions import ValidationError

from risorsa.organizations.validators import validate_organization_fiscal_code


@pytest.mark.parametrize("code", ["00297960197", "01336280191", "93004560194", "00000000000"])
def test_accepts_organization_codes_with_the_right_check_digit(code):
    validate_organization_fiscal_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("00297960198", "cifra di controllo errata"),
        ("0029796019", "11 cifre"),
        ("0029796019A", "11 cifre"),
    ],
)
def test_rejects_organization_codes_with_an_italian_message(code, message):
    with pytest.raises(ValidationError, match=message):
        validate_organization_fiscal_code(code)
