from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risorsa.core.calendar import is_working_day
from risorsa.repayment.schedule import (
    REGULATED_MONTHS,
    Terms,
    build,
    interest_for,
    is_regulated,
    regulated,
    split,
)

MONEY = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("20000.00"), places=2)
INCOME = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2)
STARTS = st.dates(min_value=date(2009, 1, 1), max_value=date(2030, 12, 31))
RATES = st.sampled_from([Decimal(0), Decimal("0.02"), Decimal("0.05"), Decimal("0.085")])


SHARES = st.sampled_from([Decimal("0.15"), Decimal("0.05"), Decimal("0.30"), Decimal("1")])


def terms(debt, income, start, rate=Decimal(0), months=12, share=Decimal("0.15")):
    return Terms(
        debt=debt, monthly_income=income, start_on=start, annual_rate=rate, max_months=months, share=share
    )


@settings(max_examples=300)
@given(MONEY, INCOME, STARTS, RATES, st.integers(min_value=1, max_value=24))
def test_a_plan_sums_exactly_stays_sustainable_short_and_on_working_days(debt, income, start, rate, months):
    schedule = build(terms(debt, income, start, rate, months))
    if schedule.feasible:
        assert sum(row.amount for row in schedule.rows) == debt + schedule.interest
        assert all(row.amount <= schedule.sustainable for row in schedule.rows)
        assert 1 <= schedule.months <= months
        assert all(is_working_day(row.due_on) for row in schedule.rows)
        assert [row.due_on for row in schedule.rows] == sorted({row.due_on for row in schedule.rows})
        assert len({row.amount for row in schedule.rows[:-1]}) <= 1  # equal, the remainder on the last
        if schedule.months > 1:
            assert min(row.amount for row in schedule.rows) >= Decimal("25.00")
    else:
        assert schedule.rows == []
        assert schedule.shortfall > 0


@settings(max_examples=300)
@given(MONEY, INCOME, STARTS)
def test_covering_the_shortfall_otherwise_makes_the_plan_sustainable(debt, income, start):
    schedule = build(terms(debt, income, start))
    if not schedule.feasible and schedule.shortfall < debt:
        assert build(terms(debt - schedule.shortfall, income, start)).feasible


def test_the_smallest_number_of_months_with_the_remainder_on_the_last():
    # 1.000 € of debt, 900 € a month of income: at most 135 € a month, so 8 months.
    schedule = build(terms(Decimal("1000.00"), Decimal("900.00"), date(2010, 3, 1)))
    assert schedule.feasible and schedule.sustainable == Decimal("135.00")
    assert [row.amount for row in schedule.rows] == [Decimal("125.00")] * 8
    odd = build(terms(Decimal("1000.01"), Decimal("900.00"), date(2010, 3, 1)))
    assert [row.amount for row in odd.rows] == [Decimal("125.00")] * 7 + [Decimal("125.01")]


def test_due_dates_skip_sant_omobono_and_the_holidays():
    schedule = build(terms(Decimal("300.00"), Decimal("700.00"), date(2026, 11, 13)))
    # 13/11/2026 is Sant'Omobono (a Friday): Monday 16; 13/12 is a Sunday: Monday 14.
    assert [row.due_on for row in schedule.rows][:2] == [date(2026, 11, 16), date(2026, 12, 14)]


def test_an_honest_refusal_names_the_shortfall():
    # 3.000 € with 600 € a month of income: 90 € x 12 = 1.080 €, 1.920 € short.
    schedule = build(terms(Decimal("3000.00"), Decimal("600.00"), date(2010, 3, 1)))
    assert not schedule.feasible
    assert schedule.shortfall == Decimal("1920.00")


def test_interest_is_added_at_the_annual_rate_on_the_declining_balance():
    schedule = build(
        terms(Decimal("1200.00"), Decimal("2000.00"), date(2010, 3, 1), rate=Decimal("0.06"), months=12)
    )
    # 300 € a month: in 4 months the interest (1.200 x 0,06 / 12 x 5 / 2 = 15 €) makes 303,75 € a month,
    # too much; in 5 months it is 18 € and the installments 243,60 €.
    assert (schedule.months, schedule.interest) == (5, Decimal("18.00"))
    assert [row.amount for row in schedule.rows] == [Decimal("243.60")] * 5


# The water rule (REMSI, ARERA 311/2019 art. 5): a water debt under a reminder or formal notice
# gets at least 12 monthly installments and no interest, unless the customer chose otherwise.


@settings(max_examples=300)
@given(MONEY, INCOME, STARTS, RATES, st.integers(min_value=1, max_value=24), SHARES)
def test_a_regulated_plan_has_twelve_installments_or_more_and_no_interest(
    debt, income, start, rate, months, share
):
    plain = terms(debt, income, start, rate, months, share)
    water = regulated(plain)
    assert is_regulated(water) and not is_regulated(plain)
    assert (water.min_months, water.annual_rate) == (REGULATED_MONTHS, Decimal(0))
    assert water.max_months == max(months, REGULATED_MONTHS)
    schedule = build(water)
    assert schedule.interest == 0
    if schedule.feasible:
        assert REGULATED_MONTHS <= schedule.months <= max(months, REGULATED_MONTHS)
        assert sum(row.amount for row in schedule.rows) == debt
        assert all(row.amount <= schedule.sustainable for row in schedule.rows)
        assert len({row.amount for row in schedule.rows[:-1]}) == 1  # equal, the remainder on the last
        assert schedule.rows[-1].amount >= schedule.rows[0].amount
        assert all(is_working_day(row.due_on) for row in schedule.rows)
        assert [row.due_on for row in schedule.rows] == sorted({row.due_on for row in schedule.rows})
        assert [row.number for row in schedule.rows] == list(range(1, schedule.months + 1))
    else:
        assert schedule.rows == []
        assert schedule.shortfall > 0
        if schedule.shortfall < debt:  # what is left once the shortfall is covered fits in a plan
            assert build(
                regulated(terms(debt - schedule.shortfall, income, start, rate, months, share))
            ).feasible


def fewest_sustainable_months(terms):
    """The generator before the water rule, as an oracle: the fewest sustainable installments."""
    sustainable = (terms.monthly_income * terms.share).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    if sustainable < terms.minimum_installment:
        longest = 1
    else:
        longest = max(1, min(terms.max_months, int(terms.debt // terms.minimum_installment)))
    for months in range(1, longest + 1):
        interest = interest_for(terms.debt, terms.annual_rate, months)
        if split(terms.debt + interest, months)[-1] <= sustainable:
            return months, interest
    return None


@settings(max_examples=300)
@given(MONEY, INCOME, STARTS, RATES, st.integers(min_value=1, max_value=24), SHARES)
def test_a_plan_that_is_not_regulated_is_unchanged(debt, income, start, rate, months, share):
    plain = terms(debt, income, start, rate, months, share)
    assert (plain.min_months, plain.max_months) == (1, months)
    schedule = build(plain)
    expected = fewest_sustainable_months(plain)
    if expected is None:
        assert not schedule.feasible
    else:
        assert schedule.feasible and (schedule.months, schedule.interest) == expected
        assert [row.amount for row in schedule.rows] == split(debt + schedule.interest, schedule.months)


def test_a_regulated_plan_wins_over_the_fewest_months_and_the_minimum_installment():
    # 300 € with 900 € a month of income: 3 installments of 100 € would do; the regulated plan has 12
    # of 25 €. 120 €: 12 of 10 €, below the 25 € minimum installment, since the regulated minimum wins.
    plain = Terms(debt=Decimal("300.00"), monthly_income=Decimal("900.00"), start_on=date(2010, 3, 1))
    assert build(plain).months == 3
    water = build(regulated(plain))
    assert [row.amount for row in water.rows] == [Decimal("25.00")] * 12
    small = build(
        regulated(Terms(debt=Decimal("120.01"), monthly_income=Decimal("900.00"), start_on=date(2010, 3, 1)))
    )
    assert [row.amount for row in small.rows] == [Decimal("10.00")] * 11 + [Decimal("10.01")]


def test_a_regulated_plan_drops_the_interest_and_can_still_fall_short():
    with_interest = Terms(
        debt=Decimal("1200.00"),
        monthly_income=Decimal("2000.00"),
        start_on=date(2010, 3, 1),
        annual_rate=Decimal("0.06"),
    )
    water = build(regulated(with_interest))
    assert (water.months, water.interest, water.total) == (12, Decimal("0.00"), Decimal("1200.00"))
    assert [row.amount for row in water.rows] == [Decimal("100.00")] * 12
    # 3.000 € with 600 € a month: 90 € x 12 = 1.080 €, 1.920 € short, regulated or not.
    poor = build(
        regulated(Terms(debt=Decimal("3000.00"), monthly_income=Decimal("600.00"), start_on=date(2010, 3, 1)))
    )
    assert not poor.feasible and poor.shortfall == Decimal("1920.00")


def test_min_months_raises_max_months_and_a_longer_maximum_is_kept():
    start = date(2010, 3, 1)
    assert (
        Terms(
            debt=Decimal("100"), monthly_income=Decimal("0"), start_on=start, max_months=6, min_months=12
        ).max_months
        == 12
    )
    longer = regulated(
        Terms(debt=Decimal("6000.00"), monthly_income=Decimal("2000.00"), start_on=start, max_months=24)
    )
    assert longer.max_months == 24
    assert build(longer).months == 20  # 300 € a month sustainable: 20 installments, more than 12
    with pytest.raises(ValueError):
        Terms(debt=Decimal("100"), monthly_income=Decimal("0"), start_on=start, min_months=0)


def test_a_debt_of_fewer_cents_than_installments_gets_one_cent_each():
    schedule = build(
        regulated(Terms(debt=Decimal("0.05"), monthly_income=Decimal("900.00"), start_on=date(2010, 3, 1)))
    )
    assert [row.amount for row in schedule.rows] == [Decimal("0.01")] * 5
