from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from risorsa.core.exceptions import PermissionDenied
from risorsa.organizations.models import Membership, OrganizationKind
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Household, Isee, Person, SocialAssessment
from risorsa.registry.text import search_text

PERSON_FIELDS = (
    "codice_fiscale",
    "surname",
    "name",
    "sex",
    "birth_date",
    "citizenship",
    "citizenship_country",
    "phone",
    "email",
    "address",
    "city",
)


def check_codice_fiscale(
    *, code: str, birth_date: date | None = None, sex: str | None = None, birth_place: str = ""
) -> cf.DecodedCodiceFiscale:
    """Validate the code and that the birth date, sex and birthplace typed agree with it."""
    try:
        decoded = cf.decode(code)
    except cf.CodiceFiscaleError as exc:
        raise ValidationError({"codice_fiscale": exc.reason}) from exc
    errors = {}
    if birth_date and birth_date != decoded.birth_date:
        errors["birth_date"] = _("Il codice fiscale indica la data di nascita %(derived)s.") % {
            "derived": decoded.birth_date.strftime("%d/%m/%Y")
        }
    if sex and sex != decoded.sex:
        errors["sex"] = _("Il codice fiscale indica il sesso %(derived)s.") % {
            "derived": _("maschile") if decoded.sex == "M" else _("femminile")
        }
    if birth_place:
        place_code = resolve_birth_place_code(birth_place, decoded.birth_date)
        if place_code is None:
            errors["birth_place"] = _("Luogo di nascita sconosciuto: scrivi il comune o lo Stato.")
        elif place_code != decoded.birth_place_code:
            errors["birth_place"] = _("Il codice fiscale indica come luogo di nascita %(derived)s.") % {
                "derived": cf.birth_place_name(decoded.birth_place_code, decoded.birth_date)
                or decoded.birth_place_code
            }
    if errors:
        raise ValidationError(errors)
    return decoded


def resolve_birth_place_code(text: str, birth_date: date | None) -> str | None:
    """The codice catastale of a municipality or State typed by name ("Cremona") or code ("D150")."""
    from codicefiscale.codicefiscale import _get_birthplace

    cleaned = text.split("(")[0].strip()
    place = _get_birthplace(cleaned, birth_date.isoformat() if birth_date else None)
    return place["code"] if place else None


def _apply_person_fields(person: Person, fields: dict) -> None:
    decoded = check_codice_fiscale(
        code=fields["codice_fiscale"],
        birth_date=fields.get("birth_date"),
        sex=fields.get("sex"),
        birth_place=fields.get("birth_place", ""),
    )
    for field in PERSON_FIELDS:
        if field in fields:
            setattr(person, field, fields[field])
    person.codice_fiscale = decoded.code
    person.surname = " ".join(person.surname.split()).upper()
    person.name = " ".join(person.name.split()).upper()
    person.birth_date = decoded.birth_date
    person.sex = decoded.sex
    person.birth_place_code = decoded.birth_place_code
    person.search_text = search_text(person.surname, person.name, person.codice_fiscale)
    # Unique within this registry only: another municipality's registry is never consulted.
    twins = Person.objects.filter(
        organization_id=person.organization_id, codice_fiscale=person.codice_fiscale
    )
    if twins.exclude(pk=person.pk).exists():
        raise _already_registered()
    person.full_clean()


def _already_registered() -> ValidationError:
    return ValidationError(
        {"codice_fiscale": _("Nell'anagrafica del Comune c'è già una persona con questo codice fiscale.")}
    )


def _save_person(person: Person) -> None:
    """Save; the same person registered at the same moment by someone else is the same refusal as
    one registered before (the check above cannot see a concurrent insert: the key can)."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        if (
            Person.objects.filter(
                organization_id=person.organization_id, codice_fiscale=person.codice_fiscale
            )
            .exclude(pk=person.pk)
            .exists()
        ):
            raise _already_registered() from None
        raise


def _require_municipality_writer(membership: Membership, *rows: Person | Household) -> None:
    """A writer of a municipality, acting on rows of its own registry (never another Comune's)."""
    if membership.organization.kind != OrganizationKind.MUNICIPALITY or not membership.can_write:
        raise PermissionDenied(
            _("Solo un operatore o un responsabile del Comune può modificare l'anagrafica.")
        )
    if any(row.organization_id != membership.organization_id for row in rows):
        raise PermissionDenied(_("Questa anagrafica è tenuta da un altro Comune."))


@transaction.atomic
def create_person(*, membership: Membership, **fields) -> Person:
    """Register a person in the municipality's registry: valid, unique codice fiscale."""
    _require_municipality_writer(membership)
    person = Person(organization=membership.organization)
    _apply_person_fields(person, fields)
    _save_person(person)
    return person


@transaction.atomic
def update_person(*, membership: Membership, person: Person, **fields) -> Person:
    """Change a person's data; the codice fiscale must still agree with what is typed."""
    _require_municipality_writer(membership, person)
    _apply_person_fields(person, {"codice_fiscale": person.codice_fiscale, **fields})
    _save_person(person)
    return person


@transaction.atomic
def create_household(*, membership: Membership, person: Person, **fields) -> Household:
    """Open a household with this person as its first member."""
    _require_municipality_writer(membership, person)
    if person.household_id:
        raise ValidationError(_("%(person)s fa già parte di un nucleo familiare.") % {"person": person})
    household = Household(organization=membership.organization, **fields)
    household.full_clean()
    household.save()
    person.household = household
    person.save(update_fields=["household", "updated_at"])
    return household


@transaction.atomic
def update_household(*, membership: Membership, household: Household, **fields) -> Household:
    """Change a household's composition (members on life support make supplies non-disconnectable)."""
    _require_municipality_writer(membership, household)
    for field, value in fields.items():
        setattr(household, field, value)
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def add_household_member(*, membership: Membership, household: Household, codice_fiscale: str) -> Person:
    """Add a person of the municipality's registry, found by codice fiscale, to the household."""
    _require_municipality_writer(membership, household)
    code = cf.normalize(codice_fiscale)
    # Another Comune's person is "not in the registry": its registry is not this one's to read.
    person = Person.objects.visible_to(membership).select_for_update().filter(codice_fiscale=code).first()
    if person is None:
        raise ValidationError(
            {
                "codice_fiscale": _("Nessuna persona in anagrafica con codice fiscale %(code)s.")
                % {"code": code}
            }
        )
    if person.household_id == household.pk:
        raise ValidationError(
            {"codice_fiscale": _("%(person)s fa già parte di questo nucleo.") % {"person": person}}
        )
    if person.household_id:
        raise ValidationError(
            {"codice_fiscale": _("%(person)s fa già parte di un altro nucleo.") % {"person": person}}
        )
    person.household = household
    person.save(update_fields=["household", "updated_at"])
    registered = Person.objects.filter(household=household).count()
    if registered > household.size:
        household.size = registered
        household.save(update_fields=["size", "updated_at"])
    return person


@transaction.atomic
def record_isee(
    *,
    membership: Membership,
    household: Household,
    value: Decimal,
    protocol: str,
    issued_on: date,
    expires_on: date,
) -> Isee:
    """Record an ISEE declaration of the household."""
    _require_municipality_writer(membership, household)
    if expires_on <= issued_on:
        raise ValidationError({"expires_on": _("La scadenza deve seguire la data di rilascio.")})
    if Isee.objects.filter(household=household, protocol=protocol).exists():
        raise ValidationError({"protocol": _("Questo protocollo è già registrato per il nucleo.")})
    isee = Isee(
        household=household,
        value=value,
        protocol=protocol.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
        recorded_by=membership.user,
    )
    isee.full_clean()
    isee.save()
    return isee


@transaction.atomic
def record_assessment(
    *, membership: Membership, person: Person, assessed_on: date, fragility: str, notes: str = ""
) -> SocialAssessment:
    """Record a social assessment (the municipality's own, never shown to others)."""
    _require_municipality_writer(membership, person)
    assessment = SocialAssessment(
        person=person,
        assessed_on=assessed_on,
        fragility=fragility,
        notes=notes,
        operator=membership.user,
    )
    assessment.full_clean()
    assessment.save()
    return assessment
