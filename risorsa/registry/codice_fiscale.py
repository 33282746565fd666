"""The Italian codice fiscale: validation (check character, omocodia) and what it encodes.

Written for speed (the utility's files carry millions of rows): precomputed tables,
no regex backtracking, no date parsing library. Birthplace names come from the
municipality and country data shipped by python-codicefiscale.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext as _

# Values of the characters in odd positions (1st, 3rd, ...): digits count as A..J.
_ODD_LETTER_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16]
_ODD_LETTER_VALUES += [10, 22, 25, 24, 23]
_ODD = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _ODD_LETTER_VALUES, strict=True))
_ODD |= {digit: _ODD[letter] for digit, letter in zip("0123456789", "ABCDEFGHIJ", strict=True)}
_EVEN = {c: int(c) for c in "0123456789"} | {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MONTHS = {letter: month for month, letter in enumerate("ABCDEHLMPRST", start=1)}
# Omocodia: the digits of the code may be replaced by these letters, in this order 0..9.
OMOCODE_LETTERS = "LMNPQRSTUV"
_FROM_OMOCODE = str.maketrans(OMOCODE_LETTERS, "0123456789")
OMOCODE_POSITIONS = (14, 13, 12, 10, 9, 7, 6)  # the order the Agenzia substitutes them
_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")


class CodiceFiscaleError(ValueError):
    """An invalid codice fiscale; `reason` is the Italian explanation for the user; `code` and
    `params` name it for whoever stores it and words it later (the importer's row report)."""

    def __init__(self, reason: str, *, code: str, params: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.params = params or {}


@dataclass(frozen=True, slots=True)
class DecodedCodiceFiscale:
    code: str
    birth_date: date
    sex: str  # "M" or "F"
    birth_place_code: str  # codice catastale (Belfiore): D150 = Cremona, Z... = foreign state
    is_omocode: bool


def normalize(value: str) -> str:
    return "".join(value.split()).upper()


def check_character(first_fifteen: str) -> str:
    """The 16th character, computed from the first fifteen."""
    total = 0
    for index, char in enumerate(first_fifteen):
        total += _ODD[char] if index % 2 == 0 else _EVEN[char]
    return _LETTERS[total % 26]


def validate(value: str) -> str:
    """Return the normalized code, or raise CodiceFiscaleError saying why it is wrong."""
    return decode(value).code


@lru_cache(maxsize=2048)
def decode(value: str) -> DecodedCodiceFiscale:
    """Check shape, check character and date; return birth date, sex and birthplace code."""
    code = normalize(value)
    if len(code) != 16:
        raise CodiceFiscaleError(
            _("deve avere 16 caratteri (ne ha %(count)d)") % {"count": len(code)},
            code="length",
            params={"count": len(code)},
        )
    if not _SHAPE.fullmatch(code):
        raise CodiceFiscaleError(_("formato non valido"), code="format")
    if check_character(code[:15]) != code[15]:
        raise CodiceFiscaleError(_("carattere di controllo errato"), code="check")
    plain = dereference_omocode(code)
    day_number = int(plain[9:11])
    sex = "F" if day_number > 40 else "M"
    day = day_number - 40 if sex == "F" else day_number
    year = _full_year(int(plain[6:8]))
    try:
        birth_date = date(year, _MONTHS[plain[8]], day)
    except ValueError as exc:
        raise CodiceFiscaleError(_("data di nascita impossibile"), code="birth_date") from exc
    return DecodedCodiceFiscale(
        code=code,
        birth_date=birth_date,
        sex=sex,
        birth_place_code=plain[11:15],
        is_omocode=plain[:15] != code[:15],
    )


def dereference_omocode(code: str) -> str:
    """The code with omocodic letters turned back into digits (check character not recomputed)."""
    chars = list(code)
    for position in OMOCODE_POSITIONS:
        chars[position] = chars[position].translate(_FROM_OMOCODE)
    return "".join(chars)


def omocode_variants(code: str) -> list[str]:
    """The omocodic codes the Agenzia assigns for a base code, in order (each with its check)."""
    base = dereference_omocode(normalize(code))[:15]
    variants = []
    chars = list(base)
    for position in OMOCODE_POSITIONS:
        chars[position] = OMOCODE_LETTERS[int(chars[position])]
        fifteen = "".join(chars)
        variants.append(fifteen + check_character(fifteen))
    return variants


def _full_year(two_digits: int) -> int:
    # A person is born in the past: a two-digit year above this year's is last century.
    current = date.today().year  # noqa: DTZ011 - a calendar year, zone-independent to a day
    year = (current // 100) * 100 + two_digits
    return year - 100 if year > current else year


def encode(*, surname: str, name: str, sex: str, birth_date: date, birth_place_code: str) -> str:
    """Compute a person's codice fiscale (used for demo data and tests)."""
    fifteen = (
        _encode_surname(surname)
        + _encode_name(name)
        + f"{birth_date.year % 100:02d}"
        + "ABCDEHLMPRST"[birth_date.month - 1]
        + f"{birth_date.day + (40 if sex == 'F' else 0):02d}"
        + birth_place_code.upper()
    )
    return fifteen + check_character(fifteen)


def _letters(text: str) -> tuple[list[str], list[str]]:
    plain = unicodedata.normalize("NFKD", text.upper())
    letters = [c for c in plain if c in _LETTERS]
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    return consonants, vowels


def _encode_surname(surname: str) -> str:
    consonants, vowels = _letters(surname)
    return "".join(consonants + vowels + ["X"] * 3)[:3]


def _encode_name(name: str) -> str:
    consonants, vowels = _letters(name)
    if len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return "".join(consonants + vowels + ["X"] * 3)[:3]


@lru_cache(maxsize=4096)
def birth_place_name(code: str, birth_date: date | None = None) -> str:
    """Name (and province) of the municipality or foreign state with this codice catastale."""
    from codicefiscale.codicefiscale import _get_birthplace

    place = _get_birthplace(code, birth_date.isoformat() if birth_date else None)
    if not place:
        return ""
    province = place.get("province") or ""
    return f"{place['name']} ({province})" if province and province != "EE" else place["name"]
