"""Staging tables: the validated rows of a file, written in bulk into temporary tables.

PostgreSQL receives them through COPY, SQLite through executemany: both stream in batches,
so memory does not grow with the file. The merge into the real tables is then set-based SQL.
"""

from collections.abc import Sequence

from django.db import DatabaseError, connection, transaction

BATCH = 20000
# Local buffers of the session's temporary tables (PostgreSQL's default, 8 MB, sends a large
# file's staging tables through temporary files at every pass). Only allocated as used, and
# settable only before the session first touches a temporary table.
TEMP_BUFFERS = "256MB"


class Stager:
    """Buffers rows per temporary table and flushes them in batches."""

    def __init__(self, tables: dict[str, Sequence[tuple[str, str]]]):
        self.tables = tables  # name -> [(column, SQL type)]
        self.buffers: dict[str, list[tuple]] = {name: [] for name in tables}
        self.counts: dict[str, int] = dict.fromkeys(tables, 0)
        self.postgres = connection.vendor == "postgresql"

    def create(self) -> None:
        if self.postgres:
            _more_temp_buffers()
        with connection.cursor() as cursor:
            for name, columns in self.tables.items():
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
                definition = ", ".join(f"{column} {kind}" for column, kind in columns)
                cursor.execute(f"CREATE TEMPORARY TABLE {name} ({definition})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for name in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")

    def add(self, table: str, row: tuple) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= BATCH:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.tables):
            rows = self.buffers[name]
            if not rows:
                continue
            columns = [column for column, _kind in self.tables[name]]
            with connection.cursor() as cursor:
                if self.postgres:
                    with cursor.cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    # A deferred transaction on temporary tables only: the main database stays unlocked.
                    marks = ", ".join("?" for _column in columns)
                    own_transaction = not connection.in_atomic_block
                    if own_transaction:
                        cursor.cursor.execute("BEGIN")
                    cursor.cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
                    if own_transaction:
                        cursor.cursor.execute("COMMIT")
            self.counts[name] += len(rows)
            self.buffers[name] = []

    def analyze(self) -> None:
        """Temporary tables get no statistics by themselves: give the planner some."""
        with connection.cursor() as cursor:
            for name in self.tables:
                cursor.execute(f"ANALYZE {name}")


def _more_temp_buffers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('temp_buffers') = %s", [TEMP_BUFFERS])
        if cursor.fetchone()[0]:
            return
        try:
            with transaction.atomic():
                cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
        except DatabaseError:
            pass  # this session has used temporary tables already: it keeps what it has
