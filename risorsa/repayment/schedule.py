"""The repayment-plan generator (DOMAIN.md, Repayment plan): pure arithmetic, in cents.

The installment is sustainable when it is at most a share of the household's monthly income
(15% by default). The plan has the smallest number of monthly installments (at most 12 by
default) that keeps every installment sustainable: equal installments in cents, the remainder
on the last, each due on a working day. Optional interest at an annual rate, on the declining
balance of equal principal parts: debt x rate / 12 x (n + 1) / 2, rounded half up to the cent.
An installment below the minimum is allowed only as the single installment of a plan. If even
the longest plan is not sustainable, the schedule says so and by how much it falls short: the
amount to cover otherwise (a spot intervention, the work program) for the rest to fit.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from risorsa.core.calendar import add_months, next_working_day

CENT = Decimal("0.01")
DEFAULT_SHARE = Decimal("0.15")
DEFAULT_MINIMUM = Decimal("25.00")
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Terms:
    debt: Decimal
    monthly_income: Decimal
    start_on: date
    share: Decimal = DEFAULT_SHARE
    minimum_installment: Decimal = DEFAULT_MINIMUM
    max_months: int = DEFAULT_MONTHS
    annual_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class Row:
    number: int
    due_on: date
    amount: Decimal


@dataclass
class Schedule:
    terms: Terms
    sustainable: Decimal  # the most a month can take: share x income, rounded down to the cent
    feasible: bool
    interest: Decimal = Decimal("0.00")
    rows: list[Row] = field(default_factory=list)
    shortfall: Decimal = Decimal("0.00")  # what the longest plan leaves uncovered

    @property
    def total(self) -> Decimal:
        return self.terms.debt + self.interest

    @property
    def months(self) -> int:
        return len(self.rows)


def interest_for(debt: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    return (debt * annual_rate / 12 * (months + 1) / 2).quantize(CENT, rounding=ROUND_HALF_UP)


def longest(terms: Terms, total: Decimal, sustainable: Decimal) -> int:
    """How many installments a plan may have: each at least the minimum, unless it is the only one."""
    if sustainable < terms.minimum_installment:
        return 1
    return max(1, min(terms.max_months, int(total // terms.minimum_installment)))


def build(terms: Terms) -> Schedule:
    """The plan for these terms, or an honest 'not sustainable within N months' with the shortfall."""
    if terms.debt <= 0:
        raise ValueError("debt must be positive")
    sustainable = (terms.monthly_income * terms.share).quantize(CENT, rounding=ROUND_DOWN)
    months = 1
    for months in range(1, longest(terms, terms.debt, sustainable) + 1):
        interest = interest_for(terms.debt, terms.annual_rate, months)
        amounts = split(terms.debt + interest, months)
        if amounts[-1] <= sustainable:
            return Schedule(
                terms=terms,
                sustainable=sustainable,
                feasible=True,
                interest=interest,
                rows=[
                    Row(number, due_date(terms.start_on, number), amount)
                    for number, amount in enumerate(amounts, start=1)
                ],
            )
    interest = interest_for(terms.debt, terms.annual_rate, months)
    total = terms.debt + interest
    if total > sustainable * months:
        shortfall = total - sustainable * months
    else:  # only the remainder on the last installment tips it over
        shortfall = total - split(total, months)[0] * months
    return Schedule(
        terms=terms, sustainable=sustainable, feasible=False, interest=interest, shortfall=shortfall
    )


def split(total: Decimal, months: int) -> list[Decimal]:
    """Equal installments in cents, the remainder on the last."""
    cents = int(total / CENT)
    base = cents // months
    amounts = [base] * (months - 1) + [cents - base * (months - 1)]
    return [Decimal(amount) * CENT for amount in amounts]


def due_date(start_on: date, number: int) -> date:
    """The number-th installment is due a month after the one before, on a working day."""
    return next_working_day(add_months(start_on, number - 1))
