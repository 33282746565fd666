from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from risorsa.audit.history import HistoryEntry, history_entries
from risorsa.organizations.models import Membership
from risorsa.registry.models import BonusThreshold, Household, Isee, Person, SocialAssessment
from risorsa.registry.panels import ShownPanel, panels_for
from risorsa.registry.text import fold


def people_for(*, membership: Membership | None) -> QuerySet[Person]:
    """The people the member may see, for lists (scoped in the query)."""
    return Person.objects.visible_to(membership).only(
        "pk", "surname", "name", "codice_fiscale", "birth_date", "city", "household_id"
    )


def search_people(*, membership: Membership | None, query: str = "") -> QuerySet[Person]:
    """People whose surname, name or codice fiscale contain every word typed, ignoring case and accents."""
    people = people_for(membership=membership)
    for term in fold(query).split():
        people = people.filter(search_text__contains=term)
    return people.order_by("surname", "name", "pk")


def get_person_for(*, membership: Membership | None, pk: int) -> Person:
    """One person the member may see, with what the person page shows; 404 otherwise."""
    queryset = Person.objects.visible_to(membership).select_related("household", "organization")
    return get_object_or_404(queryset, pk=pk)


def assessments_for(*, membership: Membership | None, person: Person) -> QuerySet[SocialAssessment]:
    """A person's social assessments, newest first (municipality only)."""
    return SocialAssessment.objects.visible_to(membership).filter(person=person).select_related("operator")


def panels_about(
    *, membership: Membership | None, person: Person | None = None, household: Household | None = None
) -> list[ShownPanel]:
    """The sections the apps above the registry add to a person's page or a household's (its
    members'): "Utenze e debiti" and the like (registry.panels), about the people the member sees."""
    people = people_for(membership=membership)
    if person is not None:
        people = people.filter(pk=person.pk)
    elif household is not None:
        people = people.filter(household=household)
    else:
        people = people.none()
    return panels_for(membership=membership, people=people)


def get_household_for(*, membership: Membership | None, pk: int) -> Household:
    """One household with its members and ISEE declarations (municipality only); 404 otherwise."""
    queryset = Household.objects.visible_to(membership).prefetch_related(
        Prefetch("members", queryset=Person.objects.order_by("surname", "name")),
        Prefetch("isee_declarations", queryset=Isee.objects.select_related("recorded_by")),
    )
    return get_object_or_404(queryset, pk=pk)


def current_isee(*, household: Household) -> Isee | None:
    """The most recent ISEE declaration of the household, from its prefetched list."""
    declarations = list(household.isee_declarations.all())
    return declarations[0] if declarations else None


def bonus_threshold_for(*, isee: Isee):
    """The social-bonus threshold in force on the declaration's date, for its household size."""
    threshold = (
        BonusThreshold.objects.filter(valid_from__lte=isee.issued_on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=isee.issued_on))
        .order_by("-valid_from")
        .first()
    )
    if threshold is None:
        return None
    large = isee.household.dependent_children >= 4
    return threshold.large_family_amount if large else threshold.amount


def person_history_for(*, membership: Membership | None, person: Person) -> list[HistoryEntry]:
    """Who changed what of a person, the household, its ISEE and the person's assessments: for the
    manager of the municipality keeping the record only, its registry's rows only (in the query)."""
    if not (membership and membership.is_municipality and membership.is_manager):
        return []
    registry = membership.organization_id
    histories = [
        Person.history.filter(id=person.pk, organization_id=registry),
        SocialAssessment.history.filter(person_id=person.pk, person__organization_id=registry),
    ]
    if person.household_id:
        histories += [
            Household.history.filter(id=person.household_id, organization_id=registry),
            Isee.history.filter(household_id=person.household_id, household__organization_id=registry),
        ]
    return history_entries(*histories)
