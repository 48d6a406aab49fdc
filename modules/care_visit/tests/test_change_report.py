# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change reports of contractors' users and supervisors (DESIGN.md, Data
model and Access), and the visits of a person reported dead, flagged at
once (Visit rules, online supervision flags)."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.social_assistance.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import (
    ActivatedTestCase, ReportTestMixin, create_visits, create_world)

REPORT = 'social_assistance.change_report'
CONTRACTOR = ('care_procurement', 'group_contractor')
SUPERVISION = ('care_visit', 'group_supervision')
REGISTRY = ('social_assistance', 'group_registry')


class ChangeReportTestCase(ReportTestMixin, ActivatedTestCase):
    "Change reports of contractors and the reported-dead flag"

    def setup_world(self):
        world = create_world()
        world.user_a = self.create_user('carer_a', [CONTRACTOR],
            world.contractors[0])
        world.user_a2 = self.create_user('carer_a2', [CONTRACTOR],
            world.contractors[0])
        world.user_b = self.create_user('carer_b', [CONTRACTOR],
            world.contractors[1])
        world.supervisor = self.create_user('supervisor', [SUPERVISION])
        world.registry = self.create_user('registry', [REGISTRY])
        return world

    def report_as(self, user, person, kind='death', date=dt.date(2025, 3, 10),
            text='Found dead by the carer'):
        Report = Pool().get(REPORT)
        with acting_as(user):
            report, = Report.create([{'person': person.id, 'kind': kind,
                        'date': date, 'text': text}])
        return Report(report.id)

    @with_transaction()
    def test_contractor_reports_on_assigned_persons_only(self):
        """A contractor's user reports on a person assigned to its running
        contract; on another contractor's person it is refused"""
        world = self.setup_world()
        report = self.report_as(world.user_a, world.persons[0])
        self.assertEqual(report.contractor, world.contractors[0])
        self.assertEqual(report.reported_by.id, world.user_a)
        self.assertEqual(report.state, 'reported')
        # Person 3 is assigned to B's contract only
        with self.assertRaises(AccessError) as cm:
            self.report_as(world.user_a, world.persons[3])
        self.assertIn(world.persons[3].name, str(cm.exception))
        self.assertIn(world.contractors[0].rec_name, str(cm.exception))

    @with_transaction()
    def test_contractor_reports_on_ended_assignment_refused(self):
        "An assignment that has ended is no current assignment"
        Assignment = Pool().get('care.contract.assignment')
        world = self.setup_world()
        assignment, = Assignment.search([
                ('person', '=', world.persons[1].id)])
        assignment.end_date = dt.date(2025, 6, 30)
        assignment.save()
        with self.assertRaises(AccessError):
            self.report_as(world.user_a, world.persons[1])
        # The other persons of the contract are still assigned
        self.report_as(world.user_a, world.persons[2])

    @with_transaction()
    def test_contractor_cannot_decide(self):
        "Neither the buttons nor a write let a contractor decide a report"
        Report = Pool().get(REPORT)
        world = self.setup_world()
        report = self.report_as(world.user_a, world.persons[0])
        with acting_as(world.user_a):
            with self.assertRaises(AccessButtonError):
                Report.confirm([Report(report.id)])
            with self.assertRaises(AccessButtonError):
                Report.dismiss([Report(report.id)])
            with self.assertRaises(AccessError):
                Report.write([Report(report.id)], {'state': 'confirmed'})
            with self.assertRaises(AccessError):
                Report.write([Report(report.id)], {'outcome': 'Done'})
            # A pending report it may still correct
            Report.write([Report(report.id)], {'text': 'Died in the night'})
        self.assertEqual(Report(report.id).state, 'reported')
        self.assertEqual(report.person.state, 'active')

    @with_transaction()
    def test_registry_confirms_contractor_report(self):
        """The registry confirms: the death is recorded; the contractor's
        users see the outcome of their reports, others' not at all"""
        Report = Pool().get(REPORT)
        world = self.setup_world()
        death = self.report_as(world.user_a, world.persons[0])
        other = self.report_as(world.user_b, world.persons[3],
            kind='hospital')
        by_supervisor = self.report_as(world.supervisor, world.persons[1],
            kind='self_care', text='Can no longer wash')
        with acting_as(world.registry):
            Report.confirm([Report(death.id)])
        person = Report(death.id).person
        self.assertEqual(person.state, 'terminated')
        self.assertEqual(person.death_date, dt.date(2025, 3, 10))
        self.assertEqual(person.end_date, dt.date(2025, 3, 9))
        with acting_as(world.user_a2):
            # A colleague of the same contractor sees it, with the outcome
            reports = Report.search([])
            self.assertEqual([r.id for r in reports], [death.id])
            self.assertEqual(reports[0].state, 'confirmed')
            self.assertTrue(reports[0].outcome)
            with self.assertRaises(AccessError):
                Report.read([other.id], ['outcome'])
            with self.assertRaises(AccessError):
                Report.read([by_supervisor.id], ['text'])
            # Decided: the reporter changes it no more
            with self.assertRaises(AccessError):
                Report.write([Report(death.id)], {'text': 'Changed'})
        with acting_as(world.user_b):
            self.assertEqual(
                [r.id for r in Report.search([])], [other.id])
        with acting_as(world.supervisor):
            self.assertEqual(len(Report.search([])), 3)

    @with_transaction()
    def test_visit_after_reported_death_flagged(self):
        """The visits on or after a reported death are flagged at once,
        before confirmation; dismissing the report clears the flag"""
        Report = Pool().get(REPORT)
        Visit = Pool().get('care.visit')
        world = self.setup_world()
        before, on_day, after = create_visits(world,
            ('V1', '2025-03-09 09:00', '2025-03-09 10:00', {}),
            ('V2', '2025-03-10 09:00', '2025-03-10 10:00', {}),
            ('V3', '2025-03-12 09:00', '2025-03-12 10:00', {}))
        self.assertFalse(any(v.flagged for v in Visit.browse(
                        [before, on_day, after])))
        report = self.report_as(world.user_a, world.persons[0])
        before, on_day, after = Visit.browse([before, on_day, after])
        self.assertFalse(before.flag_reported_dead)
        self.assertFalse(before.flagged)
        for visit in [on_day, after]:
            self.assertTrue(visit.flag_reported_dead)
            self.assertTrue(visit.flagged)
            self.assertIn('reported_dead', visit.flags)
            # A flag, no rejection, until the death is confirmed
            self.assertEqual(visit.state, 'accepted')
        report = Report(report.id)
        report.dismissal_reason = 'Alive: the carer mistook the house'
        report.save()
        Report.dismiss([report])
        self.assertFalse(any(v.flag_reported_dead for v in Visit.browse(
                        [before, on_day, after])))

    @with_transaction()
    def test_visit_after_confirmed_death(self):
        """Confirmed, the death also rejects the later visits: recording it
        ends the person's assignments, so rule 4 fails first"""
        Report = Pool().get(REPORT)
        Visit = Pool().get('care.visit')
        world = self.setup_world()
        report = self.report_as(world.user_a, world.persons[0])
        visit, = create_visits(world,
            ('V1', '2025-03-11 09:00', '2025-03-11 10:00', {}))
        self.assertTrue(Visit(visit.id).flag_reported_dead)
        Report.confirm([report])
        visit = Visit(visit.id)
        self.assertTrue(visit.flag_reported_dead)
        self.assertEqual(visit.state, 'rejected')
        self.assertEqual(visit.reason, 'not_assigned')
