"""The social contract as a PDF for signature (Italian, A4), written with fpdf2.

The municipality's copy prints all the arrears the contract covers (the project, the plan of the
older bills with its installments, the other bills); the partner's copy prints the project only:
the partner never reads the person's other debts (DOMAIN.md, who sees what).
"""

from django.utils import timezone

from risorsa.core.money import format_euro
from risorsa.core.pdf import new_document
from risorsa.workprogram.models import SocialContract


def contract_lines(contract: SocialContract, *, full: bool) -> list[str]:
    """The contract's parties and amounts as printed; the plan and other bills in the full copy only."""
    referral = contract.referral
    person, customer, edition = referral.person, referral.customer, referral.edition
    hours = edition.hours_for(contract.project_amount)
    lines = [
        f"Intestatario: {person.surname} {person.name} — codice fiscale {person.codice_fiscale}",
        f"Gestore: {customer.utility.name} — codice cliente {customer.code}",
        f"Edizione {edition.name} ({edition.instrument}), partner: {edition.partner.name}",
        f"Importo del progetto, pagato con il lavoro: {format_euro(contract.project_amount)}, "
        f"pari a {hours} ore a {format_euro(edition.net_hourly_value)} netti l'ora",
    ]
    if full:
        if contract.plan is not None:
            lines.append(
                f"Fatture scadute nel piano di rientro: {format_euro(contract.plan_amount)}, "
                f"in {contract.plan.installments.count()} rate"
            )
        else:
            lines.append("Fatture scadute nel piano di rientro: nessun piano collegato")
        lines.append(f"Altre fatture a carico dell'intestatario: {format_euro(contract.other_arrears)}")
    return lines


def contract_pdf(contract: SocialContract, *, full: bool) -> bytes:
    """The contract's text, its parties and amounts, the plan's installments and the signature lines."""
    referral = contract.referral
    pdf = new_document(
        title=f"Contratto sociale {referral.customer.code}", heading="Contratto sociale — Risorsa Lavoro"
    )
    pdf.set_font("Titillium", "", 9)
    pdf.cell(
        0,
        6,
        f"Testo v{contract.text.version} del {contract.text.published_on:%d/%m/%Y} — "
        f"preparato il {contract.prepared_on:%d/%m/%Y}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Titillium", "", 11)
    pdf.ln(2)
    pdf.multi_cell(0, 6, contract.text.body, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Titillium", "B", 12)
    pdf.cell(0, 8, "Le parti e gli importi", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Titillium", "", 11)
    for line in contract_lines(contract, full=full):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    if full and contract.plan is not None:
        pdf.ln(3)
        with pdf.table(col_widths=(20, 50, 50), text_align=("CENTER", "CENTER", "RIGHT")) as table:
            table.row(["Rata", "Scadenza", "Importo"])
            for installment in contract.plan.installments.order_by("number"):
                table.row(
                    [
                        str(installment.number),
                        f"{installment.due_on:%d/%m/%Y}",
                        format_euro(installment.amount),
                    ]
                )
    if not full:
        pdf.ln(2)
        pdf.set_font("Titillium", "", 9)
        pdf.multi_cell(
            0,
            6,
            "Copia del partner: le altre voci della morosità sono nella copia dei Servizi Sociali.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Titillium", "", 11)
    pdf.ln(12)
    signatures = ("Firma dell'intestatario", "Per i Servizi Sociali del Comune", "Per il partner")
    width = 190 / len(signatures)
    for label in signatures:
        pdf.cell(width, 7, label)
    pdf.ln(14)
    for _label in signatures:
        pdf.cell(width, 7, "_________________________")
    pdf.ln(10)
    pdf.cell(0, 7, "Data della firma: ____ / ____ / ________", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Titillium", "", 9)
    pdf.cell(0, 6, f"Stampato il {timezone.localdate():%d/%m/%Y} da Risorsa.")
    return bytes(pdf.output())
