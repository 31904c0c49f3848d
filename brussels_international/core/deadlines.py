"""Date rules of the deadlines radar: working days in the Brussels-Capital Region.

Pure functions, no database. Public holidays are Belgium's legal public holidays from the
``holidays`` package (``holidays.country_holidays("BE")``: New Year, Easter Monday, 1 May,
Ascension, Whit Monday, 21 July, 15 August, 1 and 11 November, Christmas; Royal Decree of
18 April 1974 on public holidays) plus the regional holiday of the Brussels-Capital Region,
8 May, Iris Day ("Fête de l'Iris / Irisfeest"), a holiday of the Brussels regional public
services (statute of the Brussels regional civil service), which the package lacks.
Saturdays and Sundays are not working days.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

IRIS_DAY = (5, 8)
"""(month, day) of Iris Day, the holiday of the Brussels-Capital Region's public services."""
IRIS_DAY_NAME = "Fête de l'Iris / Irisfeest"


@cache
def _holidays_of(year: int) -> dict[dt.date, str]:
    days: dict[dt.date, str] = dict(holidays.country_holidays("BE", years=year).items())
    iris = dt.date(year, *IRIS_DAY)
    days.setdefault(iris, IRIS_DAY_NAME)
    return days


def public_holidays(year: int) -> dict[dt.date, str]:
    """Return ``{date: name}`` of the public holidays observed in Brussels in *year*.

    Source: ``holidays.country_holidays("BE")`` (Belgian legal public holidays) plus
    8 May, Iris Day, the regional holiday of the Brussels-Capital Region.
    """
    return dict(_holidays_of(year))


def is_working_day(d: dt.date) -> bool:
    """Whether *d* is a working day in Brussels: Monday to Friday and not a public holiday.

    Args:
        d: the calendar date.

    Source: see :func:`public_holidays`.
    """
    return d.weekday() < 5 and d not in _holidays_of(d.year)


def next_working_day(d: dt.date) -> dt.date:
    """Return *d* if it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d


def add_working_days(start: dt.date, n: int) -> dt.date:
    """Return the *n*-th working day after *start* (*start* itself is not counted).

    ``add_working_days(d, 0)`` is *d*. Used for time limits expressed in working days
    ("within 10 working days of receipt").

    Args:
        start: the day of the event that starts the time limit.
        n: number of working days, ``>= 0``.

    Raises:
        ValueError: *n* is negative.
    """
    if n < 0:
        raise ValueError("The number of working days cannot be negative.")
    d = start
    for _ in range(n):
        d += dt.timedelta(days=1)
        while not is_working_day(d):
            d += dt.timedelta(days=1)
    return d


def add_calendar_days(start: dt.date, n: int, *, roll_forward: bool = True) -> dt.date:
    """Return the due date of a time limit of *n* calendar days starting on *start*.

    The day of the event is not counted and the last day is included; when the last day is a
    Saturday, a Sunday or a public holiday, the time limit ends on the next working day
    (Belgian Judicial Code, art. 52 and 53; set ``roll_forward=False`` for plain date arithmetic).

    Args:
        start: the day of the event that starts the time limit.
        n: number of calendar days, ``>= 0``.
        roll_forward: move a due date on a non-working day to the next working day.

    Raises:
        ValueError: *n* is negative.
    """
    if n < 0:
        raise ValueError("The number of calendar days cannot be negative.")
    due = start + dt.timedelta(days=n)
    return next_working_day(due) if roll_forward else due
