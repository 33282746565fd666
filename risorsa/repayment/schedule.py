"""The repayment-plan generator (DOMAIN.md, Repayment plan): pure arithmetic, in cents.

The installment is sustainable when it is at most a share of the household's monthly income
(15% by default). The plan has the smallest number of monthly installments (at most 12 by
default) that keeps every installment sustainable: equal installments in cents, the remainder
on the last, each due on a working day. Optional interest at an annual rate, on the declining
balance of equal principal parts: debt x rate / 12 x (n + 1) / 2, rounded half up to the cent.
An installment below the minimum is allowed only as the single installment of a plan, or when
the plan must have more installments than the minimum allows (below). If even the longest plan is
not sustainable, the schedule says so and by how much it falls short: the amount to cover
otherwise (a spot intervention, the work program) for the rest to fit.

`min_months` is the fewest installments the generator may offer (1 by default: the shortest
sustainable plan). It wins over the minimum installment, and `max_months` is raised to at least
`min_months`; only a debt of fewer cents than `min_months` gets fewer installments (one cent
each). `regulated(terms)` gives the terms of the regulated water plan (REMSI, ARERA 311/2019
art. 5): at least 12 monthly installments and no interest. The generator does not decide when it
applies: the caller does — a water debt under a reminder or formal notice gets regulated terms
unless the customer's documented choice of a shorter plan is recorded.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from risorsa.core.calendar import add_months, next_working_day

CENT = Decimal("0.01")
DEFAULT_SHARE = Decimal("0.15")
DEFAULT_MINIMUM = Decimal("25.00")
DEFAULT_MONTHS = 12
REGULATED_MONTHS = 12  # REMSI art. 5: water debts under a reminder or formal notice


@dataclass(frozen=True)
class Terms:
    debt: Decimal
    monthly_income: Decimal
    start_on: date
    share: Decimal = DEFAULT_SHARE
    minimum_installment: Decimal = DEFAULT_MINIMUM
    max_months: int = DEFAULT_MONTHS
    annual_rate: Decimal = Decimal(0)
    min_months: int = 1

    def __post_init__(self):
        if self.min_months < 1:
            raise ValueError("min_months must be at least 1")
        if self.max_months < self.min_months:
            object.__setattr__(self, "max_months", self.min_months)


def regulated(terms: Terms) -> Terms:
    """The same terms as a regulated water plan: at least 12 monthly installments, no interest."""
    return replace(terms, min_months=max(terms.min_months, REGULATED_MONTHS), annual_rate=Decimal(0))


def is_regulated(terms: Terms) -> bool:
    """Whether these terms keep the regulated minimum (to say so on the plan)."""
    return terms.min_months >= REGULATED_MONTHS and terms.annual_rate == 0


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


def shortest(terms: Terms, total: Decimal) -> int:
    """How few installments a plan may have: `min_months`, but never more than one per cent."""
    return max(1, min(terms.min_months, int(total / CENT)))


def longest(terms: Terms, total: Decimal, sustainable: Decimal) -> int:
    """How many installments a plan may have: each at least the minimum, unless it is the only one
    or the plan must have at least `min_months` (the regulated minimum wins)."""
    if sustainable < terms.minimum_installment:
        allowed = 1
    else:
        allowed = max(1, min(terms.max_months, int(total // terms.minimum_installment)))
    return max(allowed, shortest(terms, total))


def build(terms: Terms) -> Schedule:
    """The plan for these terms, or an honest 'not sustainable within N months' with the shortfall."""
    if terms.debt <= 0:
        raise ValueError("debt must be positive")
    sustainable = (terms.monthly_income * terms.share).quantize(CENT, rounding=ROUND_DOWN)
    fewest = months = shortest(terms, terms.debt)
    for months in range(fewest, longest(terms, terms.debt, sustainable) + 1):
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
