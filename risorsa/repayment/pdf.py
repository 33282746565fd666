"""The plan as a PDF for the household's signature (Italian, A4), written with fpdf2."""

from django.utils import timezone

from risorsa.core.money import format_euro
from risorsa.core.pdf import new_document
from risorsa.repayment.models import RepaymentPlan

# Titillium Web, the typeface of Italian public administration, ships with the Bootstrap Italia theme.


def plan_lines(plan: RepaymentPlan, *, with_income: bool) -> list[str]:
    """The plan's terms as printed; the household's income only in the municipality's copy."""
    customer = plan.customer
    lines = [
        f"Intestatario: {customer.holder} — codice fiscale {customer.person.codice_fiscale}",
        f"Gestore: {plan.customer.utility.name} — codice cliente {plan.customer.code}",
        f"Debito rateizzato: {format_euro(plan.debt)}"
        + (f" più interessi {format_euro(plan.interest)}" if plan.interest else " senza interessi"),
    ]
    if with_income:
        share = f"{plan.share * 100:.1f}".replace(".", ",")
        lines.append(
            f"Rata sostenibile: fino al {share}% del reddito mensile del nucleo "
            f"({format_euro(plan.monthly_income)})"
        )
    lines.append(f"Il piano decade dopo {plan.missed_allowed} rate non pagate.")
    return lines


def plan_pdf(plan: RepaymentPlan, *, with_income: bool) -> bytes:
    """The plan's terms, installments and the signature lines, ready to print."""
    pdf = new_document(title=f"Piano di rientro {plan.customer.code}", heading="Piano di rientro")
    lines = plan_lines(plan, with_income=with_income)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(20, 50, 50), text_align=("CENTER", "CENTER", "RIGHT")) as table:
        table.row(["Rata", "Scadenza", "Importo"])
        for installment in plan.installments.order_by("number"):
            table.row(
                [str(installment.number), f"{installment.due_on:%d/%m/%Y}", format_euro(installment.amount)]
            )
        table.row(["", "Totale", format_euro(plan.total)])
    pdf.ln(12)
    pdf.cell(95, 7, "Firma dell'intestatario")
    pdf.cell(95, 7, "Per i Servizi Sociali del Comune", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.cell(95, 7, "______________________________")
    pdf.cell(95, 7, "______________________________", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Titillium", "", 9)
    pdf.cell(0, 6, f"Stampato il {timezone.localdate():%d/%m/%Y} da Risorsa.")
    return bytes(pdf.output())
