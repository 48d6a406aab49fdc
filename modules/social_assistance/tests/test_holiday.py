# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The holiday calendar and the working days it gives"
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.social_assistance.holiday import weekdays_between
from trytond.modules.social_assistance.tools import add_working_days
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import ActivatedTestCase, acting_as

D = dt.date


class HolidayTestCase(ActivatedTestCase):
    "Working days by the State Council's arrangements"

    def make_user(self, login, registry=False):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = []
        if registry:
            groups = [ModelData.get_id(
                    'social_assistance', 'group_registry')]
        user, = User.create([{'login': login, 'name': login,
                    'groups': [('add', groups)]}])
        return user

    @with_transaction()
    def test_design_examples(self):
        "The examples of DESIGN.md: the Spring Festival and National Day"
        Holiday = Pool().get('social_assistance.holiday')
        # Friday 2025-01-24: 01-26 (Sunday) is a make-up working day,
        # 01-28 to 02-04 the Spring Festival, 02-08 (Saturday) works
        self.assertEqual(Holiday.add_working_days(D(2025, 1, 24), 10),
            D(2025, 2, 13))
        # Friday 2024-09-27: 09-29 (Sunday) works, 10-01 to 10-07 National
        # Day, 10-12 (Saturday) works
        self.assertEqual(Holiday.add_working_days(D(2024, 9, 27), 10),
            D(2024, 10, 16))

    @with_transaction()
    def test_ordinary_weeks(self):
        "Without holidays the working days are Monday to Friday"
        Holiday = Pool().get('social_assistance.holiday')
        # Friday 2026-11-27 + 10 working days = Friday 2026-12-11
        self.assertEqual(Holiday.add_working_days(D(2026, 11, 27), 10),
            D(2026, 12, 11))
        # A Saturday counts from the next Monday
        self.assertEqual(Holiday.add_working_days(D(2026, 11, 28), 1),
            D(2026, 11, 30))
        self.assertEqual(Holiday.add_working_days(D(2026, 11, 28), 0),
            D(2026, 11, 28))

    @with_transaction()
    def test_is_working_day(self):
        "A make-up Saturday works, a holiday weekday does not"
        Holiday = Pool().get('social_assistance.holiday')
        for date, working in [
                (D(2025, 2, 8), True),  # Saturday, make-up working day
                (D(2025, 2, 15), False),  # Saturday
                (D(2025, 2, 3), False),  # Monday, Spring Festival
                (D(2025, 2, 5), True),  # Wednesday
                (D(2026, 10, 10), True),  # Saturday, make-up working day
                (D(2026, 10, 8), True),  # Thursday after National Day
                (D(2026, 1, 2), False),  # Friday, New Year
                ]:
            with self.subTest(date=date):
                self.assertEqual(Holiday.is_working_day(date), working)

    @with_transaction()
    def test_make_up_day_counts(self):
        "A make-up Saturday is a working day of a count"
        Holiday = Pool().get('social_assistance.holiday')
        # Friday 2024-05-10 + 1 = Saturday 2024-05-11 (调休上班)
        self.assertEqual(Holiday.add_working_days(D(2024, 5, 10), 1),
            D(2024, 5, 11))
        # Wednesday 2024-04-03 + 1: 04-04 to 04-06 Qingming, Sunday 04-07
        # works
        self.assertEqual(Holiday.add_working_days(D(2024, 4, 3), 1),
            D(2024, 4, 7))

    @with_transaction()
    def test_holiday_weekday_skipped(self):
        "A holiday on a weekday is not a working day of a count"
        Holiday = Pool().get('social_assistance.holiday')
        # Friday 2025-05-30 + 1: Monday 06-02 is the Dragon Boat Festival
        self.assertEqual(Holiday.add_working_days(D(2025, 5, 30), 1),
            D(2025, 6, 3))
        # Monday 2024-06-10, the Dragon Boat Festival, itself is skipped
        self.assertEqual(Holiday.add_working_days(D(2024, 6, 7), 1),
            D(2024, 6, 11))

    @with_transaction()
    def test_working_days_between(self):
        "Working days d with start < d <= end"
        Holiday = Pool().get('social_assistance.holiday')
        for start, end, count in [
                (D(2025, 1, 24), D(2025, 2, 13), 10),
                (D(2024, 9, 27), D(2024, 10, 16), 10),
                (D(2024, 9, 27), D(2024, 10, 15), 9),
                (D(2026, 11, 27), D(2026, 12, 11), 10),
                (D(2026, 11, 28), D(2026, 11, 30), 1),
                (D(2026, 11, 28), D(2026, 11, 29), 0),
                (D(2025, 2, 13), D(2025, 2, 13), 0),
                (D(2025, 2, 13), D(2025, 1, 24), 0),
                # a whole year: 248 working days in 2025
                (D(2024, 12, 31), D(2025, 12, 31), 248),
                ]:
            with self.subTest(start=start, end=end):
                self.assertEqual(
                    Holiday.working_days_between(start, end), count)
        # The two counts agree day after day over the shipped years
        start = D(2023, 12, 25)
        for days in range(0, 800, 7):
            end = Holiday.add_working_days(start, days)
            self.assertEqual(
                Holiday.working_days_between(start, end), days)

    def test_weekdays_between(self):
        "Monday to Friday counted without the calendar"
        monday = D(2026, 11, 30)
        for offset in range(7):
            start = monday + dt.timedelta(days=offset)
            for days in range(30):
                end = start + dt.timedelta(days=days)
                expected = sum(
                    1 for i in range(1, days + 1)
                    if (start + dt.timedelta(days=i)).weekday() < 5)
                self.assertEqual(
                    weekdays_between(start, end), expected, (start, end))

    @with_transaction()
    def test_cached(self):
        "The calendar is read once, not at every count"
        Holiday = Pool().get('social_assistance.holiday')
        Holiday.is_working_day(D(2025, 1, 1))
        hits = Holiday._calendar_cache.hit
        for days in range(20):
            Holiday.add_working_days(D(2025, 1, 24), days)
        self.assertEqual(Holiday._calendar_cache.hit, hits + 20)

    @with_transaction()
    def test_tools_delegate(self):
        "tools.add_working_days counts by the calendar"
        self.assertEqual(add_working_days(D(2025, 1, 24), 10),
            D(2025, 2, 13))

    @with_transaction()
    def test_officer_adds_year(self):
        "The registry adds a later year: counts follow at once"
        Holiday = Pool().get('social_assistance.holiday')
        officer = self.make_user('officer', registry=True)
        # Thursday 2026-12-31 + 1: Friday 2027-01-01 is not known yet
        self.assertEqual(Holiday.add_working_days(D(2026, 12, 31), 1),
            D(2027, 1, 1))
        with acting_as(officer):
            holiday, = Holiday.create([{'date': D(2027, 1, 1),
                        'kind': 'holiday', 'name': 'New Year'}])
        self.assertFalse(Holiday.is_working_day(D(2027, 1, 1)))
        self.assertEqual(Holiday.add_working_days(D(2026, 12, 31), 1),
            D(2027, 1, 4))
        self.assertEqual(
            Holiday.working_days_between(D(2026, 12, 31), D(2027, 1, 4)), 1)
        # and a make-up Saturday written over it works
        with acting_as(officer):
            Holiday.write([holiday], {'date': D(2027, 1, 2),
                    'kind': 'workday'})
        self.assertEqual(Holiday.add_working_days(D(2026, 12, 31), 2),
            D(2027, 1, 2))
        with acting_as(officer):
            Holiday.delete([holiday])
        self.assertEqual(Holiday.add_working_days(D(2026, 12, 31), 2),
            D(2027, 1, 4))

    @with_transaction()
    def test_access(self):
        "Everyone reads the calendar; only the registry changes it"
        Holiday = Pool().get('social_assistance.holiday')
        reader = self.make_user('reader')
        with acting_as(reader):
            self.assertTrue(Holiday.search([('date', '=', D(2025, 1, 28))]))
            self.assertFalse(Holiday.is_working_day(D(2025, 1, 28)))
            with self.assertRaises(AccessError):
                Holiday.create([{'date': D(2027, 1, 1), 'kind': 'holiday'}])

    @with_transaction()
    def test_shipped_calendar(self):
        "2024 to 2026 are shipped, one record a day"
        Holiday = Pool().get('social_assistance.holiday')
        holidays = Holiday.search([])
        self.assertEqual(
            {h.date.year for h in holidays}, {2024, 2025, 2026})
        self.assertEqual(len(holidays), len({h.date for h in holidays}))
        # Every make-up working day falls on a weekend
        self.assertTrue(all(h.date.weekday() >= 5
                for h in holidays if h.kind == 'workday'))
        # The National Day week of 2025 includes the Mid-Autumn Festival
        self.assertEqual(len(Holiday.search([
                        ('date', '>=', D(2025, 10, 1)),
                        ('date', '<=', D(2025, 10, 8)),
                        ('kind', '=', 'holiday'),
                        ])), 8)
