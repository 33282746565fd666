"""Ingestion benchmark: the real `fatture` importer against the raw floor, in the same run.

    .venv/bin/python bench/ingest.py                      # SQLite, 1,000,000 rows
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/risorsa .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --rows 200000 --small 20000   # quicker

The floor is what the database needs to take the same rows without any logic: on PostgreSQL,
COPY into a temporary staging table then one INSERT ... SELECT with casts into a table of the
same columns; on SQLite, executemany of tuples converted beforehand (conversion not timed).
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


def child_import(url: str, path: str) -> dict:
    _django(url)
    from datetime import date

    from risorsa.ledger import services
    from risorsa.organizations.models import Organization

    run = services.receive_file(
        utility=Organization.objects.get(code="aem"),
        kind="fatture",
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
    return {"seconds": seconds, "status": run.status, "counts": counts, "issues": issues, "bills": bills}


def child_floor(url: str, path: str, keyed: str = "") -> dict:
    """The raw floor; with `keyed`, the same rows into a table with the keys a bill table needs.

    The keyed variant is a diagnostic, not the target: a surrogate primary key, the bill
    number unique, an index on the customer. It shows what the database alone spends on
    those keys, before any logic, so that the importer's own overhead can be read apart.
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


CHILDREN = {"reset": child_reset, "import": child_import, "floor": child_floor}


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
        from bench.synthetic import write_bills

        print(f"generating {path.name} …", flush=True)
        write_bills(path, rows, invalid_line=invalid_line)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000, help="rows of the memory comparison run")
    parser.add_argument("--floors", action="store_true", help="measure the two floors only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(CHILDREN[options.child[0]](*options.child[1:])))
        return 0
    url = bench_database_url()
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
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
    ratio = first["seconds"] / floor["seconds"]
    growth = first["peak_mb"] / smaller["peak_mb"] - 1
    checks = {
        f"importer <= 3x floor ({ratio:.2f}x)": ratio <= 3,
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
    print(f"  ratio importer / floor: {ratio:.2f}")
    print(
        f"  diagnostic: the floor into a table with a bill table's keys (primary key, unique number,"
        f" customer index) {keyed['seconds']:.2f} s, {keyed['seconds'] / floor['seconds']:.2f}x the floor"
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
