"""Risorsa Lavoro from the referral to the settled credit: the municipality refers a customer, the
partner takes them along the pathway, the municipality has the contract signed, the partner
places them with the utility's staff and enters a week, the utility approves it, and the work
credit lowers the balance until the utility's payments file settles it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from risorsa.ledger.tests.helpers import import_payments, import_sample
from risorsa.workprogram import services


@pytest.fixture
def rossi(transactional_db, personas, utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    return utility.customers.get(code="C100000")  # ROSSI MARIO owes 383,26 €


@pytest.fixture
def edition(transactional_db, personas):
    today = timezone.localdate()
    return services.create_edition(
        municipality=personas["comune.responsabile"].organization,
        partner=personas["ponte.responsabile"].organization,
        name="2026/27",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=300),
        net_hourly_value=Decimal("7.50"),
        yearly_cap_per_worker=Decimal("5000.00"),
        by=personas["comune.responsabile"].user,
    )


def test_a_referral_becomes_hours_of_work_and_a_credit_the_utility_settles(
    page, live_server, log_in, rossi, edition, utility, screenshot, tmp_path
):
    def log_out():
        page.get_by_role("button", name="Esci").click()

    def card(title: str):
        """The form of an action, found by its title."""
        return page.locator("form").filter(has=page.get_by_role("heading", name=title))

    def said(message: str):
        expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()

    def perform(title: str, done: str):
        card(title).get_by_role("button", name=title).click()
        said(done)

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)  # last week: every day of it is past

    # The municipality refers ROSSI MARIO from the customer's page.
    log_in("comune.operatore")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Morosità").click()
    page.get_by_role("link", name="C100000").click()
    page.get_by_role("link", name="Segnala a Risorsa Lavoro").click()
    page.get_by_label("Edizione").select_option(label="Edizione 2026/27")
    page.get_by_text("2010/000002").click()  # Bootstrap Italia draws the box on the label
    expect(page.get_by_label("2010/000002")).to_be_checked()
    page.get_by_label("Importo del progetto").fill("383,26")
    page.get_by_label("Nota per il partner").fill("Disponibile al mattino.")
    screenshot("segnalazione")
    page.get_by_role("button", name="Segnala al partner").click()
    said("Persona segnalata al partner")
    expect(page.get_by_test_id("project-amount")).to_have_text(re.compile(r"383,26\s€"))
    referral_url = page.url
    log_out()

    # The partner accepts and walks the pathway.
    log_in("ponte.operatore")
    page.goto(referral_url)
    expect(page.get_by_text("Disponibile al mattino.")).to_be_visible()
    page.get_by_role("button", name="Accetta la segnalazione").click()
    said("Segnalazione accettata")
    card("Registra una chiamata").get_by_label("Esito").select_option("raggiunta")
    perform("Registra una chiamata", "Chiamata registrata.")
    card("Registra un incontro con il tutor").get_by_label("Nota").fill("Primo colloquio")
    perform("Registra un incontro con il tutor", "Incontro registrato.")
    card("Registra un corso di formazione").get_by_label("Corso").fill("Sicurezza sul lavoro")
    card("Registra un corso di formazione").get_by_label("Ore").fill("8")
    perform("Registra un corso di formazione", "Corso registrato.")
    card("Registra la visita medica").get_by_label("Esito").select_option("idoneo")
    perform("Registra la visita medica", "Visita medica registrata.")
    card("Registra l'attivazione dello strumento").get_by_label("Riferimento").fill("INPS-0001")
    perform("Registra l'attivazione dello strumento", "Strumento attivato.")
    pathway = page.get_by_test_id("pathway")
    for step in (
        "raggiunta",
        "Primo colloquio",
        "Sicurezza sul lavoro, 8 ore: superato",
        "idoneo",
        "INPS-0001",
    ):
        expect(pathway).to_contain_text(step)
    screenshot("percorso")
    log_out()

    # The municipality prepares the contract and records the signature.
    log_in("comune.operatore")
    page.goto(referral_url)
    perform("Prepara il contratto sociale", "Contratto preparato")
    expect(page.get_by_role("link", name="PDF per la firma")).to_be_visible()
    perform("Registra la firma", "Firma registrata.")
    expect(page.get_by_test_id("contract")).to_contain_text("firmato")
    screenshot("contratto-firmato")
    log_out()

    # The partner places the person on track A and enters last week's hours in one row.
    log_in("ponte.operatore")
    page.goto(referral_url)
    placing = card("Inserisci al lavoro")
    placing.get_by_text("A: con il personale del gestore").click()
    expect(placing.get_by_label("A: con il personale del gestore")).to_be_checked()
    placing.get_by_label("Sede").fill("Piattaforma ecologica AEM")
    placing.get_by_label("Primo giorno").fill(f"{monday:%d/%m/%Y}")
    perform("Inserisci al lavoro", "Inserimento registrato")
    page.get_by_test_id("placements").get_by_role("link").click()
    week = page.get_by_test_id("week-form")
    week.get_by_label("Settimana dal").fill(f"{monday:%d/%m/%Y}")
    for day in ("Lun", "Mar", "Mer", "Gio", "Ven"):
        week.get_by_label(day, exact=True).fill("4")
    week.get_by_label("Attività").fill("Pulizia aree")
    screenshot("settimana")
    week.get_by_role("button", name="Invia le ore").click()
    said("Presenze inviate")
    expect(page.get_by_test_id("timesheets")).to_contain_text("da approvare")
    log_out()

    # The utility approves the hours on the placement page: 20 h at 7,50 € = 150,00 € in transit.
    log_in("aem.operatore")
    page.goto(f"{live_server.url}/work/placements/")
    page.get_by_test_id("list-table").get_by_role("link").click()
    page.get_by_role("button", name="Approva le ore").click()
    said("Ore approvate")
    expect(page.get_by_test_id("timesheets")).to_contain_text(re.compile(r"150,00\s€"))
    expect(page.get_by_test_id("credit-status")).to_have_text("in transito")
    reference = page.get_by_test_id("credit-reference").inner_text()
    assert reference.startswith("RL-")
    placement_url = page.url
    screenshot("ore-approvate")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Morosità").click()
    page.get_by_role("link", name="C100000").click()
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"233,26\s€"))  # 383,26 - 150,00
    expect(page.get_by_text(reference)).to_be_visible()
    screenshot("saldo-ridotto")

    # The utility's payments file settles the credit: it shows as applied.
    run = import_payments(utility, [("PRL-1", "C100000", "", today, "150,00", reference)], folder=tmp_path)
    assert run.status == "completato", list(run.issues.values_list("reason", flat=True))
    page.goto(placement_url)
    expect(page.get_by_test_id("credit-status")).to_have_text("applicato")
    log_out()
    log_in("comune.operatore")
    page.goto(referral_url)
    expect(page.get_by_test_id("applied")).to_have_text(re.compile(r"150,00\s€"))
    expect(page.get_by_test_id("in-transit")).to_have_text(re.compile(r"0,00\s€"))
    expect(page.get_by_test_id("remaining")).to_have_text(re.compile(r"233,26\s€"))
    screenshot("accredito-applicato")
