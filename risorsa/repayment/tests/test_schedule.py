from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from risorsa.core.calendar import is_working_day
from risorsa.repayment.schedule import Terms, build

MONEY = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("20000.00"), places=2)
INCOME = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2)
STARTS = st.dates(min_value=date(2009, 1, 1), max_value=date(2030, 12, 31))
RATES = st.sampled_from([Decimal(0), Decimal("0.02"), Decimal("0.05"), Decimal("0.085")])


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
