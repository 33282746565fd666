"""The customers' arrears figures (`Arrears`), kept by the writes that change them.

A list of debtors at a territory's size cannot sum a million bills per request. Whatever changes
what a customer owes recomputes that customer's figures, set-based and in the same transaction:
the merge of a utility's file (a reaction to the run: the customers whose bills it created or
changed, or whose payments it brought) and every credit the program creates. The rule is the one
of the customer page: unpaid residuals of open bills, less the credits still in transit. Ageing is
not kept here: it counts days past due up to today, so it changes every day without any write
(`selectors.aged_amounts` computes it for the rows read).
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from risorsa.ledger.models import Arrears, CreditStatus, ImportRun, ImportStatus

T = TypeVar("T")
# A safety net only: the version below changes with every write of the figures.
AGGREGATE_TTL = 300

CENTS = "CAST(ROUND({} * 100) AS BIGINT)"


def refresh(customers: str, params: dict | None = None) -> None:
    """Recompute the figures of the customers `customers` selects (SQL giving customer ids).

    The open bills are aggregated once, per customer and service; each customer's row of all
    services adds up those rows (a second pass over a few rows per customer, not over the bills).
    """
    params = params or {}
    sql = f"""
        WITH open_bill AS (
            SELECT b.customer_id, sp.service, {CENTS.format("b.residual")} AS cents, b.due_on
            FROM ledger_bill b JOIN ledger_supplypoint sp ON sp.id = b.supply_point_id
            WHERE b.customer_id IN ({customers}) AND b.closed_on IS NULL AND b.residual > 0
        ),
        transit AS (
            SELECT customer_id, SUM({CENTS.format("amount")}) AS cents FROM ledger_credit
            WHERE customer_id IN ({customers}) AND status = %(in_transit)s
            GROUP BY customer_id
        ),
        per_service AS (
            SELECT customer_id, service, SUM(cents) AS cents, MIN(due_on) AS oldest_due
            FROM open_bill GROUP BY customer_id, service
        ),
        owed AS (
            SELECT customer_id, service, cents, oldest_due FROM per_service
            UNION ALL
            SELECT customer_id, %(all)s, SUM(cents), MIN(oldest_due) FROM per_service GROUP BY customer_id
        )
        INSERT INTO ledger_arrears (customer_id, service, unpaid, in_transit, balance, oldest_due)
        SELECT o.customer_id, o.service, o.cents / 100.0, COALESCE(t.cents, 0) / 100.0,
               (o.cents - COALESCE(t.cents, 0)) / 100.0, o.oldest_due
        FROM owed o
        LEFT JOIN transit t ON t.customer_id = o.customer_id
        UNION ALL
        SELECT t.customer_id, %(all)s, 0, t.cents / 100.0, (0 - t.cents) / 100.0, NULL
        FROM transit t WHERE NOT EXISTS (SELECT 1 FROM per_service b WHERE b.customer_id = t.customer_id)
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM ledger_arrears WHERE customer_id IN ({customers})", params)
        cursor.execute(sql, {**params, "in_transit": CreditStatus.IN_TRANSIT, "all": Arrears.ALL})


def refresh_customer(customer_id: int) -> None:
    refresh("%(customer)s", {"customer": customer_id})


def refresh_all() -> None:
    """Every customer's figures (the migration that brought them; an administrator's check)."""
    refresh("SELECT id FROM ledger_customer")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledger_arrears")


def refresh_after_import(*, run: ImportRun) -> None:
    """The customers a run touched: bills it created or changed, payments it brought (which may
    also have applied a credit). Found once, into a temporary table, rather than by each of the
    refresh's statements (each would scan the run's bills again), in the merge's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS figures_touched")
        cursor.execute(
            "CREATE TEMPORARY TABLE figures_touched AS"
            " SELECT customer_id FROM ledger_bill WHERE created_run_id = %(run)s OR changed_run_id = %(run)s"
            " UNION SELECT customer_id FROM ledger_payment WHERE run_id = %(run)s",
            {"run": run.pk},
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE figures_touched")
    refresh("SELECT customer_id FROM figures_touched")
    with connection.cursor() as cursor:  # on failure, the rollback takes it away with the rest
        cursor.execute("DROP TABLE figures_touched")


def version() -> tuple:
    """What changes whenever the figures do: every refresh inserts rows (new, higher keys) but
    for one that only removes them, which belongs to an import that then finishes."""
    return (
        Arrears.objects.aggregate(last=Max("pk"))["last"],
        ImportRun.objects.filter(status=ImportStatus.DONE).aggregate(last=Max("finished_at"))["last"],
    )


def remembered(key: tuple, compute: Callable[[], T]) -> T:
    """An aggregate over the figures (a total, a count for the pages), computed once per version
    of the figures: a territory's sums cost tens of milliseconds, re-reading them costs one."""
    digest = hashlib.sha256(repr((*key, version())).encode()).hexdigest()
    return cast(T, cache.get_or_set(f"ledger.figures.{digest}", compute, AGGREGATE_TTL))
