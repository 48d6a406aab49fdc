# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change reports (DESIGN.md, Data model): the registry confirms a report,
which acts through the person's own paths, or dismisses it with a reason.
The reports of contractors' users are tested in care_visit
(test_change_report.py), where contracts and visits exist."""
import datetime as dt

from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import (
    ActivatedTestCase, acting_as, create_divisions, make_id_number)

REPORT = 'social_assistance.change_report'


class ChangeReportTestCase(ActivatedTestCase):
    "Change reports"

    def make_person(self, sequence='101'):
        Person = Pool().get('social_assistance.person')
        _, _, village = create_divisions(town_code='3715220' + sequence[:2])
        person, = Person.create([{'name': 'Person', 'division': village.id,
                    'id_number': make_id_number(sequence=sequence),
                    'start_date': dt.date(2020, 1, 1)}])
        return person

    def report(self, person, kind, date, text='Seen by the carer'):
        Report = Pool().get(REPORT)
        report, = Report.create([{'person': person.id, 'kind': kind,
                    'date': date, 'text': text}])
        return report

    @with_transaction()
    def test_reported_by_the_user(self):
        "The reporter and the day of the report are the system's"
        pool = Pool()
        Report = pool.get(REPORT)
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        person = self.make_person()
        with acting_as(admin):
            report, = Report.create([{'person': person.id, 'kind': 'other',
                        'date': dt.date(2025, 3, 1), 'text': 'Note',
                        'reported_on': dt.date(2000, 1, 1)}])
        self.assertEqual(report.reported_by, admin)
        self.assertEqual(report.reported_on, Pool().get('ir.date').today())
        self.assertEqual(report.state, 'reported')

    @with_transaction()
    def test_confirm_death(self):
        "Confirming a death records it: terminated, last day the day before"
        Report = Pool().get(REPORT)
        person = self.make_person()
        report = self.report(person, 'death', dt.date(2025, 3, 10))
        Report.confirm([report])
        self.assertEqual(report.state, 'confirmed')
        person = report.person
        self.assertEqual(person.state, 'terminated')
        self.assertEqual(person.termination_reason, 'death')
        self.assertEqual(person.death_date, dt.date(2025, 3, 10))
        self.assertEqual(person.end_date, dt.date(2025, 3, 9))
        self.assertIn('2025-03-09', report.outcome)

    @with_transaction()
    def test_confirm_hospital(self):
        "Confirming a hospital stay suspends the person from admission"
        Report = Pool().get(REPORT)
        person = self.make_person()
        report = self.report(person, 'hospital', dt.date(2025, 4, 2))
        Report.confirm([report])
        person = report.person
        self.assertEqual(person.state, 'suspended')
        suspension, = person.suspensions
        self.assertEqual(suspension.from_date, dt.date(2025, 4, 2))
        self.assertIsNone(suspension.to_date)
        self.assertFalse(person.is_active_on(dt.date(2025, 4, 2)))
        self.assertTrue(person.is_active_on(dt.date(2025, 4, 1)))
        self.assertIn('2025-04-02', report.outcome)

    @with_transaction()
    def test_confirm_self_care(self):
        """Confirming a change in self-care opens a reassessment due in 10
        working days by the holiday calendar (Spring Festival 2025)"""
        pool = Pool()
        Report = pool.get(REPORT)
        Assessment = pool.get('social_assistance.assessment')
        person = self.make_person()
        report = self.report(person, 'self_care', dt.date(2025, 1, 24),
            text='Cannot get out of bed')
        Report.confirm([report])
        assessment, = Assessment.search([('person', '=', person.id)])
        self.assertEqual(assessment.kind, 'reassessment')
        self.assertEqual(assessment.state, 'draft')
        self.assertEqual(assessment.reported_date, dt.date(2025, 1, 24))
        self.assertEqual(assessment.change, 'Cannot get out of bed')
        # DESIGN.md: 2025-01-24 + 10 working days = 2025-02-13
        self.assertEqual(assessment.due_date, dt.date(2025, 2, 13))
        self.assertIn('2025-02-13', report.outcome)

    @with_transaction()
    def test_confirm_moved_and_other(self):
        "A move tells the officer to terminate; nothing else changes"
        Report = Pool().get(REPORT)
        person = self.make_person()
        moved = self.report(person, 'moved', dt.date(2025, 5, 1))
        other = self.report(person, 'other', dt.date(2025, 5, 1))
        Report.confirm([moved, other])
        self.assertEqual(moved.person.state, 'active')
        self.assertTrue(moved.outcome)
        self.assertTrue(other.outcome)

    @with_transaction()
    def test_dismiss_needs_reason(self):
        "A report is dismissed with a reason only"
        Report = Pool().get(REPORT)
        person = self.make_person()
        report = self.report(person, 'death', dt.date(2025, 3, 10))
        with self.assertRaises(ValidationError) as cm:
            Report.dismiss([report])
        self.assertIn('reason', str(cm.exception))
        self.assertEqual(report.state, 'reported')
        report.dismissal_reason = 'Called the village: alive'
        report.save()
        Report.dismiss([report])
        self.assertEqual(report.state, 'dismissed')
        self.assertEqual(report.person.state, 'active')
        self.assertIsNone(report.person.death_date)
        # Decided: confirming a dismissed report does nothing
        Report.confirm([report])
        self.assertEqual(Report(report.id).state, 'dismissed')
        self.assertEqual(report.person.state, 'active')

    @with_transaction()
    def test_date_before_start(self):
        "An event before the support began is refused"
        person = self.make_person()
        with self.assertRaises(ValidationError):
            self.report(person, 'hospital', dt.date(2019, 12, 31))

