# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of months (YYYY-MM), the period of service lists, visits, checks
and settlements."""
import calendar
import datetime as dt
import re

from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool

MONTH = re.compile(r'^\d{4}-(0[1-9]|1[0-2])$')


def month_bounds(month):
    "The first and last day of a YYYY-MM month"
    year, number = map(int, month.split('-'))
    return (dt.date(year, number, 1),
        dt.date(year, number, calendar.monthrange(year, number)[1]))


def check_month(month):
    "Return month, or raise a ValidationError when it is not YYYY-MM"
    if not month or not MONTH.match(month):
        raise ValidationError(gettext(
                'care_procurement.msg_bad_month', month=month))
    return month


def current_month():
    "The month of today"
    return Pool().get('ir.date').today().strftime('%Y-%m')


def previous_month():
    "The month before today's: the last that may have ended"
    today = Pool().get('ir.date').today()
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime('%Y-%m')
