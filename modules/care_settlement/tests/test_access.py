# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who sees and does what with settlements and money (DESIGN.md Access):
procurement approves and sees the invoice and the reconciliation; the
finance bureau pays and reconciles but approves nothing; a contractor sees its own settlements,
confirms them, and sees neither invoices, payments nor the reconciliation.
Every check runs as a real user with access checks on, as RPC does."""
import unittest
from contextlib import contextmanager

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .tools import create_world_with_books, meals

MONTH = '2025-03'
FINANCE_GROUPS = [('care_settlement', 'group_finance'),
    ('account', 'group_account'), ('account_payment', 'group_payment'),
    ('account_payment', 'group_payment_approval'),
    ('account_statement', 'group_statement')]


class SettlementAccessTestCase(unittest.TestCase):
    "Procurement, finance and contractors' access to settlements and money"

    @classmethod
    def setUpClass(cls):
        activate_module('care_settlement')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def users(self, world):
        "officer, finance clerk, contractor A's and B's users"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')

        def groups(*xml_ids):
            return [('add', [ModelData.get_id(*x) for x in xml_ids])]
        company = world.company.id
        contractor = ('care_procurement', 'group_contractor')
        return User.create([{
                    'login': login, 'name': login, 'groups': group_ids,
                    'companies': [('add', [company])], 'company': company,
                    'care_contractor': party,
                    } for login, group_ids, party in [
                    ('officer', groups(
                            ('care_procurement', 'group_procurement')),
                        None),
                    ('clerk', groups(*FINANCE_GROUPS), None),
                    ('contractor_a', groups(contractor),
                        world.contractors[0].id),
                    ('contractor_b', groups(contractor),
                        world.contractors[1].id),
                    ]])

    @contextmanager
    def as_user(self, user):
        "Act as the user, with its context and access checks, as RPC does"
        User = Pool().get('res.user')
        transaction = Transaction()
        with transaction.set_user(user.id):
            preferences = User.get_preferences(context_only=True)
            with transaction.set_context(preferences, _check_access=True):
                yield

    def settled(self):
        "Both contracts settled for the month and confirmed"
        pool = Pool()
        Settlement = pool.get('care.settlement')
        world = create_world_with_books()
        meals(world, 6, 3)
        Settlement.settle(MONTH)
        settlements = Settlement.search([], order=[('contract.number', 'ASC')])
        Settlement.confirm(settlements)
        return world, settlements

    @with_transaction()
    def test_approve_pay_reconcile(self):
        """Only procurement approves, only finance pays; both see the
        invoice and the reconciliation"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Reconciliation = pool.get('care.settlement.reconciliation')
        world, (a, b) = self.settled()
        officer, clerk, _contractor_a, _contractor_b = self.users(world)

        with self.as_user(clerk):
            with self.assertRaises(AccessButtonError):
                Settlement.approve([Settlement(a.id)])
        with self.as_user(officer):
            Settlement.approve(Settlement.browse([a.id, b.id]))
            a = Settlement(a.id)
            self.assertEqual(a.state, 'invoiced')
            self.assertEqual(a.invoice.total_amount, a.net)
            with self.assertRaises(AccessButtonError):
                Settlement.pay_button([a])
            # the officer follows the payments too
            self.assertEqual(len(Reconciliation.search([])), 2)
        with self.as_user(clerk):
            Settlement.pay_button(Settlement.browse([a.id]))
            rows = Reconciliation.search([('month', '=', MONTH)])
            self.assertEqual({r.settlement.id: r.status for r in rows},
                {a.id: 'unpaid', b.id: 'unpaid'})
            with self.assertRaises(AccessError):
                Settlement.write([Settlement(a.id)], {'month': '2025-04'})

    @with_transaction()
    def test_contractor_sees_its_own_only(self):
        """A contractor confirms its own settlement and sees nothing of
        the money beyond the settled amounts"""
        pool = Pool()
        Settlement = pool.get('care.settlement')
        Reconciliation = pool.get('care.settlement.reconciliation')
        Invoice = pool.get('account.invoice')
        Payment = pool.get('account.payment')
        world, (a, b) = self.settled()
        Settlement.approve([a, b])
        _officer, _clerk, contractor_a, _contractor_b = self.users(world)

        with self.as_user(contractor_a):
            self.assertEqual(Settlement.search([]), [Settlement(a.id)])
            own = Settlement(a.id)
            self.assertEqual(own.net, a.net)
            # its invoice is the bureau's book, not the contractor's
            for read in [
                    lambda: Settlement.read([a.id], ['invoice']),
                    lambda: Settlement.search([('invoice', '!=', None)]),
                    lambda: Invoice.search([]),
                    lambda: Payment.search([]),
                    lambda: Reconciliation.search([]),
                    ]:
                with self.subTest(read=read):
                    with self.assertRaises(AccessError):
                        read()
            with self.assertRaises(AccessButtonError):
                Settlement.approve([own])
            with self.assertRaises(AccessButtonError):
                Settlement.pay_button([own])
            # another contractor's settlement is out of reach
            with self.assertRaises(AccessError):
                Settlement.read([b.id], ['net'])
