"""The work program's pages end to end, for each organization kind: what each reads, what each
may do, what the database holds afterwards, and what the partner and the utility never see."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from risorsa.coordination.models import Deadline
from risorsa.core.money import format_euro
from risorsa.ledger.models import Bill, CreditStatus
from risorsa.ledger.selectors import balance_for
from risorsa.protection.tests.helpers import active_protection, sample_customer
from risorsa.registry.models import FragilityLevel, SocialAssessment
from risorsa.registry.tests.factories import HouseholdFactory, IseeFactory
from risorsa.workprogram import services, steps
from risorsa.workprogram.models import (
    ContractStatus,
    Edition,
    EndOutcome,
    Placement,
    Referral,
    ReferralStatus,
    SocialContract,
    Timesheet,
    TimesheetStatus,
    Track,
)
from risorsa.workprogram.pdf import contract_lines
from risorsa.workprogram.tests.helpers import TODAY, at_work, edition_for, ready_to_work, referred, week

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_today")]

DAY = f"{TODAY:%d/%m/%Y}"
LAST_MONDAY = date(2026, 11, 9)


def url(name: str, *args) -> str:
    return reverse(f"workprogram:{name}", args=args)


def act(client, name: str, subject, action: str, **fields):
    """POST an action's form (its fields are prefixed with the action's name), confirmed as from
    the action's own page (a danger action is done only so)."""
    data = {f"{action}-{key}": value for key, value in fields.items()} | {"confirm": "1"}
    return client.post(url(name, subject.pk, action), data)


def html(response) -> str:
    return response.content.decode()


# ---- referral ---------------------------------------------------------------------------------


def test_the_municipality_refers_a_customer_from_the_customer_page(client_for, customer, edition, partner):
    client = client_for("comune.operatore")
    page = client.get(reverse("ledger:customer-detail", args=[customer.pk]))
    assert url("referral-create", customer.pk) in html(page)
    assert "Segnala a Risorsa Lavoro" in html(page)
    form = client.get(url("referral-create", customer.pk))
    assert form.status_code == 200
    assert "2010/000002, scaduta il 21/11/2009: 383,26" in html(form)
    bill = Bill.objects.get(customer=customer, residual__gt=0)
    response = client.post(
        url("referral-create", customer.pk),
        {
            "edition": edition.pk,
            "bills": [bill.pk],
            "project_amount": "300,00",
            "note_for_partner": "Al mattino",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("referral-detail", referral.pk)
    assert (referral.status, referral.project_amount, referral.customer) == (
        ReferralStatus.REFERRED,
        Decimal("300.00"),
        customer,
    )
    assert Deadline.objects.open().get(step=steps.ACCEPT_REFERRAL).owner == partner


def test_the_referral_form_refuses_in_italian_an_amount_above_the_arrears(client_for, customer, edition):
    bill = Bill.objects.get(customer=customer, residual__gt=0)
    response = client_for("comune.operatore").post(
        url("referral-create", customer.pk),
        {"edition": edition.pk, "bills": [bill.pk], "project_amount": "400,00"},
    )
    assert response.status_code == 200
    assert "supera la morosità del cliente" in html(response)
    assert not Referral.objects.exists()


def test_only_the_municipalitys_writers_refer_and_only_to_editions_not_ended(
    client_for, personas, customer, edition
):
    ended = edition_for(personas, name="2024/25", starts_on=date(2024, 9, 1), ends_on=date(2025, 8, 31))
    form = html(client_for("comune.operatore").get(url("referral-create", customer.pk)))
    assert edition.name in form and ended.name not in form
    assert client_for("comune.lettore").get(url("referral-create", customer.pk)).status_code == 403
    assert client_for("ponte.operatore").get(url("referral-create", customer.pk)).status_code == 404
    assert client_for("crema.operatore").get(url("referral-create", customer.pk)).status_code == 404
    reader_page = html(
        client_for("comune.lettore").get(reverse("ledger:customer-detail", args=[customer.pk]))
    )
    assert "Segnala a Risorsa Lavoro" not in reader_page


def test_the_referral_list_filters_by_edition_and_status_for_municipality_and_partner(
    client_for, personas, utility, edition
):
    other = edition_for(personas, name="2025/26", starts_on=date(2025, 9, 1), ends_on=date(2026, 12, 31))
    rossi = referred(personas, edition, sample_customer(utility))
    bianchi = referred(personas, other, sample_customer(utility, "C100001"))
    services.accept_referral(referral=bianchi, by=personas["ponte.operatore"].user)
    for persona in ("comune.lettore", "ponte.lettore"):
        client = client_for(persona)
        everyone = html(client.get(url("referral-list")))
        assert "ROSSI MARIO" in everyone and "BIANCHI LUCIA" in everyone
        by_edition = html(client.get(url("referral-list"), {"edizione": other.pk}))
        assert "ROSSI MARIO" not in by_edition and "BIANCHI LUCIA" in by_edition
        by_status = html(client.get(url("referral-list"), {"stato": ReferralStatus.REFERRED}))
        assert "ROSSI MARIO" in by_status and "BIANCHI LUCIA" not in by_status
    assert rossi.pk != bianchi.pk


def test_the_partner_accepts_and_records_the_pathway_shown_in_date_order(
    client_for, customer, edition, personas
):
    referral = referred(personas, edition, customer)
    partner = client_for("ponte.operatore")
    assert act(partner, "referral-action", referral, "accept").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    earlier = f"{TODAY - timedelta(days=3):%d/%m/%Y}"
    assert act(partner, "referral-action", referral, "tutor", on=DAY, note="Colloquio").status_code == 302
    assert (
        act(partner, "referral-action", referral, "call", on=earlier, outcome="raggiunta").status_code == 302
    )
    response = act(
        partner, "referral-action", referral, "training", on=DAY, course="Sicurezza", hours="8", passed="on"
    )
    assert response.status_code == 302
    assert act(partner, "referral-action", referral, "medical", on=DAY, outcome="idoneo").status_code == 302
    response = act(partner, "referral-action", referral, "activate", on=DAY, reference="INPS-42")
    assert response.status_code == 302
    text = html(partner.get(url("referral-detail", referral.pk)))
    assert "Strumento attivato." in text
    pathway = text[text.index('data-testid="pathway"') :]
    order = [pathway.index(step) for step in ("Chiamata", "Incontro con il tutor", "Corso di formazione")]
    assert order == sorted(order)
    assert "raggiunta: viene al colloquio" in pathway and "idoneo" in pathway and "INPS-42" in pathway
    assert "Sicurezza, 8 ore: superato" in pathway
    # the pathway's next step is the municipality's: the contract is due
    assert "Far firmare il contratto sociale" in text


def test_an_action_refused_by_the_pathway_shows_the_page_again_with_the_reason_in_italian(
    client_for, customer, edition, personas
):
    referral = referred(personas, edition, customer)
    services.accept_referral(referral=referral, by=personas["ponte.operatore"].user)
    response = act(
        client_for("ponte.operatore"), "referral-action", referral, "activate", on=DAY, reference="X"
    )
    assert response.status_code == 400
    assert 'data-testid="refusal"' in html(response)
    assert "Prima dell&#x27;attivazione serve una visita medica" in html(response)
    assert not referral.activations.exists()
    invalid = act(client_for("ponte.operatore"), "referral-action", referral, "call", on=DAY)
    assert invalid.status_code == 400
    # the form's errors are said once, by its summary, not again above the page
    assert "Il modulo contiene" in html(invalid) and 'data-testid="refusal"' not in html(invalid)
    done_twice = act(client_for("ponte.operatore"), "referral-action", referral, "accept")
    assert done_twice.status_code == 400
    assert "non si può fare in stato «in percorso»" in html(done_twice)


def test_readers_see_no_buttons_and_each_kind_may_do_only_its_own_actions(
    client_for, customer, edition, personas
):
    referral = referred(personas, edition, customer)
    assert 'data-action="accept"' in html(
        client_for("ponte.operatore").get(url("referral-detail", referral.pk))
    )
    for reader in ("ponte.lettore", "comune.lettore"):
        page = html(client_for(reader).get(url("referral-detail", referral.pk)))
        assert "data-action" not in page
        assert act(client_for(reader), "referral-action", referral, "accept").status_code == 403
    assert act(client_for("comune.operatore"), "referral-action", referral, "accept").status_code == 403
    assert act(client_for("ponte.operatore"), "referral-action", referral, "nonesiste").status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


def test_the_partner_rejects_with_a_reason_the_municipality_reads(client_for, customer, edition, personas):
    referral = referred(personas, edition, customer)
    response = act(client_for("ponte.operatore"), "referral-action", referral, "reject", why="Fuori zona")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    page = html(client_for("comune.operatore").get(url("referral-detail", referral.pk)))
    assert "Fuori zona" in page and "rifiutata dal partner" in page


# ---- contract ---------------------------------------------------------------------------------


def _activated(personas, referral):
    partner = personas["ponte.operatore"].user
    services.accept_referral(referral=referral, by=partner, on=TODAY)
    services.record_medical_visit(referral=referral, by=partner, on=TODAY, outcome="idoneo")
    services.record_activation(referral=referral, by=partner, on=TODAY, reference="INPS-1")


def test_the_municipality_prepares_and_signs_the_contract_both_print_it(
    client_for, customer, edition, personas
):
    referral = referred(personas, edition, customer)
    _activated(personas, referral)
    municipality = client_for("comune.operatore")
    assert act(municipality, "referral-action", referral, "contract", on=DAY).status_code == 302
    contract = SocialContract.objects.get(referral=referral)
    assert contract.status == ContractStatus.TO_SIGN
    page = html(municipality.get(url("referral-detail", referral.pk)))
    assert url("contract-pdf", contract.pk) in page and 'data-action="sign"' in page
    assert 'data-action="contract"' not in page  # prepared once
    assert act(municipality, "contract-action", contract, "sign", signed_on=DAY).status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.signed_on) == (ContractStatus.SIGNED, TODAY)
    again = act(municipality, "contract-action", contract, "sign", signed_on=DAY)
    assert again.status_code == 400
    assert "non si può fare in stato «firmato»" in html(again)
    assert (
        act(client_for("ponte.operatore"), "contract-action", contract, "sign", signed_on=DAY).status_code
        == 403
    )
    for persona in ("comune.lettore", "ponte.lettore"):
        response = client_for(persona).get(url("contract-pdf", contract.pk))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert (
            response.content.startswith(b"%PDF")
            and "contratto-sociale-C100000" in response["Content-Disposition"]
        )
    printed = "\n".join(contract_lines(contract, full=True))
    assert "ROSSI MARIO" in printed and "C100000" in printed and customer.person.codice_fiscale in printed
    assert "pari a 52 ore" in printed  # 383,26 € at 7,50 € an hour, rounded up
    assert "Altre fatture a carico" in printed and "nessun piano collegato" in printed
    assert client_for("aem.operatore").get(url("contract-pdf", contract.pk)).status_code == 404
    assert client_for("crema.responsabile").get(url("contract-pdf", contract.pk)).status_code == 404


# ---- what the partner never reads ----------------------------------------------------------------


@pytest.fixture
def fragile(personas, utility, edition):
    """BIANCHI LUCIA: two bills in the project, the others outside it; ISEE, assessment, protection."""
    customer = sample_customer(utility, "C100001")
    person = customer.person
    household = HouseholdFactory(organization=personas["comune.operatore"].organization)
    person.household = household
    person.save(update_fields=["household"])
    IseeFactory(household=household, value="6543.21", protocol="INPS-ISEE-SEGRETO-01")
    SocialAssessment.objects.create(
        person=person,
        assessed_on=date(2026, 10, 1),
        operator=personas["comune.operatore"].user,
        fragility=FragilityLevel.VERY_HIGH,
        notes="Valutazione riservata del Comune",
    )
    active_protection(customer, personas["comune.operatore"].user, reason="Motivo riservato della tutela")
    bills = list(Bill.objects.filter(customer=customer, residual__gt=0).order_by("due_on", "pk"))[:2]
    referral = services.refer_person(
        edition=edition,
        customer=customer,
        bills=bills,
        project_amount=sum((bill.residual for bill in bills), Decimal(0)),
        note_for_partner="Disponibile al mattino.",
        by=personas["comune.operatore"].user,
    )
    placement = at_work(personas, referral, track=Track.B)
    timesheet = week(placement, personas, LAST_MONDAY, 4, 4)
    services.approve_timesheet(timesheet=timesheet, by=personas["ponte.operatore"].user)
    return referral


def test_the_partner_never_sees_isee_assessment_other_arrears_balance_or_protection_on_any_work_page(
    client_for, fragile, monkeypatch
):
    contract = fragile.contract
    placement = fragile.placements.get()
    other_arrears = format_euro(contract.other_arrears).split("\xa0")[0]
    balance = format_euro(balance_for(customer=fragile.customer)).split("\xa0")[0]
    assert contract.other_arrears > 0
    secrets = [
        "6543,21",
        "6.543,21",
        "INPS-ISEE-SEGRETO-01",
        "Valutazione riservata",
        "Motivo riservato",
        other_arrears,
        balance,
        "Saldo",
        "Morosità alla segnalazione",
        "Altre fatture",
        "Fatture scadute nel piano",
    ]
    pages = [
        url("referral-list"),
        url("referral-detail", fragile.pk),
        url("placement-list"),
        url("placement-detail", placement.pk),
        url("edition-list"),
        url("edition-detail", fragile.edition_id),
    ]
    partner = client_for("ponte.operatore")
    for page in pages:
        response = partner.get(page)
        assert response.status_code == 200, page
        assert [secret for secret in secrets if secret in html(response)] == [], page
    # the partner's copy of the contract prints the project only
    printed = []
    monkeypatch.setattr(
        "risorsa.workprogram.views.contract_pdf",
        lambda contract, *, full: printed.append(contract_lines(contract, full=full)) or b"%PDF",
    )
    assert partner.get(url("contract-pdf", contract.pk)).status_code == 200
    assert [secret for secret in secrets if secret in "\n".join(printed[0])] == []
    assert "Importo del progetto" in "\n".join(printed[0])
    # what the partner does read: the person, the project and the work credits
    detail = html(partner.get(url("referral-detail", fragile.pk)))
    assert "BIANCHI LUCIA" in detail and "Disponibile al mattino." in detail and "60,00" in detail
    # the control: the municipality reads the other arrears
    municipality = html(client_for("comune.operatore").get(url("referral-detail", fragile.pk)))
    assert other_arrears in municipality and "Morosità alla segnalazione" in municipality


# ---- placements and timesheets ----------------------------------------------------------------


def test_the_partner_enters_a_week_in_one_row_and_the_utility_approves_it_into_a_credit(
    client_for, customer, edition, personas
):
    referral = referred(personas, edition, customer)
    ready_to_work(personas, referral)
    partner = client_for("ponte.operatore")
    response = act(
        partner,
        "referral-action",
        referral,
        "place",
        track="A",
        site="Piattaforma AEM",
        starts_on="02/11/2026",
    )
    assert response.status_code == 302
    placement = Placement.objects.get(referral=referral)
    assert placement.supervisor == customer.utility
    page = html(partner.get(url("placement-detail", placement.pk)))
    assert 'data-testid="week-form"' in page and 'name="timesheet-sun"' in page
    before = balance_for(customer=customer)
    response = act(
        partner,
        "placement-action",
        placement,
        "timesheet",
        week_of=f"{LAST_MONDAY:%d/%m/%Y}",
        mon="4",
        tue="4",
        wed="4",
        fri="4",
        activity="Pulizia aree",
    )
    assert response.status_code == 302
    timesheet = Timesheet.objects.get(placement=placement)
    assert (timesheet.hours, timesheet.status) == (Decimal("16.00"), TimesheetStatus.SUBMITTED)
    assert 'data-action="approve"' not in html(partner.get(url("placement-detail", placement.pk)))
    assert act(partner, "timesheet-action", timesheet, "approve").status_code == 403
    utility = client_for("aem.operatore")
    page = html(utility.get(url("placement-detail", placement.pk)))
    assert 'data-action="approve"' in page and 'data-testid="week-form"' not in page
    response = act(utility, "timesheet-action", timesheet, "approve")
    assert response.status_code == 302 and response["Location"] == url("placement-detail", placement.pk)
    timesheet.refresh_from_db()
    assert (timesheet.status, timesheet.credited) == (TimesheetStatus.APPROVED, Decimal("120.00"))
    assert timesheet.credit.status == CreditStatus.IN_TRANSIT
    assert balance_for(customer=customer) == before - Decimal("120.00")
    page = html(utility.get(url("placement-detail", placement.pk)))
    assert timesheet.credit.reference in page and "120,00" in page
    statement = html(partner.get(url("referral-detail", referral.pk)))
    assert 'data-testid="in-transit">120,00' in statement
    assert 'data-testid="hours-needed">36<' in statement  # 263,26 € left at 7,50 €


def test_week_entry_and_approval_errors_are_refused_in_italian(client_for, customer, edition, personas):
    referral = referred(personas, edition, customer)
    placement = at_work(personas, referral, track=Track.A)
    partner = client_for("ponte.operatore")
    not_monday = act(partner, "placement-action", placement, "timesheet", week_of=DAY, mon="4", activity="x")
    assert not_monday.status_code == 400
    assert "Scegli il lunedì della settimana" in html(not_monday)
    future = act(
        partner, "placement-action", placement, "timesheet", week_of="16/11/2026", sun="4", activity="Pulizia"
    )
    assert future.status_code == 400
    assert "è nel futuro" in html(future)
    timesheet = week(placement, personas, LAST_MONDAY, 4)
    again = act(
        partner,
        "placement-action",
        placement,
        "timesheet",
        week_of=f"{LAST_MONDAY:%d/%m/%Y}",
        mon="2",
        activity="x",
    )
    assert again.status_code == 400
    assert "sono già state inserite" in html(again)
    without_reason = act(client_for("aem.operatore"), "timesheet-action", timesheet, "reject")
    assert without_reason.status_code == 400
    assert "Il modulo contiene 1 errore" in html(without_reason) and "Scrivi il motivo." in html(
        without_reason
    )
    rejected = act(client_for("aem.operatore"), "timesheet-action", timesheet, "reject", why="Ore sbagliate")
    assert rejected.status_code == 302
    timesheet.refresh_from_db()
    assert timesheet.status == TimesheetStatus.REJECTED
    assert act(client_for("aem.lettore"), "timesheet-action", timesheet, "approve").status_code == 403


def test_the_utility_sees_only_the_track_a_placements_it_supervises_and_no_referral_page(
    client_for, utility, edition, personas
):
    on_a = referred(personas, edition, sample_customer(utility))
    on_b = referred(personas, edition, sample_customer(utility, "C100001"))
    track_a = at_work(personas, on_a, track=Track.A)
    track_b = at_work(personas, on_b, track=Track.B)
    timesheet = week(track_b, personas, LAST_MONDAY, 4)
    aem = client_for("aem.lettore")
    listed = html(aem.get(url("placement-list")))
    assert "ROSSI MARIO" in listed and "BIANCHI" not in listed
    assert url("referral-detail", on_a.pk) not in html(aem.get(url("placement-detail", track_a.pk)))
    assert aem.get(url("placement-detail", track_b.pk)).status_code == 404
    for page in (
        url("referral-list"),
        url("referral-detail", on_a.pk),
        url("edition-list"),
        url("edition-detail", edition.pk),
        url("contract-pdf", on_a.contract.pk),
    ):
        assert aem.get(page).status_code == 404, page
    assert act(client_for("aem.operatore"), "timesheet-action", timesheet, "approve").status_code == 404
    assert act(client_for("aem.operatore"), "referral-action", on_a, "end").status_code == 404
    other_utility = client_for("a2a.responsabile")
    assert "ROSSI" not in html(other_utility.get(url("placement-list")))
    assert other_utility.get(url("placement-detail", track_a.pk)).status_code == 404
    # the partner and the municipality see both
    for persona in ("ponte.lettore", "comune.lettore"):
        both = html(client_for(persona).get(url("placement-list")))
        assert "ROSSI MARIO" in both and "BIANCHI LUCIA" in both


def test_another_municipality_sees_nothing_of_cremonas_work_program(client_for, customer, edition, personas):
    referral = referred(personas, edition, customer)
    placement = at_work(personas, referral, track=Track.A)
    crema = client_for("crema.responsabile")
    assert "ROSSI" not in html(crema.get(url("referral-list")))
    assert "ROSSI" not in html(crema.get(url("placement-list")))
    assert edition.name not in html(crema.get(url("edition-list")))
    assert "Il Comune, il gestore" not in html(crema.get(url("contract-texts")))
    for page in (
        url("referral-detail", referral.pk),
        url("placement-detail", placement.pk),
        url("edition-detail", edition.pk),
        url("contract-pdf", referral.contract.pk),
    ):
        assert crema.get(page).status_code == 404, page
    assert (
        crema.post(url("edition-timing", edition.pk, steps.MEDICAL_VISIT), {"working_days": "3"}).status_code
        == 404
    )
    assert act(crema, "referral-action", referral, "revoke", why="x").status_code == 404


def test_the_end_of_the_pathway_and_the_questionnaire_from_the_page(client_for, customer, edition, personas):
    referral = referred(personas, edition, customer)
    at_work(personas, referral)
    partner = client_for("ponte.operatore")
    no_outcome = act(partner, "referral-action", referral, "end", why="Finito", on=DAY)
    assert no_outcome.status_code == 400
    response = act(
        partner, "referral-action", referral, "end", outcome=EndOutcome.COMPLETED, why="Finito", on=DAY
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (ReferralStatus.ENDED, EndOutcome.COMPLETED)
    assert act(partner, "referral-action", referral, "questionnaire", satisfaction="4").status_code == 302
    referral.refresh_from_db()
    assert referral.satisfaction == 4
    assert "4/5" in html(client_for("comune.lettore").get(url("referral-detail", referral.pk)))


# ---- editions and contract texts ---------------------------------------------------------------


def test_the_manager_creates_an_edition_and_agrees_its_timings_until_it_starts(client_for, partner):
    manager = client_for("comune.responsabile")
    assert manager.get(url("edition-create")).status_code == 200
    assert client_for("comune.operatore").get(url("edition-create")).status_code == 403
    assert client_for("ponte.responsabile").get(url("edition-create")).status_code == 404
    response = manager.post(
        url("edition-create"),
        {
            "name": "2027/28",
            "partner": partner.pk,
            "starts_on": "01/01/2027",
            "ends_on": "31/12/2027",
            "instrument": "PrestO",
            "net_hourly_value": "9,00",
            "yearly_cap_per_worker": "5.000,00",
            "budget": "20.000,00",
        },
    )
    edition = Edition.objects.get(name="2027/28")
    assert response.status_code == 302 and response["Location"] == url("edition-detail", edition.pk)
    assert edition.timings.count() == len(steps.EDITION_STEPS)
    page = html(manager.get(url("edition-detail", edition.pk)))
    assert "Rapporto dell" in page and f'href="/reports/editions/{edition.pk}/"' in page
    assert url("edition-timing", edition.pk, steps.MEDICAL_VISIT) in page
    assert "20.000,00" in page and "Fare la visita medica" in page
    timing = manager.post(url("edition-timing", edition.pk, steps.MEDICAL_VISIT), {"working_days": "8"})
    assert timing.status_code == 302
    assert edition.timings.get(step=steps.MEDICAL_VISIT).working_days == 8
    out_of_range = manager.post(
        url("edition-timing", edition.pk, steps.MEDICAL_VISIT), {"working_days": "999"}
    )
    assert out_of_range.status_code == 400 and "da 0 a 250" in html(out_of_range)
    assert (
        manager.post(url("edition-timing", edition.pk, "inventato"), {"working_days": "3"}).status_code == 404
    )
    operator = client_for("comune.operatore")
    assert url("edition-timing", edition.pk, steps.MEDICAL_VISIT) not in html(
        operator.get(url("edition-detail", edition.pk))
    )
    assert (
        operator.post(
            url("edition-timing", edition.pk, steps.MEDICAL_VISIT), {"working_days": "3"}
        ).status_code
        == 403
    )
    assert "2027/28" in html(client_for("ponte.lettore").get(url("edition-list")))


def test_a_started_editions_timings_are_refused_in_italian(client_for, edition, customer, personas):
    referred(personas, edition, customer)
    manager = client_for("comune.responsabile")
    page = html(manager.get(url("edition-detail", edition.pk)))
    assert url("edition-timing", edition.pk, steps.MEDICAL_VISIT) not in page
    assert 'data-testid="participants">1<' in page
    response = manager.post(url("edition-timing", edition.pk, steps.MEDICAL_VISIT), {"working_days": "3"})
    assert response.status_code == 400
    assert "L&#x27;edizione è iniziata il 01/09/2026" in html(response)


def test_the_manager_publishes_a_new_text_and_learns_how_many_contracts_to_sign_again(
    client_for, customer, edition, personas
):
    referral = referred(personas, edition, customer)
    contract = ready_to_work(personas, referral)
    assert client_for("comune.lettore").get(url("contract-texts")).status_code == 200
    assert client_for("ponte.responsabile").get(url("contract-texts")).status_code == 404
    assert client_for("comune.operatore").post(url("contract-texts"), {"body": "Nuovo"}).status_code == 403
    manager = client_for("comune.responsabile")
    assert manager.post(url("contract-texts"), {"body": "  "}).status_code == 400
    response = manager.post(
        url("contract-texts"), {"body": "Nuovo testo condiviso con il gestore."}, follow=True
    )
    assert "Testo v2 pubblicato: 1 contratto va firmato di nuovo." in html(response)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.TO_RESIGN
    page = html(response)
    assert page.index("Versione 2") < page.index("Versione 1")
    assert 'data-action="sign"' in html(
        client_for("comune.operatore").get(url("referral-detail", referral.pk))
    )


def test_the_detail_pages_read_a_fixed_number_of_queries_whatever_their_weeks(
    client_for, customer, edition, personas
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    referral = referred(personas, edition, customer)
    placement = at_work(personas, referral, track=Track.A)

    def queries(persona: str, page: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_for(persona).get(page).status_code == 200
        return len(captured)

    pages = [
        ("aem.operatore", url("placement-detail", placement.pk)),
        ("ponte.operatore", url("placement-detail", placement.pk)),
        ("comune.operatore", url("referral-detail", referral.pk)),
        ("ponte.operatore", url("referral-detail", referral.pk)),
    ]
    week(placement, personas, date(2026, 10, 26), 4)
    few = [queries(persona, page) for persona, page in pages]
    for monday in (date(2026, 11, 2), date(2026, 11, 9)):
        week(placement, personas, monday, 4, 4, 4)
    services.approve_timesheet(
        timesheet=Timesheet.objects.get(week_of=date(2026, 11, 2)), by=personas["aem.operatore"].user
    )
    assert [queries(persona, page) for persona, page in pages] == few
