# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers shared by the modules: working days, imported rows and the
values SQLite returns as text."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool


def add_working_days(date, days):
    """Return the date `days` working days after date, by the holiday
    calendar (social_assistance.holiday).

    Kept for the modules and scripts that import it: the calendar is data of
    the database (officers add each year's arrangement), so this needs a
    transaction and delegates to the model through the pool, where an
    overriding module's rule applies too."""
    Holiday = Pool().get('social_assistance.holiday')
    return Holiday.add_working_days(date, days)


class RowError(Exception):
    "A row of an imported file cannot be stored; the argument is the reason"


def parse_coordinate(raw, low, high, error, digits=None):
    """The number of the text raw, rounded to digits when given; raise
    error(value=raw, low=low, high=high) unless it lies in [low, high]"""
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not (low <= value <= high):
        raise error(value=raw, low=low, high=high)
    return round(value, digits) if digits is not None else value


# SQLite returns dates, timestamps and numerics computed in SQL (aggregates,
# expressions) as text or floats; PostgreSQL returns Python objects.
def sql_date(value):
    "The date of a date column or aggregate"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def sql_datetime(value):
    "The datetime of a timestamp column or aggregate"
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def sql_decimal(value):
    """The Decimal of a numeric expression, 0 for NULL; the floats SQLite
    gives are exact for the multiples of a half that quantities are"""
    return Decimal(str(value)) if value is not None else Decimal(0)
