"""Anonymisation after the retention period (GDPR art. 5(1)(e) and art. 17).

A person with no open case and no activity for PERSONAL_DATA_RETENTION_YEARS is anonymised:
what identifies them is replaced or cleared in every table and kept file that holds it, while
every amount, date, status and count stays, so that past reports keep their totals.

The privacy app sits above every app that keeps personal data, and is the one place that knows
which of their columns identify someone: erasure must be complete, so it is written in one list
(`_scrub_*` below), tested by a scan of every text column of the database.
"""

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from risorsa.coordination.models import Deadline
from risorsa.interventions.models import CLOSED as CLOSED_INTERVENTIONS
from risorsa.interventions.models import InterventionTransition, SpotIntervention
from risorsa.ledger import services as ledger
from risorsa.ledger.models import (
    Bill,
    Credit,
    CreditStatus,
    Customer,
    DunningEvent,
    ImportIssue,
    ImportRun,
    MeterEvent,
    Payment,
    SupplyPoint,
)
from risorsa.ledger.uploads import is_kept_file, read_chunks
from risorsa.privacy.models import Anonymisation
from risorsa.protection.models import OPEN_STATUSES as OPEN_PROTECTIONS
from risorsa.protection.models import Incident, MonitoringContact, Protection, ProtectionTransition
from risorsa.registry.models import Household, Isee, Person, SocialAssessment
from risorsa.registry.text import fold
from risorsa.repayment.models import OPEN_PLAN_STATUSES, PlanTransition, RepaymentPlan

ANONYMOUS = "ANONIMO"
SCRUBBED = "[anonimizzato]"  # where a column must not be empty (a documented choice's "how")
BATCH = 200


def pseudonym(person_pk: int) -> str:
    """A stand-in codice fiscale: 16 characters of [A-Z0-9], unique by the person's key, and never
    a real codice fiscale (whose first six characters are letters)."""
    return f"ANON{person_pk:012d}"


def retention_cutoff(today: date) -> date:
    """The first day whose activity still keeps a person's data: `today` less the retention years."""
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def people_to_anonymise(*, today: date) -> QuerySet[Person]:
    """People with no open case and no activity on or after the retention cutoff, not yet anonymised.

    Open cases: a protection not ended, a plan not ended, a spot intervention not closed, an open
    deadline or incident, a credit still in transit. Activity: a case opened, changed or ended,
    a bill issued, a payment made, an assessment, an ISEE, a change to the person's record, a
    monitoring contact. With no case at all, the last bill, payment or change of the record counts.
    """
    cutoff = retention_cutoff(today)
    since = timezone.make_aware(datetime.combine(cutoff, time.min))
    person = OuterRef("pk")
    of_customer = {"customer__person": person}
    busy = [
        Protection.objects.filter(Q(status__in=OPEN_PROTECTIONS) | Q(proposed_on__gte=cutoff), **of_customer),
        ProtectionTransition.objects.filter(protection__customer__person=person, at__gte=since),
        MonitoringContact.objects.filter(protection__customer__person=person, contacted_on__gte=cutoff),
        RepaymentPlan.objects.filter(
            Q(status__in=OPEN_PLAN_STATUSES) | Q(created_at__gte=since) | Q(ended_on__gte=cutoff),
            **of_customer,
        ),
        PlanTransition.objects.filter(plan__customer__person=person, at__gte=since),
        SpotIntervention.objects.filter(
            ~Q(status__in=CLOSED_INTERVENTIONS) | Q(proposed_on__gte=cutoff) | Q(closed_on__gte=cutoff),
            **of_customer,
        ),
        InterventionTransition.objects.filter(intervention__customer__person=person, at__gte=since),
        Deadline.objects.filter(
            Q(met_on__isnull=True) | Q(met_on__gte=cutoff) | Q(opened_on__gte=cutoff), person=person
        ),
        Incident.objects.filter(Q(closed_on__isnull=True) | Q(opened_on__gte=cutoff), **of_customer),
        Credit.objects.filter(Q(status=CreditStatus.IN_TRANSIT) | Q(created_on__gte=cutoff), **of_customer),
        Bill.objects.filter(issued_on__gte=cutoff, **of_customer),
        Payment.objects.filter(paid_on__gte=cutoff, **of_customer),
        SocialAssessment.objects.filter(person=person, assessed_on__gte=cutoff),
        Isee.objects.filter(household__members=person, issued_on__gte=cutoff),
    ]
    people = Person.objects.filter(anonymisation__isnull=True, updated_at__lt=since)
    for rows in busy:
        people = people.filter(~Exists(rows))
    return people.order_by("pk")


def last_activity(person: Person) -> date:
    """The latest day of the activity that `people_to_anonymise` weighs (for the record)."""
    days = [timezone.localtime(person.updated_at).date()]
    customers = Customer.objects.filter(person=person)
    for queryset, field in (
        (Bill.objects.filter(customer__in=customers), "issued_on"),
        (Payment.objects.filter(customer__in=customers), "paid_on"),
        (Protection.objects.filter(customer__in=customers), "ended_on"),
        (RepaymentPlan.objects.filter(customer__in=customers), "ended_on"),
        (SpotIntervention.objects.filter(customer__in=customers), "closed_on"),
        (Deadline.objects.filter(person=person), "met_on"),
        (SocialAssessment.objects.filter(person=person), "assessed_on"),
    ):
        latest = queryset.aggregate(latest=models.Max(field))["latest"]
        if latest:
            days.append(latest)
    for transitions in (
        ProtectionTransition.objects.filter(protection__customer__in=customers),
        PlanTransition.objects.filter(plan__customer__in=customers),
        InterventionTransition.objects.filter(intervention__customer__in=customers),
    ):
        latest = transitions.aggregate(latest=models.Max("at"))["latest"]
        if latest:
            days.append(timezone.localtime(latest).date())
    return max(days)


def anonymise_expired(*, today: date, customers=None, by=None) -> dict[str, int]:
    """The daily job: anonymise everyone whose retention has run out (never in the demo, whose
    data are from 2009-2011 on purpose)."""
    if customers is not None or settings.DEMO:
        return {}
    people = list(people_to_anonymise(today=today).values_list("pk", flat=True))
    done = 0
    for start in range(0, len(people), BATCH):
        done += anonymise(person_ids=people[start : start + BATCH], today=today, by=by)
    return {"persone anonimizzate": done}


@transaction.atomic
def anonymise(
    *, person_ids: Iterable[int], today: date, by=None, progress: Callable[[int], None] | None = None
) -> int:
    """Erase what identifies these people everywhere, keeping amounts, dates and counts.

    The people are locked in primary-key order; one already anonymised is skipped. Returns how many
    were anonymised.
    """
    ids = sorted(set(person_ids))
    people = list(
        Person.objects.select_for_update()
        .filter(pk__in=ids)
        .filter(~Exists(Anonymisation.objects.filter(person=OuterRef("pk"))))
        .order_by("pk")
    )
    if not people:
        return 0
    identities = {person.pk: _identity(person) for person in people}
    pks = [person.pk for person in people]
    customers = Customer.objects.filter(person_id__in=pks)
    Anonymisation.objects.bulk_create(
        [
            Anonymisation(person=person, done_on=today, last_activity_on=last_activity(person), by=by)
            for person in people
        ]
    )
    _scrub_people(people)
    _scrub_households(pks)
    SocialAssessment.objects.filter(person_id__in=pks).update(notes="")
    Customer.objects.filter(person_id__in=pks).update(holder_surname=ANONYMOUS, holder_name="")
    SupplyPoint.objects.filter(customer__in=customers).update(address="")
    for event in (MeterEvent, DunningEvent):
        event.objects.filter(customer__in=customers).update(note="")
    _scrub_cases(customers)
    _scrub_registry_mismatches(pks)
    _scrub_history(pks)
    _scrub_access_logs(identities)
    _scrub_admin_log(pks)
    _scrub_imports(identities)
    if progress:
        progress(len(people))
    return len(people)


def _identity(person: Person) -> dict[str, str]:
    """What identifies a person in free text: codice fiscale, names, contacts, address."""
    values = {
        "codice_fiscale": person.codice_fiscale,
        "pseudonym": pseudonym(person.pk),
        "surname": person.surname,
        "name": person.name,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
    }
    return {key: value for key, value in values.items() if value}


def _scrub_people(people: list[Person]) -> None:
    for person in people:
        code = pseudonym(person.pk)
        Person.objects.filter(pk=person.pk).update(
            codice_fiscale=code,
            surname=ANONYMOUS,
            name="",
            # The year stays (age bands in reports); the day and the place of birth identify.
            birth_date=date(person.birth_date.year, 1, 1),
            birth_place_code="",
            phone="",
            email="",
            address="",
            city="",
            search_text=fold(f"{ANONYMOUS} {code}"),
        )


def _scrub_households(person_ids: list[int]) -> None:
    """A household's address and notes go when none of its members keeps identifiable data."""
    households = Household.objects.filter(members__in=person_ids).distinct()
    kept = Person.objects.filter(household=OuterRef("pk"), anonymisation__isnull=True).exclude(
        pk__in=person_ids
    )
    ids = list(households.filter(~Exists(kept)).values_list("pk", flat=True))
    Household.objects.filter(pk__in=ids).update(address="", notes="")
    for isee in Isee.objects.filter(household_id__in=ids).only("pk"):
        # The DSU protocol is INPS's key to the declaration: replaced, unique per household still.
        Isee.objects.filter(pk=isee.pk).update(protocol=f"ANON-{isee.pk}")


def _scrub_registry_mismatches(person_ids: list[int]) -> None:
    """The names a utility's file gave, set aside for the municipality to check."""
    try:
        model = apps.get_model("ledger", "RegistryMismatch")
    except LookupError:
        return
    model.objects.filter(person_id__in=person_ids).update(holder_surname=ANONYMOUS, holder_name="")


def _scrub_cases(customers: QuerySet[Customer]) -> None:
    """Free text of the social workers and the utility about these customers' cases."""
    protections = Protection.objects.filter(customer__in=customers)
    protections.update(reason="")
    MonitoringContact.objects.filter(protection__in=protections).update(outcome="")
    ProtectionTransition.objects.filter(protection__in=protections).update(why="", why_params=None)
    plans = RepaymentPlan.objects.filter(customer__in=customers)
    plans.exclude(shorter_choice_how="").update(shorter_choice_how=SCRUBBED)
    PlanTransition.objects.filter(plan__in=plans).update(why="", why_params=None)
    InterventionTransition.objects.filter(intervention__customer__in=customers).update(
        why="", why_params=None
    )


def _scrub_history(person_ids: list[int]) -> None:
    """Delete the versions kept (django-simple-history) of the anonymised people's rows: a version
    cannot be half-erased without lying about what changed, and no report reads one."""
    households = Household.objects.filter(members__in=person_ids).values("pk")
    subjects = {
        Person: Person.objects.filter(pk__in=person_ids),
        SocialAssessment: SocialAssessment.objects.filter(person_id__in=person_ids),
        Household: Household.objects.filter(pk__in=households),
        Isee: Isee.objects.filter(household__in=households),
        Protection: Protection.objects.filter(customer__person_id__in=person_ids),
    }
    for model, rows in subjects.items():
        history = getattr(model, "history", None)
        if history is not None:
            history.model.objects.filter(id__in=list(rows.values_list("pk", flat=True))).delete()


def _scrub_access_logs(identities: dict[int, dict[str, str]]) -> None:
    """Access rows stay (who read, when), without the filters that named the person."""
    empty: dict[str, str] = {}
    for label in ("audit.AccessLog",):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model.objects.filter(person_id__in=list(identities)).update(filters=empty)
        for identity in identities.values():
            for value in _searchable(identity):
                model.objects.filter(filters__icontains=value).update(filters=empty)


def _scrub_admin_log(person_ids: list[int]) -> None:
    """The site administration's log names the person it changed."""
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    person_type = ContentType.objects.get_for_model(Person)
    for pk in person_ids:
        LogEntry.objects.filter(content_type=person_type, object_id=str(pk)).update(
            object_repr=pseudonym(pk), change_message=""
        )


def _searchable(identity: dict[str, str]) -> list[str]:
    """The values worth searching free text for: long enough not to match everything."""
    return [identity[key] for key in ("codice_fiscale", "phone", "email") if len(identity.get(key, "")) >= 6]


def _scrub_imports(identities: dict[int, dict[str, str]]) -> None:
    """Invalid rows that carried the codice fiscale lose that row's values; kept files naming it go."""
    codes = {identity["codice_fiscale"]: identity["pseudonym"] for identity in identities.values()}
    lines: set[tuple[int, int]] = set()
    for code, stand_in in codes.items():
        # the reason's parameters may name the code ("cliente già intestato al codice fiscale …")
        issues = ImportIssue.objects.annotate(params_text=Cast("params", TextField())).filter(
            Q(value__icontains=code) | Q(reason__icontains=code) | Q(params_text__icontains=code)
        )
        lines.update(issues.values_list("run_id", "line"))
        for issue in issues.only("pk", "reason", "params"):
            ImportIssue.objects.filter(pk=issue.pk).update(
                reason=_replace(issue.reason, code, stand_in),
                params=json.loads(_replace(json.dumps(issue.params), code, stand_in)),
            )
        for run in ImportRun.objects.filter(failure__icontains=code).only("pk", "failure"):
            ImportRun.objects.filter(pk=run.pk).update(failure=_replace(run.failure, code, stand_in))
    for run_id, line in sorted(lines):
        ImportIssue.objects.filter(run_id=run_id, line=line).update(value="")
    _delete_files_naming(set(codes))


def _replace(text: str, code: str, stand_in: str) -> str:
    return re.sub(re.escape(code), stand_in, text, flags=re.IGNORECASE)


def _delete_files_naming(codes: set[str]) -> None:
    """Delete every kept import file that holds one of these codici fiscali (hash and report stay)."""
    wanted = {code.upper().encode() for code in codes}
    kept = ImportRun.objects.filter(file_deleted_on__isnull=True).exclude(file_path="").order_by("pk")
    for run in kept.only("pk", "file_path"):
        if is_kept_file(run.file_path) and _mentions(run.file_path, wanted):
            ledger.delete_kept_file(run.file_path)
            ImportRun.objects.filter(pk=run.pk).update(file_deleted_on=timezone.localdate())


def _mentions(path: str, wanted: set[bytes]) -> bool:
    tail = b""
    try:
        for chunk in read_chunks(Path(path)):
            text = (tail + chunk).upper()
            if any(code in text for code in wanted):
                return True
            tail = text[-15:]
    except FileNotFoundError:
        return False
    return False
