"""Ingestion benchmark: a real importer against the raw floor, in the same run.

    .venv/bin/python bench/ingest.py                      # `fatture`, SQLite, 1,000,000 rows
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/risorsa .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --rows 200000 --small 20000   # quicker
    .venv/bin/python bench/ingest.py --kind pagamenti     # 100,000 payments on 1,000,000 bills
    .venv/bin/python bench/ingest.py --kind pagamenti --rows 20000 --customers 20000   # quicker

`--kind pagamenti` first imports, as setup and not timed, the bills of `--customers` customers
(`--bills-per-customer` each, 60% still open at the extraction date), then times the import of
`--rows` payments of those customers (dated after the extraction date; about half name an open
bill, the others name none and are allocated to the oldest open bills; no payment exceeds what
is open) and its re-import, against the floor of the same payments file.

The floor is what the database needs to take the same rows without any logic: on PostgreSQL,
COPY into a temporary staging table then one INSERT ... SELECT with casts into a table of the
same columns; on SQLite, executemany of tuples converted beforehand (conversion not timed).
The keyed floor, the target's reference, is the same into a table with a bill table's keys.
Each import runs in its own process, so that its peak memory (ru_maxrss) is its own. The
benchmark uses its own database (var/bench/ for SQLite, `<name>_bench` on PostgreSQL).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "var" / "bench"
EXTRACTION = "2010-02-28"
# Days between a customer's bills in the payments setup: ten bills from January 2009, the last
# issued in January 2010 and due (20 days later) before EXTRACTION.
PAYMENT_SETUP_GAP = 36


def _django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "risorsa.settings")
    import django

    django.setup()


def bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1].split("?")[0] + "_bench"
    return f"sqlite:///{WORK / 'bench.sqlite3'}"


# --- child processes ------------------------------------------------------------------------------


def child_reset(url: str) -> dict:
    """A fresh database with the schema and one utility and one municipality."""
    if url.startswith("postgres"):
        import psycopg

        admin, name = url.rsplit("/", 1)
        with psycopg.connect(admin + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    _django(url)
    from django.core.management import call_command

    from risorsa.organizations.models import OrganizationKind
    from risorsa.organizations.services import ensure_organization

    call_command("migrate", verbosity=0)
    ensure_organization(
        code="comune",
        kind=OrganizationKind.MUNICIPALITY,
        name="Comune",
        short_name="",
        fiscal_code="00297960197",
    )
    ensure_organization(
        code="aem", kind=OrganizationKind.UTILITY, name="AEM", short_name="", fiscal_code="01336280191"
    )
    return {}


def child_import(url: str, path: str, kind: str = "fatture") -> dict:
    _django(url)
    from datetime import date

    from risorsa.ledger import services
    from risorsa.organizations.models import Organization

    run = services.receive_file(
        utility=Organization.objects.get(code="aem"),
        kind=kind,
        as_of=date.fromisoformat(EXTRACTION),
        source=Path(path),
        file_name=Path(path).name,
        copy=False,
    )
    started = time.perf_counter()
    run = services.run_import(run=run)
    seconds = time.perf_counter() - started
    issues = [issue.message for issue in run.issues.all()[:5]]
    counts = {
        name: getattr(run, name) for name in ("created", "updated", "unchanged", "closed", "superseded")
    }
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_bill")
        bills = cursor.fetchone()[0]
        # In cents, so that the parent compares integers: what the bills still owe, and whether
        # any went below zero.
        cursor.execute(
            "SELECT COALESCE(SUM(ROUND(residual * 100)), 0), SUM(CASE WHEN residual < 0 THEN 1 ELSE 0 END)"
            " FROM ledger_bill"
        )
        residual_cents, negative = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM ledger_payment")
        payments = cursor.fetchone()[0]
    return {
        "seconds": seconds,
        "status": run.status,
        "counts": counts,
        "issues": issues,
        "bills": bills,
        "residual_cents": int(residual_cents),
        "negative_bills": int(negative or 0),
        "payments": payments,
    }


def child_floor(url: str, path: str, keyed: str = "") -> dict:
    """The raw floor; with `keyed`, the same rows into a table with the keys a bill table needs.

    The keyed variant is the target's reference (issue 10: the importer within 3x of it): a
    surrogate primary key, the bill number unique, an index on the customer. It shows what the
    database alone spends on those keys, before any logic, so that the importer's own overhead
    can be read apart.
    """
    _django(url)
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    columns = "a text, b text, c text, d text, e text, f text, g text, h text"
    target = f"{columns}, i date, j date, k numeric(12,2), l numeric(12,2)"
    if keyed:
        serial = "id bigserial PRIMARY KEY" if postgres else "id integer PRIMARY KEY AUTOINCREMENT"
        target = f"{serial}, {target}, UNIQUE (h)"
    names = "a, b, c, d, e, f, g, h, i, j, k, l"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_target")
        cursor.execute(f"CREATE TABLE floor_target ({target})")
        if keyed:
            cursor.execute("CREATE INDEX floor_target_a ON floor_target (a)")
    if postgres:
        raw = connection.connection
        with raw.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(f"CREATE TEMPORARY TABLE floor_stage ({columns}, i text, j text, k text, l text)")
            with open(path, "rb") as stream:
                stream.readline()
                with cursor.copy("COPY floor_stage FROM STDIN (FORMAT csv, DELIMITER ';')") as copy:
                    while chunk := stream.read(1 << 20):
                        copy.write(chunk)
            cursor.execute(
                f"INSERT INTO floor_target ({names}) SELECT a, b, c, d, e, f, g, h, to_date(i, 'DD/MM/YYYY'),"
                " to_date(j, 'DD/MM/YYYY'), replace(replace(k, '.', ''), ',', '.')::numeric(12,2),"
                " replace(replace(l, '.', ''), ',', '.')::numeric(12,2) FROM floor_stage"
            )
            raw.commit()
            seconds = time.perf_counter() - started
    else:
        import csv

        def iso(text):
            return f"{text[6:10]}-{text[3:5]}-{text[0:2]}"

        def number(text):
            return text.replace(".", "").replace(",", ".")

        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream, delimiter=";")
            next(reader)
            rows = [(*row[:8], iso(row[8]), iso(row[9]), number(row[10]), number(row[11])) for row in reader]
        raw = connection.connection
        started = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(
            f"INSERT INTO floor_target ({names}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        raw.execute("COMMIT")
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE floor_target")
    return {"seconds": seconds}


def child_payments_floor(url: str, path: str) -> dict:
    """The raw floor of a `pagamenti` file: its rows, typed, into a plain table without keys."""
    _django(url)
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    columns = "a text, b text, c text"
    names = "a, b, c, d, e, f, g"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_payment")
        cursor.execute(f"CREATE TABLE floor_payment ({columns}, d date, e numeric(12,2), f text, g text)")
    if postgres:
        raw = connection.connection
        with raw.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"CREATE TEMPORARY TABLE floor_payment_stage ({columns}, d text, e text, f text, g text)"
            )
            with open(path, "rb") as stream:
                stream.readline()
                with cursor.copy("COPY floor_payment_stage FROM STDIN (FORMAT csv, DELIMITER ';')") as copy:
                    while chunk := stream.read(1 << 20):
                        copy.write(chunk)
            cursor.execute(
                f"INSERT INTO floor_payment ({names}) SELECT a, b, c, to_date(d, 'DD/MM/YYYY'),"
                " replace(replace(e, '.', ''), ',', '.')::numeric(12,2), f, g FROM floor_payment_stage"
            )
            raw.commit()
            seconds = time.perf_counter() - started
    else:
        import csv

        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream, delimiter=";")
            next(reader)
            rows = [
                (a, b, c, f"{d[6:10]}-{d[3:5]}-{d[0:2]}", e.replace(".", "").replace(",", "."), f, g)
                for a, b, c, d, e, f, g in reader
            ]
        raw = connection.connection
        started = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(f"INSERT INTO floor_payment ({names}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        raw.execute("COMMIT")
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE floor_payment")
    return {"seconds": seconds}


# --- parent ---------------------------------------------------------------------------------------


def run_child(*args: str) -> dict:
    process = subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, cwd=ROOT)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"child {args[0]} failed")
    result = json.loads(output.decode().strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def synthetic(rows: int, invalid_line: int | None = None) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    suffix = f"-invalid{invalid_line}" if invalid_line else ""
    path = WORK / f"fatture-{rows}{suffix}.csv"
    if not path.exists():
        _django(f"sqlite:///{WORK / 'unused.sqlite3'}")
        from risorsa.demo.synthetic import write_bills

        print(f"generating {path.name} …", flush=True)
        write_bills(path, rows, invalid_line=invalid_line)
    return path


def setup_bills(customers: int, per_customer: int) -> Path:
    """The bills file the payments benchmark imports first: all issued and due before EXTRACTION."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"fatture-setup-{customers}x{per_customer}.csv"
    if not path.exists():
        from risorsa.demo.synthetic import write_bills

        print(f"generating {path.name} …", flush=True)
        write_bills(path, customers * per_customer, per_customer=per_customer, gap_days=PAYMENT_SETUP_GAP)
    return path


def child_write_payments(path: str, rows: str, customers: str, per_customer: str) -> dict:
    """In a child, so that the parent's memory (and so the peak that each later child inherits
    at fork) stays small: the generator holds what every bill still owes."""
    from datetime import date

    from risorsa.demo.synthetic import write_payments

    return write_payments(
        Path(path),
        int(rows),
        bills=int(customers) * int(per_customer),
        per_customer=int(per_customer),
        gap_days=PAYMENT_SETUP_GAP,
        after=date.fromisoformat(EXTRACTION),
    )


def synthetic_payments(rows: int, customers: int, per_customer: int) -> tuple[Path, dict]:
    path = WORK / f"pagamenti-{rows}-of-{customers}x{per_customer}.csv"
    figures = path.with_suffix(".json")
    if not (path.exists() and figures.exists()):
        print(f"generating {path.name} …", flush=True)
        written = run_child("write_payments", str(path), str(rows), str(customers), str(per_customer))
        figures.write_text(json.dumps({key: written[key] for key in ("rows", "named", "customers", "cents")}))
    return path, json.loads(figures.read_text())


def bench_payments(options, url: str, engine: str) -> int:
    customers, per_customer, rows = options.customers, options.bills_per_customer, options.rows
    bills_path = setup_bills(customers, per_customer)
    payments_path, figures = synthetic_payments(rows, customers, per_customer)

    run_child("reset", url)
    setup = run_child("import", url, str(bills_path), "fatture")
    if setup["status"] != "completato":
        raise SystemExit(f"setup: the bills file was not imported: {setup['status']} {setup['issues']}")
    floor = run_child("payments_floor", url, str(payments_path))
    first = run_child("import", url, str(payments_path), "pagamenti")
    again = run_child("import", url, str(payments_path), "pagamenti")

    rows_per_s = lambda result: rows / result["seconds"]  # noqa: E731
    ratio = first["seconds"] / floor["seconds"]
    reduced = setup["residual_cents"] - first["residual_cents"]
    checks = {
        f"import completed ({first['status']}), {rows:,} payments created": first["status"] == "completato"
        and first["counts"]["created"] == rows
        and first["payments"] == rows,
        f"residuals reduced by exactly the file's total ({reduced / 100:,.2f} of {figures['cents'] / 100:,.2f})": (
            reduced == figures["cents"]
        ),
        "no bill below zero": first["negative_bills"] == 0,
        "re-import changes nothing": again["status"] == "completato"
        and again["counts"]["created"] == 0
        and again["counts"]["updated"] == 0
        and again["counts"]["unchanged"] == rows
        and again["residual_cents"] == first["residual_cents"],
    }
    print(
        f"\nIngestion benchmark — {engine}, {rows:,} rows of `pagamenti` on {setup['bills']:,} bills"
        f" of {customers:,} customers"
    )
    print(
        f"  payments file: {figures['customers']:,} customers paying, {figures['named']:,} naming a bill"
        f" ({figures['named'] / rows:.0%}), {rows - figures['named']:,} without, {figures['cents'] / 100:,.2f} €"
    )
    print(
        f"  setup: bills import {setup['seconds']:7.2f} s (not timed in the result), open residual"
        f" {setup['residual_cents'] / 100:,.2f} €"
    )
    print(f"  raw floor          {floor['seconds']:7.2f} s  {rows_per_s(floor):>10,.0f} rows/s")
    print(
        f"  importer (first)   {first['seconds']:7.2f} s  {rows_per_s(first):>10,.0f} rows/s  peak {first['peak_mb']:.0f} MB"
    )
    print(
        f"  importer (again)   {again['seconds']:7.2f} s  {rows_per_s(again):>10,.0f} rows/s  peak {again['peak_mb']:.0f} MB"
    )
    print(f"  ratio importer / floor: {ratio:.2f}")
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'NO'}] {label}")
    results = WORK / f"ingest-pagamenti-{engine.lower()}.json"
    results.write_text(
        json.dumps(
            {
                "kind": "pagamenti",
                "rows": rows,
                "customers": customers,
                "bills_per_customer": per_customer,
                "payments_file": figures,
                "setup": setup,
                "floor": floor,
                "first": first,
                "again": again,
                "ratio": ratio,
                "checks": checks,
            },
            indent=2,
            default=str,
        )
    )
    print(f"  results: {results}")
    return 0 if all(checks.values()) else 1


CHILDREN = {
    "reset": child_reset,
    "import": child_import,
    "floor": child_floor,
    "payments_floor": child_payments_floor,
    "write_payments": child_write_payments,
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kind", choices=("fatture", "pagamenti"), default="fatture")
    parser.add_argument(
        "--rows", type=int, help="rows of the timed file (fatture: 1,000,000; pagamenti: 100,000)"
    )
    parser.add_argument("--small", type=int, default=100_000, help="rows of the memory comparison run")
    parser.add_argument("--floors", action="store_true", help="measure the two floors only")
    parser.add_argument(
        "--customers", type=int, default=100_000, help="pagamenti: customers of the bills imported first"
    )
    parser.add_argument(
        "--bills-per-customer", type=int, default=10, help="pagamenti: bills of each customer (at most 11)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(CHILDREN[options.child[0]](*options.child[1:])))
        return 0
    url = bench_database_url()
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    if options.kind == "pagamenti":
        options.rows = options.rows or 100_000
        if not 1 <= options.bills_per_customer <= 11:
            parser.error("--bills-per-customer: from 1 to 11 (all issued and due before the extraction date)")
        return bench_payments(options, url, engine)
    options.rows = options.rows or 1_000_000
    big = synthetic(options.rows)
    if options.floors:
        run_child("reset", url)
        floor = run_child("floor", url, str(big))
        keyed = run_child("floor", url, str(big), "keyed")
        print(
            f"{engine}, {options.rows:,} rows: floor {floor['seconds']:.2f} s, keyed floor {keyed['seconds']:.2f} s"
        )
        return 0
    small = synthetic(options.small)
    invalid_line = options.rows - 10
    broken = synthetic(options.rows, invalid_line=invalid_line)

    run_child("reset", url)
    floor = run_child("floor", url, str(big))
    keyed = run_child("floor", url, str(big), "keyed")
    first = run_child("import", url, str(big))
    again = run_child("import", url, str(big))
    run_child("reset", url)
    smaller = run_child("import", url, str(small))
    run_child("reset", url)
    rejected = run_child("import", url, str(broken))

    rows_per_s = lambda result: options.rows / result["seconds"]  # noqa: E731
    # The target's reference (issue 10): the keyed floor, the same rows into a table with the keys
    # a bill table must have; the raw floor is shown beside it.
    ratio = first["seconds"] / keyed["seconds"]
    growth = first["peak_mb"] / smaller["peak_mb"] - 1
    checks = {
        f"importer <= 3x keyed floor ({ratio:.2f}x)": ratio <= 3,
        f"peak memory < 400 MB ({first['peak_mb']:.0f} MB)": first["peak_mb"] < 400,
        f"memory flat: {options.small:,} vs {options.rows:,} rows within 20% ({growth:+.0%})": abs(growth)
        <= 0.2,
        "re-import changes nothing": again["counts"]["created"] == 0
        and again["counts"]["updated"] == 0
        and again["counts"]["unchanged"] == options.rows,
        f"re-import not slower ({again['seconds']:.1f} s vs {first['seconds']:.1f} s)": again["seconds"]
        <= first["seconds"] * 1.05,
        f"invalid row {invalid_line} rejects the file, nothing written": rejected["status"] == "rifiutato"
        and rejected["bills"] == 0
        and any(f"riga {invalid_line}:" in message for message in rejected["issues"]),
    }
    print(f"\nIngestion benchmark — {engine}, {options.rows:,} rows of `fatture`")
    print(f"  raw floor          {floor['seconds']:7.2f} s  {rows_per_s(floor):>10,.0f} rows/s")
    print(
        f"  importer (first)   {first['seconds']:7.2f} s  {rows_per_s(first):>10,.0f} rows/s  peak {first['peak_mb']:.0f} MB"
    )
    print(
        f"  importer (again)   {again['seconds']:7.2f} s  {rows_per_s(again):>10,.0f} rows/s  peak {again['peak_mb']:.0f} MB"
    )
    print(f"  importer {options.small:,} rows: peak {smaller['peak_mb']:.0f} MB")
    print(
        f"  keyed floor        {keyed['seconds']:7.2f} s  (primary key, unique number, customer index;"
        f" {keyed['seconds'] / floor['seconds']:.2f}x the raw floor)"
    )
    print(
        f"  ratio importer / keyed floor: {ratio:.2f} (importer / raw floor: {first['seconds'] / floor['seconds']:.2f})"
    )
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'NO'}] {label}")
    results = WORK / f"ingest-{engine.lower()}.json"
    results.write_text(
        json.dumps(
            {
                "rows": options.rows,
                "floor": floor,
                "keyed_floor": keyed,
                "first": first,
                "again": again,
                "small": smaller,
                "rejected": rejected,
                "ratio": ratio,
                "checks": checks,
            },
            indent=2,
            default=str,
        )
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
