"""The demo's calendar: every date of the demo is reckoned from the day it is first loaded.

The utility's last extraction is the last working day before that day; its first one, six
months earlier, is the snapshot the protections start from; the bills go back two years; the
work program's editions run from September to August, the current one and the two before it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from risorsa.core.calendar import add_months, previous_working_day

BILL_MONTHS = 24  # the utility's bills of the last two years
FIRST_EXTRACTION_MONTHS = 6  # the snapshot before the protections, six months ago
SCALE_EXTRACTION_DAYS = 125  # `--scala`: its payments come in the four months after it


@dataclass(frozen=True)
class Cycle:
    """An edition of the work program: a name and its year from September to August."""

    name: str
    starts_on: date
    ends_on: date

    @property
    def cutoff(self) -> date:
        """The utility's extraction of the bills of the people it will refer: before it starts."""
        return previous_working_day(self.starts_on - timedelta(days=1))


def cycle_of(day: date, *, name: str = "") -> Cycle:
    """The cycle (September to August) that `day` falls in, named `2026/27` unless told otherwise."""
    year = day.year if day.month >= 9 else day.year - 1
    return Cycle(
        name=name or f"{year}/{(year + 1) % 100:02d}",
        starts_on=date(year, 9, 1),
        ends_on=date(year + 1, 8, 31),
    )


@dataclass(frozen=True)
class DemoClock:
    today: date

    @property
    def extraction(self) -> date:
        """The utility's latest extraction: the last working day before today."""
        return previous_working_day(self.today - timedelta(days=1))

    @property
    def first_extraction(self) -> date:
        """The snapshot the municipality protected its customers from, about six months ago."""
        return previous_working_day(add_months(self.today, -FIRST_EXTRACTION_MONTHS))

    @property
    def bills_from(self) -> date:
        return add_months(self.today, -BILL_MONTHS)

    @property
    def scale_extraction(self) -> date:
        """`--scala`: the extraction of the synthetic customers' bills, four months and more ago."""
        return previous_working_day(self.today - timedelta(days=SCALE_EXTRACTION_DAYS))

    def editions(self, names: tuple[str, str] | None = None) -> tuple[Cycle, Cycle, Cycle]:
        """The two completed editions (named `names` if given) and the current one."""
        current = cycle_of(self.today)
        second = cycle_of(current.starts_on - timedelta(days=1), name=names[1] if names else "")
        first = cycle_of(second.starts_on - timedelta(days=1), name=names[0] if names else "")
        return first, second, current
