"""Field readers for the utility's files: fast (millions of rows), strict, with a reason for each refusal.

Each reader returns the value in the form staged to the database (ISO dates, integer cents)
or raises FieldError with the reason (a code of `reasons.REASONS` and its parameters) that the
row report shows.
"""

import re
from datetime import date

from risorsa.core.money import AmountError, parse_cents


class FieldError(ValueError):
    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params or None


DATE_CACHE: dict[str, str] = {}
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def iso_date(text: str) -> str:
    """'31/12/2010', '1/2/2010' or '2010-12-31' -> '2010-12-31'."""
    cached = DATE_CACHE.get(text)
    if cached is not None:
        return cached
    key, text = text, text.strip()
    if not text:
        raise FieldError("missing")
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO.fullmatch(text)
        if not match:
            raise FieldError("date_invalid")
        year, month, day = (int(part) for part in match.groups())
    try:
        value = date(year, month, day).isoformat()
    except ValueError as exc:
        raise FieldError("date_nonexistent") from exc
    if len(DATE_CACHE) > 5000:
        DATE_CACHE.clear()
    DATE_CACHE[key] = value
    return value


AMOUNT_CACHE: dict[str, int] = {}
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")


def quick_cents(text: str) -> int | None:
    """The common shapes ('722,39', '1.234,56') in a few string operations; None for anything else."""
    units, comma, decimals = text.partition(",")
    if not comma or len(decimals) != 2 or not decimals.isdigit():
        return None
    if not units.isdigit():
        if not _GROUPED.fullmatch(units):
            return None
        units = units.replace(".", "")
    return int(units) * 100 + int(decimals)


def cents(text: str) -> int:
    """An amount as integer cents, never rounded."""
    cached = AMOUNT_CACHE.get(text)
    if cached is not None:
        return cached
    if not text.strip():
        raise FieldError("missing")
    try:
        value = parse_cents(text)
    except AmountError as exc:
        raise FieldError(f"amount_{exc.code}") from exc
    if len(AMOUNT_CACHE) > 20_000:
        AMOUNT_CACHE.clear()
    AMOUNT_CACHE[text] = value
    return value


def required(text: str, *, max_length: int) -> str:
    text = text.strip()
    if not text:
        raise FieldError("missing")
    if len(text) > max_length:
        raise FieldError("too_long", max=max_length)
    return text


SERVICE_ALIASES = {
    "ENERGIA": "ENERGIA",
    "EE": "ENERGIA",
    "ELETTRICITA": "ENERGIA",
    "ELETTRICITÀ": "ENERGIA",
    "LUCE": "ENERGIA",
    "GAS": "GAS",
    "ACQUA": "ACQUA",
    "IDRICO": "ACQUA",
}
_POD = re.compile(r"IT\d{3}E\d{8}[A-Z0-9]?")
_PDR = re.compile(r"\d{14}")


def service(text: str) -> str:
    try:
        return SERVICE_ALIASES[text.upper()]
    except KeyError:
        raise FieldError("service_unknown") from None


def supply_point(code: str, service_code: str) -> str:
    """POD for electricity, PDR for gas (format only: no public checksum), meter code for water."""
    code = code.upper()
    if not code:
        raise FieldError("missing")
    if service_code == "ENERGIA" and not _POD.fullmatch(code):
        raise FieldError("pod_invalid")
    if service_code == "GAS" and not _PDR.fullmatch(code):
        raise FieldError("pdr_invalid")
    if len(code) > 30:
        raise FieldError("too_long", max=30)
    return code
