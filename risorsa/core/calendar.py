"""Working days: Italian national holidays and the territory's patron saint.

Deadlines are counted in working days (Monday to Friday, not a holiday). The national holidays
come from the `holidays` package (kept up to date with the law: San Francesco, 4 October, is a
holiday again from 2026); the patron saint's day is local: Cremona's Sant'Omobono, 13 November,
unless `PATRON_SAINT_DAY` says otherwise.
"""

from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from holidays import country_holidays


def patron_saint_day() -> tuple[int, int]:
    month, day = settings.PATRON_SAINT_DAY
    return month, day


@lru_cache(maxsize=256)
def holidays_in(year: int, patron: tuple[int, int] = (11, 13)) -> frozenset[date]:
    """The holidays of `year`: the national ones (Easter Monday included) and the patron saint's day."""
    return frozenset({*country_holidays("IT", years=year), date(year, *patron)})


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays_in(day.year, patron_saint_day())


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """`day` itself if it is a working day, otherwise the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start`, which is not counted (before it if negative).

    An event on Saturday + 1 working day is due on Monday; a working Friday - 1 is the Thursday.
    With 0: `start` itself if it is a working day, otherwise the next working day.
    """
    if count == 0:
        return next_working_day(start)
    step = timedelta(days=1 if count > 0 else -1)
    day = start
    for _counted in range(abs(count)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31/01 + 1 = 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` comes first)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(offset)))
