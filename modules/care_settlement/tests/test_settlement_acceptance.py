# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A failed 履约验收 of the contract is shown on every settlement awaiting
approval, and approving one asks to be confirmed (政府采购法实施条例
art. 45); a passed acceptance after it clears it."""
import datetime as dt

from trytond.exceptions import UserWarning
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import ActivatedTestCase, create_world_with_books, meals

MONTH = '2025-03'
# The refusals name the article (in Chinese once translated)
ARTICLE = 'Implementing Regulations of the Government Procurement Law, art. 45'
FINDINGS = '助餐服务多次未按计划送达。'


class SettlementAcceptanceTestCase(ActivatedTestCase):
    "Settlements of contracts whose acceptance failed"

    def accept(self, contract, result, date, findings=None):
        "A done acceptance of the contract's January and February"
        Acceptance = Pool().get('care.contract.acceptance')
        acceptance, = Acceptance.create([{
                    'contract': contract.id,
                    'kind': 'interim',
                    'period_from': dt.date(2025, 1, 1),
                    'period_to': dt.date(2025, 2, 28),
                    'date': date,
                    'members': [('create', [
                                {'name': '孙玉兰',
                                    'role': 'user_representative'}])],
                    'surveyed': 20,
                    'satisfied': 9 if result == 'fail' else 19,
                    'result': result,
                    'findings': findings,
                    'published_date': date,
                    }])
        Acceptance.done([acceptance])
        return acceptance

    def confirmed(self):
        "Both contracts' March settled and confirmed: (world, a, b)"
        Settlement = Pool().get('care.settlement')
        world = create_world_with_books()
        meals(world, 10, 5)
        Settlement.settle(MONTH)
        a, b = Settlement.search([('month', '=', MONTH)],
            order=[('contract.number', 'ASC')])
        Settlement.confirm([a, b])
        return world, a, b

    @with_transaction()
    def test_failed_acceptance_shown_and_warned(self):
        """The failed acceptance of contract A is shown on A's settlement
        (not B's); approving it asks to be confirmed, naming the contract
        and art. 45; once confirmed it is approved"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Warning = pool.get('res.user.warning')
        world, a, b = self.confirmed()
        self.accept(world.contracts[0], 'fail', dt.date(2025, 3, 10),
            FINDINGS)

        a, b = Settlement.browse([a.id, b.id])
        self.assertTrue(a.acceptance_failed)
        self.assertIn('HT-A', a.acceptance_warning)
        self.assertIn(FINDINGS, a.acceptance_warning)
        self.assertIn(ARTICLE, a.acceptance_warning)
        self.assertFalse(b.acceptance_failed)
        self.assertIsNone(b.acceptance_warning)

        # B is approved without a question
        Settlement.approve([b])
        self.assertEqual(Settlement(b.id).state, 'invoiced')

        with self.assertRaises(UserWarning) as cm:
            Settlement.approve([a])
        self.assertIn('HT-A', cm.exception.message)
        self.assertIn(ARTICLE, cm.exception.message)
        self.assertEqual(Settlement(a.id).state, 'confirmed')

        # The officer confirms: approved
        Warning.skip(cm.exception.name)
        Settlement.approve([Settlement(a.id)])
        a = Settlement(a.id)
        self.assertEqual(a.state, 'invoiced')
        # An approved settlement no longer awaits: nothing shown
        self.assertFalse(a.acceptance_failed)

    @with_transaction()
    def test_passed_acceptance_clears(self):
        "A passed acceptance after the failed one: nothing shown or asked"
        Settlement = Pool().get('care.settlement')
        world, a, b = self.confirmed()
        contract = world.contracts[0]
        self.accept(contract, 'fail', dt.date(2025, 3, 10), FINDINGS)
        self.assertTrue(Settlement(a.id).acceptance_failed)
        self.accept(contract, 'pass', dt.date(2025, 3, 25))
        self.assertFalse(Settlement(a.id).acceptance_failed)
        Settlement.approve([Settlement(a.id)])
        self.assertEqual(Settlement(a.id).state, 'invoiced')

    @with_transaction()
    def test_every_settlement_awaiting(self):
        "Draft, computed and confirmed settlements all show it"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world = create_world_with_books()
        meals(world, 10, 5)
        Settlement.settle(MONTH)
        self.accept(world.contracts[0], 'fail', dt.date(2025, 3, 10),
            FINDINGS)
        a, b = Settlement.search([('month', '=', MONTH)],
            order=[('contract.number', 'ASC')])
        self.assertEqual((a.state, a.acceptance_failed), ('computed', True))
        self.assertEqual((b.state, b.acceptance_failed), ('computed', False))
        # The form shows the warning on top, hidden unless failed
        arch = Settlement.fields_view_get(view_type='form')['arch']
        self.assertIn('acceptance_warning', arch)
        self.assertIn('acceptance_failed', arch)

    @with_transaction()
    def test_supervisor_prints_acceptance(self):
        "A supervisor prints the acceptance report"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        world, a, b = self.confirmed()
        acceptance = self.accept(world.contracts[0], 'pass',
            dt.date(2025, 3, 10))
        supervisor, = User.create([{
                    'login': 'supervisor', 'name': 'supervisor',
                    'groups': [('add', [ModelData.get_id(
                                    'care_visit', 'group_supervision')])],
                    'companies': [('add', [world.company.id])],
                    'company': world.company.id,
                    }])
        action_id = ModelData.get_id('care_procurement', 'report_acceptance')
        Report = pool.get('care.contract.acceptance.report', type='report')
        transaction = Transaction()
        with transaction.set_user(supervisor.id):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences, _check_access=True):
                extension, _, _, _ = Report.execute(
                    [acceptance.id], {'action_id': action_id})
        self.assertEqual(extension, 'odt')
