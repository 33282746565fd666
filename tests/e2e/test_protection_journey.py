"""The municipality protects a customer and sends a plan; the utility approves it; a cut is an incident."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from risorsa.ledger.tests.helpers import import_file, import_sample


@pytest.fixture
def rossi(transactional_db, personas, utility):
    import_sample(utility, "fatture", "fatture_ok.csv")
    return utility.customers.get(code="C100000")


def test_protection_plan_approval_and_the_incident_banner(
    page, live_server, log_in, rossi, utility, screenshot, tmp_path
):
    # A municipality operator proposes a protection for ROSSI MARIO and activates it.
    log_in("comune.operatore")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Morosità").click()
    page.get_by_role("link", name="C100000").click()
    page.get_by_role("link", name="Proponi una tutela").click()
    page.get_by_label("Motivazione").fill("Nucleo monoreddito con due minori; padre disoccupato.")
    page.get_by_role("button", name="Proponi").click()
    expect(page.get_by_text("Tutela proposta.")).to_be_visible()
    page.locator("[data-action=activate]").click()
    expect(page.get_by_text("Tutela attiva.")).to_be_visible()
    protection_url = page.url
    expect(page.get_by_test_id("current-debt")).to_have_text(re.compile(r"383,26\s€"))
    screenshot("tutela-attiva")

    # They build a plan in the simulator: the schedule follows what they type.
    page.get_by_role("link", name="cliente C100000").click()
    page.get_by_role("link", name="Simula un piano di rientro").click()
    page.get_by_label("Reddito mensile del nucleo").fill("900,00")
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    # (a first installment in the past is refused)
    page.get_by_label("Prima rata il").fill(f"{next_month:%d/%m/%Y}")
    expect(page.get_by_test_id("schedule")).to_contain_text("3 rate da 127,75")
    page.get_by_label("Reddito mensile del nucleo").fill("600,00")
    expect(page.get_by_test_id("schedule")).to_contain_text("5 rate da 76,65")
    screenshot("simulatore")
    page.get_by_role("button", name="Salva come bozza").click()
    page.get_by_role("button", name="Invia al gestore").click()
    expect(page.get_by_text("Piano inviato al gestore per l'approvazione.")).to_be_visible()
    screenshot("piano-inviato")

    # A utility manager finds it waiting and approves it.
    page.get_by_role("button", name="Esci").click()
    log_in("aem.responsabile")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Da fare").click()
    expect(page.get_by_test_id("todo")).to_contain_text("Approvare il piano di rientro")
    page.get_by_role("link", name="Approvare il piano di rientro").click()
    page.get_by_role("button", name="Approva il piano").click()
    expect(page.get_by_text("Piano approvato.")).to_be_visible()
    screenshot("piano-approvato")

    # The utility's file reports a power reduction and then a cut of the protected supply, today:
    # the protection is in force on the day of the cut.
    today = timezone.localdate()  # the live server's day
    first_two = tmp_path / "eventi.csv"
    first_two.write_text(
        "id_evento;codice_cliente;punto_fornitura;tipo;data_evento;note\n"
        f"E0001;C100000;IT012E10000007;RIDUZIONE_POTENZA;{today:%d/%m/%Y};riduzione al 15%\n"
        f"E0002;C100000;IT012E10000007;SOSPENSIONE;{today:%d/%m/%Y};\n"
    )
    assert import_file(utility, "eventi", first_two).status == "completato"
    page.reload()
    expect(page.get_by_test_id("incident-banner")).to_contain_text("1 fornitura protetta è sospesa")
    screenshot("banner-gestore")

    page.get_by_role("button", name="Esci").click()
    log_in("comune.operatore")
    expect(page.get_by_test_id("incident-banner")).to_be_visible()
    page.get_by_role("link", name="Vedi gli incidenti").click()
    page.get_by_role("link", name=f"{today:%d/%m/%Y}").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("riduzione di potenza")
    expect(page.get_by_test_id("timeline")).to_contain_text("In attesa della riattivazione.")
    screenshot("incidente-comune")

    # Ending the protection takes a second step and a reason: the first click only asks why, and
    # a confirmation without a reason opens on the summary of what is missing.
    page.goto(protection_url)
    page.get_by_role("link", name="Cessa la tutela").click()
    expect(page.get_by_role("heading", name="Cessa la tutela", exact=True)).to_be_visible()
    reason = page.get_by_label("Motivo della cessazione")
    expect(reason).to_have_value("")
    page.get_by_role("button", name="Conferma: Cessa la tutela").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Il modulo contiene 1 errore")
    summary.get_by_role("link", name="Motivo della cessazione: Scegli il motivo della cessazione.").click()
    expect(reason).to_be_focused()
    reason.select_option(label="trasferito")
    page.get_by_role("button", name="Conferma: Cessa la tutela").click()
    expect(page.get_by_text("Tutela cessata.")).to_be_visible()
    screenshot("tutela-cessata")
