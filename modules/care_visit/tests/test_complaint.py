# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Complaints (DESIGN.md "Complaints"): answered within 15 working days by
the holiday calendar; a substantiated one opens a rectification as a failed
inspection does; contractors read the answered ones about their contracts;
the statistics count them and the satisfaction of the inspections."""
import datetime as dt
from contextlib import contextmanager

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, ReportTestMixin, create_world

D = dt.date


class ComplaintTestCase(ReportTestMixin, ActivatedTestCase):
    "Complaints and phone follow-ups"

    def complaint(self, world, contract=0, **values):
        Complaint = Pool().get('care.complaint')
        values.setdefault('received_date', D(2025, 3, 10))
        complaint, = Complaint.create([dict({
                        'channel': 'hotline',
                        'complainant': '张明',
                        'complainant_phone': '13800000000',
                        'person': world.persons[0].id,
                        'contract': (world.contracts[contract].id
                            if contract is not None else None),
                        'matter': '助餐送餐不及时',
                        }, **values)])
        return complaint

    @contextmanager
    def as_user(self, user_id):
        User = Pool().get('res.user')
        transaction = Transaction()
        with transaction.set_user(user_id):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences, _check_access=True):
                yield

    @with_transaction()
    def test_answer_deadline_holiday_calendar(self):
        """Received Friday 2025-09-26: 15 working days count the make-up
        days 09-28 and 10-11 and skip 国庆 10-01 to 10-08"""
        world = create_world()
        complaint = self.complaint(world, received_date=D(2025, 9, 26))
        self.assertEqual(complaint.answer_deadline, D(2025, 10, 23))
        self.assertEqual(complaint.month, '2025-09')
        # Moving the received date moves the deadline
        complaint.received_date = D(2025, 3, 10)
        complaint.save()
        self.assertEqual(complaint.answer_deadline, D(2025, 3, 31))
        self.assertEqual(complaint.month, '2025-03')

    @with_transaction()
    def test_answer_days_configured(self):
        "The answer days are the configuration's"
        Configuration = Pool().get('care.configuration')
        world = create_world()
        configuration = Configuration(1)
        configuration.complaint_answer_days = 5
        configuration.save()
        complaint = self.complaint(world, received_date=D(2025, 3, 10))
        self.assertEqual(complaint.answer_deadline, D(2025, 3, 17))

    @with_transaction()
    def test_answer_incomplete_refused(self):
        "No answer without findings, nor before deciding the substance"
        Complaint = Pool().get('care.complaint')
        world = create_world()
        complaint = self.complaint(world, substantiated='no')
        with self.assertRaises(ValidationError) as cm:
            Complaint.answer([complaint])
        self.assertEqual(cm.exception.message, gettext(
                'care_visit.msg_complaint_answer_incomplete',
                complaint=complaint.rec_name))
        complaint.substantiated = None
        complaint.findings = '核实送餐延误半小时'
        complaint.save()
        with self.assertRaises(ValidationError):
            Complaint.answer([complaint])
        self.assertEqual(complaint.state, 'open')

    @with_transaction()
    def test_substantiated_needs_contract(self):
        "A substantiated complaint is charged to a contract"
        world = create_world()
        complaint = self.complaint(world, contract=None,
            findings='核实属实')
        complaint.substantiated = 'yes'
        with self.assertRaises(ValidationError):
            complaint.save()

    @with_transaction()
    def test_substantiated_opens_rectification(self):
        """A substantiated complaint opens a rectification due 10 working
        days after the answer; a complaint not substantiated opens none"""
        pool = Pool()
        Complaint = pool.get('care.complaint')
        Rectification = pool.get('care.rectification')
        world = create_world()
        held = self.complaint(world, findings='核实送餐延误，情况属实',
            substantiated='yes', answer_date=D(2025, 3, 14))
        dismissed = self.complaint(world, contract=1,
            person=world.persons[3].id, findings='经核实按时送餐',
            substantiated='no')
        Complaint.answer([held, dismissed])
        self.assertEqual((held.state, dismissed.state),
            ('answered', 'answered'))
        self.assertEqual(dismissed.answer_date,
            pool.get('ir.date').today())
        rectification, = Rectification.search([])
        self.assertEqual(rectification.complaint, held)
        self.assertIsNone(rectification.check)
        self.assertEqual(rectification.contract, world.contracts[0])
        self.assertEqual(rectification.person, world.persons[0])
        self.assertEqual(rectification.requirement, held.findings)
        self.assertEqual(rectification.deadline, D(2025, 3, 28))
        self.assertEqual(rectification.state, 'open')
        self.assertEqual(held.rectifications, (rectification,))
        self.assertEqual(dismissed.rectifications, ())
        # Its notice prints the complaint's findings and month
        content = self.execute('care.rectification.notice',
            [rectification.id])
        self.assertIn(held.findings, content)
        self.assertIn(world.persons[0].name, content)

        # Answered: kept as it was
        with Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError) as cm:
                Complaint.write([held], {'findings': '改写'})
        self.assertEqual(cm.exception.message, gettext(
                'care_visit.msg_complaint_answered',
                complaint=held.rec_name))

    @with_transaction()
    def test_contractor_sees_answered_own(self):
        """A contractor reads the answered complaints about its own
        contracts only; registry and procurement read all"""
        pool = Pool()
        Complaint = pool.get('care.complaint')
        world = create_world()
        answered_a = self.complaint(world, findings='属实',
            substantiated='no')
        self.complaint(world)
        answered_b = self.complaint(world, contract=1,
            person=world.persons[3].id, findings='不属实',
            substantiated='no')
        Complaint.answer([answered_a, answered_b])
        contractor_a = self.create_user('contractor_a',
            [('care_procurement', 'group_contractor')],
            contractor=world.contractors[0])
        registry = self.create_user('registry',
            [('social_assistance', 'group_registry')])
        supervisor = self.create_user('supervisor',
            [('care_visit', 'group_supervision')])
        with self.as_user(contractor_a):
            self.assertEqual(Complaint.search([]), [answered_a])
            with self.assertRaises(Exception):
                Complaint.create([{
                            'received_date': D(2025, 3, 1),
                            'matter': 'x',
                            }])
        with self.as_user(registry):
            self.assertEqual(len(Complaint.search([])), 3)
            with self.assertRaises(Exception):
                Complaint.write(Complaint.search([]), {'matter': 'x'})
        with self.as_user(supervisor):
            complaint, = Complaint.create([{
                        'received_date': D(2025, 3, 2),
                        'channel': 'phone',
                        'matter': '服务人员态度差',
                        'contract': world.contracts[0].id,
                        'findings': '不属实',
                        'substantiated': 'no',
                        }])
            Complaint.answer([complaint])

    @with_transaction()
    def test_statistics(self):
        """The month's complaints per contractor (received, substantiated)
        and the satisfaction of the inspections asked (4 or 5 of 5)"""
        pool = Pool()
        Complaint = pool.get('care.complaint')
        Check = pool.get('care.check')
        CheckStatistics = pool.get('care.check.statistics')
        ComplaintStatistics = pool.get('care.complaint.statistics')
        world = create_world()
        held = self.complaint(world, findings='属实', substantiated='yes')
        self.complaint(world, channel='phone')
        self.complaint(world, contract=1, person=world.persons[3].id)
        # Another month, and a complaint about no contract: not counted
        self.complaint(world, received_date=D(2025, 4, 2))
        self.complaint(world, contract=None)
        Complaint.answer([held])
        Check.create([{
                    'contract': world.contracts[0].id,
                    'person': world.persons[p].id,
                    'month': '2025-03',
                    'method': method,
                    'satisfaction': satisfaction,
                    } for p, method, satisfaction in [
                    (0, 'phone', '5'), (1, 'phone', '4'),
                    (2, 'phone', '2'), (0, 'onsite', None)]])
        with Transaction().set_context(month='2025-03'):
            rows = {r.contractor: r for r in ComplaintStatistics.search([])}
            self.assertEqual(
                {c: (r.received, r.substantiated, r.answered)
                    for c, r in rows.items()},
                {world.contractors[0]: (2, 1, 1),
                    world.contractors[1]: (1, 0, 0)})
            row, = CheckStatistics.search([])
            self.assertEqual((row.asked, row.satisfied), (3, 2))
            self.assertAlmostEqual(row.satisfaction_rate, 2 / 3)
