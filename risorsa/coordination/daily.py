"""The daily follow-up (`manage.py giornaliero`): what depends on the date, recomputed.

Installments become missed after their grace days, plans lapse or complete, customers' shares
are confirmed from their payments, credits the utility applied close their instruments. The apps
that own these rules register a job here in their `AppConfig.ready()` (coordination never names
them). Every job derives its state from the data and the date alone, so the follow-up is
idempotent: run twice a day, or once after days without it, it leaves what running it every day
would have left. It also runs after every payments import, for the customers the file names.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from risorsa.coordination.models import DailyRun
from risorsa.ledger.models import ImportKind, ImportRun, Payment

Job = Callable[..., dict[str, int]]
_jobs: dict[str, Job] = {}


def register_daily_job(name: str, job: Job) -> None:
    """`job(today=..., customers=...)` runs every day (customers None: everyone); it returns counts."""
    _jobs[name] = job


def follow_up(*, today: date | None = None, customers=None) -> dict[str, dict[str, int]]:
    """Run every registered job for `today`; each in its own transaction."""
    today = today or timezone.localdate()
    outcome = {}
    for name, job in _jobs.items():
        with transaction.atomic():
            outcome[name] = job(today=today, customers=customers)
    return outcome


def run_daily(*, today: date | None = None) -> DailyRun:
    """The whole follow-up for `today`, recorded with what the last run was and what it did."""
    today = today or timezone.localdate()
    previous = DailyRun.objects.order_by("-ran_at", "-pk").first()
    outcome = follow_up(today=today)
    return DailyRun.objects.create(
        day=today, previous_day=previous.day if previous else None, outcome=outcome
    )


def react_to_payments(*, run: ImportRun) -> None:
    """A payments file: follow up at once the customers it names (in the import's transaction)."""
    if run.kind == ImportKind.PAYMENTS:
        follow_up(customers=Payment.objects.filter(run=run).values("customer"))
