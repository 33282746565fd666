"""What every kind of file shares: the issue type and the context of one import."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection

from risorsa.ledger.importing.staging import Stager


@dataclass(frozen=True, slots=True)
class Issue:
    """An invalid row's value: `reason` is a code of `reasons.REASONS`, worded when shown."""

    line: int
    column: str
    value: str
    reason: str
    params: Mapping[str, object] | None = None


@dataclass
class Context:
    """One import as the merge SQL sees it."""

    utility_id: int
    municipality_id: int | None
    run_id: int
    as_of: date
    full: bool  # mode "completo"
    now: datetime
    stager: Stager

    @property
    def params(self) -> dict:
        return {
            "u": self.utility_id,
            "m": self.municipality_id,
            "r": self.run_id,
            "d": self.as_of,
            "now": self.now,
        }


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    superseded: int = 0
    people_created: int = 0


def run_checks(checks: dict[str, str], ctx: Context) -> dict[str, dict]:
    """Run each named query; keep those that return rows: {name: {key: detail or None}}."""
    found = {}
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql, ctx.params)
            rows = cursor.fetchall()
            if rows:
                found[name] = {row[0]: (row[1] if len(row) > 1 else None) for row in rows}
    return found
