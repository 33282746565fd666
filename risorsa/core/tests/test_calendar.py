from datetime import date, timedelta

import holidays
from hypothesis import given
from hypothesis import strategies as st

from risorsa.core.calendar import (
    add_months,
    add_working_days,
    is_working_day,
    working_days_between,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def test_national_holidays_easter_monday_and_sant_omobono_are_not_working_days():
    for day in (date(2010, 1, 6), date(2010, 4, 5), date(2012, 4, 25), date(2010, 6, 2)):
        assert not is_working_day(day), day
    assert not is_working_day(date(2026, 11, 13))  # Sant'Omobono, a Friday
    assert is_working_day(date(2026, 11, 12))


def test_san_francesco_is_a_national_holiday_again_from_2026():
    assert not is_working_day(date(2027, 10, 4))  # a Monday
    assert is_working_day(date(2027, 10, 5))
    assert is_working_day(date(2024, 10, 4))  # a Friday, before the law restored it


def test_the_patron_saint_is_a_setting(settings):
    settings.PATRON_SAINT_DAY = (12, 7)  # Milan's Sant'Ambrogio
    assert is_working_day(date(2026, 11, 13))
    assert not is_working_day(date(2026, 12, 7))


def test_working_days_are_the_weekdays_that_are_not_italian_holidays_nor_cremonas_patron_saint(settings):
    # given the default patron saint, Sant'Omobono (the holidays package's Cremona, subdivision CR)
    settings.PATRON_SAINT_DAY = (11, 13)
    start, end = date(2000, 1, 1), date(2100, 12, 31)
    cremona = holidays.country_holidays("IT", subdiv="CR", years=range(start.year, end.year + 1))
    # when / then: every day of the century agrees with it
    disagreements = [
        day
        for day in (start + timedelta(days=offset) for offset in range((end - start).days + 1))
        if is_working_day(day) != (day.weekday() < 5 and day not in cremona)
    ]
    assert disagreements == []


def test_a_deadline_skips_weekends_and_holidays():
    # Thursday 12 November 2026 + 1 working day: Friday 13 is Sant'Omobono, so Monday 16.
    assert add_working_days(date(2026, 11, 12), 1) == date(2026, 11, 16)
    # Christmas Eve 2026 (Thursday) + 1: 25 and 26 are holidays, then the weekend: Monday 28.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 11, 16), -1) == date(2026, 11, 12)


def test_the_day_of_the_event_is_not_counted_even_when_it_is_not_a_working_day():
    # An event on Saturday 28 November 2026 + 1 working day is due on Monday 30, not Tuesday.
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 28), 3) == date(2026, 12, 2)
    # On Sant'Omobono (Friday 13 November 2026) + 1: Monday 16; on Christmas Day 2026 + 1: Monday 28.
    assert add_working_days(date(2026, 11, 13), 1) == date(2026, 11, 16)
    assert add_working_days(date(2026, 12, 25), 1) == date(2026, 12, 28)
    # Backwards the same way: Sunday 29 November 2026 - 1 is Friday 27, not Thursday 26.
    assert add_working_days(date(2026, 11, 29), -1) == date(2026, 11, 27)


def test_zero_working_days_keep_a_working_day_and_move_any_other_to_the_next():
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)


@given(DAYS, st.integers(min_value=1, max_value=40))
def test_adding_working_days_lands_on_the_working_day_that_many_days_after_the_start(start, count):
    due = add_working_days(start, count)
    assert is_working_day(due)
    # The start is never counted, whether it is a working day or not.
    assert working_days_between(start, due) == count


@given(DAYS, st.integers(min_value=1, max_value=40))
def test_subtracting_working_days_lands_on_the_working_day_that_many_days_before_the_start(start, count):
    due = add_working_days(start, -count)
    assert is_working_day(due)
    # Working days from `due` up to the day before the start, the start not counted.
    assert working_days_between(due - timedelta(days=1), start - timedelta(days=1)) == count


@given(DAYS, st.integers(min_value=-30, max_value=30))
def test_months_keep_the_day_or_end_the_month(start, months):
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day == start.day or (later + timedelta(days=1)).day == 1
