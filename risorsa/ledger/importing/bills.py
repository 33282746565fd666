"""`fatture`: the utility's open bills, one row per bill (formats/export-gestore.md §1)."""

from collections.abc import Mapping

from django.db import connection

from risorsa.ledger.importing import fields
from risorsa.ledger.importing.common import Context, Counts, Issue, run_checks
from risorsa.organizations.models import Organization, OrganizationKind
from risorsa.registry import codice_fiscale as cf
from risorsa.registry.bulk import insert_people
from risorsa.registry.text import fold

DATES = fields.DATE_CACHE
quick_cents = fields.quick_cents
NO_ISSUES: list[Issue] = []

COLUMNS = (
    "codice_cliente",
    "codice_fiscale",
    "cognome",
    "nome",
    "servizio",
    "punto_fornitura",
    "indirizzo_fornitura",
    "codice_comune",
    "numero_fattura",
    "data_emissione",
    "data_scadenza",
    "importo",
    "importo_residuo",
)
OPTIONAL = ("indirizzo_fornitura", "codice_comune")
REQUIRED = tuple(column for column in COLUMNS if column not in OPTIONAL)
# An invalid value: column, value, reason (a code of reasons.REASONS) and its parameters.
Problem = tuple[str, str, str, Mapping[str, object] | None]
HOLDER = slice(0, 8)  # the columns of the customer and supply point, repeated on each of their bills
BILL = slice(8, 13)


def tables(postgres: bool) -> dict:
    day = "date" if postgres else "text"
    return {
        "stage_holder": [
            ("line", "integer"),
            ("cf", "text"),
            ("surname", "text"),
            ("name", "text"),
            ("fold", "text"),
            ("sex", "text"),
            ("birth_date", day),
            ("place", "text"),
        ],
        "stage_customer": [
            ("line", "integer"),
            ("code", "text"),
            ("cf", "text"),
            ("surname", "text"),
            ("name", "text"),
            ("fold", "text"),
            ("municipality", "integer"),
        ],
        "stage_supply": [
            ("line", "integer"),
            ("customer_code", "text"),
            ("code", "text"),
            ("service", "text"),
            ("address", "text"),
            ("municipality", "integer"),
        ],
        "stage_bill": [
            ("line", "integer"),
            ("customer_code", "text"),
            ("supply_code", "text"),
            ("number", "text"),
            ("issued_on", day),
            ("due_on", day),
            ("amount", "bigint"),
            ("residual", "bigint"),
        ],
    }


class Rows:
    """Validates each row and stages it; the holder's columns are checked once per run of equal rows."""

    def __init__(self, stager):
        self.stager = stager
        # Territories by codice catastale; a row without one takes the utility's default (merge).
        self.territories = territories()
        self.last_holder: list[str] | None = None
        self.customer_code = self.supply_code = ""
        self.last_holder_problems: list[Problem] = []
        self.last_keys: tuple | None = None

    def __call__(self, line: int, values: list[str]) -> list[Issue]:
        holder = values[HOLDER]
        if holder != self.last_holder:
            self.last_holder = holder
            self.last_holder_problems = self._check_holder(line, holder)
        if not self.last_holder_problems:
            # The common case, a clean row: cached dates and amounts, no exception, no message.
            number, issued_text, due_text, amount_text, residual_text = values[BILL]
            issued, due = DATES.get(issued_text), DATES.get(due_text)
            amount, residual = quick_cents(amount_text), quick_cents(residual_text)
            number = number.strip()
            if (
                issued is not None
                and due is not None
                and amount is not None
                and residual is not None
                and number
                and len(number) <= 40
                and due >= issued
                and amount > 0
                and 0 <= residual <= amount
            ):
                self.stager.add(
                    "stage_bill",
                    (line, self.customer_code, self.supply_code, number, issued, due, amount, residual),
                )
                return NO_ISSUES
        problems = list(self.last_holder_problems)
        bill = self._check_bill(values, problems)
        if problems:
            return [Issue(line, column, value, reason, params) for column, value, reason, params in problems]
        self.stager.add("stage_bill", (line, self.customer_code, self.supply_code, *bill))
        return NO_ISSUES

    def _check_holder(self, line: int, holder: list[str]) -> list[Problem]:
        customer_code, code, surname, name, service_text, supply_text, address, territory = (
            v.strip() for v in holder
        )
        problems: list[Problem] = []
        municipality = None
        if territory:
            municipality = self.territories.get(territory.upper())
            if municipality is None:
                problems.append(("codice_comune", territory, "territory_unknown", None))
        decoded = None
        service = None
        for column, value, check in (
            ("codice_cliente", customer_code, lambda v: fields.required(v, max_length=20)),
            ("cognome", surname, lambda v: fields.required(v, max_length=100)),
            ("nome", name, lambda v: fields.required(v, max_length=100)),
            ("indirizzo_fornitura", address, lambda v: v[:200]),
        ):
            try:
                check(value)
            except fields.FieldError as error:
                problems.append((column, value, error.reason, error.params))
        try:
            decoded = cf.decode(code) if code else None
            if decoded is None:
                problems.append(("codice_fiscale", code, "missing", None))
        except cf.CodiceFiscaleError as error:
            problems.append(("codice_fiscale", code, f"cf_{error.code}", error.params or None))
        try:
            service = fields.service(service_text)
        except fields.FieldError as error:
            problems.append(("servizio", service_text, error.reason, error.params))
        supply_code = supply_text.upper()
        if service:
            try:
                supply_code = fields.supply_point(supply_text, service)
            except fields.FieldError as error:
                problems.append(("punto_fornitura", supply_text, error.reason, error.params))
        if problems or decoded is None:
            return problems
        surname_clean, name_clean = " ".join(surname.upper().split()), " ".join(name.upper().split())
        self.customer_code, self.supply_code = customer_code, supply_code
        keys = (customer_code, decoded.code, surname_clean, name_clean, municipality)
        if keys != self.last_keys:
            self.last_keys = keys
            folded = fold(f"{surname_clean} {name_clean}")
            self.stager.add(
                "stage_holder",
                (
                    line,
                    decoded.code,
                    surname_clean,
                    name_clean,
                    folded,
                    decoded.sex,
                    decoded.birth_date.isoformat(),
                    decoded.birth_place_code,
                ),
            )
            self.stager.add(
                "stage_customer",
                (line, customer_code, decoded.code, surname_clean, name_clean, folded, municipality),
            )
        self.stager.add(
            "stage_supply", (line, customer_code, supply_code, service, address[:200], municipality)
        )
        return problems

    @staticmethod
    def _check_bill(values: list[str], problems: list[Problem]) -> tuple:
        number, issued_text, due_text, amount_text, residual_text = (v.strip() for v in values[BILL])
        issued = due = amount = residual = None
        try:
            fields.required(number, max_length=40)
        except fields.FieldError as error:
            problems.append(("numero_fattura", number, error.reason, error.params))
        try:
            issued = fields.iso_date(issued_text)
        except fields.FieldError as error:
            problems.append(("data_emissione", issued_text, error.reason, error.params))
        try:
            due = fields.iso_date(due_text)
        except fields.FieldError as error:
            problems.append(("data_scadenza", due_text, error.reason, error.params))
        try:
            amount = fields.cents(amount_text)
            if amount <= 0:
                problems.append(("importo", amount_text, "not_positive", None))
        except fields.FieldError as error:
            problems.append(("importo", amount_text, error.reason, error.params))
        try:
            residual = fields.cents(residual_text)
            if residual < 0:
                problems.append(("importo_residuo", residual_text, "negative", None))
        except fields.FieldError as error:
            problems.append(("importo_residuo", residual_text, error.reason, error.params))
        if issued and due and due < issued:
            problems.append(("data_scadenza", due_text, "due_before_issue", None))
        if amount is not None and residual is not None and residual > amount:
            problems.append(("importo_residuo", residual_text, "residual_over_amount", None))
        return (number, issued, due, amount, residual)


# Checks against the rest of the file and the database, run under the utility's lock.
# Each returns the keys of the rows at fault; explain() turns them into row issues.
CHECKS = {
    "names_in_file": """
        SELECT cf FROM stage_holder GROUP BY cf HAVING COUNT(DISTINCT fold) > 1
    """,
    "holders_in_file": """
        SELECT code FROM stage_customer GROUP BY code HAVING COUNT(DISTINCT cf) > 1
    """,
    "holders_in_ledger": """
        SELECT DISTINCT s.code, p.codice_fiscale
        FROM stage_customer s
        JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.code
        JOIN registry_person p ON p.id = c.person_id
        WHERE p.codice_fiscale <> s.cf
    """,
    "numbers_in_file": """
        SELECT number FROM stage_bill GROUP BY number HAVING COUNT(*) > 1
    """,
    "numbers_in_ledger": """
        SELECT DISTINCT s.number, c.code
        FROM stage_bill s
        JOIN ledger_bill b ON b.utility_id = %(u)s AND b.number = s.number
        JOIN ledger_customer c ON c.id = b.customer_id
        WHERE c.code <> s.customer_code
    """,
}


# Never a check against the registry: what the municipality knows of a person is not the
# utility's to learn, even as a refusal. A holder named otherwise than in the registry is
# imported as sent, and the municipality gets a "da verificare" item (merge).
WITHOUT_TERRITORY = {
    "without_territory": """
        SELECT DISTINCT customer_code FROM stage_supply WHERE municipality IS NULL
    """
}


def check(ctx: Context) -> dict[str, dict]:
    """Keys of rows that are valid alone but not together or against what is stored."""
    found = run_checks(CHECKS, ctx)
    if ctx.municipality_id is None:
        found |= run_checks(WITHOUT_TERRITORY, ctx)
    return found


def territories() -> dict[str, int]:
    """The municipalities using Risorsa, by codice catastale."""
    municipalities = Organization.objects.filter(
        kind=OrganizationKind.MUNICIPALITY, codice_catastale__isnull=False
    ).values_list("codice_catastale", "pk")
    return {code: pk for code, pk in municipalities if code}


def explain(line: int, values: list[str], found: dict[str, dict]) -> list[Issue]:
    """The issues of one row, given the keys check() found (second pass over the file)."""
    customer_code, code = values[0].strip(), cf.normalize(values[1])
    number = values[BILL][0].strip()
    issues = []
    if customer_code in found.get("without_territory", {}) and not values[7].strip():
        issues.append(Issue(line, "codice_comune", "", "territory_missing"))
    if code in found.get("names_in_file", {}):
        issues.append(Issue(line, "codice_fiscale", code, "names_differ_in_file"))
    if customer_code in found.get("holders_in_file", {}):
        issues.append(Issue(line, "codice_cliente", customer_code, "holders_differ_in_file"))
    if customer_code in found.get("holders_in_ledger", {}):
        holder = found["holders_in_ledger"][customer_code]
        issues.append(Issue(line, "codice_cliente", customer_code, "holder_in_ledger", {"code": holder}))
    if number in found.get("numbers_in_file", {}):
        issues.append(Issue(line, "numero_fattura", number, "bill_repeated_in_file"))
    if number in found.get("numbers_in_ledger", {}):
        owner = found["numbers_in_ledger"][number]
        issues.append(Issue(line, "numero_fattura", number, "bill_in_ledger", {"code": owner}))
    return issues


def _first_rows(table: str, key: str) -> str:
    """The first staged row of each key (IN over a grouped subquery: one pass on both databases)."""
    return f"(SELECT MIN(line) FROM {table} GROUP BY {key})"


def merge(ctx: Context) -> Counts:
    """Write people, customers, supply points and bills; count what changed (idempotent)."""
    counts = Counts()
    p = ctx.params
    with connection.cursor() as cursor:
        # Rows without `codice_comune` lie in the utility's default territory (check() made sure
        # there is one when such rows exist).
        for table in ("stage_customer", "stage_supply"):
            cursor.execute(f"UPDATE {table} SET municipality = %(m)s WHERE municipality IS NULL", p)
        # The statements below join the staged customers and supply points by their keys.
        cursor.execute("CREATE INDEX stage_customer_code ON stage_customer (code)")
        cursor.execute("CREATE INDEX stage_supply_key ON stage_supply (customer_code, code)")
        if connection.vendor == "postgresql":  # the planner must see the territories just set
            cursor.execute("ANALYZE stage_customer")
            cursor.execute("ANALYZE stage_supply")
        # Each municipality keeps its own registry: a holder joins the registry of the territory
        # of each of their customers.
        counts.people_created = insert_people(
            cursor,
            source=f"""
                SELECT c.municipality AS organization_id, h.cf AS codice_fiscale,
                       h.surname, h.name, h.fold AS folded, h.sex, h.birth_date, h.place AS birth_place_code
                FROM stage_holder h JOIN stage_customer c ON c.line = h.line
                WHERE h.line IN {_first_rows("stage_customer", "cf, municipality")}
            """,
            params=p,
            now=ctx.now,
        )
        first_customers = _first_rows("stage_customer", "code")
        cursor.execute(
            f"""
            INSERT INTO ledger_customer
                (utility_id, code, person_id, holder_surname, holder_name, municipality_id, created_run_id)
            SELECT %(u)s, s.code, x.id, s.surname, s.name, s.municipality, %(r)s
            FROM stage_customer s
            JOIN registry_person x ON x.organization_id = s.municipality AND x.codice_fiscale = s.cf
            WHERE s.line IN {first_customers} AND NOT EXISTS (SELECT 1 FROM ledger_customer c WHERE c.utility_id = %(u)s AND c.code = s.code)
            """,
            p,
        )
        if cursor.rowcount > 1000 and connection.vendor == "postgresql":
            # Many new customers (a first file): without fresh statistics the planner joins the
            # supply points and bills below to what it believes an empty table.
            cursor.execute("ANALYZE ledger_customer")
        # A known customer takes the holder's name and territory of the newest file (and the
        # holder's record in that territory's registry).
        cursor.execute(
            f"""
            UPDATE ledger_customer SET
                holder_surname = s.surname, holder_name = s.name, municipality_id = s.municipality,
                person_id = x.id
            FROM stage_customer s
            JOIN registry_person x ON x.organization_id = s.municipality AND x.codice_fiscale = s.cf
            WHERE s.line IN {first_customers} AND ledger_customer.utility_id = %(u)s AND ledger_customer.code = s.code
              AND (ledger_customer.holder_surname <> s.surname OR ledger_customer.holder_name <> s.name
                   OR ledger_customer.municipality_id <> s.municipality)
            """,
            p,
        )
        # A holder the registry names otherwise: the municipality that keeps the person checks it.
        cursor.execute(
            f"""
            INSERT INTO ledger_registrymismatch
                (customer_id, person_id, municipality_id, holder_surname, holder_name, run_id, created_at)
            SELECT c.id, x.id, x.organization_id, s.surname, s.name, %(r)s, %(now)s
            FROM stage_customer s
            JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.code
            JOIN registry_person x ON x.id = c.person_id
            WHERE s.line IN {first_customers} AND x.search_text <> s.fold || ' ' || lower(s.cf)
              AND NOT EXISTS (
                SELECT 1 FROM ledger_registrymismatch m WHERE m.customer_id = c.id AND m.resolved_on IS NULL
                  AND m.holder_surname = s.surname AND m.holder_name = s.name)
            """,
            p,
        )
        cursor.execute(
            f"""
            INSERT INTO ledger_supplypoint (customer_id, service, code, address, smart_meter, municipality_id)
            SELECT c.id, s.service, s.code, s.address, NULL, s.municipality
            FROM stage_supply s JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
            WHERE s.line IN {_first_rows("stage_supply", "customer_code, code")} AND NOT EXISTS (SELECT 1 FROM ledger_supplypoint x WHERE x.customer_id = c.id AND x.code = s.code)
            """,
            p,
        )
        cursor.execute(
            f"""
            UPDATE ledger_supplypoint SET municipality_id = s.municipality
            FROM stage_supply s JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
            WHERE s.line IN {_first_rows("stage_supply", "customer_code, code")}
              AND ledger_supplypoint.customer_id = c.id AND ledger_supplypoint.code = s.code
              AND ledger_supplypoint.municipality_id <> s.municipality
            """,
            p,
        )
        older = 0
        cursor.execute("SELECT 1 FROM ledger_bill WHERE utility_id = %(u)s LIMIT 1", p)
        known = cursor.fetchone() is not None
        if known:
            cursor.execute(
                """
                SELECT SUM(CASE WHEN b.as_of > %(d)s THEN 1 ELSE 0 END),
                       SUM(CASE WHEN b.as_of < %(d)s THEN 1 ELSE 0 END)
                FROM stage_bill s JOIN ledger_bill b ON b.utility_id = %(u)s AND b.number = s.number
                """,
                p,
            )
            newer, older = (value or 0 for value in cursor.fetchone())
            counts.superseded = newer
            cursor.execute(
                """
                INSERT INTO ledger_billrevision
                    (bill_id, run_id, previous_residual, residual, previous_as_of, as_of, closed_on)
                SELECT b.id, %(r)s, b.residual, s.residual / 100.0, b.as_of, %(d)s, NULL
                FROM stage_bill s JOIN ledger_bill b ON b.utility_id = %(u)s AND b.number = s.number
                WHERE b.as_of < %(d)s AND (
                    b.residual <> s.residual / 100.0 OR b.amount <> s.amount / 100.0
                    OR b.issued_on <> s.issued_on OR b.due_on <> s.due_on OR b.closed_on IS NOT NULL)
                """,
                p,
            )
            counts.updated = cursor.rowcount
        if older:
            # Newer snapshot of known bills: take its values (the revisions above kept the old ones).
            cursor.execute(
                """
                UPDATE ledger_bill SET
                    customer_id = c.id, supply_point_id = sp.id, issued_on = s.issued_on, due_on = s.due_on,
                    amount = s.amount / 100.0, residual = s.residual / 100.0, as_of = %(d)s, closed_on = NULL,
                    changed_run_id = %(r)s
                FROM stage_bill s
                JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
                JOIN ledger_supplypoint sp ON sp.customer_id = c.id AND sp.code = s.supply_code
                WHERE ledger_bill.utility_id = %(u)s AND ledger_bill.number = s.number AND ledger_bill.as_of < %(d)s
                """,
                p,
            )
        # New bills: a plain insert of what is not there (the utility's lock keeps it that way);
        # for the utility's first file, without a million lookups of bills that cannot exist.
        absent = "NOT EXISTS (SELECT 1 FROM ledger_bill b WHERE b.utility_id = %(u)s AND b.number = s.number)"
        cursor.execute(
            f"""
            INSERT INTO ledger_bill (
                utility_id, customer_id, supply_point_id, number, issued_on, due_on, amount, residual,
                as_of, closed_on, created_run_id, changed_run_id)
            SELECT %(u)s, c.id, sp.id, s.number, s.issued_on, s.due_on, s.amount / 100.0, s.residual / 100.0,
                   %(d)s, NULL, %(r)s, %(r)s
            FROM stage_bill s
            JOIN ledger_customer c ON c.utility_id = %(u)s AND c.code = s.customer_code
            JOIN ledger_supplypoint sp ON sp.customer_id = c.id AND sp.code = s.supply_code
            WHERE {absent if known else "1 = 1"}
            """,
            p,
        )
        counts.created = cursor.rowcount
        if ctx.full:
            counts.closed = _close_absent(cursor, p)
        if connection.vendor == "postgresql" and counts.created + counts.updated + counts.closed > 10_000:
            # The arrears pages pick their plans from the bills' statistics (open bills by due date):
            # after a large file they must not wait for autovacuum, which may be off.
            cursor.execute("ANALYZE ledger_bill")
    counts.unchanged = ctx.stager.counts["stage_bill"] - counts.created - counts.updated - counts.superseded
    return counts


def _close_absent(cursor, p) -> int:
    """Mode `completo`: an open bill the file does not list was paid or cancelled: close it."""
    cursor.execute("CREATE INDEX stage_bill_number ON stage_bill (number)")
    absent = """
        FROM ledger_bill b
        WHERE b.utility_id = %(u)s AND b.closed_on IS NULL AND b.as_of < %(d)s
          AND NOT EXISTS (SELECT 1 FROM stage_bill s WHERE s.number = b.number)
    """
    cursor.execute(
        "INSERT INTO ledger_billrevision (bill_id, run_id, previous_residual, residual, previous_as_of, as_of,"
        " closed_on) SELECT b.id, %(r)s, b.residual, 0, b.as_of, %(d)s, %(d)s " + absent,
        p,
    )
    closed = cursor.rowcount
    cursor.execute(
        "UPDATE ledger_bill SET residual = 0, closed_on = %(d)s, as_of = %(d)s, changed_run_id = %(r)s"
        " WHERE id IN (SELECT b.id " + absent + ")",
        p,
    )
    return closed
