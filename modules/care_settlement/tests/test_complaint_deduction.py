# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A substantiated complaint about a contract is deducted in the month it
was received like a failed inspection (DESIGN.md "Settlement rules")."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_settlement_rules import MONTH, twenty_meals
from .tools import ActivatedTestCase, create_employee
from .tools import create_world_with_books as create_world


class ComplaintDeductionTestCase(ActivatedTestCase):
    "Substantiated complaints in the settlement"

    def settlement(self, world):
        Settlement = Pool().get('care.settlement')
        Settlement.settle(MONTH, [world.contracts[0]])
        settlement, = Settlement.search([
                ('contract', '=', world.contracts[0].id),
                ('month', '=', MONTH)])
        return settlement

    def complaint(self, world, received, substantiated, answer=True):
        Complaint = Pool().get('care.complaint')
        complaint, = Complaint.create([{
                    'received_date': received,
                    'channel': 'hotline',
                    'contract': world.contracts[0].id,
                    'person': world.persons[0].id,
                    'matter': '助餐未送到',
                    'findings': '核实',
                    'substantiated': substantiated,
                    'answer_date': dt.date(2025, 4, 3),
                    }])
        if answer:
            Complaint.answer([complaint])
        return complaint

    @with_transaction()
    def test_substantiated_complaint_deducted_like_failed_check(self):
        """One substantiated complaint received in March takes off what
        one failed March inspection takes off; one not substantiated, not
        answered yet or received in April takes off nothing"""
        pool = Pool()
        Check = pool.get('care.check')
        world = create_world()
        twenty_meals(world)
        settlement = self.settlement(world)
        self.assertEqual((settlement.net, settlement.failed_checks),
            (Decimal('300.00'), 0))

        self.complaint(world, dt.date(2025, 3, 20), 'no')
        self.complaint(world, dt.date(2025, 4, 1), 'yes')
        # Not answered yet: not decided
        self.complaint(world, dt.date(2025, 3, 21), 'yes', answer=False)
        settlement = self.settlement(world)
        self.assertEqual((settlement.net, settlement.failed_checks),
            (Decimal('300.00'), 0))

        # The open settlement is recomputed at the answer
        self.complaint(world, dt.date(2025, 3, 20), 'yes')
        settlement = pool.get('care.settlement')(settlement.id)
        with_complaint = (settlement.deductions, settlement.net,
            settlement.failed_checks)
        self.assertEqual(with_complaint,
            (Decimal('200.00'), Decimal('100.00'), 1))

        # Compared with a failed inspection in place of the complaint
        employee = create_employee(world.company, '孙明远')
        check, = Check.create([{'contract': world.contracts[0].id,
                    'person': world.persons[0].id, 'month': MONTH,
                    'inspector': employee.id, 'date': dt.date(2025, 4, 2),
                    'reasons': '未上门'}])
        Check.record_fail([check])
        settlement = pool.get('care.settlement')(settlement.id)
        self.assertEqual((settlement.deductions, settlement.failed_checks),
            (Decimal('400.00'), 2))
