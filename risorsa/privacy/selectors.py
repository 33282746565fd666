"""Reads of the data subject's rights: everything kept about one codice fiscale (GDPR art. 15)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from risorsa.coordination.models import Deadline
from risorsa.interventions.models import InterventionTransition, SpotIntervention
from risorsa.ledger.models import (
    Allocation,
    Bill,
    Credit,
    Customer,
    DunningEvent,
    MeterEvent,
    Payment,
    SupplyPoint,
)
from risorsa.organizations.models import Membership
from risorsa.protection.models import Incident, MonitoringContact, Protection, ProtectionTransition
from risorsa.registry.models import Household, Isee, Person, SocialAssessment
from risorsa.repayment.models import Installment, PlanTransition, RepaymentPlan

# Columns that are the program's machinery, not data about the person.
INTERNAL = {"search_text", "created_run", "changed_run", "holder_type"}


def find_subject_for(*, membership: Membership | None, codice_fiscale: str) -> Person | None:
    """The person with this codice fiscale in the member's own registry (None outside it)."""
    code = "".join(codice_fiscale.split()).upper()
    return Person.objects.visible_to(membership).filter(codice_fiscale=code).first()


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    return value


def row(obj: models.Model) -> dict[str, Any]:
    """Every stored column of a row: foreign keys as their id, choices as their stored value."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in INTERNAL:
            continue
        data[field.attname if field.is_relation else field.name] = _value(getattr(obj, field.attname))
    return data


def rows(queryset: QuerySet) -> list[dict[str, Any]]:
    return [row(obj) for obj in queryset.order_by("pk")]


@dataclass(frozen=True)
class Section:
    key: str  # the JSON name
    title: str  # the PDF heading
    model: type[models.Model]
    rows: list[dict[str, Any]]


def _history(model: type[models.Model], ids: list[int]) -> Section | None:
    """The versions kept by the field history (django-simple-history), when the model has one."""
    history = getattr(model, "history", None)
    if history is None:
        return None
    historical = history.model
    return Section(
        f"storico_{model._meta.model_name}",
        f"Storico delle modifiche: {model._meta.verbose_name_plural}",
        historical,
        rows(historical.objects.filter(id__in=ids)) if ids else [],
    )


def _access_logs(person: Person) -> list[Section]:
    sections = []
    for label in ("registry.PersonRead", "audit.AccessLog"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        sections.append(
            Section(
                f"registro_accessi_{model._meta.model_name}",
                f"Registro accessi ({model._meta.verbose_name})",
                model,
                rows(model.objects.filter(person=person)),
            )
        )
    return sections


def subject_sections(*, person: Person) -> list[Section]:
    """Everything about a person, section by section, as plain JSON values (the export's content).

    The person, household, ISEE and assessments; every utility's customers with their supply
    points, bills, payments and their allocations, credits, meter and dunning events; protections,
    plans, spot interventions with their transitions; deadlines; who read the record (access log);
    the field history.
    """
    customers = Customer.objects.filter(person=person)
    bills = Bill.objects.filter(customer__in=customers)
    payments = Payment.objects.filter(customer__in=customers)
    protections = Protection.objects.filter(customer__in=customers)
    plans = RepaymentPlan.objects.filter(customer__in=customers)
    interventions = SpotIntervention.objects.filter(customer__in=customers)
    household = person.household
    households = Household.objects.filter(pk__in=[person.household_id] if person.household_id else [])
    isee = Isee.objects.filter(household__in=households)
    assessments = SocialAssessment.objects.filter(person=person)
    parts: list[tuple[str, str, QuerySet]] = [
        ("persona", "Persona", Person.objects.filter(pk=person.pk)),
        ("nucleo_familiare", "Nucleo familiare", households),
        ("isee", "ISEE", isee),
        ("valutazioni_sociali", "Valutazioni sociali", assessments),
        ("clienti", "Clienti (codici cliente presso i gestori)", customers),
        ("forniture", "Punti di fornitura", SupplyPoint.objects.filter(customer__in=customers)),
        ("fatture", "Fatture", bills),
        ("pagamenti", "Pagamenti", payments),
        (
            "imputazioni",
            "Imputazioni dei pagamenti alle fatture",
            Allocation.objects.filter(Q(payment__in=payments) | Q(bill__in=bills)).distinct(),
        ),
        ("accrediti", "Accrediti", Credit.objects.filter(customer__in=customers)),
        ("eventi_contatore", "Eventi sul contatore", MeterEvent.objects.filter(customer__in=customers)),
        (
            "solleciti",
            "Solleciti e costituzioni in mora",
            DunningEvent.objects.filter(customer__in=customers),
        ),
        ("tutele", "Tutele", protections),
        (
            "tutele_passaggi",
            "Passaggi di stato delle tutele",
            ProtectionTransition.objects.filter(protection__in=protections),
        ),
        (
            "tutele_contatti",
            "Contatti di monitoraggio",
            MonitoringContact.objects.filter(protection__in=protections),
        ),
        ("incidenti", "Sospensioni di forniture tutelate", Incident.objects.filter(customer__in=customers)),
        ("piani_di_rientro", "Piani di rientro", plans),
        ("rate", "Rate", Installment.objects.filter(plan__in=plans)),
        ("piani_passaggi", "Passaggi di stato dei piani", PlanTransition.objects.filter(plan__in=plans)),
        ("interventi_spot", "Interventi spot", interventions),
        (
            "interventi_passaggi",
            "Passaggi di stato degli interventi",
            InterventionTransition.objects.filter(intervention__in=interventions),
        ),
        ("scadenze", "Scadenze", Deadline.objects.filter(person=person)),
    ]
    sections = [Section(key, title, queryset.model, rows(queryset)) for key, title, queryset in parts]
    sections += _access_logs(person)
    for model, ids in (
        (Person, [person.pk]),
        (Household, [household.pk] if household else []),
        (Isee, list(isee.values_list("pk", flat=True))),
        (SocialAssessment, list(assessments.values_list("pk", flat=True))),
        (Protection, list(protections.values_list("pk", flat=True))),
    ):
        section = _history(model, ids)
        if section is not None:
            sections.append(section)
    return sections


def subject_data(*, person: Person) -> dict[str, Any]:
    """The export as JSON: when, whose, and every section's rows."""
    return {
        "esportato_il": timezone.localtime().isoformat(),
        "codice_fiscale": person.codice_fiscale,
        **{section.key: section.rows for section in subject_sections(person=person)},
    }
