"""Anonymisation after the retention period: nothing identifying is left, every total stays."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast

from risorsa.coordination.daily import run_daily
from risorsa.coordination.models import Deadline
from risorsa.interventions.models import InterventionStatus, InterventionTransition, SpotIntervention
from risorsa.interventions.selectors import interventions_for
from risorsa.ledger import selectors as ledger_selectors
from risorsa.ledger import services as ledger
from risorsa.ledger.models import Customer, ImportIssue, ImportRun, ImportStatus
from risorsa.ledger.tests.helpers import import_payments
from risorsa.privacy.models import Anonymisation
from risorsa.privacy.services import people_to_anonymise, pseudonym
from risorsa.protection import steps as protection_steps
from risorsa.protection.models import EndReason, Protection, ProtectionStatus, ProtectionTransition
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.models import Household, Isee, Person, SocialAssessment
from risorsa.registry.tests.factories import PersonFactory
from risorsa.repayment.models import Installment, PlanStatus, PlanTransition, RepaymentPlan
from risorsa.repayment.selectors import plans_for

SURNAME, NAME = "QUAGLIOTTI", "ERMENEGILDA"
CODE = cf.encode(surname=SURNAME, name=NAME, sex="F", birth_date=date(1961, 3, 14), birth_place_code="D150")
PHONE, EMAIL, ADDRESS = "3331234567", "ermenegilda.q@example.org", "Via Solferino 77"
NEEDLES = [CODE, SURNAME, NAME, PHONE, EMAIL, ADDRESS]
HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.IMPORT_FILE_RETENTION_DAYS = 100_000  # the kept file must be deleted by the anonymisation
    settings.PERSONAL_DATA_RETENTION_YEARS = 10
    return settings.VAR_DIR


def bills_file(folder: Path) -> Path:
    ours = f"Q1;{CODE};{SURNAME};{NAME};ENERGIA;IT012E99000001;{ADDRESS}, Cremona"
    lines = [
        HEADER,
        f"{ours};Q/1;01/09/2009;21/09/2009;300,00;300,00",
        f"{ours};Q/2;01/11/2009;21/11/2009;200,00;200,00",
        "Z1;RSSMRA61C14D150U;ROSSI;MARIO;GAS;12345678901234;Via Dante 1, Cremona;"
        "Z/1;01/11/2009;21/11/2009;80,00;80,00",
    ]
    path = folder / "fatture.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def world(utility, municipality, personas, tmp_path):
    """A person whose cases all ended in 2010, every kind of row naming her, and a file kept."""
    user = personas["comune.operatore"].user
    with time_machine.travel(date(2010, 2, 28), tick=False):
        run = ledger.run_import(
            run=ledger.receive_file(
                utility=utility,
                kind="fatture",
                as_of=date(2010, 2, 28),
                source=bills_file(tmp_path),
                file_name="fatture.csv",
            )
        )
        assert run.status == ImportStatus.DONE, run.failure or list(
            run.issues.values_list("reason", flat=True)
        )
        import_payments(utility, [("QP1", "Q1", "Q/2", date(2010, 2, 20), "50,00")], folder=tmp_path)
        person = Person.objects.get(codice_fiscale=CODE)
        household = Household.objects.create(
            organization=person.organization, address=f"{ADDRESS}, Cremona", notes=f"Nucleo {SURNAME}", size=2
        )
        Person.objects.filter(pk=person.pk).update(
            phone=PHONE, email=EMAIL, address=ADDRESS, city="Cremona", household=household
        )
        Isee.objects.create(
            household=household,
            value="5000.00",
            protocol=f"INPS-ISEE-{CODE}",
            issued_on=date(2010, 2, 1),
            expires_on=date(2011, 1, 15),
            recorded_by=user,
        )
        SocialAssessment.objects.create(
            person=person,
            assessed_on=date(2010, 2, 1),
            operator=user,
            fragility="ALTA",
            notes=f"{NAME}, {PHONE}",
        )
        customer = Customer.objects.get(code="Q1")
        protection = Protection.objects.create(
            customer=customer,
            status=ProtectionStatus.ENDED,
            reason=f"{SURNAME} {NAME} vive sola in {ADDRESS}",
            proposed_on=date(2010, 2, 1),
            activated_on=date(2010, 2, 2),
            ended_on=date(2010, 6, 30),
            end_reason=EndReason.SETTLED,
            baseline_debt="500.00",
            created_by=user,
        )
        ProtectionTransition.objects.create(
            protection=protection,
            to_status=ProtectionStatus.ENDED,
            on=date(2010, 6, 30),
            why=f"Parlato con {NAME}",
        )
        plan = RepaymentPlan.objects.create(
            customer=customer,
            status=PlanStatus.COMPLETED,
            debt="450.00",
            monthly_income="900.00",
            share="0.100",
            minimum_installment="50.00",
            max_months=12,
            start_on=date(2010, 3, 1),
            ended_on=date(2010, 11, 30),
            created_by=user,
        )
        for number in range(1, 4):
            Installment.objects.create(
                plan=plan, number=number, due_on=date(2010, 2 + number, 1), amount="150.00", status="pagata"
            )
        PlanTransition.objects.create(plan=plan, to_status=PlanStatus.COMPLETED, why=f"Telefonato al {PHONE}")
        intervention = SpotIntervention.objects.create(
            customer=customer,
            amount="100.00",
            customer_share="50.00",
            municipal_share="50.00",
            status=InterventionStatus.WITHDRAWN,
            year=2010,
            proposed_on=date(2010, 3, 1),
            closed_on=date(2010, 5, 1),
            created_by=user,
        )
        InterventionTransition.objects.create(
            intervention=intervention, to_status=InterventionStatus.WITHDRAWN, why=f"Scritto a {EMAIL}"
        )
        Deadline.objects.create(
            step=protection_steps.CONTACT_AFTER_REDUCTION,
            owner=person.organization,
            person=person,
            subject_type=ContentType.objects.get_for_model(Protection),
            subject_id=protection.pk,
            opened_on=date(2010, 3, 1),
            due_on=date(2010, 3, 4),
            met_on=date(2010, 3, 3),
        )
        rejected = ImportRun.objects.create(
            utility=utility,
            kind="fatture",
            as_of=date(2010, 2, 1),
            file_name="vecchio.csv",
            status="rifiutato",
        )
        ImportIssue.objects.create(run=rejected, line=2, column="codice_fiscale", value=CODE, reason="errato")
        ImportIssue.objects.create(run=rejected, line=2, column="cognome", value=SURNAME, reason="errato")
        access_log = _access_log_model()
        if access_log is not None:
            access_log.objects.create(
                user=user,
                what="registry:person-list",
                path="/registry/people/",
                filters={"q": CODE},
                person=person,
            )
    with time_machine.travel(date(2020, 6, 1), tick=False):
        recent = PersonFactory(organization=municipality, surname="RECENTI", name="ROSA")
    return {"person": person, "run": run, "recent": recent}


def _access_log_model():
    try:
        return apps.get_model("audit", "AccessLog")
    except LookupError:
        return None


def figures(membership) -> dict:
    """What the reports add up: the arrears list, the plans, the interventions."""
    arrears = list(ledger_selectors.arrears_for(membership=membership))
    plans = plans_for(membership=membership)
    return {
        "arrears": (len(arrears), sum((customer.balance for customer in arrears), Decimal(0))),
        "plans": plans.aggregate(n=Count("pk"), debt=Sum("debt")),
        "installments": Installment.objects.filter(plan__in=plans).aggregate(
            n=Count("pk"), total=Sum("amount")
        ),
        "interventions": interventions_for(membership=membership).aggregate(
            n=Count("pk"), amount=Sum("amount"), municipal=Sum("municipal_share")
        ),
        "protections": Protection.objects.visible_to(membership).aggregate(
            n=Count("pk"), baseline=Sum("baseline_debt")
        ),
    }


def text_columns_holding(needle: str) -> list[str]:
    """Every text column of every table (history tables included) that holds `needle`."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                rows = model._base_manager.filter(**{f"{field.attname}__icontains": needle})
            elif isinstance(field, models.JSONField):
                rows = model._base_manager.annotate(_text=Cast(field.attname, TextField())).filter(
                    _text__icontains=needle
                )
            else:
                continue
            if rows.exists():
                found.append(f"{model._meta.label}.{field.attname}")
    return found


@pytest.mark.django_db
def test_anonymised_after_the_retention_nothing_identifying_remains_and_every_total_stays(
    world, personas, var_dir
):
    person, run = world["person"], world["run"]
    manager = personas["comune.responsabile"]
    assert Path(run.file_path).exists()
    assert all(text_columns_holding(needle) for needle in NEEDLES)  # the scan does find them
    # given ten years and a day after her last activity (the plan completed on 30/11/2010)
    with time_machine.travel(date(2020, 12, 1), tick=False):
        assert not people_to_anonymise(today=date(2020, 11, 30)).filter(pk=person.pk).exists()
        before = figures(manager)
        # when the daily follow-up runs
        outcome = run_daily().outcome["anonimizzazione"]
        after = figures(manager)
    # then her report figures are the same (Rossi, with no case and one bill of 2009, goes too)
    assert outcome == {"persone anonimizzate": 2}
    assert after == before
    assert before["arrears"][1] > 0 and before["plans"]["n"] == 1 and before["interventions"]["n"] == 1
    # and nothing identifying is left in any text column of any table
    for needle in NEEDLES:
        assert text_columns_holding(needle) == [], needle
    # nor in any kept file
    run.refresh_from_db()
    assert run.file_deleted_on == date(2020, 12, 1) and run.sha256
    assert not Path(run.file_path).exists()
    for kept in (var_dir / "imports").glob("*"):
        content = kept.read_bytes().decode("utf-8", "replace").upper()
        assert not any(needle.upper() in content for needle in NEEDLES)
    # she is marked, under a pseudonym that still fits the database's rule
    person.refresh_from_db()
    assert person.codice_fiscale == pseudonym(person.pk) and len(person.codice_fiscale) == 16
    assert (person.surname, person.birth_date, person.sex) == ("ANONIMO", date(1961, 1, 1), "F")
    assert Anonymisation.objects.get(person=person).last_activity_on == date(2010, 11, 30)
    # the person with recent activity is untouched
    recent = world["recent"]
    recent.refresh_from_db()
    assert recent.surname == "RECENTI" and not hasattr(recent, "anonymisation")


@pytest.mark.django_db
def test_the_retention_counts_from_the_last_activity_and_an_open_case_keeps_everything(world):
    person = world["person"]
    with time_machine.travel(date(2020, 11, 30), tick=False):
        # ten years from the completed plan (30/11/2010) have not yet passed
        run_daily()
    assert Person.objects.get(pk=person.pk).codice_fiscale == CODE
    Protection.objects.filter(customer__person=person).update(status=ProtectionStatus.SUSPENDED)
    with time_machine.travel(date(2030, 1, 1), tick=False):
        run_daily()
    assert Person.objects.get(pk=person.pk).codice_fiscale == CODE
    assert not Anonymisation.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_the_command_counts_with_dry_run_then_anonymises_once(world):
    person = world["person"]
    out = io.StringIO()
    call_command("anonimizza", "--al", "2021-01-01", "--dry-run", stdout=out)
    assert "2 persone senza casi aperti né attività dal 01/01/2011" in out.getvalue()
    assert Person.objects.get(pk=person.pk).codice_fiscale == CODE
    out = io.StringIO()
    call_command("anonimizza", "--al", "2021-01-01", "--senza-barra", stdout=out)
    assert "2 persone anonimizzate" in out.getvalue()
    call_command("anonimizza", "--al", "2021-01-01", "--senza-barra", stdout=(out := io.StringIO()))
    assert "0 persone anonimizzate" in out.getvalue()
    assert Anonymisation.objects.count() == 2
    assert Person.objects.get(pk=person.pk).codice_fiscale == pseudonym(person.pk)


@pytest.mark.django_db
def test_the_demo_is_never_anonymised_by_the_daily_follow_up(world, settings):
    settings.DEMO = True
    with time_machine.travel(date(2030, 1, 1), tick=False):
        assert run_daily().outcome["anonimizzazione"] == {}
    assert Person.objects.filter(codice_fiscale=CODE).exists()
