# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The facts of a visit that depend on nothing but the visit itself.

Datetimes are stored in UTC (as Tryton does); the rules read the Asia/Shanghai
calendar date of the start.  They are derived in Python where the row is
parsed, because the backends disagree on time zone arithmetic in SQL.
"""
import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo('Asia/Shanghai')
DAY_STARTS = dt.time(6, 0)
DAY_ENDS = dt.time(22, 0)
LATE_AFTER = dt.timedelta(days=3)


def today():
    "Today's date in Asia/Shanghai, the county's calendar"
    return dt.datetime.now(LOCAL).date()


def month_ended(month):
    """Whether the YYYY-MM month has ended: its last day lies before today
    in Asia/Shanghai (only such a month is settled or sampled)"""
    year, number = map(int, month.split('-'))
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return following <= today()


def to_local(value):
    "The Asia/Shanghai wall time of a naive UTC datetime"
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL)


def to_utc(value):
    """A naive UTC datetime from an aware one, or from a naive one read as
    Asia/Shanghai wall time"""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL)
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def derived(start, end, logged_at):
    """The stored facts of a visit from its UTC start, end and logging time:
    date, month, duration (minutes), flag_hours and flag_late"""
    local_start, local_end = to_local(start), to_local(end)
    date = local_start.date()
    seconds = (end - start).total_seconds()
    return {
        'date': date,
        'month': date.strftime('%Y-%m'),
        'duration': int(seconds // 60) if seconds > 0 else 0,
        # A visit running past midnight lies outside the day too
        'flag_hours': bool(local_start.time() < DAY_STARTS
            or local_end.date() != date
            or local_end.time() > DAY_ENDS),
        'flag_late': bool(logged_at and logged_at - end > LATE_AFTER),
        }
