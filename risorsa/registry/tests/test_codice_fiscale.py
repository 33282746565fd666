"""The codice fiscale: checked against python-codicefiscale as an independent oracle."""

from datetime import date

import pytest
from codicefiscale import codicefiscale as oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from risorsa.registry import codice_fiscale as cf

PLACES = ["D150", "D142", "F205", "H501", "Z330", "Z129", "Z100", "Z222"]
names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
birth_dates = st.dates(min_value=date(1927, 1, 1), max_value=date(2024, 12, 31))


@pytest.mark.parametrize(
    ("code", "birth_date", "sex", "place"),
    [
        ("RSSMRA61C14D150U", date(1961, 3, 14), "M", "D150"),
        ("BNCLCU75S42D150C", date(1975, 11, 2), "F", "D150"),
        ("rssmra61c14d150u", date(1961, 3, 14), "M", "D150"),
        ("RSSMRA61C14D15LX", date(1961, 3, 14), "M", "D150"),  # omocodic
        ("RSSMRASMCMQDMRLR", date(1961, 3, 14), "M", "D150"),  # every digit substituted
    ],
)
def test_decodes_birth_date_sex_and_place(code, birth_date, sex, place):
    decoded = cf.decode(code)
    assert (decoded.birth_date, decoded.sex, decoded.birth_place_code) == (birth_date, sex, place)
    assert decoded.code == code.upper()


def test_marks_omocodic_codes():
    assert cf.decode("RSSMRA61C14D15LX").is_omocode
    assert not cf.decode("RSSMRA61C14D150U").is_omocode


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("RSSMRA61C14D150A", "carattere di controllo errato"),
        ("RSSMRA61C14D15OX", "formato non valido"),
        ("RSSMRA61C14D150", "deve avere 16 caratteri (ne ha 15)"),
        ("RSSMRA61Z14D150U", "formato non valido"),
        ("RSSMRA61B30D150P", "data di nascita impossibile"),
    ],
)
def test_rejects_invalid_codes_with_an_italian_reason(code, reason):
    # given a code with its check character made consistent where the test is about the date
    if reason == "data di nascita impossibile":
        code = code[:15] + cf.check_character(code[:15])
    # when / then
    with pytest.raises(cf.CodiceFiscaleError) as error:
        cf.decode(code)
    assert error.value.reason == reason


def test_names_the_birthplace():
    assert cf.birth_place_name("D150", date(1961, 3, 14)) == "Cremona (CR)"
    assert cf.birth_place_name("Z330") == "Marocco"


@settings(max_examples=300, deadline=None)
@given(surname=names, name=names, sex=st.sampled_from("MF"), born=birth_dates, place=st.sampled_from(PLACES))
def test_accepts_what_the_reference_implementation_encodes(surname, name, sex, born, place):
    # given a code computed by the reference implementation
    code = oracle.encode(
        lastname=surname, firstname=name, gender=sex, birthdate=born.isoformat(), birthplace=place
    )
    # when we decode it
    decoded = cf.decode(code)
    # then the derived data are the ones encoded, and our encoder agrees
    assert (decoded.birth_date, decoded.sex, decoded.birth_place_code) == (born, sex, place)
    assert cf.encode(surname=surname, name=name, sex=sex, birth_date=born, birth_place_code=place) == code


@settings(max_examples=100, deadline=None)
@given(surname=names, name=names, sex=st.sampled_from("MF"), born=birth_dates, place=st.sampled_from(PLACES))
def test_accepts_every_omocodic_variant_with_the_same_data(surname, name, sex, born, place):
    code = cf.encode(surname=surname, name=name, sex=sex, birth_date=born, birth_place_code=place)
    reference_variants = set(oracle.decode(code)["omocodes"])
    assert set(cf.omocode_variants(code)) <= reference_variants
    for variant in reference_variants:
        decoded = cf.decode(variant)
        assert (decoded.birth_date, decoded.sex, decoded.birth_place_code) == (born, sex, place)


@settings(max_examples=200, deadline=None)
@given(
    surname=names,
    name=names,
    sex=st.sampled_from("MF"),
    born=birth_dates,
    place=st.sampled_from(PLACES),
    wrong=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
)
def test_rejects_any_other_check_character(surname, name, sex, born, place, wrong):
    code = cf.encode(surname=surname, name=name, sex=sex, birth_date=born, birth_place_code=place)
    if wrong == code[15]:
        return
    with pytest.raises(cf.CodiceFiscaleError, match="carattere di controllo errato"):
        cf.decode(code[:15] + wrong)
    assert not oracle.is_valid(code[:15] + wrong)
