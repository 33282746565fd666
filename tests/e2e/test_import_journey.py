"""A utility operator uploads the bills file, watches it finish, then uploads the file with errors."""

import threading

import pytest
from playwright.sync_api import expect

from risorsa.ledger.tests.helpers import SAMPLES


@pytest.fixture
def task_worker(transactional_db, settings):
    """The real django-tasks database worker, in a thread of the live server's process."""
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e",
        excluded_queue_names=[],
    )

    def work():
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=5)


def test_utility_operator_uploads_bills_and_then_a_file_with_errors(
    page, live_server, log_in, personas, task_worker, screenshot
):
    log_in("aem.operatore")
    page.get_by_role("link", name="Importazioni").click()
    page.get_by_role("link", name="Carica un file").click()
    page.get_by_label("Data di estrazione").fill("28/02/2010")
    page.get_by_label("File CSV").set_input_files(str(SAMPLES / "fatture_ok.csv"))
    screenshot("modulo")
    page.get_by_role("button", name="Importa").click()
    # the page follows the import until it ends
    expect(page.get_by_test_id("import-done")).to_contain_text("45 nuove", timeout=20_000)
    screenshot("completata")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Importazioni").click()
    expect(page.get_by_role("table")).to_contain_text("fatture_ok.csv")
    page.get_by_role("link", name="Carica un file").click()
    page.get_by_label("Data di estrazione").fill("28/02/2010")
    page.get_by_label("File CSV").set_input_files(str(SAMPLES / "fatture_errori.csv"))
    page.get_by_role("button", name="Importa").click()
    expect(page.get_by_test_id("import-rejected")).to_contain_text("7 righe non valide", timeout=20_000)
    rows = page.get_by_test_id("invalid-rows").locator("tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.first).to_contain_text("carattere di controllo errato")
    screenshot("rifiutata")
