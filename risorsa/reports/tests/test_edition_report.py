"""The edition report: the seed's table, the work done, the outcomes and the waits, computed from
the records; as a page, a CSV and an XLSX, for the municipality and the partner only.

The edition of the tests (2026/27, Cremona with its partner), on Friday 20/11/2026; every
participant is referred on Tuesday 01/09/2026:

| customer | person | sex, citizenship | project | what happens |
| --- | --- | --- | --- | --- |
| C100000 | ROSSI MARIO | M, IT | 383,26 | ready and placed (B) 10/09; works 22-23/09 (8 h), |
| | | | | approved 25/09 by the partner; completed 30/10; satisfaction 5 |
| C100001 | BIANCHI LUCIA | F, IT | 1.305,18 | ready 01/10, contract signed, not placed yet |
| C100002 | EL AMRANI YOUSSEF | M, extra UE | 2.284,93 | ready and placed (A) 03/09; works 05-06/10 |
| | | | | (10 h), approved 09/10 by the utility, credit applied; works 09/11 (6 h), not approved |
| C100003 | POPESCU IOANA | F, UE | 620,95 | referred only |
| C100004 | FERRARI GIUSEPPE | M, IT | 799,30 | turned away by the partner today (not a participant) |
| C100006 | KAUR HARPREET | F, extra UE | 541,38 | accepted 02/09, reached 04/09, fit 09/09, |
| | | | | withdrawn 15/09; satisfaction 3 |

Due dates (working days after the opening day): referral accepted 5 → 08/09; first work day 15
→ 01/10 (ROSSI), 24/09 (EL AMRANI), 22/10 (BIANCHI); timesheet approved 5 → 13/10 (week of
05/10), 16/11 (09/11: 13/11 is Sant'Omobono). The others are met the day they open or before due.
"""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risorsa.ledger.models import Credit, CreditStatus
from risorsa.ledger.tests.helpers import import_payments
from risorsa.protection.tests.helpers import sample_customer
from risorsa.registry.models import Citizenship, Person, Sex
from risorsa.reports.selectors import edition_report, nearest_rank
from risorsa.workprogram import services, steps
from risorsa.workprogram.models import CallOutcome, EndOutcome, FitnessOutcome, Track
from risorsa.workprogram.tests.helpers import TODAY, at_work, edition_for, ready_to_work, referred, week

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_today")]

REFERRED_ON = date(2026, 9, 1)
PEOPLE = {  # code: (sex, citizenship)
    "C100000": (Sex.MALE, Citizenship.ITALIAN),
    "C100001": (Sex.FEMALE, Citizenship.ITALIAN),
    "C100002": (Sex.MALE, Citizenship.NON_EU),
    "C100003": (Sex.FEMALE, Citizenship.EU),
    "C100004": (Sex.MALE, Citizenship.ITALIAN),
    "C100005": (Sex.MALE, Citizenship.ITALIAN),
    "C100006": (Sex.FEMALE, Citizenship.NON_EU),
    "C100007": (Sex.FEMALE, Citizenship.ITALIAN),
}


@pytest.fixture
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def customer(utility, code):
    """A customer of the sample bills, its holder's sex and citizenship set as the table says."""
    found = sample_customer(utility, code)
    sex, citizenship = PEOPLE[code]
    Person.objects.filter(pk=found.person_id).update(sex=sex, citizenship=citizenship)
    return found


@pytest.fixture
def edition(personas, utility, tmp_path):
    """The edition of the module's docstring."""
    edition = edition_for(personas)
    partner = personas["ponte.operatore"].user

    def refer(code):
        return referred(personas, edition, customer(utility, code), on=REFERRED_ON)

    rossi = refer("C100000")
    placement = at_work(personas, rossi, on=date(2026, 9, 10))
    services.approve_timesheet(
        timesheet=week(placement, personas, date(2026, 9, 21), 0, 4, 4), by=partner, on=date(2026, 9, 25)
    )
    services.end_referral(referral=rossi, by=partner, outcome=EndOutcome.COMPLETED, on=date(2026, 10, 30))
    services.record_questionnaire(referral=rossi, by=partner, satisfaction=5)

    ready_to_work(personas, refer("C100001"), on=date(2026, 10, 1))

    el_amrani = refer("C100002")
    placement = at_work(personas, el_amrani, track=Track.A, on=date(2026, 9, 3))
    approved = services.approve_timesheet(
        timesheet=week(placement, personas, date(2026, 10, 5), 5, 5),
        by=personas["aem.operatore"].user,
        on=date(2026, 10, 9),
    )
    week(placement, personas, date(2026, 11, 9), 6)
    reference = approved.credit.reference
    import_payments(utility, [("PRL1", "C100002", "", date(2026, 10, 20), "75,00", reference)], tmp_path)

    refer("C100003")

    services.reject_referral(referral=refer("C100004"), by=partner, why="Fuori zona")

    kaur = refer("C100006")
    services.accept_referral(referral=kaur, by=partner, on=date(2026, 9, 2))
    services.record_call(referral=kaur, by=partner, on=date(2026, 9, 4), outcome=CallOutcome.REACHED)
    services.record_medical_visit(referral=kaur, by=partner, on=date(2026, 9, 9), outcome=FitnessOutcome.FIT)
    services.end_referral(referral=kaur, by=partner, outcome=EndOutcome.WITHDRAWN, on=date(2026, 9, 15))
    services.record_questionnaire(referral=kaur, by=partner, satisfaction=3)
    return edition


def test_the_nearest_rank_percentile_is_an_observed_value():
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([32, 12], 50) == 12  # rank ceil(0.5 * 2) = 1
    assert nearest_rank([32, 12], 90) == 32  # rank ceil(0.9 * 2) = 2
    assert nearest_rank(list(range(1, 11)), 90) == 9  # rank 9 of 10, exactly


def test_the_seed_table_counts_the_participants_by_sex_and_citizenship_and_sums_their_projects(edition):
    report = edition_report(edition=edition)
    # ROSSI, BIANCHI, EL AMRANI, POPESCU, KAUR; FERRARI was turned away
    assert (report.people, report.men, report.women) == (5, 2, 3)
    assert (report.italian, report.foreign) == (2, 3)
    assert report.arrears == Decimal("383.26") + Decimal("1305.18") + Decimal("2284.93") + Decimal(
        "620.95"
    ) + Decimal("541.38")
    assert report.arrears == Decimal("5135.70")
    assert report.as_of == TODAY


def test_hours_and_credits_are_those_of_approved_weeks_and_applied_credits_those_the_utility_applied(
    edition,
):
    report = edition_report(edition=edition)
    assert report.hours == Decimal("18.00")  # 8 h of ROSSI + 10 h of EL AMRANI; his 6 h wait approval
    assert report.credited == Decimal("135.00")  # 18 h at 7,50 €
    assert report.credits_applied == Decimal("75.00")  # EL AMRANI's, settled by the payments file
    assert Credit.objects.filter(status=CreditStatus.IN_TRANSIT).count() == 1


def test_completion_and_satisfaction_count_the_pathways_that_ended(edition):
    report = edition_report(edition=edition)
    assert (report.ended, report.completed, report.completion_rate) == (2, 1, Decimal("0.5000"))
    assert (report.satisfaction, report.satisfaction_answers) == (Decimal("4.00"), 2)


def test_without_ended_pathways_or_answers_the_rates_are_unknown_not_zero(personas, utility):
    edition = edition_for(personas)
    referred(personas, edition, customer(utility, "C100000"), on=REFERRED_ON)
    report = edition_report(edition=edition)
    assert (report.completion_rate, report.satisfaction, report.satisfaction_answers) == (None, None, 0)
    assert (report.days_to_work_median, report.days_to_work_p90, report.longest_wait_for_work) == (
        None,
        None,
        None,
    )


def test_days_from_contract_to_work_and_the_signed_who_have_not_started(edition):
    report = edition_report(edition=edition)
    # ROSSI signed 10/09 and worked 22/09: 12 days; EL AMRANI signed 03/09, worked 05/10: 32 days
    assert (report.contracts_signed, report.started_work) == (3, 2)
    assert (report.days_to_work_median, report.days_to_work_p90) == (12, 32)
    # BIANCHI signed on 01/10 and waits since: 50 days on 20/11
    assert (report.signed_not_started, report.longest_wait_for_work) == (1, 50)


def test_a_rejected_week_is_not_the_first_work_day(personas, utility):
    edition = edition_for(personas)
    referral = referred(personas, edition, customer(utility, "C100000"), on=REFERRED_ON)
    placement = at_work(personas, referral, on=date(2026, 9, 10))
    services.reject_timesheet(
        timesheet=week(placement, personas, date(2026, 9, 14), 4),
        by=personas["ponte.operatore"].user,
        why="Ore da correggere",
    )
    assert edition_report(edition=edition).signed_not_started == 1
    week(placement, personas, date(2026, 9, 21), 0, 0, 4)
    report = edition_report(edition=edition)
    assert (report.signed_not_started, report.days_to_work_median) == (0, 13)  # 10/09 to 23/09


def _name(personas, code):
    return personas[f"{code}.operatore"].organization.display_name


def test_the_waits_per_step_and_organization_measure_the_handoffs(edition, personas):
    ponte, comune, aem = (_name(personas, code) for code in ("ponte", "comune", "aem"))
    report = edition_report(edition=edition)
    rows = [
        (w.step, w.owner_name, w.deadlines, w.still_open, w.median_days, w.p90_days, w.late)
        for w in report.waits
    ]
    approvals = sorted(
        [
            (steps.APPROVE_TIMESHEET, ponte, 1, 0, 2, 2, 0),  # ROSSI's week: 23/09 to 25/09
            (steps.APPROVE_TIMESHEET, aem, 2, 1, 3, 11, 1),  # 06/10 to 09/10; 09/11 still open
        ],
        key=lambda row: row[1],
    )
    assert rows == [
        # 1 (KAUR), 2 (EL AMRANI), 9 (ROSSI), 30 (BIANCHI), 80 (POPESCU, open), 80 (FERRARI, today)
        (steps.ACCEPT_REFERRAL, ponte, 6, 1, 9, 80, 4),
        (steps.FIRST_CALL, ponte, 4, 0, 0, 2, 0),  # KAUR: 02/09 to 04/09, the others the same day
        (steps.MEDICAL_VISIT, ponte, 4, 0, 0, 5, 0),  # KAUR: 04/09 to 09/09
        (steps.ACTIVATION, ponte, 4, 0, 0, 6, 0),  # KAUR: 09/09 until she withdrew, 15/09
        (steps.SIGN_CONTRACT, comune, 3, 0, 0, 0, 0),
        (steps.FIRST_WORK_DAY, ponte, 3, 1, 32, 50, 2),  # 12 (ROSSI), 32 (EL AMRANI), 50 (BIANCHI, open)
        *approvals,
    ]
    assert report.waits[0].step_label == "Accettare la segnalazione"
    by_organization = {
        wait.owner_name: (wait.deadlines, wait.still_open, wait.median_days, wait.p90_days, wait.late)
        for wait in report.waits_by_organization
    }
    # ponte: 22 waits, nine of 0 days, then 1 2 2 2 5 6 9 12 30 32 50 80 80: rank 11 is 2, rank 20 is 50
    assert by_organization == {ponte: (22, 2, 2, 50, 6), comune: (3, 0, 0, 0, 0), aem: (2, 1, 3, 11, 1)}


def test_another_editions_deadlines_are_not_counted(edition, personas, utility):
    other = edition_for(personas, name="2026/27 bis")
    referred(personas, other, customer(utility, "C100005"), on=REFERRED_ON)
    report = edition_report(edition=edition)
    assert report.people == 5
    assert report.waits[0].deadlines == 6
    assert edition_report(edition=other).waits[0].deadlines == 1


# ---- pages and files --------------------------------------------------------------------------


def test_the_report_page_shows_the_seed_table_and_the_measured_criticita(edition, client_for):
    response = client_for("comune.lettore").get(reverse("reports:edition", args=[edition.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for testid, value in {
        "people": "5",
        "men": "2",
        "women": "3",
        "italian": "2",
        "foreign": "3",
        "arrears": "5.135,70\u00a0€",
        "hours": "18",
        "credited": "135,00\u00a0€",
        "completion": "50,0%",
        "satisfaction": "4,0",
        "contracts-signed": "3",
        "days-median": "12",
        "days-p90": "32",
        "signed-not-started": "1",
    }.items():
        assert re.search(rf'data-testid="{testid}">{re.escape(value)}<', body), testid
    assert "75,00\u00a0€ già applicati dal gestore" in body
    assert "Dal contratto al lavoro" in body
    assert "Accettare la segnalazione" in body
    assert reverse("reports:edition-csv", args=[edition.pk]) in body
    assert reverse("reports:edition-xlsx", args=[edition.pk]) in body


def test_the_partner_reads_the_report_of_the_edition_it_works_in(edition, client_for):
    for persona in ("ponte.responsabile", "ponte.operatore", "ponte.lettore"):
        client = client_for(persona)
        assert client.get(reverse("reports:edition", args=[edition.pk])).status_code == 200
        listing = client.get(reverse("reports:edition-list"))
        assert reverse("reports:edition", args=[edition.pk]) in listing.content.decode()


def test_the_utility_and_another_municipality_find_no_report(edition, client_for):
    urls = [reverse(name, args=[edition.pk]) for name in ("reports:edition", "reports:edition-csv")]
    urls.append(reverse("reports:edition-xlsx", args=[edition.pk]))
    outsiders = ("aem.responsabile", "aem.operatore", "a2a.lettore", "crema.responsabile", "crema.lettore")
    for persona in outsiders:
        client = client_for(persona)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], persona
    assert client_for("aem.responsabile").get(reverse("reports:edition-list")).status_code == 404
    crema_list = client_for("crema.responsabile").get(reverse("reports:edition-list"))
    assert crema_list.status_code == 200
    assert reverse("reports:edition", args=[edition.pk]) not in crema_list.content.decode()


def test_each_read_of_a_report_is_in_the_access_log(edition, client_for, personas):
    from risorsa.audit.models import AccessLog

    client = client_for("ponte.lettore")
    client.get(reverse("reports:edition", args=[edition.pk]))
    b"".join(client.get(reverse("reports:edition-csv", args=[edition.pk])).streaming_content)
    logged = AccessLog.objects.filter(user=personas["ponte.lettore"].user).order_by("pk")
    assert list(logged.values_list("what", "rows")) == [("reports:edition", 5), ("reports:edition-csv", 5)]


def _csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_every_figure_and_every_wait_with_decimal_commas(edition, client_for):
    response = client_for("comune.responsabile").get(reverse("reports:edition-csv", args=[edition.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rapporto-edizione-2026-27.csv"'
    header, *rows = _csv_rows(response)
    assert header == ["sezione", "passaggio", "in carico a", "voce", "valore"]
    figures = {row[3]: row[4] for row in rows if row[0] == "Edizione"}
    assert figures == {
        "Edizione": "2026/27",
        "Dati al": "20/11/2026",
        "Persone coinvolte": "5",
        "Uomini": "2",
        "Donne": "3",
        "Italiani": "2",
        "Stranieri": "3",
        "Morosità complessiva (€)": "5135,70",
        "Ore lavorate (approvate)": "18,00",
        "Accreditato (€)": "135,00",
        "Accrediti applicati dal gestore (€)": "75,00",
        "Percorsi conclusi": "2",
        "Percorsi completati": "1",
        "Tasso di completamento (%)": "50,00",
        "Soddisfazione media (1-5)": "4,00",
        "Questionari di soddisfazione": "2",
        "Contratti sociali firmati": "3",
        "Persone che hanno cominciato il lavoro": "2",
        "Giorni dal contratto al lavoro, mediana": "12",
        "Giorni dal contratto al lavoro, 90° percentile": "32",
        "Contratti firmati, lavoro non ancora cominciato": "1",
        "Attesa più lunga del primo giorno di lavoro (giorni)": "50",
    }
    ponte = edition.partner.display_name
    waits = {(row[1], row[2], row[3]): row[4] for row in rows if row[0] == "Attese per passaggio"}
    assert waits[("Accettare la segnalazione", ponte, "Scadenze")] == "6"
    assert waits[("Accettare la segnalazione", ponte, "Giorni di attesa, mediana")] == "9"
    assert waits[("Accettare la segnalazione", ponte, "Giorni di attesa, 90° percentile")] == "80"
    assert waits[("Accettare la segnalazione", ponte, "In ritardo")] == "4"
    assert waits[("Dal contratto al primo giorno di lavoro", ponte, "Ancora aperte")] == "1"
    assert waits[("Tutti i passaggi", ponte, "Giorni di attesa, 90° percentile")] == "50"
    assert len(waits) == (8 + 3) * 5  # 8 rows of steps (approvals: 2) and 3 organizations, 5 measures each


def _xml(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314 - the workbook our own code just wrote


def _xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    """The workbook's sheets by name, each a list of rows of cell values (text or number)."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    book = zipfile.ZipFile(io.BytesIO(content))
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        strings = _xml(book.read("xl/sharedStrings.xml")).findall("m:si", ns)
        shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in strings]
    rels = _xml(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    workbook = _xml(book.read("xl/workbook.xml"))
    sheets = {}
    for sheet in workbook.find("m:sheets", ns):
        target = targets[sheet.get(f"{{{ns['r']}}}id")].lstrip("/").removeprefix("xl/")
        root = _xml(book.read(f"xl/{target}"))
        rows = []
        for row in root.iter(f"{{{ns['m']}}}row"):
            values = []
            for cell in row.findall("m:c", ns):
                kind, raw = cell.get("t"), cell.findtext("m:v", default="", namespaces=ns)
                if kind == "s":
                    values.append(shared[int(raw)])
                elif kind == "inlineStr":
                    values.append("".join(t.text or "" for t in cell.iter(f"{{{ns['m']}}}t")))
                elif kind == "str":
                    values.append(raw)
                else:
                    values.append(Decimal(raw) if raw else None)
            rows.append(values)
        sheets[sheet.get("name")] = rows
    return sheets


def test_the_xlsx_has_a_sheet_of_figures_and_a_sheet_of_waits(edition, client_for):
    response = client_for("ponte.responsabile").get(reverse("reports:edition-xlsx", args=[edition.pk]))
    assert response.status_code == 200
    sheets = _xlsx_sheets(b"".join(response.streaming_content))
    assert list(sheets) == ["Edizione", "Attese per passaggio"]
    figures = {row[0]: row[1] if len(row) > 1 else None for row in sheets["Edizione"][1:]}
    assert figures["Edizione"] == "2026/27"
    assert figures["Persone coinvolte"] == 5
    assert (figures["Uomini"], figures["Donne"], figures["Italiani"], figures["Stranieri"]) == (2, 3, 2, 3)
    assert figures["Morosità complessiva (€)"] == Decimal("5135.7")
    assert figures["Ore lavorate (approvate)"] == 18
    assert figures["Accreditato (€)"] == 135
    assert figures["Accrediti applicati dal gestore (€)"] == 75
    assert figures["Tasso di completamento"] == Decimal("0.5")
    assert figures["Soddisfazione media (1-5)"] == 4
    assert figures["Giorni dal contratto al lavoro, mediana"] == 12
    assert figures["Giorni dal contratto al lavoro, 90° percentile"] == 32
    assert figures["Contratti firmati, lavoro non ancora cominciato"] == 1
    header, *waits = sheets["Attese per passaggio"]
    assert header[:2] == ["Passaggio", "In carico a"]
    ponte = edition.partner.display_name
    assert waits[0] == ["Accettare la segnalazione", ponte, 6, 1, 9, 80, 4]
    assert ["Tutti i passaggi", ponte, 22, 2, 2, 50, 6] in waits
    assert len(waits) == 8 + 3


def _report_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_report_page_issues_the_same_queries_with_two_and_with_six_participants(
    personas, utility, client_for
):
    edition = edition_for(personas)
    partner = personas["ponte.operatore"].user

    def participant(code):
        placement = at_work(personas, referred(personas, edition, customer(utility, code), on=REFERRED_ON))
        services.approve_timesheet(timesheet=week(placement, personas, date(2026, 11, 9), 4, 4), by=partner)

    codes = ["C100000", "C100001", "C100002", "C100003", "C100004", "C100005"]
    for code in codes[:2]:
        participant(code)
    client = client_for("comune.responsabile")
    url = reverse("reports:edition", args=[edition.pk])
    client.get(url)  # the first request of a process fills the caches (content types, session)
    few = _report_queries(client, url)
    for code in codes[2:]:
        participant(code)
    assert edition_report(edition=edition).people == 6
    assert _report_queries(client, url) == few
