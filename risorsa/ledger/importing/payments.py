"""`pagamenti`: payments the utility received, including those settling the program's credits."""

from django.db import connection

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
                problems.append(Issue(line, column, value, error.reason, error.params))
        paid_on = amount = None
        try:
            paid_on = fields.iso_date(paid_text)
        except fields.FieldError as error:
            problems.append(Issue(line, "data_pagamento", paid_text, error.reason, error.params))
        try:
            amount = fields.cents(amount_text)
            if amount <= 0:
                problems.append(Issue(line, "importo", amount_text, "not_positive"))
        except fields.FieldError as error:
            problems.append(Issue(line, "importo", amount_text, error.reason, error.params))
        channel = channel.upper()
        if channel and channel not in CHANNELS:
            problems.append(Issue(line, "canale", channel, "channel_unknown"))
        if not problems:
            self.stager.add(
                "stage_payment",
                (line, external_id, customer_code, number, paid_on, amount, channel, reference.upper()),
            )
        return problems


CHECKS = {
    "ids_in_file": "SELECT external_id FROM stage_payment GROUP BY external_id HAVING COUNT(*) > 1",
    # CROSS JOIN: SQLite then reads the staged rows first and finds each through the unique
    # (utility, id) index; left to choose, it scanned the staging table once per stored payment.
    "ids_in_ledger": """
        SELECT s.external_id FROM stage_payment s
        CROSS JOIN ledger_payment p
        JOIN ledger_customer c ON c.id = p.customer_id
        WHERE p.utility_id = %(u)s AND p.external_id = s.external_id
          AND (c.code <> s.customer_code OR p.amount <> s.amount / 100.0 OR p.paid_on <> s.paid_on)
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
            WHERE k.reference = s.reference AND c.utility_id = %(u)s AND c.code = s.customer_code
              AND k.amount = s.amount / 100.0)
    """,
    "references_settled": """
        SELECT s.reference, p.external_id FROM stage_payment s
        JOIN ledger_credit k ON k.reference = s.reference
        JOIN ledger_customer c ON c.id = k.customer_id AND c.utility_id = %(u)s
        JOIN ledger_payment p ON p.credit_id = k.id
        WHERE p.external_id <> s.external_id
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
        ("ids_in_file", "id_pagamento", external_id, "payment_repeated_in_file"),
        ("ids_in_ledger", "id_pagamento", external_id, "payment_in_ledger"),
        ("unknown_customers", "codice_cliente", customer_code, "customer_unknown"),
        ("unknown_bills", "numero_fattura", number, "bill_unknown"),
        ("unknown_references", "riferimento", reference, "reference_unknown"),
        ("references_in_file", "riferimento", reference, "reference_repeated_in_file"),
    ]
    issues = [
        Issue(line, column, value, reason)
        for key, column, value, reason in reasons
        if value in found.get(key, {})
    ]
    if reference in found.get("references_settled", {}):
        settlement = found["references_settled"][reference]
        issues.append(Issue(line, "riferimento", reference, "credit_applied", {"id": settlement}))
    return issues


def merge(ctx: Context) -> Counts:
    """New payments are recorded once, each allocated once to bills; a bill's residual falls by the
    allocations of payments made after its snapshot; a credit's settlement applies the credit."""
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
            LEFT JOIN ledger_credit k ON k.reference = s.reference AND s.reference <> '' AND k.customer_id = c.id
            WHERE NOT EXISTS (
                SELECT 1 FROM ledger_payment x WHERE x.utility_id = %(u)s AND x.external_id = s.external_id)
            """,
            p,
        )
        counts.created = cursor.rowcount
        if counts.created:
            allocate(cursor, p)
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


# Allocation works in cents (exact on SQLite too) and is set-based: a first-in-first-out match of
# two ordered streams is the overlap of their cumulative intervals. A payment covering cents
# [start, start + amount) of a customer's stream pays, of a bill covering [from, from + open),
# the part where the two intervals overlap. The intermediate sets go into indexed temporary
# tables: both databases then join them by key, whatever their statistics say.
CENTS = "CAST(ROUND({} * 100) AS BIGINT)"
TEMPORARY = ("alloc_taken", "alloc_settling", "alloc_settle_queue", "alloc_loose", "alloc_queue")


def _temporary(cursor, name: str, select: str, p: dict, *, key: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", p)
    cursor.execute(f"CREATE INDEX {name}_key ON {name} ({key})")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {name}")


def _taken(cursor, p: dict) -> None:
    """alloc_taken: what this run has already allocated to each bill out of its residual (the
    allocations of payments made after the bill's snapshot)."""
    _temporary(
        cursor,
        "alloc_taken",
        f"""
        SELECT a.bill_id, SUM({CENTS.format("a.amount")}) AS cents
        FROM ledger_allocation a
        JOIN ledger_payment p ON p.id = a.payment_id
        JOIN ledger_bill b ON b.id = a.bill_id
        WHERE p.run_id = %(r)s AND p.paid_on > b.as_of
        GROUP BY a.bill_id
        """,
        p,
        key="bill_id",
    )


def allocate(cursor, p: dict) -> None:
    """Allocate the run's new payments (the rule is on `Allocation`) in three set-based steps, then
    lower the residuals by what was paid after each bill's snapshot."""
    try:
        _allocate(cursor, p)
        _lower_residuals(cursor, p)
    finally:
        for name in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _allocate(cursor, p: dict) -> None:
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    cents = CENTS.format("p.amount")
    # 1. A payment naming its bill pays that bill: what is left of its residual when paid after the
    #    snapshot (earlier payments of the same run first), the bill's amount when the snapshot
    #    already counts it.
    cursor.execute(
        f"""
        WITH named AS (
            SELECT p.id, p.bill_id, {cents} AS cents,
                   CASE WHEN p.paid_on > b.as_of THEN {CENTS.format("b.residual")}
                        ELSE {CENTS.format("b.amount")} END AS room,
                   SUM({cents}) OVER (
                       PARTITION BY p.bill_id, CASE WHEN p.paid_on > b.as_of THEN 1 ELSE 0 END
                       ORDER BY p.paid_on, p.id) - {cents} AS before
            FROM ledger_payment p JOIN ledger_bill b ON b.id = p.bill_id
            WHERE p.run_id = %(r)s
        )
        INSERT INTO ledger_allocation (payment_id, bill_id, amount)
        SELECT id, bill_id, {least}(cents, room - before) / 100.0 FROM named WHERE room > before
        """,
        p,
    )
    # 2. A program credit's settlement pays that credit's bills (those its instrument holds, or the
    #    one bill it names), oldest due first. The settlements of one instrument in one file queue
    #    one after the other on its bills, as the loose payments of a customer do in step 3: each
    #    takes what the earlier ones left, never the same euros twice.
    _taken(cursor, p)
    group_type = "CASE WHEN k.holder_id IS NULL THEN 0 ELSE k.holder_type_id END"
    group_id = "COALESCE(k.holder_id, k.bill_id)"
    _temporary(
        cursor,
        "alloc_settling",
        f"""
        SELECT p.id, {group_type} AS group_type, {group_id} AS group_id, {cents} AS cents,
               SUM({cents}) OVER (PARTITION BY {group_type}, {group_id} ORDER BY p.paid_on, p.id)
                   - {cents} AS start
        FROM ledger_payment p JOIN ledger_credit k ON k.id = p.credit_id
        WHERE p.run_id = %(r)s AND p.bill_id IS NULL AND (k.holder_id IS NOT NULL OR k.bill_id IS NOT NULL)
        """,
        p,
        key="group_id",
    )
    _temporary(
        cursor,
        "alloc_settle_queue",
        f"""
        SELECT group_type, group_id, bill_id, room,
               SUM(room) OVER (PARTITION BY group_type, group_id ORDER BY due_on, bill_id) - room AS start
        FROM (
            SELECT DISTINCT g.group_type, g.group_id, b.id AS bill_id, b.due_on,
                   {CENTS.format("b.residual")} - COALESCE(t.cents, 0) AS room
            FROM (SELECT DISTINCT group_type, group_id FROM alloc_settling) g
            JOIN ledger_billhold h ON g.group_type <> 0 AND h.holder_type_id = g.group_type
                                  AND h.holder_id = g.group_id
            JOIN ledger_bill b ON b.id = h.bill_id
            LEFT JOIN alloc_taken t ON t.bill_id = b.id
            WHERE b.closed_on IS NULL
            UNION
            SELECT g.group_type, g.group_id, b.id, b.due_on,
                   {CENTS.format("b.residual")} - COALESCE(t.cents, 0)
            FROM (SELECT DISTINCT group_type, group_id FROM alloc_settling) g
            JOIN ledger_bill b ON g.group_type = 0 AND b.id = g.group_id
            LEFT JOIN alloc_taken t ON t.bill_id = b.id
            WHERE b.closed_on IS NULL
        ) credit_bills
        WHERE room > 0
        """,
        p,
        key="group_id",
    )
    cursor.execute(
        f"""
        INSERT INTO ledger_allocation (payment_id, bill_id, amount)
        SELECT s.id, q.bill_id,
               ({least}(s.start + s.cents, q.start + q.room) - {greatest}(s.start, q.start)) / 100.0
        FROM alloc_settling s
        JOIN alloc_settle_queue q ON q.group_type = s.group_type AND q.group_id = s.group_id
        WHERE q.start < s.start + s.cents AND s.start < q.start + q.room
        """,
        p,
    )
    # 3. Any other payment, made after the customer's latest snapshot (earlier ones are already in
    #    it), pays the customer's oldest open bills first: the utility's own rule.
    _taken(cursor, p)
    _temporary(
        cursor,
        "alloc_loose",
        f"""
        SELECT p.id, p.customer_id, {cents} AS cents,
               SUM({cents}) OVER (PARTITION BY p.customer_id ORDER BY p.paid_on, p.id) - {cents} AS start
        FROM ledger_payment p
        WHERE p.run_id = %(r)s AND p.bill_id IS NULL AND p.credit_id IS NULL
          AND p.paid_on > (SELECT MAX(b.as_of) FROM ledger_bill b
                           WHERE b.customer_id = p.customer_id AND b.closed_on IS NULL)
        """,
        p,
        key="customer_id",
    )
    _temporary(
        cursor,
        "alloc_queue",
        f"""
        SELECT id, customer_id, room, SUM(room) OVER (PARTITION BY customer_id ORDER BY due_on, id) - room AS start
        FROM (
            SELECT b.id, b.customer_id, b.due_on, {CENTS.format("b.residual")} - COALESCE(t.cents, 0) AS room
            FROM ledger_bill b LEFT JOIN alloc_taken t ON t.bill_id = b.id
            WHERE b.customer_id IN (SELECT customer_id FROM alloc_loose) AND b.closed_on IS NULL
        ) open_bills
        WHERE room > 0
        """,
        p,
        key="customer_id",
    )
    cursor.execute(
        f"""
        INSERT INTO ledger_allocation (payment_id, bill_id, amount)
        SELECT l.id, q.id,
               ({least}(l.start + l.cents, q.start + q.room) - {greatest}(l.start, q.start)) / 100.0
        FROM alloc_loose l JOIN alloc_queue q ON q.customer_id = l.customer_id
        WHERE q.start < l.start + l.cents AND l.start < q.start + q.room
        """,
        p,
    )
    # What no bill took stays on the customer: a row with no bill, so each payment adds up.
    cursor.execute(
        f"""
        INSERT INTO ledger_allocation (payment_id, bill_id, amount)
        SELECT p.id, NULL, ({cents} - COALESCE(a.cents, 0)) / 100.0
        FROM ledger_payment p
        LEFT JOIN (SELECT x.payment_id, SUM({CENTS.format("x.amount")}) AS cents FROM ledger_allocation x
                   JOIN ledger_payment y ON y.id = x.payment_id WHERE y.run_id = %(r)s
                   GROUP BY x.payment_id) a ON a.payment_id = p.id
        WHERE p.run_id = %(r)s AND {cents} > COALESCE(a.cents, 0)
        """,
        p,
    )
    _taken(cursor, p)


def _lower_residuals(cursor, p: dict) -> None:
    """A payment after a bill's snapshot is not in its residual yet: take its allocation off."""
    cursor.execute(
        f"""
        INSERT INTO ledger_billrevision
            (bill_id, run_id, previous_residual, residual, previous_as_of, as_of, closed_on)
        SELECT b.id, %(r)s, b.residual,
               CASE WHEN {CENTS.format("b.residual")} > t.cents
                    THEN ({CENTS.format("b.residual")} - t.cents) / 100.0 ELSE 0 END,
               b.as_of, b.as_of, b.closed_on
        FROM alloc_taken t JOIN ledger_bill b ON b.id = t.bill_id
        """,
        p,
    )
    # A join, not a subquery per bill: with fresh revisions and no statistics yet, PostgreSQL
    # planned the subquery as a scan of the run's revisions for each bill.
    cursor.execute(
        """
        UPDATE ledger_bill SET residual = r.residual, changed_run_id = %(r)s
        FROM ledger_billrevision r
        WHERE r.bill_id = ledger_bill.id AND r.run_id = %(r)s
        """,
        p,
    )
