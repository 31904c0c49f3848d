"""Working days of the Brussels-Capital Region (pure date rules, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from brussels_international.core.deadlines import (
    add_calendar_days,
    add_working_days,
    is_working_day,
    next_working_day,
    public_holidays,
)

D = dt.date


def test_belgian_holidays_and_iris_day_2026():
    days = public_holidays(2026)
    assert days[D(2026, 4, 6)] == "Easter Monday"
    assert days[D(2026, 5, 8)] == "Fête de l'Iris / Irisfeest"
    assert D(2026, 5, 8).weekday() == 4  # a Friday
    assert len(days) == 13  # 12 from the package (with Easter and Whit Sunday) + Iris Day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 4, 3), True),  # Friday before Easter
        (D(2026, 4, 4), False),  # Saturday
        (D(2026, 4, 5), False),  # Easter Sunday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 4, 7), True),
        (D(2026, 5, 1), False),  # Labour Day
        (D(2026, 5, 8), False),  # Iris Day
        (D(2026, 5, 14), False),  # Ascension
        (D(2026, 7, 21), False),  # National Day
        (D(2026, 11, 11), False),  # Armistice
        (D(2027, 5, 7), True),  # Friday 7 May 2027
        (D(2027, 5, 10), True),  # Monday after Iris Day 2027 (a Saturday)
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 4, 3), 0, D(2026, 4, 3)),
        (D(2026, 4, 3), 1, D(2026, 4, 7)),  # over the weekend and Easter Monday
        (D(2026, 4, 2), 3, D(2026, 4, 8)),
        (D(2026, 5, 7), 1, D(2026, 5, 11)),  # over Iris Day (Friday 8 May) and the weekend
        (D(2026, 4, 30), 5, D(2026, 5, 11)),  # over 1 May and 8 May
        (D(2026, 5, 13), 2, D(2026, 5, 18)),  # over Ascension
        (D(2026, 12, 24), 3, D(2026, 12, 30)),  # over Christmas and the weekend
    ],
)
def test_add_working_days(start, n, due):
    assert add_working_days(start, n) == due


@pytest.mark.parametrize(
    ("start", "n", "due", "plain"),
    [
        (D(2026, 4, 1), 5, D(2026, 4, 7), D(2026, 4, 6)),  # ends on Easter Monday: moves to Tuesday
        (D(2026, 5, 4), 4, D(2026, 5, 11), D(2026, 5, 8)),  # ends on Iris Day: moves to Monday
        (D(2026, 5, 4), 3, D(2026, 5, 7), D(2026, 5, 7)),
        (D(2026, 1, 15), 30, D(2026, 2, 16), D(2026, 2, 14)),  # ends on a Saturday
    ],
)
def test_add_calendar_days(start, n, due, plain):
    assert add_calendar_days(start, n) == due
    assert add_calendar_days(start, n, roll_forward=False) == plain


def test_next_working_day():
    assert next_working_day(D(2026, 5, 8)) == D(2026, 5, 11)
    assert next_working_day(D(2026, 5, 11)) == D(2026, 5, 11)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        add_working_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError, match="cannot be negative"):
        add_calendar_days(D(2026, 1, 5), -1)
