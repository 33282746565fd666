"""`eventi`: dunning (reminders, formal notices) and meter events (reduction, cut, reconnection)."""

from django.db import connection

from risorsa.ledger.importing import fields
from risorsa.ledger.importing.common import Context, Counts, Issue, run_checks
from risorsa.ledger.models import DunningEventKind, MeterEventKind

COLUMNS = ("id_evento", "codice_cliente", "punto_fornitura", "tipo", "data_evento", "note")
REQUIRED = ("id_evento", "codice_cliente", "punto_fornitura", "tipo", "data_evento")
OPTIONAL = ("note",)
METER = set(MeterEventKind.values)
DUNNING = set(DunningEventKind.values)


def tables(postgres: bool) -> dict:
    return {
        "stage_event": [
            ("line", "integer"),
            ("external_id", "text"),
            ("customer_code", "text"),
            ("supply_code", "text"),
            ("kind", "text"),
            ("occurred_on", "date" if postgres else "text"),
            ("note", "text"),
        ]
    }


class Rows:
    def __init__(self, stager):
        self.stager = stager

    def __call__(self, line: int, values: list[str]) -> list[Issue]:
        values = [value.strip() for value in values]
        external_id, customer_code, supply_code, kind, date_text, note = values
        problems = []
        for column, value, limit in (
            ("id_evento", external_id, 40),
            ("codice_cliente", customer_code, 20),
            ("punto_fornitura", supply_code, 30),
        ):
            try:
                fields.required(value, max_length=limit)
            except fields.FieldError as error:
                problems.append(Issue(line, column, value, error.reason, error.params))
        kind = kind.upper()
        if kind not in METER and kind not in DUNNING:
            problems.append(Issue(line, "tipo", kind, "event_kind_unknown"))
        occurred_on = None
        try:
            occurred_on = fields.iso_date(date_text)
        except fields.FieldError as error:
            problems.append(Issue(line, "data_evento", date_text, error.reason, error.params))
        if not problems:
            self.stager.add(
                "stage_event",
                (line, external_id, customer_code, supply_code.upper(), kind, occurred_on, note[:300]),
            )
        return problems


_KNOWN = """
    SELECT e.external_id FROM {table} e JOIN ledger_customer c ON c.id = e.customer_id
    JOIN stage_event s ON s.external_id = e.external_id
    WHERE e.utility_id = %(u)s AND (c.code <> s.customer_code OR e.kind <> s.kind OR e.occurred_on <> s.occurred_on)
"""
CHECKS = {
    "ids_in_file": "SELECT external_id FROM stage_event GROUP BY external_id HAVING COUNT(*) > 1",
    "ids_in_ledger": _KNOWN.format(table="ledger_meterevent")
    + " UNION "
    + _KNOWN.format(table="ledger_dunningevent"),
    "unknown_customers": """
        SELECT DISTINCT s.customer_code FROM stage_event s
        WHERE NOT EXISTS (SELECT 1 FROM ledger_customer c WHERE c.utility_id = %(u)s AND c.code = s.customer_code)
    """,
    "unknown_supply_points": """
        SELECT DISTINCT s.supply_code FROM stage_event s
        JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
        WHERE NOT EXISTS (SELECT 1 FROM ledger_supplypoint p WHERE p.customer_id = c.id AND p.code = s.supply_code)
    """,
}


def check(ctx: Context) -> dict[str, dict]:
    """Keys of rows that are valid alone but not together or against what is stored."""
    return run_checks(CHECKS, ctx)


def explain(line: int, values: list[str], found: dict[str, dict]) -> list[Issue]:
    values = [value.strip() for value in values]
    external_id, customer_code, supply_code, *_rest = values
    reasons = [
        ("ids_in_file", "id_evento", external_id, "event_repeated_in_file"),
        ("ids_in_ledger", "id_evento", external_id, "event_in_ledger"),
        ("unknown_customers", "codice_cliente", customer_code, "customer_unknown"),
        ("unknown_supply_points", "punto_fornitura", supply_code.upper(), "supply_point_unknown"),
    ]
    return [
        Issue(line, column, value, reason)
        for key, column, value, reason in reasons
        if value in found.get(key, {})
    ]


def merge(ctx: Context) -> Counts:
    """Each event is stored once, in the table of its kind."""
    counts = Counts()
    with connection.cursor() as cursor:
        for table, kinds in (("ledger_meterevent", sorted(METER)), ("ledger_dunningevent", sorted(DUNNING))):
            marks = ", ".join(f"'{kind}'" for kind in kinds)
            cursor.execute(
                f"""
                INSERT INTO {table} (utility_id, external_id, customer_id, supply_point_id, kind, occurred_on, note,
                                     run_id)
                SELECT %(u)s, s.external_id, c.id, p.id, s.kind, s.occurred_on, s.note, %(r)s
                FROM stage_event s
                JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
                JOIN ledger_supplypoint p ON p.customer_id = c.id AND p.code = s.supply_code
                WHERE s.kind IN ({marks}) AND NOT EXISTS (
                    SELECT 1 FROM {table} x WHERE x.utility_id = %(u)s AND x.external_id = s.external_id)
                """,
                ctx.params,
            )
            counts.created += cursor.rowcount
    counts.unchanged = ctx.stager.counts["stage_event"] - counts.created
    return counts
