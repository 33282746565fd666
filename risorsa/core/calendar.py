"""Working days: Italian national holidays and the territory's patron saint.

Deadlines are counted in working days (Monday to Friday, not a holiday). The patron
saint's day is local: Cremona's Sant'Omobono, 13 November, unless `PATRON_SAINT_DAY`
says otherwise.
"""

from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings

# Fixed national holidays (month, day): Capodanno, Epifania, Liberazione, Festa del lavoro,
# Festa della Repubblica, Ferragosto, Ognissanti, Immacolata, Natale, Santo Stefano.
NATIONAL_HOLIDAYS = ((1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26))


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def patron_saint_day() -> tuple[int, int]:
    month, day = settings.PATRON_SAINT_DAY
    return month, day


@lru_cache(maxsize=64)
def holidays(year: int, patron: tuple[int, int] = (11, 13)) -> frozenset[date]:
    """The non-working days of `year` that are not weekends (Easter Monday included)."""
    days = {date(year, month, day) for month, day in (*NATIONAL_HOLIDAYS, patron)}
    easter = easter_sunday(year)
    days |= {easter, easter + timedelta(days=1)}
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year, patron_saint_day())


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
    """`count` working days after `start` (before it if negative; 0: `start` or the next working day)."""
    if count < 0:
        day = previous_working_day(start)
        for _step in range(-count):
            day = previous_working_day(day - timedelta(days=1))
        return day
    day = next_working_day(start)
    for _step in range(count):
        day = next_working_day(day + timedelta(days=1))
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
