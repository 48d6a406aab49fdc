# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The holiday calendar: which days are working days.

Every count of working days in the modules (reassessments, procurement
notices and challenges, rectifications, complaints) goes through the
classmethods of Holiday, so that the State Council's yearly arrangement
(public holidays and the make-up working days, 调休) is honoured.
"""
import datetime as dt

from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.transaction import Transaction

from .tools import sql_date

KINDS = [
    ('holiday', "Public Holiday"),
    ('workday', "Make-up Working Day"),
    ]
# The values of date.weekday()
WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


def weekdays_between(start, end):
    "The number of days d from Monday to Friday with start < d <= end"
    days = (end - start).days
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    count = 5 * weeks
    # the remaining days are the `rest` days that follow start + weeks
    weekday = start.weekday()
    for i in range(1, rest + 1):
        if (weekday + i) % 7 < 5:
            count += 1
    return count


class Holiday(ModelSQL, ModelView):
    __name__ = 'social_assistance.holiday'
    __string__ = "Holiday Arrangement"

    date = fields.Date("Date", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True,
        help="A public holiday is not a working day even on a weekday; "
        "a make-up working day is one even on a weekend.")
    name = fields.Char("Name",
        help="The holiday the day belongs to, as the State Council names it.")
    weekday = fields.Function(
        fields.Selection(WEEKDAYS, "Weekday"), 'on_change_with_weekday')

    # The whole calendar of the database, {date: kind}: a few hundred rows
    # that every working-day count reads, often many times a transaction.
    # Not per context: the calendar is the same for every user and language.
    _calendar_cache = Cache(
        'social_assistance_holiday.calendar', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            # its index serves the searches by date too
            ('date_unique', Unique(t, t.date),
                'social_assistance.msg_holiday_date_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def default_kind(cls):
        return 'holiday'

    @fields.depends('date')
    def on_change_with_weekday(self, name=None):
        # Shown beside the date: a make-up working day falls on a weekend,
        # which the officer checks against the State Council's notice
        if self.date:
            return str(self.date.weekday())

    def get_rec_name(self, name):
        date = self.date.isoformat() if self.date else ''
        return f'{date} {self.name}' if self.name else date

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        return [('name', operator, operand, *extra)]

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._calendar_cache.clear()

    @classmethod
    def _calendar(cls):
        "The {date: kind} of every holiday and make-up working day"
        calendar = cls._calendar_cache.get(None)
        if calendar is not None:
            return calendar
        # Read in SQL: the calendar is public to every user, and counts are
        # made in contexts (contractors' sessions, record rules) where the
        # ORM's access checks and rules have nothing to add
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.date, table.kind))
        calendar = {sql_date(d): k for d, k in cursor}
        return cls._calendar_cache.set(None, calendar)

    @classmethod
    def is_working_day(cls, date):
        """Whether date is a working day: Monday to Friday unless a public
        holiday, and every make-up working day"""
        kind = cls._calendar().get(date)
        if kind == 'holiday':
            return False
        if kind == 'workday':
            return True
        return date.weekday() < 5

    @classmethod
    def add_working_days(cls, date, days):
        """The date that is `days` working days after date (date itself for
        0): the day on which a deadline of `days` working days falls"""
        assert days >= 0, days
        calendar = cls._calendar()
        one = dt.timedelta(days=1)
        while days > 0:
            date += one
            kind = calendar.get(date)
            if kind == 'workday' or (
                    kind != 'holiday' and date.weekday() < 5):
                days -= 1
        return date

    @classmethod
    def working_days_between(cls, start, end):
        """The number of working days d with start < d <= end (0 when end is
        not after start): how many working days have passed since start"""
        if end <= start:
            return 0
        count = weekdays_between(start, end)
        # Correct the weekdays by the calendar's exceptions in the range
        for date, kind in cls._calendar().items():
            if start < date <= end:
                if kind == 'holiday' and date.weekday() < 5:
                    count -= 1
                elif kind == 'workday' and date.weekday() >= 5:
                    count += 1
        return count
