"""`pagamenti`: payments the utility received, including those settling the program's credits."""

from django.db import connection
from django.utils.translation import gettext as _

from risorsa.core.money import quantize
from risorsa.ledger.importing import fields
from risorsa.ledger.importing.common import Context, Counts, Issue, run_checks
from risorsa.ledger.models import PaymentChannel

COLUMNS = (
    "id_pagamento",
    "codice_cliente",
    "numero_fattura",
    "data_pagamento",
    "importo",
    "canale",
    "riferimento",
)
REQUIRED = ("id_pagamento", "codice_cliente", "data_pagamento", "importo")
OPTIONAL = ("numero_fattura", "canale", "riferimento")
CHANNELS = set(PaymentChannel.values)


def tables(postgres: bool) -> dict:
    return {
        "stage_payment": [
            ("line", "integer"),
            ("external_id", "text"),
            ("customer_code", "text"),
            ("number", "text"),
            ("paid_on", "date" if postgres else "text"),
            ("amount", "bigint"),
            ("channel", "text"),
            ("reference", "text"),
        ]
    }


class Rows:
    def __init__(self, stager):
        self.stager = stager

    def __call__(self, line: int, values: list[str]) -> list[Issue]:
        values = [value.strip() for value in values]
        external_id, customer_code, number, paid_text, amount_text, channel, reference = values
        problems = []
        checks = (
            ("id_pagamento", external_id, lambda v: fields.required(v, max_length=40)),
            ("codice_cliente", customer_code, lambda v: fields.required(v, max_length=20)),
            ("numero_fattura", number, lambda v: v and fields.required(v, max_length=40)),
            ("riferimento", reference, lambda v: v and fields.required(v, max_length=30)),
        )
        for column, value, check in checks:
            try:
                check(value)
            except fields.FieldError as error:
                problems.append(Issue(line, column, value, error.reason))
        paid_on = amount = None
        try:
            paid_on = fields.iso_date(paid_text)
        except fields.FieldError as error:
            problems.append(Issue(line, "data_pagamento", paid_text, error.reason))
        try:
            amount = fields.cents(amount_text)
            if amount <= 0:
                problems.append(Issue(line, "importo", amount_text, _("deve essere maggiore di zero")))
        except fields.FieldError as error:
            problems.append(Issue(line, "importo", amount_text, error.reason))
        channel = channel.upper()
        if channel and channel not in CHANNELS:
            problems.append(Issue(line, "canale", channel, _("canale sconosciuto")))
        if not problems:
            self.stager.add(
                "stage_payment",
                (line, external_id, customer_code, number, paid_on, amount, channel, reference.upper()),
            )
        return problems


CHECKS = {
    "ids_in_file": "SELECT external_id FROM stage_payment GROUP BY external_id HAVING COUNT(*) > 1",
    "ids_in_ledger": """
        SELECT s.external_id FROM stage_payment s
        JOIN ledger_payment p ON p.utility_id = %(u)s AND p.external_id = s.external_id
        JOIN ledger_customer c ON c.id = p.customer_id
        WHERE c.code <> s.customer_code OR p.amount <> s.amount / 100.0 OR p.paid_on <> s.paid_on
    """,
    "unknown_customers": """
        SELECT DISTINCT s.customer_code FROM stage_payment s
        WHERE NOT EXISTS (SELECT 1 FROM ledger_customer c WHERE c.utility_id = %(u)s AND c.code = s.customer_code)
    """,
    "unknown_bills": """
        SELECT DISTINCT s.number FROM stage_payment s
        WHERE s.number <> '' AND NOT EXISTS (
            SELECT 1 FROM ledger_bill b JOIN ledger_customer c ON c.id = b.customer_id
            WHERE b.utility_id = %(u)s AND b.number = s.number AND c.code = s.customer_code)
    """,
    "unknown_references": """
        SELECT DISTINCT s.reference FROM stage_payment s
        WHERE s.reference <> '' AND NOT EXISTS (
            SELECT 1 FROM ledger_credit k JOIN ledger_customer c ON c.id = k.customer_id
            WHERE k.reference = s.reference AND c.code = s.customer_code AND k.amount = s.amount / 100.0)
    """,
    "references_settled": """
        SELECT s.reference, p.external_id FROM stage_payment s
        JOIN ledger_credit k ON k.reference = s.reference
        JOIN ledger_payment p ON p.credit_id = k.id
        WHERE p.utility_id <> %(u)s OR p.external_id <> s.external_id
    """,
    "references_in_file": """
        SELECT reference FROM stage_payment WHERE reference <> '' GROUP BY reference HAVING COUNT(*) > 1
    """,
}


def check(ctx: Context) -> dict[str, dict]:
    """Keys of rows that are valid alone but not together or against what is stored."""
    return run_checks(CHECKS, ctx)


def explain(line: int, values: list[str], found: dict[str, dict]) -> list[Issue]:
    values = [value.strip() for value in values]
    external_id, customer_code, number, _paid, _amount, _channel, reference = values
    reference = reference.upper()
    reasons = [
        ("ids_in_file", "id_pagamento", external_id, _("id pagamento ripetuto nel file")),
        ("ids_in_ledger", "id_pagamento", external_id, _("pagamento già registrato con dati diversi")),
        (
            "unknown_customers",
            "codice_cliente",
            customer_code,
            _("cliente sconosciuto: importa prima le fatture"),
        ),
        ("unknown_bills", "numero_fattura", number, _("fattura sconosciuta per questo cliente")),
        (
            "unknown_references",
            "riferimento",
            reference,
            _("nessun accredito con questo riferimento, cliente e importo"),
        ),
        ("references_in_file", "riferimento", reference, _("riferimento ripetuto nel file")),
    ]
    issues = [
        Issue(line, column, value, reason)
        for key, column, value, reason in reasons
        if value in found.get(key, {})
    ]
    if reference in found.get("references_settled", {}):
        issues.append(
            Issue(
                line,
                "riferimento",
                reference,
                _("accredito già applicato dal pagamento %(id)s")
                % {"id": found["references_settled"][reference]},
            )
        )
    return issues


def merge(ctx: Context) -> Counts:
    """New payments are recorded once; each reduces its bill and settles its credit, once."""
    counts = Counts()
    p = ctx.params
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ledger_payment
                (utility_id, external_id, customer_id, bill_id, paid_on, amount, channel, reference, credit_id, run_id)
            SELECT %(u)s, s.external_id, c.id, b.id, s.paid_on, s.amount / 100.0, s.channel, s.reference, k.id, %(r)s
            FROM stage_payment s
            JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
            LEFT JOIN ledger_bill b ON b.utility_id = %(u)s AND b.number = s.number
            LEFT JOIN ledger_credit k ON k.reference = s.reference AND s.reference <> ''
            WHERE NOT EXISTS (
                SELECT 1 FROM ledger_payment x WHERE x.utility_id = %(u)s AND x.external_id = s.external_id)
            """,
            p,
        )
        counts.created = cursor.rowcount
        # A payment after the bill's snapshot is not in its residual yet: take it off.
        paid_after_snapshot = """
            SELECT p.bill_id, SUM(p.amount) AS paid FROM ledger_payment p
            JOIN ledger_bill b ON b.id = p.bill_id
            WHERE p.run_id = %(r)s AND p.paid_on > b.as_of GROUP BY p.bill_id
        """
        cursor.execute(
            f"""
            INSERT INTO ledger_billrevision
                (bill_id, run_id, previous_residual, residual, previous_as_of, as_of, closed_on)
            SELECT b.id, %(r)s, b.residual, CASE WHEN b.residual > t.paid THEN b.residual - t.paid ELSE 0 END,
                   b.as_of, b.as_of, b.closed_on
            FROM ledger_bill b JOIN ({paid_after_snapshot}) t ON t.bill_id = b.id
            """,
            p,
        )
        cursor.execute(
            """
            UPDATE ledger_bill SET
                residual = (SELECT r.residual FROM ledger_billrevision r
                            WHERE r.bill_id = ledger_bill.id AND r.run_id = %(r)s),
                changed_run_id = %(r)s
            WHERE id IN (SELECT bill_id FROM ledger_billrevision WHERE run_id = %(r)s)
            """,
            p,
        )
        _allocate_unassigned(cursor, p)
        cursor.execute(
            """
            UPDATE ledger_credit SET status = 'APPLICATO',
                applied_on = (SELECT p.paid_on FROM ledger_payment p WHERE p.credit_id = ledger_credit.id)
            WHERE id IN (SELECT credit_id FROM ledger_payment WHERE run_id = %(r)s AND credit_id IS NOT NULL)
            """,
            p,
        )
    counts.unchanged = ctx.stager.counts["stage_payment"] - counts.created
    return counts


def _allocate_unassigned(cursor, p) -> None:
    """A payment without a bill number pays the customer's oldest open bills first (until the
    utility's next snapshot says how it really applied it). Such payments are few: row by row."""
    cursor.execute(
        "SELECT customer_id, paid_on, amount FROM ledger_payment"
        " WHERE run_id = %(r)s AND bill_id IS NULL ORDER BY customer_id, paid_on, id",
        p,
    )
    for customer_id, paid_on, amount in cursor.fetchall():
        left = quantize(amount)
        cursor.execute(
            "SELECT id, residual, as_of, closed_on FROM ledger_bill WHERE customer_id = %s AND closed_on IS NULL"
            " AND residual > 0 AND as_of < %s ORDER BY due_on, id",
            [customer_id, paid_on],
        )
        for bill_id, residual, as_of, closed_on in cursor.fetchall():
            if left <= 0:
                break
            residual = quantize(residual)
            paid = min(left, residual)
            left -= paid
            cursor.execute(
                "INSERT INTO ledger_billrevision (bill_id, run_id, previous_residual, residual, previous_as_of,"
                " as_of, closed_on) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [bill_id, p["r"], residual, residual - paid, as_of, as_of, closed_on],
            )
            cursor.execute(
                "UPDATE ledger_bill SET residual = %s, changed_run_id = %s WHERE id = %s",
                [residual - paid, p["r"], bill_id],
            )
