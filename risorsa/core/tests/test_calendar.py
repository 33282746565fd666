from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from risorsa.core.calendar import (
    add_months,
    add_working_days,
    easter_sunday,
    is_working_day,
    working_days_between,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def test_easter_falls_on_the_known_sundays():
    assert [easter_sunday(year) for year in (2010, 2011, 2024, 2025, 2026)] == [
        date(2010, 4, 4),
        date(2011, 4, 24),
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
    ]


def test_national_holidays_easter_monday_and_sant_omobono_are_not_working_days():
    for day in (date(2010, 1, 6), date(2010, 4, 5), date(2012, 4, 25), date(2010, 6, 2)):
        assert not is_working_day(day), day
    assert not is_working_day(date(2026, 11, 13))  # Sant'Omobono, a Friday
    assert is_working_day(date(2026, 11, 12))


def test_the_patron_saint_is_a_setting(settings):
    settings.PATRON_SAINT_DAY = (12, 7)  # Milan's Sant'Ambrogio
    assert is_working_day(date(2026, 11, 13))
    assert not is_working_day(date(2026, 12, 7))


def test_a_deadline_skips_weekends_and_holidays():
    # Thursday 12 November 2026 + 1 working day: Friday 13 is Sant'Omobono, so Monday 16.
    assert add_working_days(date(2026, 11, 12), 1) == date(2026, 11, 16)
    # Christmas Eve 2026 (Thursday) + 1: 25 and 26 are holidays, then the weekend: Monday 28.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 11, 16), -1) == date(2026, 11, 12)


@given(DAYS, st.integers(min_value=0, max_value=40))
def test_adding_working_days_lands_on_a_working_day_that_many_days_later(start, count):
    due = add_working_days(start, count)
    assert is_working_day(due)
    # A start that is not a working day is first rolled forward to one, which counts too.
    assert working_days_between(start, due) == count + (0 if is_working_day(start) else 1)


@given(DAYS, st.integers(min_value=-30, max_value=30))
def test_months_keep_the_day_or_end_the_month(start, months):
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day == start.day or (later + timedelta(days=1)).day == 1
